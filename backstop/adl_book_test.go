package backstop

import (
	"errors"
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"

	"github.com/failsafe-fi/failsafe/internal/testkit"
)

// profitRank is a host ranking that depends on size (dYdX v4 deleverages
// by profit: size × (mark − entry)), so a partly closed position moves.
func profitRank(p Position, mark decimal.Decimal) (decimal.Decimal, error) {
	return p.Size.Mul(mark.Sub(p.EntryPrice)), nil
}

// genBookPosition draws a position that is not at or beyond bankruptcy at
// mark 100: a long's bankruptcy price below it, a short's above.
func genBookPosition(t *rapid.T, account string) Position {
	size := decimal.New(rapid.Int64Range(1, 500).Draw(t, "size"), -2)
	entry := decimal.New(rapid.Int64Range(5000, 15000).Draw(t, "entry"), -2)
	if rapid.Bool().Draw(t, "short") {
		return Position{Account: account, Size: size.Neg(), EntryPrice: entry,
			BankruptcyPrice: decimal.New(rapid.Int64Range(10001, 30000).Draw(t, "pb"), -2)}
	}
	return Position{Account: account, Size: size, EntryPrice: entry,
		BankruptcyPrice: decimal.New(rapid.Int64Range(0, 9999).Draw(t, "pb"), -2)}
}

// Property (issue 12 item 1): one ADLBook serving a sequence of shortfalls
// draws exactly what a fresh ranking of the positions as they then stand
// draws for each — the same fills (account, size, rank, score), the same
// charges, the same capacity — with host changes to positions (Set,
// Remove) between shortfalls, with BitMEXRank and with a ranking that
// depends on size. Mutation tried: dropping the book update after a draw
// (closed positions left in, the partial size not reduced) fails it at once.
func TestPropertyADLBookMatchesFreshRanking(t *testing.T) {
	rapid.Check(t, checkADLBookMatchesFresh)
}

// FuzzADLBookMatchesFresh runs the same property on fuzzed byte strings.
func FuzzADLBookMatchesFresh(f *testing.F) {
	f.Fuzz(rapid.MakeFuzz(checkADLBookMatchesFresh))
}

func checkADLBookMatchesFresh(t *rapid.T) {
	mark := decimal.NewFromInt(100)
	now := time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC)
	{
		var ranking Ranking
		if rapid.Bool().Draw(t, "profitRank") {
			ranking = profitRank
		}
		n := rapid.IntRange(0, 40).Draw(t, "n")
		live := map[string]Position{}
		for i := range n {
			a := fmt.Sprintf("c%02d", i)
			live[a] = genBookPosition(t, a)
		}
		positions := func() []Position {
			out := make([]Position, 0, len(live))
			for _, p := range live {
				out = append(out, p)
			}
			sort.Slice(out, func(i, j int) bool { return out[i].Account < out[j].Account })
			return out
		}
		book, err := NewADLBook(mark, ranking, positions())
		if err != nil {
			t.Fatal(err)
		}
		steps := rapid.IntRange(1, 12).Draw(t, "shortfalls")
		for s := range steps {
			switch rapid.IntRange(0, 3).Draw(t, "host") {
			case 0: // the host changes (or adds) a position
				a := fmt.Sprintf("c%02d", rapid.IntRange(0, n+2).Draw(t, "acct"))
				p := genBookPosition(t, a)
				live[a] = p
				if err := book.Set(p); err != nil {
					t.Fatal(err)
				}
			case 1: // the host removes one
				a := fmt.Sprintf("c%02d", rapid.IntRange(0, n+2).Draw(t, "acct"))
				_, had := live[a]
				delete(live, a)
				if got := book.Remove(a); got != had {
					t.Fatalf("Remove(%q) = %v, had %v", a, got, had)
				}
			}
			lost := decimal.New(rapid.Int64Range(1, 2000).Draw(t, "lost"), -2)
			gap := decimal.New(rapid.Int64Range(1, 1000).Draw(t, "gap"), -2)
			bankrupt := Position{Account: fmt.Sprintf("b%d", s), Size: lost, EntryPrice: mark, BankruptcyPrice: mark.Add(gap)}
			if rapid.Bool().Draw(t, "shortBankrupt") {
				bankrupt.Size, bankrupt.BankruptcyPrice = lost.Neg(), mark.Sub(gap)
			}
			fresh, err := NewADLLayer(ADLSettings{Request: DeleverageRequest{Bankrupt: bankrupt, Mark: mark, Candidates: positions(), Ranking: ranking},
				Unit: d("0.01"), SizeUnit: d("0.01")})
			if err != nil {
				t.Fatal(err)
			}
			shared, err := NewADLLayer(ADLSettings{Request: DeleverageRequest{Bankrupt: bankrupt}, Book: book, Unit: d("0.01"), SizeUnit: d("0.01")})
			if err != nil {
				t.Fatal(err)
			}
			if !fresh.Capacity().Equal(shared.Capacity()) {
				t.Fatalf("shortfall %d: capacity fresh %s, shared %s", s, fresh.Capacity(), shared.Capacity())
			}
			capCents := fresh.Capacity().Shift(2).IntPart()
			if capCents == 0 {
				continue
			}
			// A waterfall draws a layer once per claim; a host may call
			// Absorb again. A self-ranked layer keeps its scores for its
			// life while the book scores a partly closed position again, so
			// with a size-dependent ranking the second draw of one layer is
			// compared only in the waterfall's way (one draw per layer).
			draws := 1
			if ranking == nil {
				draws = rapid.IntRange(1, 2).Draw(t, "draws")
			}
			for range draws {
				capCents = fresh.Capacity().Shift(2).IntPart()
				if capCents == 0 {
					break
				}
				amount := decimal.New(rapid.Int64Range(1, capCents).Draw(t, "amount"), -2)
				mf, ef, err := fresh.Absorb(now, amount, "loss")
				if err != nil {
					t.Fatal(err)
				}
				msh, esh, err := shared.Absorb(now, amount, "loss")
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(mf, msh, testkit.EquateDecimals); diff != "" {
					t.Fatalf("shortfall %d: movements differ (-fresh +shared):\n%s", s, diff)
				}
				if diff := cmp.Diff(ef, esh, testkit.EquateDecimals); diff != "" {
					t.Fatalf("shortfall %d: events differ (-fresh +shared):\n%s", s, diff)
				}
			}
			if diff := cmp.Diff(fresh.Fills(), shared.Fills(), testkit.EquateDecimals); diff != "" {
				t.Fatalf("shortfall %d: fills differ (-fresh +shared):\n%s", s, diff)
			}
			for _, f := range fresh.Fills() { // the host applies the fills to its positions
				p := live[f.Account]
				if p.Size = f.After; p.Size.IsZero() {
					delete(live, f.Account)
				} else {
					live[f.Account] = p
				}
			}
			// The book now holds exactly the positions as they stand.
			want, err := Rank(positions(), mark, ranking)
			if err != nil {
				t.Fatal(err)
			}
			got := append(book.Queue(true), book.Queue(false)...)
			if diff := cmp.Diff(want, got, testkit.EquateDecimals, cmp.Transformer("sort", sortedRanked)); diff != "" {
				t.Fatalf("shortfall %d: book differs from a fresh ranking (-fresh +book):\n%s", s, diff)
			}
			if book.Len() != len(live) {
				t.Fatalf("Len %d, want %d", book.Len(), len(live))
			}
		}
	}
}

// sortedRanked puts a mixed list in one canonical order (by account).
func sortedRanked(r []Ranked) []Ranked {
	out := append([]Ranked(nil), r...)
	sort.Slice(out, func(i, j int) bool { return out[i].Position.Account < out[j].Position.Account })
	return out
}

// A cover that fails at a host layer after drawing a book-backed ADL layer
// puts the book back exactly as it was (closed positions return, the
// partly closed one regains its size), and a layer built on the book next
// draws as before the failed cover.
func TestADLBookRollback(t *testing.T) {
	mark := d("100")
	book, err := NewADLBook(mark, nil, []Position{
		{Account: "s1", Size: d("-2"), EntryPrice: d("150"), BankruptcyPrice: d("200")},
		{Account: "s2", Size: d("-3"), EntryPrice: d("120"), BankruptcyPrice: d("180")},
		{Account: "l1", Size: d("4"), EntryPrice: d("80"), BankruptcyPrice: d("50")},
	})
	if err != nil {
		t.Fatal(err)
	}
	before := append(book.Queue(true), book.Queue(false)...)
	bankrupt := Position{Account: "bad", Size: d("4"), EntryPrice: d("100"), BankruptcyPrice: d("110")}
	adl, err := NewADLLayer(ADLSettings{Request: DeleverageRequest{Bankrupt: bankrupt}, Book: book, Unit: d("0.01"), SizeUnit: d("1")})
	if err != nil {
		t.Fatal(err)
	}
	w, err := New(Settings{Layers: []Layer{adl, brokenLayer{"host"}}, Unit: d("0.01")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Cover(t0, Claim{ID: "c", Amount: d("1030")}); !errors.Is(err, ErrLayerFailed) {
		t.Fatalf("err = %v, want ErrLayerFailed", err)
	}
	after := append(book.Queue(true), book.Queue(false)...)
	if diff := cmp.Diff(before, after, testkit.EquateDecimals); diff != "" {
		t.Fatalf("book not put back (-before +after):\n%s", diff)
	}
	if len(adl.Fills()) != 0 || !adl.Capacity().Equal(d("40")) {
		t.Fatalf("layer not put back: fills %v, capacity %s", adl.Fills(), adl.Capacity())
	}
	if _, err := RestoreADLLayer(ADLSettings{Request: DeleverageRequest{Bankrupt: bankrupt}, Book: book}, adl.Snapshot()); !errors.Is(err, ErrInvalidInput) {
		t.Fatalf("restore of a book-backed layer: err = %v, want ErrInvalidInput", err)
	}
}

// Bad input to the book and to a book-backed layer is refused with its
// sentinel and changes nothing (the issue-10 hunt discipline).
func TestADLBookRefusals(t *testing.T) {
	mark := d("100")
	good := []Position{
		{Account: "s1", Size: d("-2"), EntryPrice: d("150"), BankruptcyPrice: d("200")},
		{Account: "l1", Size: d("4"), EntryPrice: d("80"), BankruptcyPrice: d("50")},
	}
	for name, c := range map[string]struct {
		mark decimal.Decimal
		ps   []Position
		want error
	}{
		"zero mark":         {decimal.Zero, good, ErrInvalidInput},
		"absurd mark":       {decimal.New(1, 2147483647), good, ErrInvalidInput},
		"duplicate":         {mark, []Position{good[0], good[0]}, ErrDuplicateID},
		"zero size":         {mark, []Position{{Account: "x", Size: decimal.Zero, EntryPrice: d("1"), BankruptcyPrice: d("0")}}, ErrInvalidInput},
		"beyond bankrupt":   {mark, []Position{{Account: "x", Size: d("1"), EntryPrice: d("90"), BankruptcyPrice: d("100")}}, ErrInvalidInput},
		"empty account":     {mark, []Position{{Size: d("1"), EntryPrice: d("90"), BankruptcyPrice: d("10")}}, ErrInvalidInput},
		"absurd entry":      {mark, []Position{{Account: "x", Size: d("1"), EntryPrice: decimal.New(1, -2147483647), BankruptcyPrice: d("10")}}, ErrInvalidInput},
		"non-UTF-8 account": {mark, []Position{{Account: "\xff", Size: d("1"), EntryPrice: d("90"), BankruptcyPrice: d("10")}}, ErrInvalidInput},
	} {
		if _, err := NewADLBook(c.mark, nil, c.ps); !errors.Is(err, c.want) {
			t.Errorf("NewADLBook %s: err = %v, want %v", name, err, c.want)
		}
	}
	book, err := NewADLBook(mark, nil, good)
	if err != nil {
		t.Fatal(err)
	}
	before := append(book.Queue(true), book.Queue(false)...)
	for name, p := range map[string]Position{
		"zero size":       {Account: "s1", Size: decimal.Zero, EntryPrice: d("1"), BankruptcyPrice: d("0")},
		"beyond bankrupt": {Account: "s1", Size: d("-1"), EntryPrice: d("150"), BankruptcyPrice: d("100")},
		"absurd size":     {Account: "s1", Size: decimal.New(-1, 2147483647), EntryPrice: d("150"), BankruptcyPrice: d("200")},
	} {
		if err := book.Set(p); !errors.Is(err, ErrInvalidInput) {
			t.Errorf("Set %s: err = %v, want ErrInvalidInput", name, err)
		}
	}
	bankrupt := Position{Account: "bad", Size: d("4"), EntryPrice: d("100"), BankruptcyPrice: d("110")}
	for name, req := range map[string]DeleverageRequest{
		"candidates too": {Bankrupt: bankrupt, Candidates: good},
		"own ranking":    {Bankrupt: bankrupt, Ranking: BitMEXRank},
		"other mark":     {Bankrupt: bankrupt, Mark: d("101")},
		"absurd mark":    {Bankrupt: bankrupt, Mark: decimal.New(1, 2147483647)},
		"bad bankrupt":   {Bankrupt: Position{Account: "bad", Size: decimal.Zero, EntryPrice: d("1")}},
	} {
		if _, err := NewADLLayer(ADLSettings{Request: req, Book: book}); !errors.Is(err, ErrInvalidInput) {
			t.Errorf("NewADLLayer %s: err = %v, want ErrInvalidInput", name, err)
		}
	}
	if book.Remove("nobody") {
		t.Error("Remove of an absent account reported true")
	}
	after := append(book.Queue(true), book.Queue(false)...)
	if diff := cmp.Diff(before, after, testkit.EquateDecimals); diff != "" {
		t.Fatalf("refused calls changed the book (-before +after):\n%s", diff)
	}
}
