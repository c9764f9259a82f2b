package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/shopspring/decimal"
)

// main parses the flags and runs the replay.
func main() {
	seed := flag.Int64("seed", 1, "seed for the borrowers, the keepers and the network")
	borrowers := flag.Int("borrowers", 200, "number of borrowers in the pool")
	crash := flag.String("crash", "0.43", "the day's fall as a fraction of the opening price")
	reserve := flag.String("reserve", "0.8", "reserve ratio of the protected English run (first bid ≥ lot × OSM × ratio)")
	keepers := flag.Int("keepers", 5, "number of ordinary keepers (a zero-bid bot is added)")
	verbose := flag.Bool("v", false, "list every auction, not only the worst")
	flag.Parse()
	// Config reads zero as "the default"; a zero or negative flag is a
	// mistake, not a request for the default.
	if *borrowers <= 0 || *keepers <= 0 {
		fail(fmt.Errorf("-borrowers and -keepers must be positive"))
	}
	depth, err := decimal.NewFromString(*crash)
	if err != nil {
		fail(fmt.Errorf("-crash: %w", err))
	}
	res, err := decimal.NewFromString(*reserve)
	if err != nil {
		fail(fmt.Errorf("-reserve: %w", err))
	}
	if depth.Sign() <= 0 || res.Sign() <= 0 {
		fail(fmt.Errorf("-crash and -reserve must be positive"))
	}
	cfg := Config{Seed: *seed, Borrowers: *borrowers, Depth: depth, Reserve: res, Keepers: *keepers, Verbose: *verbose}
	if _, err := Run(cfg, os.Stdout); err != nil {
		fail(err)
	}
}

// fail reports err and exits 1.
func fail(err error) {
	fmt.Fprintln(os.Stderr, "lending:", err)
	os.Exit(1)
}
