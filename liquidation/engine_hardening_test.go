package liquidation

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
	"github.com/failsafe-fi/failsafe/internal/testkit"
)

// panicky is a host Account whose methods panic (a nil map read, say).
type panicky struct{ StaticAccount }

func (panicky) Equity() decimal.Decimal { panic("host bug") }

// reducer is a host Account that is not a StaticAccount but says it must be
// reduced (issue 10 item 1: the margin owner's flag).
type reducer struct {
	StaticAccount
	reduce decimal.Decimal
}

func (r reducer) MustReduce() decimal.Decimal { return r.reduce }

// Issue 10 item 4: Plan refuses an account it cannot trust, names it, and
// changes nothing (caps and throttles as they were). Before the fix an
// empty ID and inconsistent legs were accepted, a typed nil panicked.
func TestEnginePlanRefusesBadAccounts(t *testing.T) {
	var typedNil *StaticAccount
	good := acct("good", "50", "100", "400", leg("ETH", "4", "400"))
	tests := []struct {
		name     string
		accounts []Account
		mention  string // the account named in the error
	}{
		{"nil interface", []Account{good, nil}, "#1: nil"},
		{"typed nil", []Account{good, typedNil}, "#1: nil"},
		{"empty ID", []Account{good, acct("", "50", "100", "400", leg("ETH", "4", "400"))}, "#1: empty ID"},
		{"duplicate ID", []Account{good, good}, `"good"`},
		{"legs' debts short of Debt()", []Account{acct("short", "50", "100", "400", leg("ETH", "4", "300"))}, `"short"`},
		{"legs' debts above Debt()", []Account{acct("over", "50", "100", "400", leg("ETH", "4", "300"), leg("BTC", "1", "101"))}, `"over"`},
		{"debt but no legs", []Account{acct("nolegs", "50", "100", "400")}, `"nolegs"`},
		{"healthy but inconsistent", []Account{acct("calm", "500", "100", "400", leg("ETH", "4", "1"))}, `"calm"`},
		{"leg without a market", []Account{acct("anon", "50", "100", "400", leg("", "4", "400"))}, `"anon"`},
		{"negative leg debt", []Account{acct("neg", "50", "100", "0", leg("ETH", "4", "400"), leg("BTC", "4", "-400"))}, `"neg"`},
		{"absurd equity", []Account{StaticAccount{ID: "huge", EquityValue: decimal.New(1, 9999), MaintenanceValue: d("1")}}, `"huge"`},
		{"tiny maintenance", []Account{StaticAccount{ID: "tiny", EquityValue: d("1"), MaintenanceValue: decimal.New(1, -40)}}, `"tiny"`},
		{"negative must-reduce", []Account{reducer{acct("r", "500", "100", "400", leg("ETH", "4", "400")), d("-1")}}, `"r"`},
		{"method panics", []Account{good, panicky{acct("p", "50", "100", "400", leg("ETH", "4", "400"))}}, `"p"`},
	}
	e := mustEngine(t, EngineSettings{Penalty: d("0.1"), GlobalCap: d("10000"), Window: 60e9, MaxCount: 5})
	p, err := e.Plan(t0, []Account{good})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Commit(t0, p.Orders); err != nil {
		t.Fatal(err)
	}
	before := e.Snapshot()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.Plan(sec(1), tc.accounts)
			if !errors.Is(err, ErrInvalidInput) {
				t.Fatalf("err = %v, want ErrInvalidInput", err)
			}
			if !strings.Contains(err.Error(), "account "+tc.mention) {
				t.Errorf("error %q does not name account %s", err, tc.mention)
			}
			if diff := cmp.Diff(before, e.Snapshot(), testkit.EquateDecimals); diff != "" {
				t.Fatalf("refused Plan changed state:\n%s", diff)
			}
		})
	}
}

// Issue 10 item 1: an account the margin owner flags (above its market's
// last tier cap) is planned even when its health would not call for it.
// Equity 500 ≥ maintenance 100 (health 5): no liquidation by health; the
// host says 150 of its 400 debt must go now.
func TestEnginePlansAccountThatMustBeReduced(t *testing.T) {
	e := mustEngine(t, EngineSettings{Penalty: d("0.1")})
	flagged := acct("over-cap", "500", "100", "400", leg("BTC", "4", "400"))
	flagged.ReduceDebt = d("150")
	p, err := e.Plan(t0, []Account{flagged, acct("calm", "500", "100", "400", leg("BTC", "4", "400"))})
	if err != nil {
		t.Fatal(err)
	}
	want := []Order{{Account: "over-cap", Market: "BTC", Health: d("5"), Debt: d("150"), Lot: d("1.5"), Tab: d("165"),
		Penalty: d("15"), Bonus: d("0"), Reduce: true}}
	if diff := cmp.Diff(want, p.Orders, testkit.EquateDecimals); diff != "" {
		t.Fatalf("(-want +got)\n%s", diff)
	}
	if len(p.Skipped) != 0 {
		t.Fatalf("skipped %v", p.Skipped)
	}

	// A host type of its own, and the floor above the close factor: health
	// 0.96 (> 0.95, so the close factor 50% would cap at 200), must reduce
	// 300: 300 closes.
	r := reducer{acct("host", "96", "100", "400", leg("BTC", "4", "400")), d("300")}
	p, err = e.Plan(t0, []Account{r})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Orders) != 1 || !p.Orders[0].Debt.Equal(d("300")) || p.Orders[0].Reduce {
		t.Fatalf("orders %+v", p.Orders)
	}

	// More than the debt: everything, no error (fail closed).
	flagged.ReduceDebt = d("1e6")
	p, err = e.Plan(t0, []Account{flagged})
	if err != nil || len(p.Orders) != 1 || !p.Orders[0].Full {
		t.Fatalf("plan %+v %v", p, err)
	}
}

// Issue 10 item 6: with the default sizing, the account a liquidation
// leaves behind is not liquidated again at the same mark. The host
// recomputes maintenance after the liquidation (the engine's model: it falls
// in proportion to the debt) rounded up to the cent, as margin's
// requirements are, and equity loses the penalty. With the old default
// (target 1) the rounding made it liquidatable again and charged a second
// penalty; the "target 1" case documents that.
func TestEngineDefaultSizingLeavesABuffer(t *testing.T) {
	// Equity 191, maintenance 200, debt 999 on one leg, penalty 10%:
	// health 0.955 (above 0.95, so the 50% close factor applies and does
	// not bind).
	a := acct("a", "191", "200", "999", leg("ETH", "10", "999"))
	after := func(o Order) StaticAccount {
		debt := a.DebtValue.Sub(o.Debt)
		mm := a.MaintenanceValue.Mul(debt)
		mm = num.DivCeil(mm, a.DebtValue, 2) // at the same mark, rounded up to the cent
		eq := a.EquityValue.Sub(o.Penalty)
		return StaticAccount{ID: "a", EquityValue: eq, MaintenanceValue: mm, DebtValue: debt, CollateralValue: eq.Add(debt),
			Legs: []Position{{Market: "ETH", Size: d("10").Sub(o.Lot), Value: d("1"), Debt: debt}}}
	}
	for _, tc := range []struct {
		name  string
		s     EngineSettings
		again bool
	}{
		{"default", EngineSettings{Penalty: d("0.1")}, false},
		{"target 1 (the old default)", EngineSettings{Penalty: d("0.1"), TargetHealth: d("1")}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := mustEngine(t, tc.s)
			p, err := e.Plan(t0, []Account{a})
			if err != nil || len(p.Orders) != 1 {
				t.Fatalf("plan %+v %v", p, err)
			}
			b := after(p.Orders[0])
			p2, err := e.Plan(sec(1), []Account{b})
			if err != nil {
				t.Fatal(err)
			}
			if again := len(p2.Orders) > 0; again != tc.again {
				t.Fatalf("liquidated again = %v (equity %s, maintenance %s), want %v", again, b.EquityValue, b.MaintenanceValue, tc.again)
			}
		})
	}
}

// Issue 10 item 9, Aave v3 LiquidationLogic: closeFactor = healthFactor >
// CLOSE_FACTOR_HF_THRESHOLD (0.95e18) ? 50% : 100% — at exactly 0.95 the
// account is closed in full (aave-v3-core _calculateDebt; aave-v3-origin
// v3.3+ executeLiquidationCall keeps the same `>`). Before the fix health
// 0.95 got 50%. Target health 2, so the sizing (4000·(200 − E)/200) asks
// for more than half and the close factor is what binds.
// v3.3's small-position rule keeps 50% only when the reserve's collateral
// and debt are both ≥ MIN_BASE_MAX_CLOSE_FACTOR_THRESHOLD (2,000): at
// exactly 2,000 the 50% holds, one unit below it 100%. The leftover rule
// (MIN_LEFTOVER_BASE, Maker Vat dust): a remainder ≥ Dust is allowed, one
// unit below it the whole debt closes (Maker dog.sol bark: `if (mul(art −
// dart, rate) < dust) dart = art`; Aave: `>= MIN_LEFTOVER_BASE` or revert).
func TestEngineThresholdBoundaries(t *testing.T) {
	tiny := "0.000000000000000001" // one unit at 18 places
	base := EngineSettings{TargetHealth: d("2")}
	tests := []struct {
		name     string
		s        func(*EngineSettings)
		a        StaticAccount
		wantDebt string // "" = no order
	}{
		{"equity = maintenance: not liquidatable (strict, Dog bark not-unsafe)", nil,
			acct("a", "100", "100", "4000", leg("E", "1", "4000")), ""},
		{"equity one unit below maintenance: liquidatable", nil,
			acct("a", "99.999999999999999999", "100", "4000", leg("E", "1", "4000")), "2000"},
		{"health exactly 0.95: 100% (Aave healthFactor > threshold ? 50% : 100%)", nil,
			acct("a", "95", "100", "4000", leg("E", "1", "4000")), "2100"}, // 4000·(200 − 95)/200, above the 50% cap
		{"health one unit above 0.95: 50%", nil,
			acct("a", "95.000000000000000001", "100", "4000", leg("E", "1", "4000")), "2000"},
		{"debt exactly SmallPosition: 50% (Aave v3.3 >= MIN_BASE)", func(s *EngineSettings) { s.SmallPosition = d("4000") },
			acct("a", "96", "100", "4000", leg("E", "1", "4000")), "2000"},
		{"debt one unit below SmallPosition: 100%", func(s *EngineSettings) { s.SmallPosition = d("4000").Add(d(tiny)) },
			acct("a", "96", "100", "4000", leg("E", "1", "4000")), "2080"}, // 4000·(200 − 96)/200, above the 50% cap
		{"leftover exactly Dust: partial allowed (Aave >= MIN_LEFTOVER_BASE)", func(s *EngineSettings) { s.Dust = d("2000") },
			acct("a", "96", "100", "4000", leg("E", "1", "4000")), "2000"},
		{"leftover one unit below Dust: whole debt (Dog: art − dart < dust → dart = art)", func(s *EngineSettings) { s.Dust = d("2000").Add(d(tiny)) },
			acct("a", "96", "100", "4000", leg("E", "1", "4000")), "4000"},
		{"tab exactly the global cap room: fits (Dog: Hole > Dirt)", func(s *EngineSettings) { s.GlobalCap = d("2000") },
			acct("a", "96", "100", "4000", leg("E", "1", "4000")), "2000"},
		{"cap room one unit short: shrinks to the room", func(s *EngineSettings) { s.GlobalCap = d("2000").Sub(d(tiny)) },
			acct("a", "96", "100", "4000", leg("E", "1", "4000")), "1999.999999999999999999"},
		{"market cap room exactly the tab: fits (Dog: ilk.hole > ilk.dirt)", func(s *EngineSettings) { s.MarketCaps = map[string]decimal.Decimal{"E": d("2000")} },
			acct("a", "96", "100", "4000", leg("E", "1", "4000")), "2000"},
		{"shrunk partial exactly Dust: allowed (Dog: dart·rate >= dust)", func(s *EngineSettings) { s.GlobalCap = d("1000"); s.Dust = d("1000") },
			acct("a", "96", "100", "4000", leg("E", "1", "4000")), "1000"},
		{"shrunk partial one unit below Dust: skipped (Dog: dusty-auction-from-partial-liquidation)", func(s *EngineSettings) { s.GlobalCap = d("1000").Sub(d(tiny)); s.Dust = d("1000") },
			acct("a", "96", "100", "4000", leg("E", "1", "4000")), ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := base
			if tc.s != nil {
				tc.s(&s)
			}
			p, err := mustEngine(t, s).Plan(t0, []Account{tc.a})
			if err != nil {
				t.Fatal(err)
			}
			got := ""
			if len(p.Orders) > 0 {
				got = p.Orders[0].Debt.String()
			}
			if got != tc.wantDebt {
				t.Fatalf("debt closed %q, want %q (orders %+v, skipped %+v)", got, tc.wantDebt, p.Orders, p.Skipped)
			}
		})
	}
}

// Throttle boundaries: MaxCount orders in a window are allowed, one more is
// not; an order exactly Window old has left the window (the window is
// (now − Window, now]).
func TestEngineThrottleBoundaries(t *testing.T) {
	e := mustEngine(t, EngineSettings{Window: 60e9, MaxCount: 1, MaxNotional: d("2000")})
	a := acct("a", "0", "100", "2000", leg("E", "1", "2000")) // equity 0: the whole debt
	p, err := e.Plan(t0, []Account{a})
	if err != nil || len(p.Orders) != 1 || !p.Orders[0].Tab.Equal(d("2000")) {
		t.Fatalf("notional exactly MaxNotional must fit: %+v %v", p, err)
	}
	if _, err := e.Commit(t0, p.Orders); err != nil {
		t.Fatal(err)
	}
	if p, _ := e.Plan(sec(59), []Account{a}); len(p.Orders) != 0 {
		t.Fatalf("second order within the window planned: %+v", p.Orders)
	}
	if p, _ := e.Plan(sec(60), []Account{a}); len(p.Orders) != 1 {
		t.Fatalf("an order exactly Window old still counted: %+v", p)
	}
}
