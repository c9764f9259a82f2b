package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/shopspring/decimal"
)

// main parses the flags and runs the default.
func main() {
	scenario := flag.String("scenario", "worked", fmt.Sprintf("scenario to run, one of %v", ScenarioNames()))
	loss := flag.String("loss", "", "override the close-out loss (e.g. 1000)")
	multiple := flag.String("multiple", "", "override the assessment cap, as a multiple of each contribution (0: none)")
	flag.Parse()
	cfg := Config{Scenario: *scenario}
	var err error
	if cfg.Loss, err = optionalDecimal(*loss); err != nil {
		fail(fmt.Errorf("-loss: %w", err))
	}
	if cfg.Multiple, err = optionalDecimal(*multiple); err != nil {
		fail(fmt.Errorf("-multiple: %w", err))
	}
	if _, err := Run(cfg, os.Stdout); err != nil {
		fail(err)
	}
}

// optionalDecimal parses a flag value; empty means "not given".
func optionalDecimal(s string) (decimal.NullDecimal, error) {
	if s == "" {
		return decimal.NullDecimal{}, nil
	}
	d, err := decimal.NewFromString(s)
	if err != nil {
		return decimal.NullDecimal{}, err
	}
	return decimal.NullDecimal{Decimal: d, Valid: true}, nil
}

// fail reports err and exits 1.
func fail(err error) {
	fmt.Fprintln(os.Stderr, "ccp:", err)
	os.Exit(1)
}
