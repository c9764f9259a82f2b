package options

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
	"github.com/failsafe-fi/failsafe/margin/portfolio"
	"github.com/failsafe-fi/failsafe/stress"
)

// blackValue is the Black-76 value of qty options (rate 0), worked out
// independently of the venue's arrays, rounded to the cent: up for what
// the account pays (buying back a short), down for what it receives.
func blackValue(t *testing.T, r portfolio.Right, f, k, vol decimal.Decimal, days int64, qty decimal.Decimal, up bool) decimal.Decimal {
	t.Helper()
	v, err := portfolio.Black76(portfolio.OptionInput{Right: r, Forward: f, Strike: k, Vol: vol, Years: num.Div(decimal.New(days, 0), decimal.New(365, 0), 18, num.HalfEven)})
	if err != nil {
		t.Fatal(err)
	}
	if up {
		return num.Round(v.Price.Mul(qty), Scale, num.Ceil)
	}
	return num.Round(v.Price.Mul(qty), Scale, num.Floor)
}

// TestCrashTick: one small book through one tick, checked by hand. The
// accounts open at their initial requirement (headroom none); the tick is
// the scenario's first, so the options have exactly 7 (or 30) days left;
// the volatility rule makes a 30% fall lift 0.6 to 0.6 × (1 + 0.3) = 0.78
// (Config.VolBeta). A full close's bad debt is the cost of buying back the
// shorts (Black-76, rounded up to the cent) and selling the longs (rounded
// down) less the wallet; the penalty is waived (nothing is left to pay
// it); the fund pays the bad debt down to zero, the rest is uncovered.
func TestCrashTick(t *testing.T) {
	k90, k100 := d("90000"), d("100000")
	putCost70 := blackValue(t, portfolio.Put, d("70000"), k90, d("0.78"), 7, d("1"), true)
	straddle70 := blackValue(t, portfolio.Put, d("70000"), k100, d("0.78"), 7, d("1"), true).
		Add(blackValue(t, portfolio.Call, d("70000"), k100, d("0.78"), 7, d("1"), true))
	for _, tc := range []struct {
		name           string
		cfg            Config
		b              book
		price          string
		orders, closed int
		badDebt        func(wallet decimal.Decimal) decimal.Decimal // from the wallet before the tick
		fundDraw       func(bad decimal.Decimal) decimal.Decimal
		exhausted      bool
		penaltyCharged bool
	}{
		{name: "covered call at the open price: healthy, nothing planned", b: book{CoveredCall, d("2"), decimal.Zero}, price: "100000"},
		{name: "naked short put −10%: one partial order, penalty to the fund, healthy after", b: book{NakedPut, d("1"), decimal.Zero},
			price: "90000", orders: 1, penaltyCharged: true},
		{name: "short straddle −10%: one partial order, healthy after", b: book{ShortStraddle, d("1"), decimal.Zero},
			price: "90000", orders: 1, penaltyCharged: true},
		{name: "naked short put −30% gap: closed in full, bad debt = put at 0.78 vol − wallet, fund pays it", b: book{NakedPut, d("1"), decimal.Zero},
			price: "70000", orders: 1, closed: 1,
			badDebt:  func(w decimal.Decimal) decimal.Decimal { return putCost70.Sub(w) },
			fundDraw: func(bad decimal.Decimal) decimal.Decimal { return bad }},
		{name: "short straddle −30% gap: bad debt = put + call bought back − wallet", b: book{ShortStraddle, d("1"), decimal.Zero},
			price: "70000", orders: 1, closed: 1,
			badDebt:  func(w decimal.Decimal) decimal.Decimal { return straddle70.Sub(w) },
			fundDraw: func(bad decimal.Decimal) decimal.Decimal { return bad }},
		{name: "naked short put −30% with a 1,000 fund: the fund is drawn to zero, the rest uncovered", cfg: Config{InsuranceFund: d("1000")},
			b: book{NakedPut, d("1"), decimal.Zero}, price: "70000", orders: 1, closed: 1, exhausted: true,
			badDebt:  func(w decimal.Decimal) decimal.Decimal { return putCost70.Sub(w) },
			fundDraw: func(decimal.Decimal) decimal.Decimal { return d("1000") }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := tc.cfg
			cfg.Headroom = d("-1")
			m := venue(t, cfg, tc.b)
			wallet := m.accts[0].Wallet
			if err := m.Check(); err != nil {
				t.Fatal(err)
			}
			if err := m.Step(tick(0, 0, tc.price)); err != nil {
				t.Fatal(err)
			}
			if err := m.Check(); err != nil {
				t.Fatal(err)
			}
			o := m.Outcome()
			if m.lastOrders != tc.orders || m.lastClosed != tc.closed || o.Liquidations != tc.orders {
				t.Fatalf("orders %d closed %d (outcome %d), want %d and %d", m.lastOrders, m.lastClosed, o.Liquidations, tc.orders, tc.closed)
			}
			for _, r := range risks(t, m) {
				if r.Liquidatable {
					t.Fatalf("left liquidatable after its plan: %+v", r)
				}
				if tc.orders > 0 && r.Equity.LessThan(num.MulRound(r.Maintenance, d("1.09"), Scale, num.Floor)) {
					t.Fatalf("partial close left health %s/%s, want about the engine's 1.1", r.Equity, r.Maintenance)
				}
			}
			wantBad, wantDraw := decimal.Zero, decimal.Zero
			if tc.badDebt != nil {
				wantBad = tc.badDebt(wallet)
				wantDraw = tc.fundDraw(wantBad)
			}
			wantUncovered := wantBad.Sub(wantDraw)
			if !o.BadDebt.Equal(wantBad) || !o.Uncovered.Equal(wantUncovered) || o.FundExhausted != tc.exhausted {
				t.Fatalf("bad debt %s uncovered %s exhausted %v, want %s, %s, %v", o.BadDebt, o.Uncovered, o.FundExhausted, wantBad, wantUncovered, tc.exhausted)
			}
			gain := o.FundEnd.Sub(o.FundStart)
			if tc.penaltyCharged {
				if !gain.IsPositive() || !gain.Equal(m.penalties) {
					t.Fatalf("fund moved %s, penalties %s", gain, m.penalties)
				}
			} else if !gain.Equal(wantDraw.Neg()) {
				t.Fatalf("fund moved %s, want −%s (penalty waived on a full close)", gain, wantDraw)
			}
		})
	}
}

// TestVolRule: Config.VolBeta's rule, by hand.
func TestVolRule(t *testing.T) {
	for _, tc := range []struct {
		name  string
		cfg   Config
		price string
		want  string
	}{
		{"at the open: Vol", Config{}, "100000", "0.6"},
		{"above the open: Vol (a rise does not lower it)", Config{}, "120000", "0.6"},
		{"−30%: 0.6 × 1.3", Config{}, "70000", "0.78"},
		{"−35% with beta 2: 0.6 × 1.7", Config{VolBeta: d("2")}, "65000", "1.02"},
		{"−1/3 rounds half-even to 4 places: 0.6 × 1.33333333", Config{}, "66666.67", "0.8"},
		{"beta none: fixed", Config{VolBeta: d("-1")}, "50000", "0.6"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := venue(t, tc.cfg)
			if got := m.vol(d(tc.price)); !got.Equal(d(tc.want)) {
				t.Fatalf("vol(%s) = %s, want %s", tc.price, got, tc.want)
			}
		})
	}
}

// TestTickRefused: a tick the venue cannot take is refused with
// ErrInvalidTick (wrapping stress.ErrModel) and changes nothing.
func TestTickRefused(t *testing.T) {
	for _, tc := range []struct {
		name string
		tk   stress.Tick
	}{
		{"zero price", tick(1, 1, "0")},
		{"negative price", tick(1, 1, "-5")},
		{"before the first tick", tick(1, -1, "100000")},
		{"beyond the horizon", tick(1, int(MaxHorizon/time.Minute)+1, "100000")},
		{"no time", stress.Tick{Seq: 1, Price: d("100000")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := venue(t, Config{}, book{ShortStraddle, d("1"), decimal.Zero})
			if err := m.Step(tick(0, 0, "95000")); err != nil {
				t.Fatal(err)
			}
			before := m.Accounts()
			o := m.Outcome()
			if err := m.Step(tc.tk); !errors.Is(err, ErrInvalidTick) || !errors.Is(err, stress.ErrModel) {
				t.Fatalf("Step: %v, want ErrInvalidTick", err)
			}
			if diff := cmp.Diff(before, m.Accounts(), decCmp); diff != "" {
				t.Fatalf("accounts changed:\n%s", diff)
			}
			if diff := cmp.Diff(o, m.Outcome(), decCmp); diff != "" {
				t.Fatalf("outcome changed:\n%s", diff)
			}
			if err := m.Check(); err != nil {
				t.Fatal(err)
			}
		})
	}
}
