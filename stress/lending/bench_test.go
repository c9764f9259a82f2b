package lending

import (
	"testing"
	"time"

	"github.com/failsafe-fi/failsafe/stress"
)

// benchRun builds a model and feeds it every tick of one scenario,
// checking conservation after each, as the harness does.
func benchRun(b *testing.B, cfg Config, g stress.Generator) {
	b.Helper()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		m, err := New(cfg, int64(i))
		if err != nil {
			b.Fatal(err)
		}
		runAll(b, m, g, int64(i))
		_ = m.Outcome()
	}
}

// One Black Thursday replay (4,321 minute ticks, 200 borrowers, Check
// after every tick) per mechanism.
func BenchmarkBlackThursday(b *testing.B) {
	for _, mech := range Mechanisms() {
		b.Run(string(mech), func(b *testing.B) { benchRun(b, Config{Mechanism: mech}, BlackThursday{}) })
	}
}

// The harness's target shape: a week of hourly ticks (168) on 1,000
// borrowers, a falling random walk, Check after every tick.
func BenchmarkHourlyWeek1000(b *testing.B) {
	w := walk{Ticks: 168, Step: time.Hour, Vol: 300, Drift: 30}
	for _, mech := range []Mechanism{Dutch, FixedSpread} {
		b.Run(string(mech), func(b *testing.B) { benchRun(b, Config{Mechanism: mech, Borrowers: 1000}, w) })
	}
}
