// Command oracle-failover shows a price feed surviving three failing
// sources, step by step: one source spikes 30%, one goes stale, one returns
// errors until its circuit breaker opens. It prints what the feed did and
// why at every step and exits 0.
//
//	go run ./examples/oracle-failover
//	go run ./examples/oracle-failover -seed 7   # other price noise, the same failures
//
// -h says what the program does; a bad flag or a stray argument is
// refused with exit code 2.
//
// The run is deterministic: the simulated clock is a parameter, source noise
// comes from a seeded generator, and the failing source's breaker opens
// after a count of consecutive failures (not after a wall-clock time), so
// the same seed prints the same output every time.
package main

import (
	"io"
	"os"

	"github.com/failsafe-fi/failsafe/examples/internal/cli"
)

// usage is the header of -h: what the program does and how to run it.
const usage = `oracle-failover — a price feed surviving three failing sources, step by step.

Three sources quote ETH/USD once a minute for twelve minutes: one spikes
30%, one goes stale, one returns errors until its circuit breaker opens. A
two-tier feed (the median of three needing two, then any single source,
behind a 10% jump limit) decides at every step; the program prints what
each source returned, what each tier did and why, and what a reader of the
feed got. Same seed, same output.

Usage:
  go run ./examples/oracle-failover [flags]`

// main parses the flags and runs the scenario.
func main() {
	fs := cli.NewFlagSet("oracle-failover", usage)
	seed := fs.Int64("seed", 1, "seed for the simulated price noise (any integer)")
	err := cli.Parse(fs, os.Args[1:])
	if err == nil {
		err = run(os.Stdout, *seed)
	}
	cli.Exit("oracle-failover", err)
}

// run simulates the scenario and prints its report to w.
func run(w io.Writer, seed int64) error {
	steps, err := simulate(seed)
	if err != nil {
		return err
	}
	return report(w, steps)
}
