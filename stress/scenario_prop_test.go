package stress

import (
	"fmt"
	"testing"

	"pgregory.net/rapid"

	"github.com/failsafe-fi/failsafe/internal/testkit"
)

// drawGenerator draws one of every kind of generator, possibly wrapped in
// Quotes and Faults, from parameters each accepts.
func drawGenerator(t *rapid.T) Generator {
	var g Generator
	var err error
	ticks := rapid.IntRange(1, 300).Draw(t, "ticks")
	path := PathSettings{Ticks: ticks, Price: testkit.Decimal(1, 1_000_000, 4).Draw(t, "price"), Scale: int32(rapid.IntRange(4, 12).Draw(t, "scale"))}
	switch kind := rapid.IntRange(0, 4).Draw(t, "kind"); kind {
	case 0:
		g, err = NewMerton(MertonSettings{Path: path, Mu: testkit.Decimal(-2, 2, 2).Draw(t, "mu"), Sigma: testkit.Decimal(0, 3, 2).Draw(t, "sigma"),
			Lambda: testkit.Decimal(0, 500, 0).Draw(t, "lambda"), JumpMean: testkit.Decimal(-1, 1, 2).Draw(t, "jm"), JumpSigma: testkit.Decimal(0, 1, 2).Draw(t, "js")})
	case 1:
		g, err = NewGARCH(GARCHSettings{Path: path, Omega: testkit.Decimal(1, 100, 6).Draw(t, "omega"), Alpha: testkit.Decimal(0, 30, 2).Draw(t, "alpha"), Beta: testkit.Decimal(0, 60, 2).Draw(t, "beta")})
	case 2:
		sh := rapid.SampledFrom(Reconstructions()).Draw(t, "shape")
		g, err = NewScripted(ScriptedSettings{Shape: sh, NoiseBP: rapid.IntRange(0, 5000).Draw(t, "noise"), Ticks: ticks})
	case 3:
		sh, e := CrashShape(CrashSettings{Fall: testkit.Decimal(1, 9999, 4).Draw(t, "fall"), Recover: testkit.Decimal(0, 10000, 4).Draw(t, "recover")})
		if e != nil {
			t.Fatal(e)
		}
		g, err = NewScripted(ScriptedSettings{Shape: sh, NoiseBP: rapid.IntRange(0, 100).Draw(t, "noise")})
	case 4:
		g, err = NewCSV(bytesReader(sample(t)), CSVSettings{})
	}
	if err != nil {
		t.Fatal(err)
	}
	if rapid.Bool().Draw(t, "quoted") {
		if g, err = NewQuotes(g, QuoteSettings{Sources: []string{"x", "y", "z"}, JitterBP: rapid.IntRange(-1, 1000).Draw(t, "jitter")}); err != nil {
			t.Fatal(err)
		}
		if rapid.Bool().Draw(t, "faulty") {
			f := Fault{Kind: FaultSpike, Source: "y", From: 0, To: 20, Factor: testkit.D("0.5")}
			if g, err = NewFaults(g, FaultSettings{Faults: []Fault{f, {Kind: FaultStale, Source: "z", From: 0, To: 9}}}); err != nil {
				t.Fatal(err)
			}
		}
	}
	return g
}

// TestEveryGeneratorIsAPath: for every generator and wrapper, the same
// seed gives the same ticks (compared as text, field by field), prices
// are positive, Seq counts from 0, times strictly increase, quotes are
// sorted by Source with each source once, and congestion is a percent.
// (Mutation seen failing: Scripted's noise drawn from a generator shared
// across scenarios instead of one per Scenario call.)
func TestEveryGeneratorIsAPath(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		g := drawGenerator(t)
		seed := rapid.Int64().Draw(t, "seed")
		a, b := mustTicks(t, g, seed), mustTicks(t, g, seed)
		if len(a) == 0 || len(a) != len(b) {
			t.Fatalf("%s: %d then %d ticks", g.Name(), len(a), len(b))
		}
		for i := range a {
			if fmt.Sprint(a[i]) != fmt.Sprint(b[i]) {
				t.Fatalf("%s: tick %d differs for the same seed:\n%v\n%v", g.Name(), i, a[i], b[i])
			}
			tk := a[i]
			if tk.Seq != i || !tk.Price.IsPositive() || (i > 0 && !tk.Time.After(a[i-1].Time)) || tk.Congestion < 0 || tk.Congestion > 100 {
				t.Fatalf("%s: tick %d: %v", g.Name(), i, tk)
			}
			for j, q := range tk.Quotes {
				if !q.Price.IsPositive() || (j > 0 && q.Source <= tk.Quotes[j-1].Source) {
					t.Fatalf("%s: tick %d: quotes %v", g.Name(), i, tk.Quotes)
				}
			}
		}
	})
}
