// Command oracle-failover shows a price feed surviving three failing
// sources, step by step: one source spikes 30%, one goes stale, one returns
// errors until its circuit breaker opens. The feed is read on an L2, so
// then the L2 sequencer goes down for three minutes: every price is
// refused while it is down and through the grace period after it comes
// back, though the feed's own price is fine (oracle.Sequencer: Chainlink's
// sequencer-uptime feed as Aave's PriceOracleSentinel reads it). Each new
// price used passes a volatility-scaled band (breaker.Market with
// Volatility): it narrows while the market is quiet, widens with σ as the
// market swings, and an 8% drop beyond the width in force is refused and
// puts the market in its limit state, then a pause. It prints what the
// feed, the sequencer gate and the band did and why at every step and
// exits 0.
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
const usage = `oracle-failover — a price feed surviving three failing sources, an L2 sequencer
outage and a volatile market, step by step.

Three sources quote ETH/USD once a minute for 29 minutes. In part 1 one
spikes 30%, one goes stale, one returns errors until its circuit breaker
opens; a two-tier feed (the median of three needing two, then any single
source, behind a 10% jump limit) decides at every step. The feed is read
on an L2: in part 2 the sequencer goes down for three minutes, and prices
are refused while it is down and through a 3-minute grace period after it
comes back (Aave's PriceOracleSentinel), though the feed's price is fine.
Each new price used passes a volatility band (width 4 × σ, 1% to 10%): in
part 3 the market swings, the band widens with σ, and an 8% drop beyond
the width is refused and puts the market in its limit state, then a
pause. The program prints what each source returned, what each tier did
and why, what a reader of the feed got, the sequencer gate's answer, and
the band's σ and width in force. Same seed, same output.

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
