package oracle

import (
	"fmt"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

// quotes21 returns 21 fresh quotes around 65,000 with confidences, as a
// production set of exchanges would report them (two of them outliers).
func quotes21() []Quote {
	qs := make([]Quote, 21)
	for i := range qs {
		p := decimal.New(6_500_000+int64((i*37)%41)*10-200, -2)
		if i == 7 {
			p = decimal.New(9_000_000, -2)
		}
		if i == 13 {
			p = decimal.New(4_000_000, -2)
		}
		qs[i] = Quote{Source: fmt.Sprintf("exchange-%02d", i), Price: p, Confidence: decimal.New(1500, -2),
			Time: t0.Add(-time.Duration(i) * time.Second)}
	}
	return qs
}

func allGuards() AggregatorSettings {
	return AggregatorSettings{
		MaxAge: time.Minute, MaxFutureSkew: 2 * time.Second, MinSources: 11,
		MaxDeviation: d("0.05"), MaxSpread: d("0.02"), MaxConfidenceRatio: d("0.001"),
		MinAnswer: d("1"), MaxAnswer: d("10000000"),
	}
}

// Target (issue 2): ≤ 5 µs.
func BenchmarkAggregateMedian21AllGuards(b *testing.B) { benchAggregate(b, quotes21()) }

// The same 21 quotes written with mixed numbers of places ("65000",
// "65000.1", "65000.10"): prices are moved onto one grid first.
func BenchmarkAggregateMedian21MixedPlaces(b *testing.B) {
	qs := quotes21()
	for i := range qs {
		qs[i].Price = qs[i].Price.Round(int32(i % 3))
	}
	benchAggregate(b, qs)
}

func benchAggregate(b *testing.B, qs []Quote) {
	a, err := NewAggregator(allGuards())
	if err != nil {
		b.Fatal(err)
	}
	if _, err := a.Aggregate(t0, qs); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := a.Aggregate(t0, qs); err != nil {
			b.Fatal(err)
		}
	}
}

// Target (issue 2): ≤ 100 ns and 0 allocations.
func BenchmarkFeedPrice(b *testing.B) {
	f, _ := NewFeed(FeedSettings{Tiers: []Tier{{Name: "p", Sources: []string{"a"},
		Aggregation: AggregatorSettings{MaxAge: time.Minute}}}, MaxAge: time.Hour})
	if _, err := f.Update(t0, []Quote{{Source: "a", Price: d("65000.5"), Time: t0}}); err != nil {
		b.Fatal(err)
	}
	now := t0.Add(time.Minute)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := f.Price(now); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkFeedPriceStale(b *testing.B) {
	f, _ := NewFeed(FeedSettings{Tiers: []Tier{{Name: "p", Sources: []string{"a"},
		Aggregation: AggregatorSettings{MaxAge: time.Minute}}}, MaxAge: time.Hour})
	_, _ = f.Update(t0, []Quote{{Source: "a", Price: d("65000.5"), Time: t0}})
	now := t0.Add(2 * time.Hour)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := f.Price(now); err != ErrStale {
			b.Fatal(err)
		}
	}
}

func BenchmarkFeedUpdate21(b *testing.B) {
	s := allGuards()
	names := make([]string, 21)
	for i := range names {
		names[i] = fmt.Sprintf("exchange-%02d", i)
	}
	f, _ := NewFeed(FeedSettings{Tiers: []Tier{{Name: "p", Sources: names, Aggregation: s}}, MaxAge: time.Hour, MaxJump: d("0.1")})
	qs := quotes21()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := f.Update(t0, qs); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEMAUpdate(b *testing.B) {
	e, _ := NewEMA(EMASettings{HalfLife: time.Hour})
	p := d("65000.5")
	now := t0
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		now = now.Add(1537 * time.Millisecond)
		if _, err := e.Update(now, p); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkTWAPValue(b *testing.B) {
	w, _ := NewTWAP(TWAPSettings{Window: time.Hour})
	now := t0
	for i := 0; i < 60; i++ {
		now = now.Add(time.Minute)
		_ = w.Update(now, decimal.New(6_500_000+int64(i), -2))
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := w.Value(now); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkByzantineMedian21(b *testing.B) {
	obs := make([]OCRObservation, 21)
	for i := range obs {
		obs[i] = OCRObservation{Observer: fmt.Sprintf("node%02d", i), Value: decimal.New(int64(6_500_000+i*37%11), -2)}
	}
	s := QuorumSettings{N: 31, F: 10}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := ByzantineMedian(s, obs); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkTallyBallot21(b *testing.B) {
	votes := make([]Vote, 21)
	for i := range votes {
		votes[i] = Vote{Voter: fmt.Sprintf("val%02d", i), Rate: decimal.New(int64(100_000+i*37%11), -5), Power: int64(10 + i)}
	}
	band := decimal.RequireFromString("0.02")
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := TallyBallot(votes, band, 18); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkTickPrice(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := TickPrice(-201_234, 18); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkConsultTick(b *testing.B) {
	for i := 0; i < b.N; i++ {
		if _, err := ConsultTick(1800, [2]int64{-1_000_000, 360_000_000}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSequencerCheck(b *testing.B) {
	q, _ := NewSequencer(SequencerSettings{GracePeriod: time.Hour})
	if _, _, err := q.Observe(t0, SequencerRound{Answer: 0, StartedAt: t0.Add(-2 * time.Hour)}); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := q.Check(t0); err != nil {
			b.Fatal(err)
		}
	}
}
