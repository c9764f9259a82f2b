package stress_test

import (
	"fmt"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/stress"
)

// A Merton jump diffusion: ETH-like volatility (80% a year) with about a
// dozen jumps a year of about −10%, in hourly ticks. The same seed gives
// the same path on every machine.
func ExampleNewMerton() {
	g, err := stress.NewMerton(stress.MertonSettings{
		Path:      stress.PathSettings{Price: decimal.RequireFromString("2000"), Ticks: 4},
		Sigma:     decimal.RequireFromString("0.8"),
		Lambda:    decimal.RequireFromString("12"),
		JumpMean:  decimal.RequireFromString("-0.1"),
		JumpSigma: decimal.RequireFromString("0.05"),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(g.Name())
	sc, _ := g.Scenario(stress.SeedFor(1, 0))
	ticks, _ := stress.Collect(sc, 0)
	for _, t := range ticks {
		fmt.Println(t.Seq, t.Time.Format(time.Kitchen), t.Price)
	}
	// Output:
	// merton(μ=0, σ=0.8, λ=12, jump=-0.1±0.05, 4×1h0m0s)
	// 0 12:00AM 2000
	// 1 1:00AM 2015.74417156
	// 2 2:00AM 2041.64049332
	// 3 3:00AM 2049.08831157
}

// Black Thursday (12 March 2020), reconstructed from cited figures,
// rescaled to start at 100 and ticked every two hours.
func ExampleBlackThursday2020() {
	g, err := stress.NewScripted(stress.ScriptedSettings{
		Shape: stress.BlackThursday2020(),
		Step:  2 * time.Hour,
		Price: decimal.New(100, 0),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	sc, _ := g.Scenario(1)
	ticks, _ := stress.Collect(sc, 0)
	for _, t := range ticks {
		if t.Seq%3 == 0 {
			fmt.Println(t.Time.Format("Jan 2 15:04"), t.Price)
		}
	}
	// Output:
	// Mar 11 22:00 100
	// Mar 12 04:00 92.88659794
	// Mar 12 10:00 77.9076521
	// Mar 12 16:00 64.05582097
	// Mar 12 22:00 58.92632638
}

// Oracle faults on top of any path: three sources quote a generic crash;
// src-b prints a wick at 60% of the price for two ticks, and src-c goes
// stale, resending its tick-1 quote.
func ExampleNewFaults() {
	crash, _ := stress.CrashShape(stress.CrashSettings{Before: 20 * time.Second, Over: 30 * time.Second, RecoverOver: 10 * time.Second, After: 10 * time.Second})
	path, _ := stress.NewScripted(stress.ScriptedSettings{Shape: crash})
	quoted, _ := stress.NewQuotes(path, stress.QuoteSettings{JitterBP: -1})
	g, err := stress.NewFaults(quoted, stress.FaultSettings{Faults: []stress.Fault{
		{Kind: stress.FaultSpike, Source: "src-b", From: 3, To: 5, Factor: decimal.RequireFromString("0.6")},
		{Kind: stress.FaultStale, Source: "src-c", From: 2, To: 6},
	}})
	if err != nil {
		fmt.Println(err)
		return
	}
	sc, _ := g.Scenario(1)
	ticks, _ := stress.Collect(sc, 0)
	for _, t := range ticks {
		var qs []string
		for _, q := range t.Quotes {
			qs = append(qs, fmt.Sprintf("%s=%s@%d", q.Source, q.Price, int(q.Time.Sub(ticks[0].Time)/(10*time.Second))))
		}
		fmt.Printf("%d %-11s %3d%% %s\n", t.Seq, t.Price, t.Congestion, strings.Join(qs, " "))
	}
	// Output:
	// 0 100           0% src-a=100@0 src-b=100@0 src-c=100@0
	// 1 100           0% src-a=100@1 src-b=100@1 src-c=100@1
	// 2 100           0% src-a=100@2 src-b=100@2 src-c=100@1
	// 3 88.33333333 100% src-a=88.33333333@3 src-b=53@3 src-c=100@1
	// 4 76.66666667 100% src-a=76.66666667@4 src-b=46@4 src-c=100@1
	// 5 65          100% src-a=65@5 src-b=65@5 src-c=100@1
	// 6 79          100% src-a=79@6 src-b=79@6 src-c=79@6
	// 7 79           50% src-a=79@7 src-b=79@7 src-c=79@7
}

// A CSV replay: time, true price and two sources' quotes (an empty cell:
// no quote that tick).
func ExampleNewCSV() {
	const file = `time,price,cex,chainlink
2020-03-12T00:00:00Z,194.00,194.10,193.80
2020-03-12T01:00:00Z,190.50,190.40,
2020-03-12T02:00:00Z,186.25,186.30,186.20
`
	g, err := stress.NewCSV(strings.NewReader(file), stress.CSVSettings{Name: "eth"})
	if err != nil {
		fmt.Println(err)
		return
	}
	sc, _ := g.Scenario(0)
	ticks, _ := stress.Collect(sc, 0)
	for _, t := range ticks {
		fmt.Println(t.Time.Format("15:04"), t.Price, len(t.Quotes))
	}
	_, err = stress.NewCSV(strings.NewReader("time,price\n2020-03-12T00:00:00Z,1e9\n"), stress.CSVSettings{})
	fmt.Println(err)
	// Output:
	// 00:00 194 2
	// 01:00 190.5 1
	// 02:00 186.25 2
	// stress: invalid input: csv: line 2: price "1e9": not a plain decimal (digits and one inner point only)
}
