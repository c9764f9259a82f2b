package margin

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/testkit"
)

func TestCompareRiskByCrossMultiplication(t *testing.T) {
	s := func(mm, eq string) Summary { return Summary{Maintenance: d(mm), Equity: d(eq)} }
	tests := []struct {
		name string
		a, b Summary
		want int
	}{
		// 1/3 vs 333333/1000000: a rounded ratio (0.333333) would call these equal.
		{"one third is riskier than 0.333333", s("1", "3"), s("333333", "1000000"), 1},
		{"equal ratios", s("2", "6"), s("1", "3"), 0},
		{"no maintenance is no risk", s("0", "-5"), s("1", "100"), -1},
		{"no equity is unbounded risk", s("1", "0"), s("99", "100"), 1},
		{"two unbounded: larger deficit is riskier", s("10", "-5"), s("10", "-1"), 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := compareSummaries(tc.a, tc.b); got != tc.want {
				t.Fatalf("CompareRisk = %d, want %d", got, tc.want)
			}
			ra := AccountRisk{Maintenance: tc.a.Maintenance, Equity: tc.a.Equity}
			rb := AccountRisk{Maintenance: tc.b.Maintenance, Equity: tc.b.Equity}
			if got := CompareAccountRisk(ra, rb); got != tc.want {
				t.Fatalf("CompareAccountRisk = %d, want %d", got, tc.want)
			}
			if got := compareSummaries(tc.b, tc.a); got != -tc.want {
				t.Fatalf("CompareRisk reversed = %d, want %d", got, -tc.want)
			}
		})
	}
	r, ok := s("1", "3").MarginRatio(4)
	if !ok || !r.Equal(d("0.3334")) {
		t.Fatalf("margin ratio %s %v", r, ok)
	}
	if _, ok := s("1", "0").MarginRatio(4); ok {
		t.Fatal("ratio with zero equity reported as bounded")
	}
}

func TestSummaryCrossIsolatedAndCollateral(t *testing.T) {
	// Cross: wallet 1,000, long 2 X at 100 marked 90 (PnL −20), 0.5 BTC of
	// collateral at 20,000 with a 0.95 ratio (9,500). Isolated: short 1 Y
	// at 50 marked 60 with 12 of margin (PnL −10, equity 2 < 2.4 maintenance).
	flat := func(mmr, imr string) []Tier {
		return []Tier{{Floor: d("0"), Cap: d("1000000"), MaintenanceRate: d(mmr), InitialRate: d(imr)}}
	}
	c := newCalc(t, StaticPrices{"X": d("90"), "Y": d("60"), "BTC": d("20000")},
		Market{ID: "X", Tiers: flat("0.01", "0.02")}, Market{ID: "Y", Tiers: flat("0.04", "0.1")})
	a := Account{
		Wallet: d("1000"),
		Positions: []Position{
			{Market: "X", Size: d("2"), EntryPrice: d("100")},
			{Market: "Y", Size: d("-1"), EntryPrice: d("50"), Isolated: true, Margin: d("12")},
		},
		Collateral: []Collateral{{Asset: "BTC", Amount: d("0.5"), Ratio: d("0.95")}},
	}
	s, err := c.Summary(t0, a)
	if err != nil {
		t.Fatal(err)
	}
	if err := CheckSummary(a, s); err != nil {
		t.Fatal(err)
	}
	want := Summary{
		Equity: d("10480"), CollateralValue: d("9500"), UnrealisedPnL: d("-20"),
		Initial: d("3.6"), Maintenance: d("1.8"), FreeCollateral: d("10476.4"),
		InitialCollateralised: true, Liquidatable: false, IsolatedLiquidatable: true,
		Positions: []PositionSummary{
			{Market: "X", Size: d("2"), Mark: d("90"), Notional: d("180"), UnrealisedPnL: d("-20"), Initial: d("3.6"), Maintenance: d("1.8"), Equity: decimal.Zero},
			{Market: "Y", Size: d("-1"), Mark: d("60"), Isolated: true, Notional: d("60"), UnrealisedPnL: d("-10"), Initial: d("6"), Maintenance: d("2.4"), Equity: d("2"), Liquidatable: true},
		},
	}
	if diff := cmp.Diff(want, s, testkit.EquateDecimals); diff != "" {
		t.Fatalf("(-want +got)\n%s", diff)
	}
	// No positions: never liquidatable, whatever the equity.
	s, _ = c.Summary(t0, Account{Wallet: d("-500")})
	if s.Liquidatable || s.InitialCollateralised {
		t.Fatalf("empty account with negative wallet: %+v", s)
	}
	// Negative equity with a position is liquidatable (maintenance > 0).
	s, _ = c.Summary(t0, Account{Wallet: d("-500"), Positions: []Position{{Market: "X", Size: d("1"), EntryPrice: d("90")}}})
	if !s.Liquidatable || s.Equity.Sign() >= 0 {
		t.Fatalf("negative equity with a position not liquidatable: %+v", s)
	}
}

func TestIsolatedAndCrossKeptApart(t *testing.T) {
	// Changing the wallet must not move an isolated position's figures,
	// and changing an isolated margin must not move the cross part's.
	flat := []Tier{{Floor: d("0"), Cap: d("100000000"), MaintenanceRate: d("0.01"), InitialRate: d("0.02")}}
	c := newCalc(t, StaticPrices{"X": d("100"), "Y": d("50")}, Market{ID: "X", Tiers: flat, TickSize: d("0.01")}, Market{ID: "Y", Tiers: flat, TickSize: d("0.01")})
	base := Account{Wallet: d("100"), Positions: []Position{
		{Market: "X", Size: d("3"), EntryPrice: d("100")},
		{Market: "Y", Size: d("-4"), EntryPrice: d("50"), Isolated: true, Margin: d("10")},
	}}
	richer := base.Clone()
	richer.Wallet = d("100000")
	fatter := base.Clone()
	fatter.Positions[1].Margin = d("150")
	lp := func(a Account, id string) TriggerPrice {
		t.Helper()
		p, err := c.liquidationPrice(t0, a, id)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	if a, b := lp(base, "Y"), lp(richer, "Y"); !a.Price.Equal(b.Price) || a.Status != b.Status {
		t.Fatalf("isolated liquidation price moved with the wallet: %v → %v", a, b)
	}
	if a, b := lp(base, "X"), lp(fatter, "X"); !a.Price.Equal(b.Price) || a.Status != b.Status {
		t.Fatalf("cross liquidation price moved with an isolated margin: %v → %v", a, b)
	}
	// Y: short 4 at 50 with 10 of margin, 1%: 10 − 4(P − 50) = 0.04P → P = 210/4.04 = 51.98…, down to 51.98.
	// X: long 3 at 100 with wallet 100: 100 + 3(P − 100) = 0.03P → P = 200/2.97 = 67.34…, up to 67.35.
	if got := lp(base, "Y"); !got.Price.Equal(d("51.98")) {
		t.Fatalf("isolated short liquidation %v, want 51.98", got)
	}
	if got := lp(base, "X"); !got.Price.Equal(d("67.35")) {
		t.Fatalf("cross long liquidation %v, want 67.35", got)
	}
	s1, _ := c.Summary(t0, base)
	s2, _ := c.Summary(t0, fatter)
	if !s1.Equity.Equal(s2.Equity) || !s1.Maintenance.Equal(s2.Maintenance) || s1.Liquidatable != s2.Liquidatable {
		t.Fatalf("cross part moved with an isolated margin: %+v vs %+v", s1, s2)
	}
}

func TestCrossLiquidationPriceReadsTheMarkOnce(t *testing.T) {
	// A feed that moves on every read: the cross liquidation price must
	// value the account and the position at the same mark (1 + 3 reads
	// before the fix would mix 100 and 101).
	flat := []Tier{{Floor: d("0"), Cap: d("100000000"), MaintenanceRate: d("0.01"), InitialRate: d("0.02")}}
	reads := 0
	feed := PriceFunc(func(time.Time, string) (decimal.Decimal, error) {
		reads++
		return decimal.NewFromInt(int64(99 + reads)), nil
	})
	c, err := New(Settings{Markets: []Market{{ID: "X", Tiers: flat, TickSize: d("0.01")}}, Prices: feed})
	if err != nil {
		t.Fatal(err)
	}
	a := Account{Wallet: d("100"), Positions: []Position{{Market: "X", Size: d("3"), EntryPrice: d("100")}}}
	got, err := c.liquidationPrice(t0, a, "X")
	if err != nil {
		t.Fatal(err)
	}
	// 100 + 3(P − 100) = 0.03P → 67.34… → 67.35, whatever the mark.
	if !got.Price.Equal(d("67.35")) || reads != 1 {
		t.Fatalf("got %v after %d reads, want 67.35 after 1", got, reads)
	}
}

func TestPreTradeChecksPinTheMarks(t *testing.T) {
	// A feed that rises on every read: Before and After must be valued at
	// the same marks, or a check compares two different markets.
	flat := []Tier{{Floor: d("0"), Cap: d("100000000"), MaintenanceRate: d("0.01"), InitialRate: d("0.02")}}
	reads := 0
	feed := PriceFunc(func(time.Time, string) (decimal.Decimal, error) {
		reads++
		return decimal.NewFromInt(int64(99 + reads)), nil
	})
	c, err := New(Settings{Markets: []Market{{ID: "X", Tiers: flat}, {ID: "Y", Tiers: flat}}, Prices: feed})
	if err != nil {
		t.Fatal(err)
	}
	a := Account{Wallet: d("100"), Positions: []Position{{Market: "X", Size: d("3"), EntryPrice: d("100")}, {Market: "Y", Size: d("-1"), EntryPrice: d("100")}}}
	dec, err := c.CheckOrder(t0, a, Order{Market: "X", Size: d("1")})
	if err != nil {
		t.Fatal(err)
	}
	for i := range dec.Before.Positions {
		if b, f := dec.Before.Positions[i].Mark, dec.After.Positions[i].Mark; !b.Equal(f) {
			t.Fatalf("%s: before at %s, after at %s", dec.Before.Positions[i].Market, b, f)
		}
	}
	if reads != 2 {
		t.Fatalf("%d reads for two markets", reads)
	}
	reads = 0
	if _, err := c.MaxOrderSize(t0, a, Order{Market: "X", Size: d("1")}); err != nil || reads != 2 {
		t.Fatalf("MaxOrderSize: %d reads, %v", reads, err)
	}
}
