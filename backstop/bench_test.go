package backstop

import (
	"fmt"
	"math/rand"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

// refillLayer is a host layer that refills itself, so a benchmark can
// cover the same loss again and again.
type refillLayer struct {
	id        string
	cap, left decimal.Decimal
}

func (r *refillLayer) ID() string                { return r.id }
func (r *refillLayer) Capacity() decimal.Decimal { return r.left }
func (r *refillLayer) Absorb(_ time.Time, a decimal.Decimal, to string) ([]Movement, []Event, error) {
	r.left = r.left.Sub(a)
	return []Movement{{From: r.id, To: to, Amount: a, Reason: "bench"}}, nil, nil
}

// BenchmarkCoverFiveLayers: covering a loss through five layers (target
// ≤ 5 µs). The loss reaches the fifth layer.
func BenchmarkCoverFiveLayers(b *testing.B) {
	layers := make([]Layer, 5)
	rl := make([]*refillLayer, 5)
	for i := range layers {
		rl[i] = &refillLayer{id: fmt.Sprint("layer", i), cap: d("1000.00"), left: d("1000.00")}
		layers[i] = rl[i]
	}
	w, err := New(Settings{Layers: layers, Unit: d("0.01")})
	if err != nil {
		b.Fatal(err)
	}
	ids := make([]string, b.N) // a claim ID is covered once: one per iteration
	for i := range ids {
		ids[i] = fmt.Sprint("bench-", i)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, r := range rl {
			r.left = r.cap
		}
		if _, err := w.Cover(t0, Claim{ID: ids[i], Amount: d("4500.25")}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCoverBuiltInLayers: an exchange waterfall of built-in layers
// (defaulter, insurance fund, a default fund's steps are separate), built
// and covered each iteration, with a journal.
func BenchmarkCoverBuiltInLayers(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		fund, _ := NewInsuranceFund(FundSettings{Unit: d("0.01")})
		_, _ = fund.Deposit(t0, "", "shared", d("300"), "fees", "")
		def, _ := NewDefaulterLayer("bob", d("50"), d("10"))
		h1 := &refillLayer{id: "h1", left: d("100")}
		h2 := &refillLayer{id: "h2", left: d("100")}
		social, _ := NewSocialLayer("s", []Balance{{"a", d("300")}, {"b", d("100")}}, d("0.01"))
		w, _ := New(Settings{Layers: []Layer{def, fund.Layer("x"), h1, h2, social}, Unit: d("0.01"), Journal: NewJournal()})
		if _, err := w.Cover(t0, Claim{ID: "c", Amount: d("600.5")}); err != nil {
			b.Fatal(err)
		}
	}
}

func benchAccounts(n int) []Balance {
	rng := rand.New(rand.NewSource(1))
	out := make([]Balance, n)
	for i := range out {
		out[i] = Balance{Account: fmt.Sprint("acct", i), Amount: decimal.New(rng.Int63n(10_000_000_000)-1_000_000_000, -8)}
	}
	return out
}

// BenchmarkSocialise10k: socialising a loss over 10,000 accounts (target
// ≤ 5 ms).
func BenchmarkSocialise10k(b *testing.B) {
	accts := benchAccounts(10_000)
	loss := d("12345.67891234")
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Socialise(loss, accts, 8); err != nil {
			b.Fatal(err)
		}
	}
}

func benchPositions(n int) []Position {
	rng := rand.New(rand.NewSource(2))
	out := make([]Position, n)
	for i := range out {
		size := decimal.New(rng.Int63n(1_000_000)+1, -3)
		entry := decimal.New(rng.Int63n(2_000_000)+500_000, -2) // 5,000–25,000
		out[i] = Position{Account: fmt.Sprint("p", i), Size: size, EntryPrice: entry,
			BankruptcyPrice: decimal.New(rng.Int63n(400_000), -2)} // below the 15,000 mark
	}
	return out
}

// BenchmarkRank10k: ranking 10,000 positions by BitMEX's ADL score
// (target ≤ 10 ms).
func BenchmarkRank10k(b *testing.B) {
	ps := benchPositions(10_000)
	mark := d("15000")
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Rank(ps, mark, nil); err != nil {
			b.Fatal(err)
		}
	}
}
