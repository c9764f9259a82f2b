package portfolio

import (
	"fmt"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

// benchBook returns an engine with the Deribit-shaped grid (27 + 8
// extended scenarios, vega power rule) and a 50-position options book on
// one underlying: 48 options across 4 expiries and 6 strikes, calls and
// puts, long and short, plus a perpetual and a dated future.
func benchBook(b *testing.B, g Grid) (*Engine, []Position, Marks) {
	now := propNow
	var insts []Instrument
	var book []Position
	m := Marks{Prices: map[string]decimal.Decimal{"BTC": d("100000")}, Vols: map[string]decimal.Decimal{}}
	insts = append(insts, Instrument{ID: "PERP", Underlying: "BTC", Kind: Future, ContractSize: d("1")},
		Instrument{ID: "FUT", Underlying: "BTC", Kind: Future, Expiry: now.Add(90 * 24 * time.Hour), ContractSize: d("1")})
	book = append(book, Position{Instrument: "PERP", Size: d("-3.5"), Entry: d("99000")}, Position{Instrument: "FUT", Size: d("2"), Entry: d("101000")})
	i := 0
	for _, days := range []int{2, 9, 30, 120} {
		for _, strike := range []int64{80000, 90000, 95000, 105000, 110000, 125000} {
			for _, r := range []Right{Call, Put} {
				id := fmt.Sprintf("BTC-%d-%d-%s", days, strike, r)
				insts = append(insts, Instrument{ID: id, Underlying: "BTC", Kind: Option, Right: r, Strike: decimal.NewFromInt(strike), Expiry: now.Add(time.Duration(days) * 24 * time.Hour), ContractSize: d("1")})
				size := decimal.NewFromInt(int64(1 + i%5))
				if i%3 == 0 {
					size = size.Neg()
				}
				book = append(book, Position{Instrument: id, Size: size})
				m.Vols[id] = decimal.New(int64(45+i%20), -2)
				i++
			}
		}
	}
	e, err := New(Settings{Underlyings: []Underlying{{ID: "BTC", ScanFraction: d("0.16")}}, Instruments: insts, Grid: g, Scale: 2, AddOns: AddOns{Contingency: d("0.006")}})
	if err != nil {
		b.Fatal(err)
	}
	return e, book, m
}

// BenchmarkRequirement50Deribit: a 50-position book over the Deribit-shaped
// grid (35 scenarios: 1,680 option revaluations).
func BenchmarkRequirement50Deribit(b *testing.B) {
	e, book, m := benchBook(b, DeribitPM(DeribitBTCShock(), d("0.5")))
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if _, err := e.Requirement(propNow, book, m); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRequirement50SPAN: the same book over SPAN's 16 scenarios with a
// one-day look-ahead.
func BenchmarkRequirement50SPAN(b *testing.B) {
	e, book, m := benchBook(b, SPAN16(d("0.05"), 86400))
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if _, err := e.Requirement(propNow, book, m); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBlack76 values one option with its Greeks.
func BenchmarkBlack76(b *testing.B) {
	in := OptionInput{Right: Call, Forward: d("100000"), Strike: d("105000"), Vol: d("0.55"), Years: d("0.1")}
	b.ReportAllocs()
	for range b.N {
		if _, err := Black76(in); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkArraysRequirement50: the per-account cost once the tick's
// arrays exist (Engine.Arrays once per mark update, then
// Arrays.Requirement per account).
func BenchmarkArraysRequirement50(b *testing.B) {
	e, book, m := benchBook(b, DeribitPM(DeribitBTCShock(), d("0.5")))
	a, err := e.Arrays(propNow, m)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if _, err := a.Requirement(book); err != nil {
			b.Fatal(err)
		}
	}
}
