package liquidation

import (
	"fmt"
	"slices"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"

	"github.com/failsafe-fi/failsafe/internal/testkit"
)

// drawKernelEdge draws an amount that is sometimes inside the fixed-point
// kernel (≤ 18 coefficient digits) and sometimes not (19 to 30 digits, the
// decimal fallback), in spellings that differ only by trailing zeros, from
// a small pool so that equal healths (ties) happen.
func drawKernelEdge(t *rapid.T, label string, signed bool) decimal.Decimal {
	base := rapid.SampledFrom([]string{"0", "50", "100", "100.00", "99.5", "200", "1", "0.000000000000000001",
		"123456789012345678", "1234567890123456789", "123456789012345678901234567890", "0.1234567890123456789",
		"999999999999999999", "1000000000000000000", "333333333333333333.3333333333"}).Draw(t, label)
	v := d(base)
	if signed && rapid.Bool().Draw(t, label+" neg") {
		v = v.Neg()
	}
	return v
}

// drawOrderBook draws accounts whose equities and maintenances overflow the
// kernel now and then, whose IDs repeat and arrive in any order, and whose
// leg debts sometimes do not sum to Debt().
func drawOrderBook(t *rapid.T) []Account {
	n := rapid.IntRange(0, 14).Draw(t, "accounts")
	out := make([]Account, n)
	for i := range out {
		var legs []Position
		debt := decimal.Zero
		for j, k := 0, rapid.IntRange(0, 3).Draw(t, "legs"); j < k; j++ {
			ld := drawKernelEdge(t, "leg debt", false)
			legs = append(legs, Position{Market: rapid.SampledFrom(propMarkets).Draw(t, "market"),
				Size: d("1"), Value: ld, Debt: ld})
			debt = debt.Add(ld)
		}
		if rapid.IntRange(0, 9).Draw(t, "bad sum") == 0 {
			debt = debt.Add(d("0.000000000000000001"))
		}
		if rapid.IntRange(0, 4).Draw(t, "respell") == 0 { // same value, other exponent
			debt = decimal.New(0, -3).Add(debt)
		}
		out[i] = StaticAccount{ID: fmt.Sprintf("a%02d", rapid.IntRange(0, 3*n).Draw(t, "id")),
			EquityValue: drawKernelEdge(t, "equity", true), MaintenanceValue: drawKernelEdge(t, "maintenance", false),
			DebtValue: debt, CollateralValue: d("1"), Legs: legs}
	}
	if rapid.Bool().Draw(t, "sorted") { // the ascending fast path of uniqueIDs
		slices.SortFunc(out, func(a, b Account) int { return cmpStrings(a.AccountID(), b.AccountID()) })
	}
	return out
}

func cmpStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Issue 12: Plan's kernel sort keys, kernel validation and duplicate check
// give exactly what the pre-issue-12 decimal Plan (planReference, with the
// old comparator lessHealthDecimal) gives — the same orders and skips in
// the same order, or the same refusal — on random books with ties, values
// beyond the kernel, repeated IDs and bad leg sums.
func TestPlanOrderIsTheDecimalOrder(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := drawEngineSettings(t)
		s.DebtScale, s.LotScale = 18, 18
		s.GlobalCap, s.MarketCaps, s.Window = decimal.Zero, nil, 0 // every candidate gets an order or a skip
		e, err := NewEngine(s)
		if err != nil {
			t.Fatal(err)
		}
		book := drawOrderBook(t)
		got, gerr := e.Plan(t0, book)
		want, werr := planReference(e, t0, book)
		if (gerr == nil) != (werr == nil) || (gerr != nil && gerr.Error() != werr.Error()) {
			t.Fatalf("Plan error %v, reference %v", gerr, werr)
		}
		if diff := cmp.Diff(want, got, testkit.EquateDecimals); diff != "" {
			t.Fatalf("Plan differs from the reference (-want +got):\n%s", diff)
		}
	})
}

// The sort alone: sortCandidates orders exactly as sort.Slice with the old
// comparator, on candidates with ties and kernel overflow.
func TestSortCandidatesIsTheDecimalOrder(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var cands []candidate
		for i, n := 0, rapid.IntRange(0, 30).Draw(t, "n"); i < n; i++ {
			a := StaticAccount{ID: fmt.Sprintf("c%03d", i), EquityValue: drawKernelEdge(t, "eq", true),
				MaintenanceValue: drawKernelEdge(t, "mm", false)}
			c, err := readAccount(i, a)
			if err != nil {
				t.Fatal(err)
			}
			cands = append(cands, c)
		}
		rapid.Permutation(cands).Draw(t, "order")
		ref := slices.Clone(cands)
		sort.Slice(ref, func(i, j int) bool { return lessHealthDecimal(ref[i], ref[j]) })
		got := sortCandidates(cands)
		for i := range ref {
			if got[i].id != ref[i].id {
				t.Fatalf("position %d: %s, reference %s", i, got[i].id, ref[i].id)
			}
		}
	})
}
