package main

import (
	"strings"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/examples/internal/cli"
)

// usage is the header of -h: what the program does and how to run it.
const usage = `ccp — a clearing member defaults, and the loss walks a central counterparty's
default waterfall (EMIR Art. 45) layer by layer.

The defaulter's margin, its default fund contribution, the clearing house's
own capital (skin in the game), the survivors' contributions, capped
assessments and variation-margin haircuts each absorb what they can; the
program prints what every layer and every member paid, the replenishment
calls, and a double-entry journal that sums to zero.

Usage:
  go run ./examples/ccp [flags]

Examples:
  go run ./examples/ccp -scenario nasdaq2018   # shaped like Nasdaq Clearing, September 2018
  go run ./examples/ccp -loss 1000             # a harsher loss: assessments hit their caps
  go run ./examples/ccp -multiple 0            # no assessments`

// maxLoss bounds -loss and -multiple: far beyond any scenario's scale.
var maxLoss = decimal.New(1, 15)

// parseFlags reads and checks the command line.
func parseFlags(args []string) (Config, error) {
	names := ScenarioNames()
	fs := cli.NewFlagSet("ccp", usage)
	scenario := fs.String("scenario", "worked", "`NAME` of the scenario to run, one of "+strings.Join(names, ", "))
	loss := fs.String("loss", "", "replace the scenario's close-out `LOSS`, e.g. 1000 (≥ 0, at most 8 decimal places)")
	multiple := fs.String("multiple", "", "replace the assessment cap, as a `MULTIPLE` of each survivor's contribution (≥ 0; 0: no assessments)")
	if err := cli.Parse(fs, args); err != nil {
		return Config{}, err
	}
	if _, err := Lookup(*scenario); err != nil {
		return Config{}, cli.Errorf("-scenario %q: want one of %s", *scenario, strings.Join(names, ", "))
	}
	cfg := Config{Scenario: *scenario}
	var err error
	if cfg.Loss, err = optionalDecimal("-loss", *loss); err != nil {
		return Config{}, err
	}
	if cfg.Multiple, err = optionalDecimal("-multiple", *multiple); err != nil {
		return Config{}, err
	}
	return cfg, nil
}

// optionalDecimal parses a flag value: empty means "not given"; anything
// else must be a number ≥ 0 with at most 8 decimal places.
func optionalDecimal(name, s string) (decimal.NullDecimal, error) {
	if s == "" {
		return decimal.NullDecimal{}, nil
	}
	d, err := decimal.NewFromString(s)
	switch {
	case err != nil:
		return decimal.NullDecimal{}, cli.Errorf("%s %q: not a number", name, s)
	case d.IsNegative():
		return decimal.NullDecimal{}, cli.Errorf("%s %s: must not be negative", name, s)
	case d.Exponent() < -8:
		return decimal.NullDecimal{}, cli.Errorf("%s %s: at most 8 decimal places", name, s)
	case d.GreaterThan(maxLoss):
		return decimal.NullDecimal{}, cli.Errorf("%s %s: at most 10^15", name, s)
	}
	return decimal.NullDecimal{Decimal: d, Valid: true}, nil
}
