package perp_test

import (
	"fmt"

	"github.com/failsafe-fi/failsafe/stress"
	"github.com/failsafe-fi/failsafe/stress/perp"
)

// One scenario of the default crash on a small venue with a thin
// insurance fund, as the harness runs it: a model from one seed, the path
// from another, Check after every tick.
func Example() {
	var cfg perp.Config
	for _, p := range [][2]string{{"accounts", "200"}, {"fund", "20000"}} {
		if err := cfg.Set(p[0], p[1]); err != nil {
			panic(err)
		}
	}
	gen, err := perp.DefaultCrash(cfg)
	if err != nil {
		panic(err)
	}
	seed := stress.SeedFor(42, 0)
	sc, _ := gen.Scenario(seed)
	m, err := perp.New(cfg, seed)
	if err != nil {
		panic(err)
	}
	for {
		tick, ok, err := sc.Next()
		if err != nil || !ok {
			break
		}
		if err := m.Step(tick); err != nil {
			panic(err)
		}
		if err := m.Check(); err != nil {
			panic(err)
		}
	}
	o := m.Outcome()
	fmt.Println("ticks:", o.Ticks)
	fmt.Println("bad debt:", o.BadDebt.StringFixed(2), "in", o.Liquidations, "liquidations")
	fmt.Println("fund:", o.FundStart.StringFixed(0), "→", o.FundEnd.StringFixed(2), "exhausted:", o.FundExhausted)
	fmt.Println("socialised:", o.Socialised.StringFixed(2), "uncovered:", o.Uncovered.StringFixed(2))
	// Output:
	// ticks: 168
	// bad debt: 114060.84 in 155 liquidations
	// fund: 20000 → 0.00 exhausted: true
	// socialised: 10373.05 uncovered: 0.00
}
