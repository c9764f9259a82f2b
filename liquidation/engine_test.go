package liquidation

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/testkit"
)

func acct(id, eq, mm, debt string, legs ...Position) StaticAccount {
	coll := d(eq).Add(d(debt))
	return StaticAccount{ID: id, EquityValue: d(eq), MaintenanceValue: d(mm), DebtValue: d(debt), CollateralValue: coll, Legs: legs}
}

func leg(m, size, debt string) Position {
	return Position{Market: m, Size: d(size), Value: d(debt).Mul(d("1.5")), Debt: d(debt)}
}

func mustEngine(t testing.TB, s EngineSettings) *Engine {
	e, err := NewEngine(s)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// Sizing table. Penalty 10%, dust 50, target health 1 unless stated.
// "restore": x = D(TM − E)/(TM − pD) = 1000·(200 − 192)/(200 − 100) = 80;
// after it E' = 192 − 8 = 184 = M' = 200 × 920/1000.
func TestEngineSizing(t *testing.T) {
	base := EngineSettings{TargetHealth: d("1"), Penalty: d("0.1"), Dust: d("50")}
	tests := []struct {
		name string
		s    func(*EngineSettings)
		a    StaticAccount
		want []Order
	}{
		{"restore maintenance", nil, acct("a", "192", "200", "1000", leg("ETH", "10", "1000")),
			[]Order{{Account: "a", Market: "ETH", Health: d("0.96"), Debt: d("80"), Lot: d("0.8"), Tab: d("88"), Penalty: d("8"), Bonus: d("0")}}},
		{"Aave close factor 50% binds", func(s *EngineSettings) { s.TargetHealth = d("1.5") },
			acct("a", "192", "200", "1000", leg("ETH", "10", "1000")),
			[]Order{{Account: "a", Market: "ETH", Health: d("0.96"), Debt: d("500"), Lot: d("5"), Tab: d("550"), Penalty: d("50"), Bonus: d("0")}}},
		{"health below 0.95 lifts the close factor", func(s *EngineSettings) { s.TargetHealth = d("1.5") },
			acct("a", "188", "200", "1000", leg("ETH", "10", "1000")),
			[]Order{{Account: "a", Market: "ETH", Health: d("0.94"), Debt: d("560"), Lot: d("5.6"), Tab: d("616"), Penalty: d("56"), Bonus: d("0")}}},
		{"small position lifts the close factor (Aave v3.3)", func(s *EngineSettings) { s.TargetHealth = d("1.5"); s.SmallPosition = d("2000") },
			acct("a", "192", "200", "1000", leg("ETH", "10", "1000")),
			[]Order{{Account: "a", Market: "ETH", Health: d("0.96"), Debt: d("540"), Lot: d("5.4"), Tab: d("594"), Penalty: d("54"), Bonus: d("0")}}},
		{"small leg lifts the close factor (Aave v3.3, per reserve)", func(s *EngineSettings) { s.TargetHealth = d("1.5"); s.SmallPosition = d("200") },
			acct("a", "192", "200", "1000", leg("ETH", "10", "900"), Position{Market: "BTC", Size: d("1"), Value: d("150"), Debt: d("100")}),
			[]Order{{Account: "a", Market: "ETH", Health: d("0.96"), Debt: d("540"), Lot: d("6"), Tab: d("594"), Penalty: d("54"), Bonus: d("0")}}},
		{"dust: too small a liquidation grows to dust", nil, acct("a", "199", "200", "1000", leg("ETH", "10", "1000")),
			[]Order{{Account: "a", Market: "ETH", Health: d("0.995"), Debt: d("50"), Lot: d("0.5"), Tab: d("55"), Penalty: d("5"), Bonus: d("0")}}},
		{"dust: dusty remainder closes everything", nil, acct("a", "10", "20", "100", leg("ETH", "1", "100")),
			[]Order{{Account: "a", Market: "ETH", Health: d("0.5"), Debt: d("100"), Lot: d("1"), Tab: d("110"), Penalty: d("10"), Bonus: d("0"), Full: true}}},
		{"unrestorable closes all", func(s *EngineSettings) { s.Penalty = d("0.3") },
			acct("a", "150", "200", "1000", leg("ETH", "10", "1000")),
			[]Order{{Account: "a", Market: "ETH", Health: d("0.75"), Debt: d("1000"), Lot: d("10"), Tab: d("1300"), Penalty: d("300"), Bonus: d("0"), Full: true}}},
		{"bonus reported and charged", func(s *EngineSettings) { s.LiquidatorBonus = d("0.05") },
			acct("a", "192", "200", "1000", leg("ETH", "10", "1000")),
			[]Order{{Account: "a", Market: "ETH", Health: d("0.96"), Debt: d("160"), Lot: d("1.6"), Tab: d("176"), Penalty: d("16"), Bonus: d("8")}}},
		{"two legs, largest debt first", nil, acct("a", "160", "200", "1000", leg("BTC", "1", "300"), leg("ETH", "10", "700")),
			[]Order{{Account: "a", Market: "ETH", Health: d("0.8"), Debt: d("400"), Lot: d("5.714285714285714285"), Tab: d("440"), Penalty: d("40"), Bonus: d("0")}}},
		{"healthy account never planned", nil, acct("a", "200", "200", "1000", leg("ETH", "10", "1000")), []Order{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := base
			if tc.s != nil {
				tc.s(&s)
			}
			e := mustEngine(t, s)
			p, err := e.Plan(t0, []Account{tc.a})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, p.Orders, testkit.EquateDecimals); diff != "" {
				t.Fatalf("orders (-want +got):\n%s", diff)
			}
		})
	}
}

// Maker Dog Hole/hole: the second account gets only the room left, the
// third nothing; caps are never exceeded.
func TestEngineCapsAndCommit(t *testing.T) {
	e := mustEngine(t, EngineSettings{TargetHealth: d("1"), Penalty: d("0.1"), Dust: d("10"), GlobalCap: d("1000"),
		MarketCaps: map[string]decimal.Decimal{"ETH": d("500")}})
	accts := []Account{
		acct("b", "50", "100", "400", leg("ETH", "4", "400")), // health 0.5: full 400 → tab 440
		acct("a", "40", "100", "400", leg("ETH", "4", "400")), // health 0.4: first, tab 440
		acct("c", "60", "100", "400", leg("BTC", "4", "400")), // BTC: tab 440
	}
	p, err := e.Plan(t0, accts)
	if err != nil {
		t.Fatal(err)
	}
	got := []string{}
	for _, o := range p.Orders {
		got = append(got, o.Account+":"+o.Tab.String())
	}
	// a: full 400 → tab 440 ETH; b: ETH room 60 → debt floor(60/1.1) = 54.54…,
	// tab rounds up to 60, remainder 345 not dusty; c: restore sizing
	// 400·40/60 = 266.67 → tab 293.33 on BTC within the global room 500.
	want := []string{"a:440", "b:60", "c:293.333333333333333334"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("(-want +got)\n%s", diff)
	}
	if _, err := e.Commit(t0, p.Orders); err != nil {
		t.Fatal(err)
	}
	if err := e.CheckInvariants(); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Commit(t0, p.Orders); !errors.Is(err, ErrCapExceeded) {
		t.Fatalf("second commit: %v", err)
	}
	if _, err := e.Release(t0, "ETH", d("440")); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Release(t0, "ETH", d("1000")); !errors.Is(err, ErrInvalidInput) {
		t.Fatalf("over-release: %v", err)
	}
	if !e.DebtUnderAuction().Equal(d("353.333333333333333334")) {
		t.Fatalf("dirt %s", e.DebtUnderAuction())
	}
}

func TestEngineThrottle(t *testing.T) {
	e := mustEngine(t, EngineSettings{Window: time.Minute, MaxCount: 2, MaxNotional: d("1000")})
	accts := []Account{
		acct("a", "0", "100", "300", leg("ETH", "3", "300")),
		acct("b", "10", "100", "300", leg("ETH", "3", "300")),
		acct("c", "20", "100", "300", leg("ETH", "3", "300")),
	}
	p, _ := e.Plan(t0, accts)
	if len(p.Orders) != 2 || p.Skipped[0].Reason != SkipThrottle || p.Skipped[0].Account != "c" {
		t.Fatalf("plan %+v", p)
	}
	if _, err := e.Commit(t0, p.Orders); err != nil {
		t.Fatal(err)
	}
	p, _ = e.Plan(sec(59), accts)
	if len(p.Orders) != 0 {
		t.Fatalf("inside window: %+v", p.Orders)
	}
	p, _ = e.Plan(sec(60), accts)
	if len(p.Orders) != 2 {
		t.Fatalf("window passed: %+v", p.Orders)
	}
}

func TestEngineBadInput(t *testing.T) {
	for name, s := range map[string]EngineSettings{
		"target below 1":     {TargetHealth: d("0.9")},
		"close factor > 1":   {CloseFactor: d("1.5")},
		"negative penalty":   {Penalty: d("-0.1")},
		"zero market cap":    {MarketCaps: map[string]decimal.Decimal{"ETH": d("0")}},
		"negative window":    {Window: -time.Second},
		"absurd global cap":  {GlobalCap: decimal.New(1, 100)},
		"full health over 1": {FullCloseHealth: d("1.1")},
	} {
		if _, err := NewEngine(s); !errors.Is(err, ErrInvalidSettings) {
			t.Errorf("%s: %v", name, err)
		}
	}
	e := mustEngine(t, EngineSettings{})
	for name, as := range map[string][]Account{
		"duplicate":        {acct("a", "1", "2", "3"), acct("a", "1", "2", "3")},
		"negative maint.":  {acct("a", "1", "-2", "3")},
		"absurd equity":    {StaticAccount{ID: "a", EquityValue: decimal.New(1, 99), MaintenanceValue: d("1")}},
		"negative leg":     {acct("a", "1", "2", "3", leg("ETH", "-1", "3"))},
		"nil":              {nil},
		"negative debt":    {acct("a", "1", "2", "-3")},
		"absurd leg debt":  {acct("a", "1", "2", "3", Position{Market: "X", Size: d("1"), Debt: decimal.New(1, -99)})},
		"negative leg val": {acct("a", "1", "2", "3", Position{Market: "X", Size: d("1"), Value: d("-1"), Debt: d("1")})},
	} {
		if _, err := e.Plan(t0, as); !errors.Is(err, ErrInvalidInput) {
			t.Errorf("%s: %v", name, err)
		}
	}
	e.Commit(sec(10), nil)
	if _, err := e.Plan(sec(9), nil); !errors.Is(err, ErrTimeBackwards) {
		t.Errorf("time backwards: %v", err)
	}
}
