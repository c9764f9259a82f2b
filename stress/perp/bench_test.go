package perp

import (
	"runtime"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/oracle"
)

// BenchmarkCascadeStep10k times one full cascade step on a book of 10,000
// accounts: three quotes 6% below the open go through the oracle, the
// breaker, margin for every account, the liquidation plan (a few thousand
// accounts below maintenance, sized and fitted under the caps and the
// throttle), the Dutch auctions started and the keepers' first bids. Each
// iteration starts from a freshly seeded venue (setup not timed).
func BenchmarkCascadeStep10k(b *testing.B) {
	price := OpenPrice.Mul(decimal.New(94, -2))
	below := 0
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		v, _, start, err := setUp(Config{Accounts: 10_000})
		if err != nil {
			b.Fatal(err)
		}
		now := start.Add(Interval)
		quotes := []oracle.Quote{
			{Source: "cex-a", Price: price, Time: now},
			{Source: "cex-b", Price: price.Add(decimal.New(1, 0)), Time: now},
			{Source: "dex-c", Price: price.Sub(decimal.New(1, 0)), Time: now.Add(-time.Second)},
		}
		runtime.GC() // the setup's garbage is not the step's
		b.StartTimer()
		if err := v.Step(now, quotes); err != nil {
			b.Fatal(err)
		}
		below = v.stats.below
	}
	b.ReportMetric(float64(below), "below-maint")
}

// BenchmarkCascadePlan10k times the cascade step on 10,000
// accounts without acting on the plan: oracle update → breaker → margin for
// every account → liquidation plan, on one venue whose clock advances a
// tick per iteration (the plan changes nothing, so every iteration does the
// same work).
func BenchmarkCascadePlan10k(b *testing.B) {
	v, _, start, err := setUp(Config{Accounts: 10_000})
	if err != nil {
		b.Fatal(err)
	}
	price := OpenPrice.Mul(decimal.New(94, -2))
	orders := 0
	runtime.GC()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		now := start.Add(time.Duration(i+1) * Interval)
		quotes := []oracle.Quote{
			{Source: "cex-a", Price: price, Time: now},
			{Source: "cex-b", Price: price.Add(decimal.New(1, 0)), Time: now},
			{Source: "dex-c", Price: price.Sub(decimal.New(1, 0)), Time: now},
		}
		if _, err := v.feed.Update(now, quotes); err != nil {
			b.Fatal(err)
		}
		mark, err := v.mark(now)
		if err != nil {
			b.Fatal(err)
		}
		if d, err := v.band.Observe(now, mark); err != nil || !d.Allowed() {
			b.Fatalf("breaker: %v %v", d, err)
		}
		below, err := v.belowMaintenance(now, mark)
		if err != nil {
			b.Fatal(err)
		}
		plan, err := v.engine.Plan(now, below)
		if err != nil {
			b.Fatal(err)
		}
		orders = len(plan.Orders)
	}
	b.ReportMetric(float64(v.stats.below), "below-maint")
	b.ReportMetric(float64(orders), "orders")
}
