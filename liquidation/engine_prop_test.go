package liquidation

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"

	"github.com/failsafe-fi/failsafe/internal/testkit"
)

var propMarkets = []string{"BTC", "ETH", "SOL"}

func drawEngineSettings(t *rapid.T) EngineSettings {
	return EngineSettings{
		TargetHealth:    d(rapid.SampledFrom([]string{"1", "1.1", "1.25"}).Draw(t, "target")),
		Penalty:         testkit.Decimal(0, 15, 2).Draw(t, "penalty"),
		LiquidatorBonus: testkit.Decimal(0, 10, 2).Draw(t, "bonus"),
		Dust:            d(rapid.SampledFrom([]string{"0", "10", "100"}).Draw(t, "dust")),
		SmallPosition:   d(rapid.SampledFrom([]string{"0", "500"}).Draw(t, "small")),
		GlobalCap:       d(rapid.SampledFrom([]string{"0", "3000", "10000"}).Draw(t, "hole")),
		MarketCaps: map[string]decimal.Decimal{
			"ETH": d(rapid.SampledFrom([]string{"500", "2000"}).Draw(t, "eth hole")),
			"BTC": d(rapid.SampledFrom([]string{"1000", "5000"}).Draw(t, "btc hole")),
		},
		Window:      time.Duration(rapid.IntRange(0, 600).Draw(t, "window")) * time.Second,
		MaxCount:    rapid.IntRange(0, 6).Draw(t, "max count"),
		MaxNotional: d(rapid.SampledFrom([]string{"0", "2500"}).Draw(t, "max notional")),
		DebtScale:   6, LotScale: 6,
	}
}

func drawAccounts(t *rapid.T) []Account {
	n := rapid.IntRange(0, 12).Draw(t, "accounts")
	out := make([]Account, n)
	for i := range out {
		mm := d(rapid.SampledFrom([]string{"50", "100", "200"}).Draw(t, "mm")) // few values: equal healths happen
		health := rapid.OneOf(testkit.Decimal(-20, 130, 2),
			rapid.Map(rapid.SampledFrom([]string{"1", "1.01", "0.99", "0.95", "0.94"}), testkit.D)).Draw(t, "health")
		eq := mm.Mul(health)
		var legs []Position
		debt := decimal.Zero
		for j, k := 0, rapid.IntRange(0, 3).Draw(t, "legs"); j < k; j++ {
			ld := rapid.OneOf(testkit.Decimal(0, 2000, 0), // round debts: equal legs, remainders near the dust
				rapid.Map(rapid.SampledFrom([]string{"100", "500", "505", "1000"}), testkit.D)).Draw(t, "leg debt")
			legs = append(legs, Position{Market: rapid.SampledFrom(propMarkets).Draw(t, "market"),
				Size: testkit.Decimal(0, 100_000, 3).Draw(t, "size"), Value: ld, Debt: ld})
			debt = debt.Add(ld)
		}
		out[i] = StaticAccount{ID: fmt.Sprintf("acct-%02d", rapid.IntRange(0, 99).Draw(t, "id")*100+i),
			EquityValue: eq, MaintenanceValue: mm, DebtValue: debt, CollateralValue: decimal.Max(decimal.Zero, debt.Add(eq)), Legs: legs}
	}
	return out
}

// Properties: the engine never plans for an account at or above
// maintenance; planning the same input twice, or in another order, gives
// the same plan; committed debt under auction never exceeds the caps
// (issue 5).
func TestEnginePlanProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := drawEngineSettings(t)
		e, err := NewEngine(s)
		if err != nil {
			t.Fatal(err)
		}
		now := t0
		for step, n := 0, rapid.IntRange(1, 8).Draw(t, "steps"); step < n; step++ {
			now = now.Add(time.Duration(rapid.IntRange(0, 300).Draw(t, "dt")) * time.Second)
			accts := drawAccounts(t)
			p1, err := e.Plan(now, accts)
			if err != nil {
				t.Fatal(err)
			}
			byID := map[string]Account{}
			for _, a := range accts {
				byID[a.AccountID()] = a
			}
			for _, o := range p1.Orders {
				a := byID[o.Account]
				if !a.Equity().LessThan(a.Maintenance()) {
					t.Fatalf("planned %s at equity %s ≥ maintenance %s", o.Account, a.Equity(), a.Maintenance())
				}
				if o.Tab.Sign() <= 0 || o.Lot.Sign() <= 0 || o.Debt.GreaterThan(a.Debt()) {
					t.Fatalf("bad order %+v", o)
				}
				if !o.Full && o.Debt.LessThan(s.Dust) {
					t.Fatalf("dusty partial order %+v (dust %s)", o, s.Dust)
				}
			}
			rev := make([]Account, len(accts))
			for i, a := range accts { // reverse the accounts and their legs
				sa := a.(StaticAccount)
				legs := make([]Position, len(sa.Legs))
				for j, l := range sa.Legs {
					legs[len(legs)-1-j] = l
				}
				sa.Legs = legs
				rev[len(accts)-1-i] = sa
			}
			p2, _ := e.Plan(now, rev)
			if diff := cmp.Diff(p1, p2, testkit.EquateDecimals); diff != "" {
				t.Fatalf("plan depends on input order:\n%s", diff)
			}
			if _, err := e.Commit(now, p1.Orders); err != nil {
				t.Fatalf("commit of a fresh plan: %v", err)
			}
			if err := e.CheckInvariants(); err != nil {
				t.Fatal(err)
			}
			for _, m := range propMarkets {
				if have := e.MarketDebtUnderAuction(m); have.Sign() > 0 && rapid.Bool().Draw(t, "release") {
					e.Release(now, m, have.Mul(testkit.Decimal(1, 100, 2).Draw(t, "part")).RoundCeil(6))
				}
			}
		}
	})
}

// Property: snapshot → JSON → restore → continue equals continuing.
func TestEngineSnapshotContinue(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := drawEngineSettings(t)
		a, _ := NewEngine(s)
		now := t0
		run := func(e *Engine, accts []Account, release bool) Plan {
			p, err := e.Plan(now, accts)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := e.Commit(now, p.Orders); err != nil {
				t.Fatal(err)
			}
			if release && len(p.Orders) > 0 {
				if _, err := e.Release(now, p.Orders[0].Market, p.Orders[0].Tab); err != nil {
					t.Fatal(err)
				}
			}
			return p
		}
		for i, n := 0, rapid.IntRange(0, 5).Draw(t, "before"); i < n; i++ {
			now = now.Add(time.Duration(rapid.IntRange(0, 300).Draw(t, "dt")) * time.Second)
			run(a, drawAccounts(t), rapid.Bool().Draw(t, "release"))
		}
		b, err := RestoreEngine(s, jsonRoundTrip(t, a.Snapshot()))
		if err != nil {
			t.Fatalf("restore: %v", err)
		}
		for i, n := 0, rapid.IntRange(1, 5).Draw(t, "after"); i < n; i++ {
			now = now.Add(time.Duration(rapid.IntRange(0, 300).Draw(t, "dt")) * time.Second)
			accts, rel := drawAccounts(t), rapid.Bool().Draw(t, "release")
			pa, pb := run(a, accts, rel), run(b, accts, rel)
			if diff := cmp.Diff(pa, pb, testkit.EquateDecimals); diff != "" {
				t.Fatalf("step %d plans differ:\n%s", i, diff)
			}
		}
		sameState(t, a.Snapshot(), b.Snapshot())
	})
}

func FuzzRestoreEngine(f *testing.F) {
	s := EngineSettings{GlobalCap: d("1000"), MarketCaps: map[string]decimal.Decimal{"ETH": d("500")},
		Window: time.Minute, MaxCount: 3}
	e, _ := NewEngine(s)
	p, _ := e.Plan(t0, []Account{acct("a", "10", "100", "300", leg("ETH", "3", "300"))})
	e.Commit(t0, p.Orders)
	good, _ := json.Marshal(e.Snapshot())
	f.Add(good)
	f.Add([]byte(`{"dirt":"600","markets":[{"market":"ETH","debt":"600"}]}`))
	f.Add([]byte(`{"dirt":"-1"}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		var snap EngineSnapshot
		if json.Unmarshal(raw, &snap) != nil {
			return
		}
		e, err := RestoreEngine(s, snap)
		if err != nil {
			return
		}
		if err := e.CheckInvariants(); err != nil {
			t.Fatal(err)
		}
		p, err := e.Plan(snap.Last, []Account{acct("a", "10", "100", "300", leg("ETH", "3", "300"))})
		if err == nil {
			if _, err := e.Commit(snap.Last, p.Orders); err != nil {
				t.Fatalf("commit of a fresh plan: %v", err)
			}
		}
	})
}
