package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/examples/internal/cli"
	"github.com/failsafe-fi/failsafe/internal/num"
	"github.com/failsafe-fi/failsafe/margin/portfolio"
)

// usage is the header of -h: what the program does and how to run it.
const usage = `options — a small BTC options book margined two ways, side by side.

A covered call, a short straddle and five short calls with and without a
delta hedge, margined position by position (Deribit-style standard option
margin; futures at a flat rate) and by portfolio (a Deribit-shaped scenario
grid from margin/portfolio: ±16% in 9 buckets × vol up/same/down, plus the
extended moves). For every line it prints both requirements and the
scenario that drives the portfolio figure. Then one account holds the
whole book: a pre-trade check refuses a riskier order and accepts a hedge
below initial margin, and after BTC falls the liquidation engine plans
the book (join.OptionsAccount). It takes no flags: the book and
the valuation time are fixed, so the output is the same every time.

Usage:
  go run ./examples/options`

// main parses the (empty) command line and prints the comparison.
func main() {
	fs := cli.NewFlagSet("options", usage)
	err := cli.Parse(fs, os.Args[1:])
	if err == nil {
		_, err = run(os.Stdout)
	}
	cli.Exit("options", err)
}

var dec = decimal.RequireFromString

// now is the valuation time (fixed, so the output is reproducible).
var now = time.Date(2026, 12, 2, 8, 0, 0, 0, time.UTC)

// Futures legs are margined position by position at a flat rate of the
// notional: maintenance 16%, the grid's own price range (what the future
// alone loses in the grid's worst move), and initial 1.3 times that, the
// portfolio's InitialFactor. So the two methods differ only in netting.
var futIM, futMM = dec("0.208"), dec("0.16")

// line is one strategy margined both ways.
type line struct {
	Name                   string
	Positions              []portfolio.Position
	StdInitial, StdMaint   decimal.Decimal // position by position
	PortInitial, PortMaint decimal.Decimal // by portfolio
	Worst                  string          // scenario driving the portfolio figure
	WorstLoss              decimal.Decimal
	Contingency            decimal.Decimal // PortMaint − WorstLoss
	Delta                  decimal.Decimal // book delta (BTC)
}

// report is everything the program prints, for its test.
type report struct {
	Lines []line
	Flow  flow // the whole book in one account: pre-trade and liquidation
}

const (
	callOTM = "BTC-30D-110000-C"
	callATM = "BTC-30D-100000-C"
	putATM  = "BTC-30D-100000-P"
	call105 = "BTC-30D-105000-C"
	future  = "BTC-90D-FUT"
)

// extendedCoverage is the fraction of the extended table's losses charged
// (illustrative: Deribit's own fraction and dampener are not public).
var extendedCoverage = dec("0.02")

// contingency is Deribit's contingency charge per net short option, as a
// fraction of the underlying price (0.6%: 600 USD at 100,000), Deribit
// "Portfolio Margin" (see portfolio.AddOns.Contingency).
var contingency = dec("0.006")

func setup() (*portfolio.Engine, portfolio.Marks, []portfolio.Instrument, error) {
	exp := now.AddDate(0, 0, 30)
	insts := []portfolio.Instrument{
		{ID: callOTM, Underlying: "BTC", Kind: portfolio.Option, Right: portfolio.Call, Strike: dec("110000"), Expiry: exp, ContractSize: dec("1")},
		{ID: callATM, Underlying: "BTC", Kind: portfolio.Option, Right: portfolio.Call, Strike: dec("100000"), Expiry: exp, ContractSize: dec("1")},
		{ID: putATM, Underlying: "BTC", Kind: portfolio.Option, Right: portfolio.Put, Strike: dec("100000"), Expiry: exp, ContractSize: dec("1")},
		{ID: call105, Underlying: "BTC", Kind: portfolio.Option, Right: portfolio.Call, Strike: dec("105000"), Expiry: exp, ContractSize: dec("1")},
		{ID: future, Underlying: "BTC", Kind: portfolio.Future, Expiry: now.AddDate(0, 0, 90), ContractSize: dec("1")},
	}
	e, err := portfolio.New(portfolio.Settings{
		Underlyings:   []portfolio.Underlying{{ID: "BTC", ScanFraction: dec("0.16")}},
		Instruments:   insts,
		Grid:          portfolio.DeribitPM(portfolio.DeribitBTCShock(), extendedCoverage),
		AddOns:        portfolio.AddOns{Contingency: contingency},
		Scale:         2,
		InitialFactor: dec("1.3"),
	})
	m := portfolio.Marks{
		Prices: map[string]decimal.Decimal{"BTC": dec("100000")},
		Vols:   map[string]decimal.Decimal{callOTM: dec("0.52"), callATM: dec("0.55"), putATM: dec("0.55"), call105: dec("0.53")},
	}
	return e, m, insts, err
}

// run margins every line, prints the table and returns the figures.
func run(w io.Writer) (report, error) {
	e, m, insts, err := setup()
	if err != nil {
		return report{}, err
	}
	arrays, err := e.Arrays(now, m)
	if err != nil {
		return report{}, err
	}
	// The hedge: the short calls' delta, bought in the future (rounded to
	// 0.1 BTC).
	v, err := portfolio.Black76(portfolio.OptionInput{Right: portfolio.Call, Forward: m.Prices["BTC"], Strike: dec("105000"), Vol: m.Vols[call105], Years: years(insts[3].Expiry)})
	if err != nil {
		return report{}, err
	}
	hedge := num.Round(v.Delta.Mul(dec("5")), 1, num.HalfEven)
	books := []struct {
		name string
		pos  []portfolio.Position
	}{
		{"covered call", []portfolio.Position{{Instrument: future, Size: dec("1"), Entry: dec("100000")}, {Instrument: callOTM, Size: dec("-1")}}},
		{"short straddle", []portfolio.Position{{Instrument: callATM, Size: dec("-1")}, {Instrument: putATM, Size: dec("-1")}}},
		{"5 short calls", []portfolio.Position{{Instrument: call105, Size: dec("-5")}}},
		{"5 short calls, delta-hedged", []portfolio.Position{{Instrument: call105, Size: dec("-5")}, {Instrument: future, Size: hedge, Entry: dec("100000")}}},
	}
	var whole []portfolio.Position
	for _, b := range books {
		if b.name != "5 short calls" {
			whole = append(whole, b.pos...)
		}
	}
	books = append(books, struct {
		name string
		pos  []portfolio.Position
	}{"whole book (lines 1, 2, 4)", whole})
	var rep report
	for _, b := range books {
		l := line{Name: b.name, Positions: b.pos}
		if l.StdInitial, l.StdMaint, err = standard(m, insts, b.pos); err != nil {
			return report{}, err
		}
		res, err := arrays.Requirement(b.pos)
		if err != nil {
			return report{}, err
		}
		if err := portfolio.CheckResult(res); err != nil {
			return report{}, err
		}
		l.PortInitial, l.PortMaint, l.Worst, l.WorstLoss = res.Initial, res.Maintenance, res.WorstScenario, res.BookWorst
		l.Contingency = l.PortMaint.Sub(l.WorstLoss)
		if l.Delta, err = delta(m, insts, b.pos); err != nil {
			return report{}, err
		}
		rep.Lines = append(rep.Lines, l)
	}
	printReport(w, rep, hedge, num.MulRound(contingency, m.Prices["BTC"], 2, num.Ceil))
	if rep.Flow, err = runFlow(w, e, m, whole); err != nil {
		return report{}, err
	}
	return rep, nil
}

// years is the time to expiry in 365-day years at 16 places.
func years(expiry time.Time) decimal.Decimal {
	return num.Div(decimal.NewFromInt(expiry.Unix()-now.Unix()), decimal.NewFromInt(365*86400), 16, num.HalfEven)
}

func find(insts []portfolio.Instrument, id string) portfolio.Instrument {
	for _, in := range insts {
		if in.ID == id {
			return in
		}
	}
	return portfolio.Instrument{}
}

// standard margins a book position by position: options by Deribit's
// standard formulas at their Black-76 mark, futures at the flat rate.
func standard(m portfolio.Marks, insts []portfolio.Instrument, pos []portfolio.Position) (im, mm decimal.Decimal, err error) {
	u := m.Prices["BTC"]
	for _, p := range pos {
		in := find(insts, p.Instrument)
		if in.Kind == portfolio.Future {
			n := p.Size.Abs().Mul(in.ContractSize).Mul(u)
			im = im.Add(num.MulRound(n, futIM, 2, num.Ceil))
			mm = mm.Add(num.MulRound(n, futMM, 2, num.Ceil))
			continue
		}
		v, err := portfolio.Black76(portfolio.OptionInput{Right: in.Right, Forward: u, Strike: in.Strike, Vol: m.Vols[in.ID], Years: years(in.Expiry)})
		if err != nil {
			return im, mm, err
		}
		s, err := portfolio.Standard(portfolio.DeribitStandard(), portfolio.StandardInput{
			Right: in.Right, Size: p.Size, ContractSize: in.ContractSize, Underlying: u, Strike: in.Strike,
			Mark: num.Round(v.Price, 2, num.HalfEven),
		}, 2)
		if err != nil {
			return im, mm, err
		}
		im, mm = im.Add(s.Initial), mm.Add(s.Maintenance)
	}
	return im, mm, nil
}

// delta is the book's Black-76 delta in BTC.
func delta(m portfolio.Marks, insts []portfolio.Instrument, pos []portfolio.Position) (decimal.Decimal, error) {
	total := decimal.Zero
	for _, p := range pos {
		in := find(insts, p.Instrument)
		if in.Kind == portfolio.Future {
			total = total.Add(p.Size.Mul(in.ContractSize))
			continue
		}
		v, err := portfolio.Black76(portfolio.OptionInput{Right: in.Right, Forward: m.Prices["BTC"], Strike: in.Strike, Vol: m.Vols[in.ID], Years: years(in.Expiry)})
		if err != nil {
			return total, err
		}
		total = total.Add(p.Size.Mul(in.ContractSize).Mul(v.Delta))
	}
	return num.Round(total, 3, num.HalfEven), nil
}

func printReport(w io.Writer, rep report, hedge, perShort decimal.Decimal) {
	fmt.Fprintf(w, "BTC at 100,000 USD, options expiring in 30 days; Deribit-shaped grid (±16%% in 9 buckets × vol up/same/down; extended moves −66%% … +500%% charged at %s%% of their loss)\n", extendedCoverage.Shift(2))
	fmt.Fprintf(w, "position by position: Deribit standard option margin; futures at %s%% initial, %s%% maintenance of notional\n", futIM.Shift(2), futMM.Shift(2))
	fmt.Fprintf(w, "hedge: %s BTC of the 90-day future for 5 short 105,000 calls\n\n", hedge)
	fmt.Fprintf(w, "%-28s %9s | %12s %12s | %12s %12s | %s\n", "line", "delta", "std initial", "std maint", "port initial", "port maint", "scenario driving the portfolio figure")
	fmt.Fprintln(w, strings.Repeat("-", 130))
	for _, l := range rep.Lines {
		fmt.Fprintf(w, "%-28s %9s | %12s %12s | %12s %12s | %s (loss %s)\n", l.Name, l.Delta.StringFixed(3),
			l.StdInitial.StringFixed(2), l.StdMaint.StringFixed(2), l.PortInitial.StringFixed(2), l.PortMaint.StringFixed(2), l.Worst, l.WorstLoss.StringFixed(2))
	}
	fmt.Fprintf(w, "\nportfolio maint − worst loss = contingency: %s%% × BTC = %s per net short option (per strike, calls and puts netted)\n", contingency.Shift(2), perShort.StringFixed(0))
	fmt.Fprintln(w, "5 short calls need more by portfolio than standard: the grid charges the full loss of a +16% move with vol up, above the standard maintenance of 0.075 × BTC plus the call's mark, per call; portfolio margin pays for offsets, not for naked shorts")
}
