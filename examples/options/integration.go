package main

import (
	"fmt"
	"io"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
	"github.com/failsafe-fi/failsafe/join"
	"github.com/failsafe-fi/failsafe/liquidation"
	"github.com/failsafe-fi/failsafe/margin"
	"github.com/failsafe-fi/failsafe/margin/portfolio"
)

// flow is the whole book held by one account, through a pre-trade check
// and a liquidation, for the program's test.
type flow struct {
	Before        margin.AccountRisk  // at 100,000, funded between maintenance and initial
	More, Hedge   portfolio.Decision  // a riskier order and a hedge, both checked below initial
	Crash         margin.AccountRisk  // after BTC falls to the crash price
	Plan          liquidation.Plan    // the liquidation engine's plan for the book
	Closes        []join.OptionsClose // the trades that execute it
	After         margin.AccountRisk  // the account after the plan (penalty paid)
	CrashPrice    decimal.Decimal
	MoreO, HedgeO portfolio.Order
}

// crashPrice is where BTC falls before the liquidation.
var crashPrice = dec("93000")

// runFlow puts the whole book in one account funded halfway between its
// portfolio maintenance and initial requirement, checks two orders before
// trade (five more short calls: riskier, refused; selling 0.3 BTC of the
// future against the book's long delta: a hedge that lowers the
// requirement, accepted although the account stays below initial
// margin), then lets
// BTC fall to crashPrice and hands the account, now below maintenance, to
// the liquidation engine through join.OptionsAccount: one leg, the whole
// book, closed pro rata.
func runFlow(w io.Writer, e *portfolio.Engine, m portfolio.Marks, whole []portfolio.Position) (flow, error) {
	var f flow
	f.CrashPrice = crashPrice
	acct := portfolio.Account{ID: "mm-1", Positions: whole}
	r0, res, err := e.Risk(now, acct, m)
	if err != nil {
		return f, err
	}
	acct.Wallet = num.Div(res.Maintenance.Add(res.Initial), dec("2"), 2, num.Floor).Sub(r0.Equity)
	if f.Before, _, err = e.Risk(now, acct, m); err != nil {
		return f, err
	}
	f.MoreO = portfolio.Order{Instrument: call105, Size: dec("-5"), Price: dec("3500")}
	f.HedgeO = portfolio.Order{Instrument: future, Size: dec("-0.3"), Price: dec("100000")}
	if f.More, err = e.CheckOrder(now, acct, f.MoreO, m); err != nil {
		return f, err
	}
	if f.Hedge, err = e.CheckOrder(now, acct, f.HedgeO, m); err != nil {
		return f, err
	}
	crash := portfolio.Marks{Prices: map[string]decimal.Decimal{"BTC": crashPrice}, Vols: m.Vols}
	arrays, err := e.Arrays(now, crash)
	if err != nil {
		return f, err
	}
	sa, risk, err := join.OptionsAccount(arrays, acct, "BTC-OPTIONS")
	if err != nil {
		return f, err
	}
	f.Crash = risk
	engine, err := liquidation.NewEngine(liquidation.EngineSettings{Penalty: dec("0.005"), CloseFactor: dec("1"), LotScale: 4})
	if err != nil {
		return f, err
	}
	if f.Plan, err = engine.Plan(now, []liquidation.Account{sa}); err != nil {
		return f, err
	}
	after, eq := acct.Clone(), risk.Equity
	for _, o := range f.Plan.Orders {
		closes, err := join.OptionsCloses(acct, o.Lot, 1)
		if err != nil {
			return f, err
		}
		f.Closes = append(f.Closes, closes...)
		for _, c := range closes {
			after.Positions = append(after.Positions, portfolio.Position{Instrument: c.Instrument, Size: c.Size, Entry: crashPrice})
		}
		eq = eq.Sub(o.Penalty) // closed at the marks: equity moves only by the penalty
	}
	_, r1, err := arrays.Risk(after)
	if err != nil {
		return f, err
	}
	f.After = margin.AccountRiskOf(eq, r1.Initial, r1.Maintenance)
	printFlow(w, f)
	return f, nil
}

func printFlow(w io.Writer, f flow) {
	fmt.Fprintf(w, "\none account holds the whole book, funded halfway between maintenance and initial: equity %s, maintenance %s, initial %s\n",
		f.Before.Equity.StringFixed(2), f.Before.Maintenance.StringFixed(2), f.Before.Initial.StringFixed(2))
	for _, c := range []struct {
		what string
		o    portfolio.Order
		d    portfolio.Decision
	}{{fmt.Sprintf("sell %s more 105,000 calls at %s", f.MoreO.Size.Neg(), f.MoreO.Price), f.MoreO, f.More}, {fmt.Sprintf("sell %s BTC of the future at %s (hedge)", f.HedgeO.Size.Neg(), f.HedgeO.Price), f.HedgeO, f.Hedge}} {
		verdict := "refused"
		if c.d.Accepted {
			verdict = "accepted"
		}
		fmt.Fprintf(w, "  pre-trade %-46s %-8s (%s): maintenance %s → %s, equity %s → %s\n", c.what+":", verdict, c.d.Reason,
			c.d.Before.Maintenance.StringFixed(2), c.d.After.Maintenance.StringFixed(2), c.d.Before.Equity.StringFixed(2), c.d.After.Equity.StringFixed(2))
	}
	fmt.Fprintf(w, "  (an order is valued at the worse of its limit and the mark: the calls' sale below their mark costs equity, a limit above it would earn none)\n")
	fmt.Fprintf(w, "BTC falls to %s: equity %s, maintenance %s, liquidatable %v\n", f.CrashPrice.StringFixed(0),
		f.Crash.Equity.StringFixed(2), f.Crash.Maintenance.StringFixed(2), f.Crash.Liquidatable)
	for _, o := range f.Plan.Orders {
		fmt.Fprintf(w, "  liquidation engine (via join.OptionsAccount): close %s of the book, penalty %s\n", o.Lot, o.Penalty.StringFixed(2))
	}
	for _, c := range f.Closes {
		fmt.Fprintf(w, "    trade %s %s\n", c.Size, c.Instrument)
	}
	fmt.Fprintf(w, "  after: equity %s, maintenance %s, liquidatable %v\n", f.After.Equity.StringFixed(2), f.After.Maintenance.StringFixed(2), f.After.Liquidatable)
}
