package join_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"

	"github.com/failsafe-fi/failsafe/internal/num"
	"github.com/failsafe-fi/failsafe/internal/testkit"
	"github.com/failsafe-fi/failsafe/join"
	"github.com/failsafe-fi/failsafe/liquidation"
	"github.com/failsafe-fi/failsafe/margin"
	"github.com/failsafe-fi/failsafe/margin/portfolio"
)

const optBook = "BTC-OPTIONS"

// optEngine: a linear (USD-settled) BTC book — a perpetual and calls and
// puts at three strikes and two expiries — over the Deribit-shaped grid
// with BTC's published vol shock and a contingency add-on.
func optEngine(t interface{ Fatal(...any) }) (*portfolio.Engine, *portfolio.Arrays, []string) {
	ids := []string{"PERP"}
	insts := []portfolio.Instrument{{ID: "PERP", Underlying: "BTC", Kind: portfolio.Future, ContractSize: d("1")}}
	vols := map[string]decimal.Decimal{}
	for _, days := range []int{7, 60} {
		for _, k := range []string{"90000", "100000", "110000"} {
			for _, r := range []portfolio.Right{portfolio.Call, portfolio.Put} {
				id := fmt.Sprintf("BTC-%dD-%s-%s", days, k, r)
				insts = append(insts, portfolio.Instrument{ID: id, Underlying: "BTC", Kind: portfolio.Option, Right: r,
					Strike: d(k), Expiry: t0.Add(time.Duration(days) * 24 * time.Hour), ContractSize: d("1")})
				vols[id] = d("0.6")
				ids = append(ids, id)
			}
		}
	}
	e, err := portfolio.New(portfolio.Settings{
		Underlyings:   []portfolio.Underlying{{ID: "BTC", ScanFraction: d("0.16")}},
		Instruments:   insts,
		Grid:          portfolio.DeribitPM(portfolio.DeribitBTCShock(), d("0.25")),
		AddOns:        portfolio.AddOns{Contingency: d("0.006")},
		Scale:         2,
		InitialFactor: d("1.3"),
	})
	if err != nil {
		t.Fatal(err)
	}
	a, err := e.Arrays(t0, portfolio.Marks{Prices: map[string]decimal.Decimal{"BTC": d("100000")}, Vols: vols})
	if err != nil {
		t.Fatal(err)
	}
	return e, a, ids
}

// execute books a plan the way a venue would: each order's lot of the
// book closed at the marks (equity unchanged) and its penalty charged. It
// returns the account after and its equity. An order on any other market
// closes Lot contracts of that instrument alone (the per-position mapping
// the mutation of TestPropOptionsPlanRestoresHealth installs).
func execute(t interface{ Fatal(...any) }, acct portfolio.Account, eq decimal.Decimal, plan liquidation.Plan) (portfolio.Account, decimal.Decimal) {
	after := acct.Clone()
	for _, o := range plan.Orders {
		eq = eq.Sub(o.Penalty)
		var closes []join.OptionsClose
		if o.Market == optBook {
			var err error
			if closes, err = join.OptionsCloses(acct, o.Lot, 8); err != nil {
				t.Fatal(err)
			}
		} else {
			net := decimal.Zero
			for _, p := range acct.Positions {
				if p.Instrument == o.Market {
					net = net.Add(p.Size)
				}
			}
			closes = []join.OptionsClose{{Instrument: o.Market, Size: o.Lot.Mul(decimal.NewFromInt(int64(-net.Sign())))}}
		}
		for _, c := range closes {
			after.Positions = append(after.Positions, portfolio.Position{Instrument: c.Instrument, Size: c.Size, Entry: d("100000")})
		}
	}
	return after, eq
}

// TestOptionsHedgedBookPlanned: a delta-hedged short straddle (short 10
// calls and 10 puts at 100k, long 5 perpetuals) whose equity fell below
// its portfolio maintenance is planned by liquidation.Engine through
// OptionsAccount, and closing the planned fraction of the whole book
// restores the engine's target health; the same account funded at
// maintenance is not planned.
func TestOptionsHedgedBookPlanned(t *testing.T) {
	_, a, _ := optEngine(t)
	acct := portfolio.Account{ID: "mm-1", Positions: []portfolio.Position{
		{Instrument: "BTC-7D-100000-call", Size: d("-10")},
		{Instrument: "BTC-7D-100000-put", Size: d("-10")},
		{Instrument: "PERP", Size: d("5"), Entry: d("100000")},
	}}
	r0, res, err := a.Risk(acct)
	if err != nil {
		t.Fatal(err)
	}
	eng, err := liquidation.NewEngine(liquidation.EngineSettings{Penalty: d("0.005"), CloseFactor: d("1")})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		equity  decimal.Decimal
		planned bool
	}{
		{"at maintenance: not liquidatable", res.Maintenance, false},
		{"at 80% of maintenance", res.Maintenance.Mul(d("0.8")).Round(2), true},
		{"at 96% of maintenance", res.Maintenance.Mul(d("0.96")).Round(2), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			acct := acct.Clone()
			acct.Wallet = tc.equity.Sub(r0.Equity)
			sa, risk, err := join.OptionsAccount(a, acct, optBook)
			if err != nil {
				t.Fatal(err)
			}
			if risk.Liquidatable != tc.planned || !risk.Equity.Equal(tc.equity) {
				t.Fatalf("risk %+v, want liquidatable %v at equity %s", risk, tc.planned, tc.equity)
			}
			plan, err := eng.Plan(t0, []liquidation.Account{sa})
			if err != nil {
				t.Fatal(err)
			}
			if !tc.planned {
				if len(plan.Orders)+len(plan.Skipped) != 0 {
					t.Fatalf("healthy account planned: %+v", plan)
				}
				return
			}
			if len(plan.Orders) != 1 || plan.Orders[0].Market != optBook || plan.Orders[0].Full {
				t.Fatalf("want one partial order on the book, got %+v", plan)
			}
			after, eq := execute(t, acct, risk.Equity, plan)
			_, r1, err := a.Risk(after)
			if err != nil {
				t.Fatal(err)
			}
			if r1.Maintenance.Cmp(res.Maintenance) >= 0 {
				t.Fatalf("maintenance %s → %s: not released", res.Maintenance, r1.Maintenance)
			}
			// Target health 1.1 (the engine's default), up to rounding.
			if eq.Cmp(r1.Maintenance.Mul(d("1.099"))) < 0 {
				t.Fatalf("after the plan: equity %s, maintenance %s (health below the 1.1 target)", eq, r1.Maintenance)
			}
		})
	}
}

// TestPropOptionsPlanRestoresHealth: for any book of the optEngine's
// instruments with its equity anywhere below maintenance, the plan
// liquidation.Engine makes from OptionsAccount (close factor 1), executed
// with OptionsCloses, leaves the account not liquidatable, and — unless it
// closed the whole book — at the engine's target health (1.1) up to
// rounding. Mutation seen failing: OptionsAccount with one leg per net
// position (Debt = its notional; the engine closes the largest first):
// for a long 90,000 call and a long perpetual at 1% health the engine
// closed the call whole and 98% of the perpetual, assuming maintenance
// falls with the debt closed; the call had carried less than its share,
// and the perpetual's remainder (maintenance 300) was still liquidatable
// against equity 262.
func TestPropOptionsPlanRestoresHealth(t *testing.T) {
	_, a, ids := optEngine(t)
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 6).Draw(t, "n")
		acct := portfolio.Account{ID: "acct"}
		for i := 0; i < n; i++ {
			id := rapid.SampledFrom(ids).Draw(t, "instrument")
			size := decimal.NewFromInt(int64(rapid.IntRange(-20, 20).Filter(func(v int) bool { return v != 0 }).Draw(t, "size")))
			acct.Positions = append(acct.Positions, portfolio.Position{Instrument: id, Size: size, Entry: d("100000")})
		}
		r0, res, err := a.Risk(acct)
		if err != nil {
			t.Fatal(err)
		}
		if res.Maintenance.Sign() == 0 {
			t.Skip("flat or riskless book")
		}
		health := decimal.NewFromInt(int64(rapid.IntRange(-50, 99).Draw(t, "health%"))).Shift(-2)
		acct.Wallet = res.Maintenance.Mul(health).Round(2).Sub(r0.Equity)
		penalty := rapid.SampledFrom([]string{"0", "0.005", "0.02"}).Draw(t, "penalty")
		eng, err := liquidation.NewEngine(liquidation.EngineSettings{Penalty: d(penalty), CloseFactor: d("1")})
		if err != nil {
			t.Fatal(err)
		}
		sa, risk, err := join.OptionsAccount(a, acct, optBook)
		if err != nil {
			t.Fatal(err)
		}
		if !risk.Liquidatable {
			t.Fatalf("equity %s below maintenance %s not liquidatable", risk.Equity, risk.Maintenance)
		}
		plan, err := eng.Plan(t0, []liquidation.Account{sa})
		if err != nil {
			t.Fatal(err)
		}
		if len(plan.Orders) == 0 {
			t.Fatalf("liquidatable account not planned: %+v", plan)
		}
		full := true
		for _, o := range plan.Orders {
			full = full && o.Full
		}
		after, eq := execute(t, acct, risk.Equity, plan)
		_, r1, err := a.Risk(after)
		if err != nil {
			t.Fatal(err)
		}
		// Rounding slack: the requirement is a sum of a few figures each
		// rounded up to the cent and equity a sum of figures rounded down,
		// so a tiny remainder of a book may miss the target by a few cents
		// (a 1% health and one long put left 3.84 against 3.50).
		slack := d("0.05")
		after1 := margin.AccountRiskOf(eq.Add(slack), r1.Initial, r1.Maintenance)
		if after1.Liquidatable && !(full && eq.Sign() < 0) {
			t.Fatalf("still liquidatable after the plan: equity %s, maintenance %s → %s (orders %+v)", eq, res.Maintenance, r1.Maintenance, plan.Orders)
		}
		if !full && eq.Add(slack).Cmp(r1.Maintenance.Mul(d("1.099"))) < 0 {
			t.Fatalf("health after %s/%s below the 1.1 target", eq, r1.Maintenance)
		}
	})
}

// TestOptionsCloses: sizes are the lot of each net holding, rounded away
// from zero, never beyond the holding; bad input is refused.
func TestOptionsCloses(t *testing.T) {
	acct := portfolio.Account{Positions: []portfolio.Position{
		{Instrument: "C", Size: d("-3")}, {Instrument: "P", Size: d("2")}, {Instrument: "C", Size: d("-0.5")},
		{Instrument: "F", Size: d("1")}, {Instrument: "F", Size: d("-1")},
	}}
	got, err := join.OptionsCloses(acct, d("0.3333"), 1)
	if err != nil {
		t.Fatal(err)
	}
	want := []join.OptionsClose{{Instrument: "C", Size: d("1.2")}, {Instrument: "P", Size: d("-0.7")}}
	if diff := cmp.Diff(want, got, cmp.Comparer(func(a, b decimal.Decimal) bool { return a.Equal(b) })); diff != "" {
		t.Errorf("closes (-want +got):\n%s", diff)
	}
	all, err := join.OptionsCloses(acct, d("1"), 0)
	if err != nil {
		t.Fatal(err)
	}
	if !all[0].Size.Equal(d("3.5")) || !all[1].Size.Equal(d("-2")) {
		t.Errorf("lot 1 at scale 0: %+v (never beyond the holding)", all)
	}
	for _, tc := range []struct {
		name  string
		lot   decimal.Decimal
		scale int32
	}{{"zero lot", d("0"), 2}, {"lot above 1", d("1.01"), 2}, {"negative scale", d("0.5"), -1}, {"scale 19", d("0.5"), 19}} {
		if _, err := join.OptionsCloses(acct, tc.lot, tc.scale); !errors.Is(err, join.ErrInvalidInput) {
			t.Errorf("%s: err %v", tc.name, err)
		}
	}
	_, a, _ := optEngine(t)
	for _, tc := range []struct {
		name   string
		acct   portfolio.Account
		market string
	}{{"no ID", portfolio.Account{}, optBook}, {"no market", portfolio.Account{ID: "x"}, ""},
		{"unknown instrument", portfolio.Account{ID: "x", Positions: []portfolio.Position{{Instrument: "nope", Size: d("1")}}}, optBook}} {
		if _, _, err := join.OptionsAccount(a, tc.acct, tc.market); !errors.Is(err, join.ErrInvalidInput) {
			t.Errorf("%s: err %v", tc.name, err)
		}
	}
	if _, _, err := join.OptionsAccount(nil, portfolio.Account{ID: "x"}, optBook); !errors.Is(err, join.ErrInvalidInput) {
		t.Errorf("nil arrays: err %v", err)
	}
}

// TestPropOptionsClosedSumOfParts: a book liquidation's ledger moves the
// sum of its parts. For any book and lot, OptionsClosed's notional is
// exactly Σ |close size| × price of the trades OptionsCloses returns
// (rounded up once), at least the lot's share of the book's notional
// (each size rounded up: never less than planned) and at most the whole
// book's. Mutations seen failing: OptionsClosed skipping the buy-backs
// (counting only the closes of long holdings), and OptionsCloses rounding
// sizes down (less closed than planned).
func TestPropOptionsClosedSumOfParts(t *testing.T) {
	_, a, ids := optEngine(t)
	rapid.Check(t, func(t *rapid.T) {
		acct := portfolio.Account{ID: "acct"}
		for range rapid.IntRange(1, 8).Draw(t, "n") {
			size := testkit.Decimal(1, 100_000, 3).Draw(t, "size")
			if rapid.Bool().Draw(t, "short") {
				size = size.Neg()
			}
			acct.Positions = append(acct.Positions, portfolio.Position{Instrument: rapid.SampledFrom(ids).Draw(t, "instrument"), Size: size, Entry: d("100000")})
		}
		book, err := a.Notional(acct.Positions)
		if err != nil {
			t.Fatal(err)
		}
		if book.Sign() == 0 {
			t.Skip("flat book")
		}
		lot := testkit.Decimal(1, 100_000_000, 8).Draw(t, "lot")
		scale := rapid.Int32Range(0, 8).Draw(t, "size scale")
		closes, err := join.OptionsCloses(acct, lot, scale)
		if err != nil {
			t.Fatal(err)
		}
		closed, err := join.OptionsClosed(a, closes)
		if err != nil {
			t.Fatal(err)
		}
		parts := decimal.Zero // every instrument is linear at 100,000 with contract size 1
		for _, c := range closes {
			parts = parts.Add(c.Size.Abs().Mul(d("100000")))
		}
		if want := num.Round(parts, 2, num.Ceil); !closed.Equal(want) {
			t.Fatalf("closed %s, sum of the parts %s", closed, want)
		}
		if closed.Cmp(num.MulRound(book, lot, 2, num.Floor)) < 0 || closed.Cmp(book) > 0 {
			t.Fatalf("closed %s outside [lot %s × book %s, book]", closed, lot, book)
		}
	})
}
