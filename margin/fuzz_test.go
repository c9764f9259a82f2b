package margin

import (
	"encoding/json"
	"testing"

	"pgregory.net/rapid"
)

// Accounts are host input: whatever JSON arrives, validation refuses it or
// every calculation completes without panicking, and every summary keeps
// its invariants.
func FuzzAccountJSON(f *testing.F) {
	for _, s := range []string{
		`{"wallet":"1000","positions":[{"market":"A","size":"1","entry_price":"10000"}]}`,
		`{"wallet":"-5","positions":[{"market":"B","size":"-3.5","entry_price":"0.01","isolated":true,"margin":"2"}]}`,
		`{"wallet":"1e40"}`,
		`{"positions":[{"market":"A","size":"0","entry_price":"1"}]}`,
		`{"positions":[{"market":"A","size":"1e-30","entry_price":"1e30","leverage":"3"}],"collateral":[{"asset":"C","amount":"1","ratio":"0.9"}]}`,
	} {
		f.Add([]byte(s), "A", "1")
	}
	bitmex, err := RiskLimitTiers(d("200"), d("150"), d("0.005"), d("0.01"), 5)
	if err != nil {
		f.Fatal(err)
	}
	c, err := New(Settings{
		Markets: []Market{
			{ID: "A", Tiers: binanceBTC(), TickSize: d("0.1")},
			{ID: "B", Kind: Inverse, ContractSize: d("100"), Tiers: bitmex, Rule: Step, TickSize: d("0.5")},
		},
		Prices: StaticPrices{"A": d("30000"), "B": d("29000.5"), "C": d("2")},
	})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, raw []byte, market string, size string) {
		var a Account
		if json.Unmarshal(raw, &a) != nil {
			return
		}
		if s, err := c.Summary(t0, a); err == nil {
			if err := CheckSummary(a, s); err != nil {
				t.Fatal(err)
			}
		}
		_, _ = c.Risk(t0, a)
		_, _ = c.LiquidationPrices(t0, a, market)
		var o Order
		if json.Unmarshal([]byte(`{"market":"`+market+`","size":"`+size+`"}`), &o) == nil {
			_, _ = c.CheckOrder(t0, a, o)
			_, _ = c.ApplyFill(a, o, d("30000"))
			_, _ = c.MaxOrderSize(t0, a, o)
		}
	})
}

// Tier tables are host input too.
func FuzzTiersJSON(f *testing.F) {
	f.Add([]byte(`[{"floor":"0","cap":"50000","maintenance_rate":"0.004","max_leverage":"125"},{"floor":"50000","cap":"250000","maintenance_rate":"0.005","max_leverage":"100","cum":"50"}]`), "60000")
	f.Add([]byte(`[{"floor":"0","cap":"1","maintenance_rate":"0.99","initial_rate":"1"}]`), "1")
	f.Fuzz(func(t *testing.T, raw []byte, notional string) {
		var tiers []Tier
		if json.Unmarshal(raw, &tiers) != nil {
			return
		}
		for _, rule := range []Rule{Marginal, Step} {
			s, err := NewSchedule(rule, tiers)
			if err != nil {
				continue
			}
			if err := s.CheckContinuity(); err != nil {
				t.Fatal(err)
			}
			var n Tier
			if json.Unmarshal([]byte(`{"floor":"`+notional+`"}`), &n) == nil {
				_, _ = s.Maintenance(n.Floor)
				_, _ = s.Initial(n.Floor, 8)
			}
		}
	})
}

// Snapshot-equivalent for a stateless calculator: an account that goes
// through JSON (as a standby node would read it) gives the same summary
// and liquidation prices as the original.
func TestAccountJSONRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		c, a, _ := genAccountCalc(t)
		raw, err := json.Marshal(a)
		if err != nil {
			t.Fatal(err)
		}
		var b Account
		if err := json.Unmarshal(raw, &b); err != nil {
			t.Fatal(err)
		}
		s1, err1 := c.Summary(t0, a)
		s2, err2 := c.Summary(t0, b)
		if (err1 == nil) != (err2 == nil) {
			t.Fatalf("errors differ: %v / %v", err1, err2)
		}
		if err1 != nil {
			return
		}
		j1, _ := json.Marshal(s1)
		j2, _ := json.Marshal(s2)
		if string(j1) != string(j2) {
			t.Fatalf("summaries differ:\n%s\n%s", j1, j2)
		}
		for _, p := range a.Positions {
			l1, _ := c.LiquidationPrices(t0, a, p.Market)
			l2, _ := c.LiquidationPrices(t0, b, p.Market)
			if !l1.Liquidation.Price.Equal(l2.Liquidation.Price) || l1.Liquidation.Status != l2.Liquidation.Status {
				t.Fatalf("liquidation prices differ: %v / %v", l1, l2)
			}
		}
	})
}
