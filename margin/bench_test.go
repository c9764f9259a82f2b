package margin

import (
	"fmt"
	"testing"

	"github.com/shopspring/decimal"
)

// benchSetup builds 10 markets with the Binance BTCUSDT tier table and a
// cross account holding a position in each.
func benchSetup(b *testing.B) (*Calculator, Account) {
	prices := StaticPrices{}
	var markets []Market
	a := Account{Wallet: d("250000")}
	for i := 0; i < 10; i++ {
		id := fmt.Sprintf("M%d", i)
		markets = append(markets, Market{ID: id, Tiers: binanceBTC(), TickSize: d("0.1")})
		mark := decimal.NewFromInt(int64(1000 * (i + 1))).Add(d("0.37"))
		prices[id] = mark
		size := decimal.New(int64(i+1)*15, -1) // 1.5, 3, …
		if i%3 == 0 {
			size = size.Neg()
		}
		a.Positions = append(a.Positions, Position{Market: id, Size: size, EntryPrice: mark.Sub(d("12.5"))})
	}
	c, err := New(Settings{Markets: markets, Prices: prices})
	if err != nil {
		b.Fatal(err)
	}
	return c, a
}

func BenchmarkSummaryCross10(b *testing.B) {
	c, a := benchSetup(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := c.Summary(t0, a); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLiquidationPriceIsolatedTiers(b *testing.B) {
	m := Market{ID: "BTCUSDT", Tiers: binanceBTC(), TickSize: d("0.1")}
	c, err := New(Settings{Markets: []Market{m}, Prices: StaticPrices{"BTCUSDT": d("30000")}})
	if err != nil {
		b.Fatal(err)
	}
	a := Account{Positions: []Position{{Market: "BTCUSDT", Size: d("12.5"), EntryPrice: d("30010.5"), Isolated: true, Margin: d("20000")}}}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := c.LiquidationPrices(t0, a, "BTCUSDT"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLiquidationPriceCross10(b *testing.B) {
	c, a := benchSetup(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := c.LiquidationPrices(t0, a, "M9"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCheckOrder(b *testing.B) {
	c, a := benchSetup(b)
	o := Order{Market: "M4", Size: d("0.5")}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := c.CheckOrder(t0, a, o); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRiskCross10(b *testing.B) {
	c, a := benchSetup(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := c.Risk(t0, a); err != nil {
			b.Fatal(err)
		}
	}
}
