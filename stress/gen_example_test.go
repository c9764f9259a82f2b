package stress_test

import (
	"fmt"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/stress"
)

// A GARCH(1,1) path: volatility clusters (α = 0.1, β = 0.85), the
// variance per tick starting at its unconditional level ω / (1 − α − β)
// = 0.0001 (1% a tick), in hourly ticks. The same seed gives the same
// path on every machine.
func ExampleNewGARCH() {
	g, err := stress.NewGARCH(stress.GARCHSettings{
		Path:  stress.PathSettings{Price: decimal.RequireFromString("2000"), Ticks: 4},
		Omega: decimal.RequireFromString("0.000005"),
		Alpha: decimal.RequireFromString("0.1"),
		Beta:  decimal.RequireFromString("0.85"),
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
	// garch(ω=0.000005, α=0.1, β=0.85, μ=0, 4×1h0m0s)
	// 0 12:00AM 2000
	// 1 1:00AM 1983.16413538
	// 2 2:00AM 1949.48745523
	// 3 3:00AM 1946.17714155
}

// Quotes and congestion around a crash: two sources quote the true
// price within ±5 bp, congestion jumps with each tick's move (10 points
// a 1% move, capped at 100%) and decays by half a tick, and a scripted
// window holds it at 80% or more on ticks 6 and 7: on tick 7, a calm
// tick, it would otherwise have decayed to 50%.
func ExampleNewQuotes() {
	crash, _ := stress.CrashShape(stress.CrashSettings{Before: 20 * time.Second, Over: 30 * time.Second, RecoverOver: 10 * time.Second, After: 10 * time.Second})
	path, _ := stress.NewScripted(stress.ScriptedSettings{Shape: crash})
	g, err := stress.NewQuotes(path, stress.QuoteSettings{
		Sources:    []string{"cex", "chainlink"},
		JitterBP:   5,
		Scale:      2,
		Congestion: stress.CongestionSettings{Windows: []stress.CongestionWindow{{From: 6, To: 8, Percent: 80}}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	sc, _ := g.Scenario(1)
	ticks, _ := stress.Collect(sc, 0)
	for _, t := range ticks {
		var qs []string
		for _, q := range t.Quotes {
			qs = append(qs, q.Source+"="+q.Price.String())
		}
		fmt.Printf("%d %-11s %3d%% %s\n", t.Seq, t.Price, t.Congestion, strings.Join(qs, " "))
	}
	// Output:
	// 0 100           0% cex=100.03 chainlink=99.98
	// 1 100           0% cex=100.04 chainlink=100.02
	// 2 100           0% cex=99.99 chainlink=99.96
	// 3 88.33333333 100% cex=88.38 chainlink=88.31
	// 4 76.66666667 100% cex=76.65 chainlink=76.63
	// 5 65          100% cex=65.02 chainlink=64.98
	// 6 79          100% cex=79.04 chainlink=79.04
	// 7 79           80% cex=78.97 chainlink=79
}
