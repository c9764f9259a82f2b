package main

import (
	"os"

	"github.com/failsafe-fi/failsafe/examples/internal/cli"
)

// main parses the flags and runs the replay.
func main() {
	cfg, err := parseFlags(os.Args[1:])
	if err == nil {
		prog := cli.NewProgress()
		cfg.Progress = func(mech string, i, of int) {
			prog.Set("lending: replaying %s (%d of %d), %s…", mech, i, of, cli.Plural(cfg.Borrowers, "borrower"))
		}
		_, err = Run(cfg, prog.Writer(os.Stdout))
		prog.Done()
	}
	cli.Exit("lending", err)
}
