package backstop

import (
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

// A layer drawn from a SocialBook that is kept up to date (Set, Remove)
// across a step's claims is exactly the layer a host would build for each
// claim from scratch: NewSocialLayer over the current positive amounts in
// account order, the defaulter left out. Same capacity, same movements,
// same events, for random books, random updates between claims and random
// losses. Mutations seen failing: Set updating an existing entry left
// as it was (the in-place case returning before the assignment); Remove
// not marking the entry removed; a removed entry coming back without
// live++ (Len and the compaction drift); NewSocialBookLayer ignoring
// exclude.
func TestPropertySocialBookMatchesRebuild(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(0, 30).Draw(t, "accounts")
		ids := make([]string, n)
		for i := range ids {
			ids[i] = fmt.Sprintf("a%03d", rapid.IntRange(0, 999).Draw(t, "id"))
		}
		amount := func(label string) decimal.Decimal {
			return decimal.New(rapid.Int64Range(-500, 100_000).Draw(t, label), -int32(rapid.IntRange(0, 10).Draw(t, label+"-places")))
		}
		truth := map[string]decimal.Decimal{} // the host's accounts: looked up, and sorted before use
		var initial []Balance
		for _, id := range ids {
			if _, dup := truth[id]; dup {
				continue
			}
			truth[id] = amount("amount")
			initial = append(initial, Balance{Account: id, Amount: truth[id]})
		}
		book, err := NewSocialBook(initial)
		if err != nil {
			t.Fatal(err)
		}
		unit := decimal.New(1, -int32(rapid.IntRange(0, 8).Draw(t, "unit-places")))
		now := time.Unix(1_700_000_000, 0)
		for claim := 0; claim < rapid.IntRange(1, 8).Draw(t, "claims"); claim++ {
			for u := rapid.IntRange(0, 6).Draw(t, "updates"); u > 0; u-- {
				id := fmt.Sprintf("a%03d", rapid.IntRange(0, 999).Draw(t, "updated"))
				if len(ids) > 0 && rapid.Bool().Draw(t, "existing") {
					id = ids[rapid.IntRange(0, len(ids)-1).Draw(t, "which")]
				}
				if rapid.IntRange(0, 3).Draw(t, "remove") == 0 {
					book.Remove(id)
					delete(truth, id)
					continue
				}
				a := amount("new")
				if err := book.Set(Balance{Account: id, Amount: a}); err != nil {
					t.Fatal(err)
				}
				truth[id] = a
			}
			var fresh []Balance
			for id, a := range truth {
				if a.Sign() > 0 {
					fresh = append(fresh, Balance{Account: id, Amount: a})
				}
			}
			sort.Slice(fresh, func(i, j int) bool { return fresh[i].Account < fresh[j].Account })
			if book.Len() != len(fresh) {
				t.Fatalf("book holds %d accounts, the host %d", book.Len(), len(fresh))
			}
			var exclude []string
			if len(fresh) > 0 && rapid.Bool().Draw(t, "exclude") {
				ex := fresh[rapid.IntRange(0, len(fresh)-1).Draw(t, "excluded")].Account
				exclude = append(exclude, ex)
				kept := fresh[:0:0]
				for _, b := range fresh {
					if b.Account != ex {
						kept = append(kept, b)
					}
				}
				fresh = kept
			}
			want, err := NewSocialLayer("social", fresh, unit)
			if err != nil {
				t.Fatal(err)
			}
			got, err := NewSocialBookLayer("social", book, unit, exclude...)
			if err != nil {
				t.Fatal(err)
			}
			if !got.Capacity().Equal(want.Capacity()) {
				t.Fatalf("claim %d: capacity %s, rebuilt %s", claim, got.Capacity(), want.Capacity())
			}
			if !want.Capacity().IsPositive() {
				continue
			}
			loss := decimal.New(rapid.Int64Range(1, 1<<40).Draw(t, "loss"), 0).Mul(unit)
			loss = decimal.Min(loss, want.Capacity())
			wm, we, werr := want.Absorb(now, loss, "account:x")
			gm, ge, gerr := got.Absorb(now, loss, "account:x")
			if (werr == nil) != (gerr == nil) {
				t.Fatalf("claim %d: errors %v and %v", claim, gerr, werr)
			}
			if diff := cmp.Diff(wm, gm, cmp.Comparer(func(a, b decimal.Decimal) bool { return a.Equal(b) })); diff != "" {
				t.Fatalf("claim %d: movements differ (-rebuilt +book):\n%s", claim, diff)
			}
			if len(we) != len(ge) {
				t.Fatalf("claim %d: %d events, rebuilt %d", claim, len(ge), len(we))
			}
			if !got.Capacity().Equal(want.Capacity()) {
				t.Fatalf("claim %d: capacity after %s, rebuilt %s", claim, got.Capacity(), want.Capacity())
			}
		}
	})
}

// The book refuses what NewSocialLayer refuses, and changes nothing.
func TestSocialBookRefuses(t *testing.T) {
	for name, bals := range map[string][]Balance{
		"empty ID":     {{Account: "", Amount: decimal.New(1, 0)}},
		"duplicate":    {{Account: "a", Amount: decimal.New(1, 0)}, {Account: "a", Amount: decimal.New(2, 0)}},
		"absurd value": {{Account: "a", Amount: decimal.New(1, 1<<30)}},
	} {
		if _, err := NewSocialBook(bals); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	b, err := NewSocialBook([]Balance{{Account: "a", Amount: decimal.New(5, 0)}})
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Set(Balance{Account: "a", Amount: decimal.New(1, 1<<30)}); err == nil || !b.Balances()[0].Amount.Equal(decimal.New(5, 0)) {
		t.Errorf("absurd Set: %v, book %v", err, b.Balances())
	}
	if _, err := NewSocialBookLayer("", b, decimal.Zero); err == nil {
		t.Error("empty layer ID accepted")
	}
	if _, err := NewSocialBookLayer("s", nil, decimal.Zero); err == nil {
		t.Error("nil book accepted")
	}
}
