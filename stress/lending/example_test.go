package lending_test

import (
	"fmt"

	"github.com/failsafe-fi/failsafe/stress/lending"
)

// The Black Thursday replay of the lending pool with Dutch auctions, as
// the stress harness runs it: a model per scenario, every tick stepped and
// checked, the Outcome at the end.
func Example() {
	gen := lending.BlackThursday{}
	cfg := lending.Config{Mechanism: lending.Dutch, Borrowers: 50}
	if err := cfg.Set("surplus", "100000"); err != nil {
		fmt.Println(err)
		return
	}
	m, err := lending.New(cfg, 1)
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
	fmt.Printf("ticks %d, liquidations %d, debt liquidated %s DAI\n", o.Ticks, o.Liquidations, o.Liquidated.StringFixed(0))
	fmt.Printf("bad debt %s DAI; surplus buffer %s → %s DAI (exhausted: %v); socialised by MKR minting %s DAI\n",
		o.BadDebt.StringFixed(0), o.FundStart.StringFixed(0), o.FundEnd.StringFixed(0), o.FundExhausted, o.Socialised.StringFixed(0))
	// Output:
	// black-thursday(depth=0.43, reconstruction)
	// ticks 4321, liquidations 107, debt liquidated 4222171 DAI
	// bad debt 253786 DAI; surplus buffer 100000 → 22777 DAI (exhausted: true); socialised by MKR minting 125924 DAI
}

// Parameters for a sweep are set by name, validated, and refused with the
// reason.
func ExampleConfig_Set() {
	var cfg lending.Config
	fmt.Println(cfg.Set("mechanism", "fixed-spread"), cfg.Set("liquidation-bonus", "1.08"), cfg.Set("keeper-capital", "250000"))
	fmt.Println(cfg.Set("liquidation-bonus", "1.25"))
	r, _ := cfg.Resolved()
	fmt.Println(r.Mechanism, r.LiquidationBonus, r.KeeperCapital, r.LiquidationThreshold)
	// Output:
	// <nil> <nil> <nil>
	// lending: invalid config: LiquidationBonus 1.25 × threshold 0.83 exceeds 1
	// fixed-spread 1.08 250000 0.83
}
