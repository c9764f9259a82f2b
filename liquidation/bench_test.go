package liquidation

import (
	"fmt"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

// Target: exponential curve price at t = 3,600 s ≤ 5 µs (issue 5).
func BenchmarkExponentialPrice3600(b *testing.B) {
	c, _ := NewExponentialDecrease(d("0.999230132966"))
	top := d("1234.56")
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		_ = c.Price(top, time.Hour)
	}
}

func BenchmarkStairstepPrice3600(b *testing.B) {
	c, _ := NewStairstepExponentialDecrease(d("0.99"), 90*time.Second)
	top := d("1234.56")
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		_ = c.Price(top, time.Hour)
	}
}

func BenchmarkLinearPrice(b *testing.B) {
	c, _ := NewLinearDecrease(time.Hour)
	top := d("1234.56")
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		_ = c.Price(top, 1234*time.Second)
	}
}

// Target: a take ≤ 10 µs (issue 5). Partial takes from one large auction
// priced by the exponential curve 10 minutes in.
func BenchmarkTake(b *testing.B) {
	c, _ := NewExponentialDecrease(d("0.999230132966"))
	h, _ := NewDutchHouse(DutchSettings{Curve: c, Buf: d("1.2"), Tail: 24 * time.Hour, Cusp: d("0.01"),
		Chop: d("1.13"), Dust: d("100")})
	k, _ := h.Kick(t0, KickParams{Tab: d("1000000000000"), Lot: d("100000000000"), Owner: "o", Price: d("1850.25")})
	now := t0.Add(10 * time.Minute)
	p := TakeParams{ID: k.ID, Keeper: "k", MaxLot: d("0.5"), MaxPrice: d("100000")}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if r, err := h.Take(now, p); err != nil || r.Refusal != "" {
			b.Fatal(err, r.Refusal)
		}
	}
}

// Target: planning over 100,000 accounts with 1% liquidatable ≤ 300 ms
// (issue 5).
func BenchmarkPlan100k(b *testing.B) {
	accts := make([]Account, 100_000)
	for i := range accts {
		eq := decimal.NewFromInt(int64(150 + i%50))
		if i%100 == 0 { // exactly 1% liquidatable: equity 50..99 < maintenance 100
			eq = decimal.NewFromInt(int64(50 + (i/100)%50))
		}
		accts[i] = StaticAccount{ID: fmt.Sprintf("acct-%06d", i), EquityValue: eq, MaintenanceValue: decimal.NewFromInt(100),
			DebtValue: decimal.NewFromInt(1000), CollateralValue: eq.Add(decimal.NewFromInt(1000)),
			Legs: []Position{{Market: "ETH", Size: d("0.5"), Value: d("900"), Debt: d("600")},
				{Market: "BTC", Size: d("0.01"), Value: d("250"), Debt: d("400")}}}
	}
	e, _ := NewEngine(EngineSettings{Penalty: d("0.13"), LiquidatorBonus: d("0.05"), Dust: d("10"),
		GlobalCap: d("100000000"), MarketCaps: map[string]decimal.Decimal{"ETH": d("50000000"), "BTC": d("50000000")},
		Window: time.Hour, MaxCount: 5000, MaxNotional: d("100000000")})
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		p, err := e.Plan(t0, accts)
		if err != nil || len(p.Orders)+len(p.Skipped) < len(accts)/100 {
			b.Fatal(err, len(p.Orders), len(p.Skipped))
		}
	}
}
