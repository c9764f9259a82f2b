package oracle

import (
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

// A 20-level side, as a matching engine snapshot would pass it.
func book20(side BookSide) []Level {
	ls := make([]Level, 20)
	for i := range ls {
		step := int64(i)
		if side == Bids {
			step = -step
		}
		ls[i] = Level{Price: decimal.New(6_500_000+step*5+int64(side)*5, -2), Size: decimal.New(int64(3+i%4), -1)}
	}
	return ls
}

// One premium sample: both sides walked with 40,000 of notional (about 6
// levels each) and the premium against the index.
func BenchmarkPremiumSample20Levels(b *testing.B) {
	s := PremiumSettings{ImpactNotional: decimal.NewFromInt(40_000), Scale: 8}
	bids, asks, index := book20(Bids), book20(Asks), decimal.New(6_499_000, -2)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := s.Sample(index, bids, asks); err != nil {
			b.Fatal(err)
		}
	}
}

// A Binance settlement: the weighted average of 5,760 samples.
func BenchmarkComputeFunding5760(b *testing.B) {
	s := BinanceFunding("X", decimal.New(75, -4))
	ps := make([]decimal.Decimal, DefaultMaxSamples)
	for i := range ps {
		ps[i] = decimal.New(int64(i%17)-8, -5)
	}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := ComputeFunding(s, ps); err != nil {
			b.Fatal(err)
		}
	}
}

// A mark price over a full 30-sample basis window.
func BenchmarkMarkPrice30(b *testing.B) {
	m, _ := NewMark(MarkSettings{Market: "X", Scale: 8})
	for i := range 30 {
		_ = m.ObserveBasis(t0.Add(time.Duration(i-29)*time.Minute), decimal.New(6_500_100, -2), decimal.New(6_500_200, -2), decimal.New(6_500_000, -2))
	}
	in := MarkInputs{Index: decimal.New(6_500_000, -2), Last: decimal.New(6_501_000, -2), FundingRate: decimal.New(1, -4), NextFunding: t0.Add(3 * time.Hour)}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := m.Price(t0, in); err != nil {
			b.Fatal(err)
		}
	}
}

// Binance's estimated rate during an interval: a Funding holding 5,760
// samples (checked once, when sampled).
func BenchmarkFundingEstimate5760(b *testing.B) {
	f, _ := NewFunding(BinanceFunding("X", decimal.New(75, -4)))
	for i := range DefaultMaxSamples {
		_ = f.Sample(t0.Add(time.Duration(i)*5*time.Second), decimal.New(int64(i%17)-8, -5))
	}
	now := t0.Add(8 * time.Hour)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := f.Estimate(now); err != nil {
			b.Fatal(err)
		}
	}
}
