package options_test

import (
	"fmt"

	"github.com/failsafe-fi/failsafe/stress/options"
)

// One scenario of the default crash (35% in two minutes, one tick a
// minute) on a book of 100 portfolio-margined accounts under the SPAN
// preset, as the stress harness runs it: every tick stepped and checked,
// the Outcome at the end.
func Example() {
	cfg := options.Config{Accounts: 100}
	if err := cfg.Set("preset", "span"); err != nil {
		fmt.Println(err)
		return
	}
	gen, err := options.DefaultCrash(cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	m, err := options.New(cfg, 1)
	if err != nil {
		fmt.Println(err)
		return
	}
	sc, err := gen.Scenario(1)
	if err != nil {
		fmt.Println(err)
		return
	}
	for {
		t, ok, err := sc.Next()
		if err != nil || !ok {
			break
		}
		if err := m.Step(t); err != nil {
			fmt.Println(err)
			return
		}
		if err := m.Check(); err != nil {
			fmt.Println(err)
			return
		}
	}
	o := m.Outcome()
	fmt.Println(gen.Name())
	fmt.Printf("ticks %d, liquidations %d, notional closed %s USD\n", o.Ticks, o.Liquidations, o.Liquidated.StringFixed(0))
	fmt.Printf("bad debt %s USD; fund %s → %s USD (exhausted: %v); uncovered %s USD\n",
		o.BadDebt.StringFixed(0), o.FundStart.StringFixed(0), o.FundEnd.StringFixed(0), o.FundExhausted, o.Uncovered.StringFixed(0))
	// Output:
	// shape(crash(-35%, +40%), ±50bp, 21×1m0s)
	// ticks 21, liquidations 169, notional closed 26685499 USD
	// bad debt 79177 USD; fund 1000000 → 1029508 USD (exhausted: false); uncovered 0 USD
}

// Parameters for -set and -sweep are set by name; New refuses what is out
// of range.
func ExampleConfig_Set() {
	var cfg options.Config
	fmt.Println(cfg.Set("short-share", "0.9"), cfg.Set("fund", "0"), cfg.Set("preset", "tims"))
	_, err := options.New(cfg, 1)
	fmt.Println(err)
	fmt.Println(cfg.Set("leverage", "5") != nil)
	// Output:
	// <nil> <nil> <nil>
	// options: invalid config: preset "tims" (want "deribit" or "span")
	// true
}
