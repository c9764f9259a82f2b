package breaker

import (
	"testing"
	"time"

	"github.com/failsafe-fi/failsafe/internal/testkit"
	"github.com/shopspring/decimal"
	"github.com/sony/gobreaker/v2"
)

// Target (issue 3): ≤ 100 ns and 0 allocations for a price inside the band.
func BenchmarkMarketCheckInsideBand(b *testing.B) {
	m, _ := NewMarket(MarketSettings{Reference: testkit.D("10.00")})
	price := testkit.D("10.0325") // exponent differs from the band edges: exercises the cutoff fast path
	now := t0
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		d, err := m.Check(now, price)
		if err != nil || d.Action != Allow {
			b.Fatal(d, err)
		}
	}
}

// The same check with a kill switch and a market-wide breaker attached.
func BenchmarkMarketCheckWithSources(b *testing.B) {
	mw, _ := NewMarketWide(NYSEMarketWide())
	m, _ := NewMarket(MarketSettings{Reference: testkit.D("10.00"), Sources: []HaltSource{mw, NewKillSwitch()}})
	price := testkit.D("10.03")
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if d, err := m.Check(t0, price); err != nil || d.Action != Allow {
			b.Fatal(d, err)
		}
	}
}

// Target (issue 3): ≤ 100 ns per level-trigger observation.
func BenchmarkLevelObserve(b *testing.B) {
	tr, _ := NewLevel(LevelSettings{Trip: testkit.D("100"), Reset: testkit.D("90"), Consecutive: 3})
	d0, d1 := testkit.D("95.5"), testkit.D("99.99")
	now := t0
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		v := d0
		if i&1 == 1 {
			v = d1
		}
		if _, err := tr.Observe(now, v); err != nil {
			b.Fatal(err)
		}
	}
}

// Target (issue 3): Service overhead vs calling gobreaker directly, side by
// side in one run: ratio ≤ 1.2.
func BenchmarkServiceVsGobreaker(b *testing.B) {
	req := func() (int, error) { return 1, nil }
	b.Run("gobreaker", func(b *testing.B) {
		cb := gobreaker.NewCircuitBreaker[int](gobreaker.Settings{Name: "direct"})
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if _, err := cb.Execute(req); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("service", func(b *testing.B) {
		svc, _ := NewService[int](ServiceSettings{Name: "wrapped"})
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if _, _, err := svc.Execute(req); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkCountLimiterAllow(b *testing.B) {
	l, _ := NewCountLimiter(CountSettings{Events: 1_000_000, Per: time.Second})
	now := t0
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		now = now.Add(time.Microsecond)
		if _, err := l.Allow(now); err != nil {
			b.Fatal(err)
		}
	}
}

// The same comparison interleaved: blocks of 256 direct gobreaker calls and
// 256 Service calls alternate inside one benchmark loop, so load from other
// processes hits both alike. Reports ns per call of each and their ratio
// (target ≤ 1.2).
func BenchmarkServiceOverheadRatio(b *testing.B) {
	req := func() (int, error) { return 1, nil }
	cb := gobreaker.NewCircuitBreaker[int](gobreaker.Settings{Name: "direct"})
	svc, _ := NewService[int](ServiceSettings{Name: "wrapped"})
	const block = 256
	var direct, wrapped time.Duration
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s := time.Now()
		for j := 0; j < block; j++ {
			_, _ = cb.Execute(req)
		}
		m := time.Now()
		for j := 0; j < block; j++ {
			_, _, _ = svc.Execute(req)
		}
		e := time.Now()
		direct += m.Sub(s)
		wrapped += e.Sub(m)
	}
	n := float64(b.N * block)
	b.ReportMetric(float64(direct.Nanoseconds())/n, "ns/gobreaker")
	b.ReportMetric(float64(wrapped.Nanoseconds())/n, "ns/service")
	b.ReportMetric(float64(wrapped)/float64(direct), "ratio")
}

// Issue 10 item 15: a market observing 1,000 trades per second keeps a full
// 5-minute reference window (300,000 trades). Each observation must cost
// O(1) amortised, not a copy of the window.
func BenchmarkMarketObserve1000PerSecond(b *testing.B) {
	m, _ := NewMarket(MarketSettings{Reference: testkit.D("100.00")})
	prices := [4]decimal.Decimal{testkit.D("100.01"), testkit.D("99.99"), testkit.D("100.02"), testkit.D("99.98")}
	now := t0
	const window = 5 * 60 * 1000 // trades in the 5-minute window at 1,000/s
	for i := 0; i < window; i++ {
		now = now.Add(time.Millisecond)
		if _, err := observe(m, prices[i&3], now); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		now = now.Add(time.Millisecond)
		if d, err := observe(m, prices[i&3], now); err != nil || !d.Allowed() {
			b.Fatal(d, err)
		}
	}
}
