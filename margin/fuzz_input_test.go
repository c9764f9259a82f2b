package margin

import (
	"encoding/json"
	"testing"

	"github.com/shopspring/decimal"
)

// Orders and fill prices are host input: whatever JSON arrives, the
// pre-trade check, the size search and the fill refuse it or complete, a
// decision's Accepted agrees with its Reason, MaxOrderSize is never
// negative, and a fill conserves value (wallet + isolated margins change
// by realised PnL + shortfall; the shortfall is never negative).
func FuzzOrderJSON(f *testing.F) {
	for _, s := range []string{
		`{"market":"A","size":"0.5"}`,
		`{"market":"A","size":"-2","price":"31000","isolated":true,"leverage":"20"}`,
		`{"market":"B","size":"100","leverage":"1"}`,
		`{"market":"A","size":"1e-40"}`,
		`{"market":"A","size":"400","price":"1e9999"}`,
	} {
		f.Add([]byte(s), "30000", true)
	}
	c, err := New(Settings{
		Markets: []Market{
			{ID: "A", Tiers: binanceBTC5M(), TickSize: d("0.1"), LotSize: d("0.001")},
			{ID: "B", Kind: Inverse, ContractSize: d("100"), Tiers: []Tier{{Floor: d("0"), Cap: d("100"), MaintenanceRate: d("0.005"), InitialRate: d("0.01")}}, TickSize: d("0.5")},
		},
		Prices: StaticPrices{"A": d("30000"), "B": d("29000.5")},
	})
	if err != nil {
		f.Fatal(err)
	}
	accounts := []Account{
		{Wallet: d("100000"), Positions: []Position{{Market: "A", Size: d("-80"), EntryPrice: d("29000")}}},
		{Wallet: d("5000"), Positions: []Position{{Market: "A", Size: d("1"), EntryPrice: d("35000"), Isolated: true, Margin: d("2000")}}},
		{Wallet: d("-10")},
	}
	f.Fuzz(func(t *testing.T, raw []byte, fillPrice string, first bool) {
		var o Order
		if json.Unmarshal(raw, &o) != nil {
			return
		}
		price, err := decimal.NewFromString(fillPrice)
		if err != nil {
			return
		}
		for i, a := range accounts {
			if first && i > 0 {
				break
			}
			if dec, err := c.CheckOrder(t0, a, o); err == nil && dec.Accepted != dec.Reason.Accepted() {
				t.Fatalf("accepted %v with reason %v", dec.Accepted, dec.Reason)
			}
			if mx, err := c.MaxOrderSize(t0, a, o); err == nil && mx.Sign() < 0 {
				t.Fatalf("negative max %s", mx)
			}
			r, err := c.ApplyFill(a, o, price)
			if err != nil {
				continue
			}
			total := func(x Account) decimal.Decimal {
				s := x.Wallet
				for _, p := range x.Positions {
					s = s.Add(p.Margin)
				}
				return s
			}
			if got, want := total(r.Account), total(a).Add(r.Realised).Add(r.Shortfall); !got.Equal(want) || r.Shortfall.Sign() < 0 {
				t.Fatalf("fill: wallet + margins %s, want %s (shortfall %s)", got, want, r.Shortfall)
			}
		}
	})
}

// Lending accounts are host input: Health refuses them or keeps its
// invariants.
func FuzzLendingJSON(f *testing.F) {
	f.Add([]byte(`{"supplied":[{"asset":"ETH","amount":"10"}],"borrowed":[{"asset":"DAI","amount":"8000"}]}`))
	f.Add([]byte(`{"supplied":[{"asset":"ETH","amount":"1e-40"}],"borrowed":[{"asset":"DAI","amount":"1e9999"}]}`))
	f.Add([]byte(`{"borrowed":[{"asset":"X","amount":"-1"}]}`))
	l, err := NewLending(LendingSettings{Reserves: []Reserve{{Asset: "ETH", LTV: d("0.8"), LiquidationThreshold: d("0.825"), LiquidationBonus: d("1.05")}, {Asset: "DAI"}},
		Prices: StaticPrices{"ETH": d("1000"), "DAI": d("1")}})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		var a LendingAccount
		if json.Unmarshal(raw, &a) != nil {
			return
		}
		h, err := l.Health(t0, a)
		if err != nil {
			return
		}
		if err := CheckHealth(h); err != nil {
			t.Fatal(err)
		}
	})
}

// Requirement and RiskLimitTiers take host numbers directly.
func FuzzRequirementAndRiskLimits(f *testing.F) {
	f.Add("1", "30000", "200", "150", "0.005", "0.01", 3)
	f.Add("-80", "64000", "1e9999", "1", "0.5", "1", 100000000)
	f.Add("1e-40", "0", "0", "-1", "1", "0", -1)
	c, err := New(Settings{Markets: []Market{{ID: "A", Tiers: binanceBTC5M()}}, Prices: StaticPrices{"A": d("1")}})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, size, price, base, step, mmr, imr string, steps int) {
		ds := make([]decimal.Decimal, 6)
		for i, s := range []string{size, price, base, step, mmr, imr} {
			v, err := decimal.NewFromString(s)
			if err != nil {
				return
			}
			ds[i] = v
		}
		if r, err := c.Requirement("A", ds[0], ds[1]); err == nil {
			if r.Maintenance.Sign() < 0 || r.Initial.Cmp(r.Maintenance) < 0 {
				t.Fatalf("requirement %+v", r)
			}
		}
		tiers, err := RiskLimitTiers(ds[2], ds[3], ds[4], ds[5], steps)
		if err != nil {
			return
		}
		if len(tiers) > MaxTiers {
			t.Fatalf("%d tiers", len(tiers))
		}
		if s, err := NewSchedule(Step, tiers); err == nil {
			_, _ = s.Maintenance(ds[1])
			_, _, _ = s.MaxNotional(ds[1])
		}
	})
}
