// Command oracle-failover shows a price feed surviving three failing
// sources, step by step: one source spikes 30%, one goes stale, one returns
// errors until its circuit breaker opens. It prints what the feed did and
// why at every step and exits 0.
//
//	go run ./examples/oracle-failover
//
// The run is deterministic: the simulated clock is a parameter, source noise
// comes from a seeded generator, and the failing source's breaker opens
// after a count of consecutive failures (not after a wall-clock time), so
// the same seed prints the same output every time.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
)

func main() {
	seed := flag.Int64("seed", 1, "seed for the simulated price noise")
	flag.Parse()
	if err := run(os.Stdout, *seed); err != nil {
		fmt.Fprintln(os.Stderr, "oracle-failover:", err)
		os.Exit(1)
	}
}

// run simulates the scenario and prints its report to w.
func run(w io.Writer, seed int64) error {
	steps, err := simulate(seed)
	if err != nil {
		return err
	}
	return report(w, steps)
}
