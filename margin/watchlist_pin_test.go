package margin

import (
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

// Set values the account and places its triggers at the same marks: a
// source that answers differently on a second read within one Set (a live
// feed that ticked) once valued the account at one price and anchored its
// triggers at another, so a tick could miss it.
func TestWatchlistSetReadsEachPriceOnce(t *testing.T) {
	reads := 0
	src := PriceFunc(func(time.Time, string) (decimal.Decimal, error) {
		reads++
		if reads == 1 {
			return d("100"), nil
		}
		return d("1000"), nil // the feed "ticks" after the first read
	})
	c, err := New(Settings{Markets: []Market{linearMarket("X")}, Prices: src})
	if err != nil {
		t.Fatal(err)
	}
	w, err := NewWatchlist(c)
	if err != nil {
		t.Fatal(err)
	}
	a := Account{ID: "a", Wallet: d("50"), Positions: []Position{{Market: "X", Size: d("1"), EntryPrice: d("100")}}}
	if _, err := w.Set(t0, a); err != nil {
		t.Fatal(err)
	}
	if reads != 1 {
		t.Fatalf("Set read the price %d times; want once", reads)
	}
}
