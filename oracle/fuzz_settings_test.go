package oracle

import (
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

// Settings are host input: every constructor refuses a bad configuration
// (zero, negative or absurd-exponent decimals and durations, empty tiers,
// duplicate sources) with an error, never a panic, and an accepted one
// answers one Update, Aggregate or Price call.
func FuzzSettings(f *testing.F) {
	// One valid configuration, then invalid ones.
	f.Add(uint8(0), int64(time.Minute), int64(1), int64(-1), int64(2), int64(0), "a", "b", int32(8), int64(1), int64(0))
	f.Add(uint8(9), int64(-1), int64(-1), int64(-1), int64(-2), int64(0), "a", "a", int32(-1), int64(0), int64(0))
	f.Add(uint8(1), int64(0), int64(1), int64(1<<31-1), int64(2), int64(-1<<31), "", "", int32(1<<30), int64(-5), int64(1<<31-1))
	f.Fuzz(func(t *testing.T, method uint8, dur, devCoef, devExp int64, minSrc, trimExp int64, s1, s2 string, scale int32, pCoef, pExp int64) {
		// No arithmetic on fuzzed decimals here: only the library must
		// refuse absurd exponents.
		dec := func(coef, exp int64) decimal.Decimal { return decimal.New(coef, int32(exp)) }
		d := time.Duration(dur)
		price := dec(pCoef, pExp)
		agg := AggregatorSettings{
			Method:       Method(method % 8),
			MaxAge:       d,
			MinSources:   int(minSrc % 8),
			MaxDeviation: dec(devCoef, devExp),
			TrimFraction: dec(trimExp%2, -1),
			Scale:        scale,
		}
		quotes := []Quote{{Source: s1, Price: price, Time: t0, Weight: dec(1, 0)}, {Source: s2, Price: price, Time: t0, Weight: dec(1, 0)}}
		if a, err := NewAggregator(agg); err == nil {
			_, _ = a.Aggregate(t0, quotes)
		}
		tiers := []Tier{{Name: s1, Sources: []string{s1, s2}, Aggregation: agg}}
		if method%2 == 1 {
			tiers = append(tiers, Tier{Name: s2, Sources: []string{s2}}, Tier{Name: s2})
		}
		if method%5 == 4 {
			tiers = nil
		}
		if fd, err := NewFeed(FeedSettings{Tiers: tiers, MaxAge: d, MaxJump: dec(devCoef, devExp)}); err == nil {
			_, _ = fd.Update(t0, quotes)
			_, _ = fd.Price(t0)
		}
		if w, err := NewTWAP(TWAPSettings{Window: d, Scale: scale, MaxObservations: int(minSrc), MinCoverage: time.Duration(devCoef)}); err == nil {
			_ = w.Update(t0, price)
		}
		if e, err := NewEMA(EMASettings{HalfLife: d, Scale: scale}); err == nil {
			_, _ = e.Update(t0, price)
		}
		if dl, err := NewDelayed(DelayedSettings{Hop: d, MaxAge: time.Duration(devCoef)}); err == nil {
			_, _ = dl.Poke(t0, price)
			_, _ = dl.Price(t0.Add(d))
		}
	})
}
