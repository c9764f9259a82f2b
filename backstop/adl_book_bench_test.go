package backstop

import (
	"fmt"
	"math/rand"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

// benchBook returns n positions at mark 100, half long and half short,
// each a profitable candidate (seeded, the same every run).
func benchBook(n int) []Position {
	rng := rand.New(rand.NewSource(12))
	out := make([]Position, n)
	for i := range out {
		size := decimal.New(int64(1+rng.Intn(1000)), -2)
		if i%2 == 0 { // long, in profit: entry below the mark
			out[i] = Position{Account: fmt.Sprintf("a%06d", i), Size: size, EntryPrice: decimal.New(int64(5000+rng.Intn(4900)), -2),
				BankruptcyPrice: decimal.New(int64(rng.Intn(4900)), -2)}
		} else {
			out[i] = Position{Account: fmt.Sprintf("a%06d", i), Size: size.Neg(), EntryPrice: decimal.New(int64(10100+rng.Intn(4900)), -2),
				BankruptcyPrice: decimal.New(int64(15100+rng.Intn(4900)), -2)}
		}
	}
	return out
}

// coverShortfalls covers k shortfalls (alternately a long and a short
// bankrupt of 0.50 with a gap of 1, absorbing 0.40 each) against the
// positions, either ranking them afresh for each shortfall (a new self-ranked
// layer per shortfall, as the cascade did) or from one ADLBook.
func coverShortfalls(b *testing.B, positions []Position, k int, shared bool) {
	now := time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC)
	mark := decimal.NewFromInt(100)
	live := append([]Position(nil), positions...)
	at := make(map[string]int, len(live))
	for i, p := range live {
		at[p.Account] = i
	}
	var book *ADLBook
	if shared {
		var err error
		if book, err = NewADLBook(mark, nil, live); err != nil {
			b.Fatal(err)
		}
	}
	for s := range k {
		bankrupt := Position{Account: "bankrupt", Size: d("0.5"), EntryPrice: mark, BankruptcyPrice: d("101")}
		if s%2 == 1 {
			bankrupt.Size, bankrupt.BankruptcyPrice = d("-0.5"), d("99")
		}
		set := ADLSettings{Request: DeleverageRequest{Bankrupt: bankrupt, Mark: mark, Candidates: live}, SizeUnit: d("0.01")}
		if shared {
			set.Request = DeleverageRequest{Bankrupt: bankrupt}
			set.Book = book
		}
		l, err := NewADLLayer(set)
		if err != nil {
			b.Fatal(err)
		}
		if _, _, err := l.Absorb(now, d("0.4"), "loss"); err != nil {
			b.Fatal(err)
		}
		if !shared { // the host applies the fills to its positions
			for _, f := range l.Fills() {
				i := at[f.Account]
				if f.After.IsZero() {
					last := len(live) - 1
					live[i] = live[last]
					at[live[i].Account] = i
					live = live[:last]
					delete(at, f.Account)
				} else {
					live[i].Size = f.After
				}
			}
		}
	}
}

// BenchmarkADLShortfalls covers k shortfalls against an n-position book:
// fresh ranks every counterparty again per shortfall (NewADLLayer → Rank),
// book ranks once (NewADLBook) and serves every shortfall from it (issue 12
// item 1). Both in one run, so the ratio is measured under the same load.
func BenchmarkADLShortfalls(b *testing.B) {
	for _, n := range []int{1000, 4000} {
		positions := benchBook(n)
		for _, k := range []int{1, 10, 100} {
			for _, mode := range []string{"fresh", "book"} {
				b.Run(fmt.Sprintf("n=%d/k=%d/%s", n, k, mode), func(b *testing.B) {
					b.ReportAllocs()
					for range b.N {
						coverShortfalls(b, positions, k, mode == "book")
					}
				})
			}
		}
	}
}
