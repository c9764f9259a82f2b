package stress

import (
	"testing"

	"github.com/failsafe-fi/failsafe/internal/testkit"
)

// BenchmarkScenario168 draws one 168-tick scenario per iteration (the
// issue's default crash length), for each generator and for the full
// stack Merton + 3 quoted sources + 2 faults. The harness's budget is
// 1,000 scenarios × 168 ticks with the models' work in 60 s.
func BenchmarkScenario168(b *testing.B) {
	merton := volatile(b)
	garch := clustered(b)
	sh, _ := CrashShape(CrashSettings{})
	crash, _ := NewScripted(ScriptedSettings{Shape: sh, NoiseBP: 20, Ticks: 168})
	bt, _ := NewScripted(ScriptedSettings{Shape: BlackThursday2020(), NoiseBP: 20, Ticks: 168})
	quoted, _ := NewQuotes(merton, QuoteSettings{})
	faulty, _ := NewFaults(quoted, FaultSettings{Faults: []Fault{
		{Kind: FaultSpike, Source: "src-b", From: 40, To: 44, Factor: testkit.D("0.6")},
		{Kind: FaultDelay, Source: "src-c", From: 0, To: 168, Delay: 3},
	}})
	replay, _ := NewCSV(bytesReader(sample(b)), CSVSettings{})
	for _, tc := range []struct {
		name string
		g    Generator
	}{
		{"merton", merton}, {"garch", garch}, {"crash", crash}, {"black-thursday", bt},
		{"merton+quotes+faults", faulty}, {"csv-27-rows", replay},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				sc, err := tc.g.Scenario(int64(i))
				if err != nil {
					b.Fatal(err)
				}
				for {
					_, ok, err := sc.Next()
					if err != nil {
						b.Fatal(err)
					}
					if !ok {
						break
					}
				}
			}
		})
	}
}
