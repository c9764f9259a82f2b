package main

import (
	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/examples/internal/cli"
)

// usage is the header of -h: what the program does and how to run it.
const usage = `lending — Black Thursday (12 March 2020) replayed on an Aave-style lending pool.

ETH falls 43% in a day while the network is congested and keepers'
transactions land late. The same borrowers, keepers and network are run
five times: English auctions without a reserve (Maker's Flipper as it was
that day, where zero bids won), English auctions with a reserve price,
Dutch auctions with a falling price (the Clipper), Aave's fixed-spread
liquidation (no auction: collateral at the oracle price plus a bonus) and
Compound III's absorb (the protocol takes the account over and sells the
collateral at a discount). The pool is stress/lending's model. The
program prints each
run's worst auctions, a conservation check to 10⁻⁸, and the bad debt each
mechanism left. Same flags, same output.

Usage:
  go run ./examples/lending [flags]

Examples:
  go run ./examples/lending -v                  # every auction, not only the worst
  go run ./examples/lending -crash 0.6 -reserve 0.9
  go run ./examples/lending -seed 7 -borrowers 1000`

// parseFlags reads and checks the command line: every value is checked
// against Config's ranges here, and none silently becomes a default.
func parseFlags(args []string) (Config, error) {
	fs := cli.NewFlagSet("lending", usage)
	seed := fs.Int64("seed", 1, "seed for the borrowers, the keepers and the network (any integer)")
	borrowers := fs.Int("borrowers", 200, "number of borrowers `N` in the pool, 1 to 5,000 (5,000 take minutes; progress shows on a terminal)")
	crash := fs.String("crash", "0.43", "the day's fall `DEPTH` as a fraction of the opening price, in (0, 0.95]")
	reserve := fs.String("reserve", "0.8", "reserve `RATIO` of the protected English run (first bid ≥ lot × OSM × ratio), in (0, 1]")
	keepers := fs.Int("keepers", 5, "number of ordinary keepers `N`, 1 to 50 (a zero-bid bot is added)")
	verbose := fs.Bool("v", false, "list every auction, not only the worst")
	if err := cli.Parse(fs, args); err != nil {
		return Config{}, err
	}
	if *borrowers < 1 || *borrowers > 5000 {
		return Config{}, cli.Errorf("-borrowers %d: want 1 to 5,000", *borrowers)
	}
	if *keepers < 1 || *keepers > 50 {
		return Config{}, cli.Errorf("-keepers %d: want 1 to 50", *keepers)
	}
	depth, err := fraction("-crash", *crash, decimal.New(95, -2), "0.43 for a 43% fall")
	if err != nil {
		return Config{}, err
	}
	res, err := fraction("-reserve", *reserve, decimal.New(1, 0), "0.8 for 80% of the oracle price")
	if err != nil {
		return Config{}, err
	}
	return Config{Seed: *seed, Borrowers: *borrowers, Depth: depth, Reserve: res, Keepers: *keepers, Verbose: *verbose}, nil
}

// fraction parses a flag's value as a decimal in (0, hi] with at most 8
// places.
func fraction(name, s string, hi decimal.Decimal, example string) (decimal.Decimal, error) {
	d, err := decimal.NewFromString(s)
	switch {
	case err != nil:
		return d, cli.Errorf("%s %q: not a number (want e.g. %s)", name, s, example)
	case d.Sign() <= 0 || d.GreaterThan(hi):
		return d, cli.Errorf("%s %s: want more than 0 and at most %s", name, s, hi)
	case d.Exponent() < -8:
		return d, cli.Errorf("%s %s: at most 8 decimal places", name, s)
	}
	return d, nil
}
