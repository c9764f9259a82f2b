package main

import (
	"os"

	"github.com/failsafe-fi/failsafe/examples/internal/cli"
)

// main parses the flags and runs the scenario.
func main() {
	cfg, err := parseFlags(os.Args[1:])
	if err == nil {
		_, err = Run(cfg, os.Stdout)
	}
	cli.Exit("ccp", err)
}
