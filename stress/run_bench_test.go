package stress

import (
	"context"
	"testing"

	"github.com/shopspring/decimal"
)

// nop is a model that does nothing, to measure the harness alone.
type nop struct {
	out Outcome
}

func (m *nop) Step(t Tick) error { m.out.Ticks++; return nil }
func (m *nop) Check() error      { return nil }
func (m *nop) Outcome() Outcome  { return m.out }

// oneTick is a generator of one-tick scenarios with a seeded "bad debt"
// set by the model factory below.
type oneTick struct{}

func (oneTick) Name() string { return "one tick" }
func (oneTick) Scenario(seed int64) (Scenario, error) {
	return &walkPath{w: walk{ticks: 1}, price: decimal.NewFromInt(100)}, nil
}

func nopFactory(seed int64) (Model, error) {
	return &nop{out: Outcome{BadDebt: decimal.New(seed&0xffff, -2), Liquidated: decimal.New(seed>>48&0xffff, 0)}}, nil
}

// BenchmarkRunOverhead is the runner's cost per scenario around a model
// that does nothing: drawing, building, one tick, the checks, the
// aggregation (sums and the upper tails), progress, and the statistics at
// the end; 10,000 scenarios per op, on GOMAXPROCS workers.
func BenchmarkRunOverhead(b *testing.B) {
	const n = 10_000
	b.ReportAllocs()
	for range b.N {
		res, err := Run(context.Background(), oneTick{}, nopFactory, Options{Scenarios: n, Progress: func(int, int) {}})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := res.Report(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/scenario")
}

// BenchmarkTallyAdd is the streamed aggregation of one outcome into a
// tally of a million-scenario run (its tail holding 52,000 entries).
func BenchmarkTallyAdd(b *testing.B) {
	t := newTally(1_000_000)
	o := Outcome{BadDebt: decimal.New(12345, -2), Liquidated: decimal.New(99, 0)}
	b.ReportAllocs()
	for i := range b.N {
		o.BadDebt = decimal.New(int64(i*7919%100_000), -2)
		t.add(i, o)
	}
}
