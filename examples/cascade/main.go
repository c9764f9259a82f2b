package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/shopspring/decimal"
)

// main parses the flags and runs the simulation.
func main() {
	seed := flag.Int64("seed", 1, "seed for the account book, the price noise and the keepers (0 means 1)")
	accounts := flag.Int("accounts", 1000, "number of trader accounts")
	crash := flag.String("crash", "0.35", "depth of the flash crash (0.35 = −35% over 10 minutes; negative: a squeeze up)")
	svg := flag.String("svg", "", "write a chart of price, insurance fund and bad debt to this SVG file")
	flag.Parse()
	if err := run(*seed, *accounts, *crash, *svg); err != nil {
		fmt.Fprintln(os.Stderr, "cascade:", err)
		os.Exit(1)
	}
}

// run parses the crash depth, runs the simulation and writes the chart.
func run(seed int64, accounts int, crash, svgPath string) error {
	depth, err := decimal.NewFromString(crash)
	if err != nil {
		return fmt.Errorf("-crash %q: %w", crash, err)
	}
	res, err := Run(Config{Seed: seed, Accounts: accounts, Crash: depth}, os.Stdout)
	if err != nil {
		return err
	}
	if svgPath == "" {
		return nil
	}
	f, err := os.Create(svgPath)
	if err != nil {
		return err
	}
	if err := WriteSVG(f, res.History); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
