package perp

import (
	"testing"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/liquidation"
)

// The run stops only when every condition of "done" holds; each case
// breaks exactly one of them on a freshly seeded (and so settled) venue.
// Guards seen failing: settled() returning true fails the auction, hole
// and last-scan cases; done() without its margin scan fails the
// below-maintenance case.
func TestDoneNeedsEveryCondition(t *testing.T) {
	firstLong := func(v *Venue) *trader { // the first long, whatever the seed
		for i := range v.traders {
			if v.traders[i].sizeDec().IsPositive() {
				return &v.traders[i]
			}
		}
		t.Fatal("no long seeded")
		return nil
	}
	for _, c := range []struct {
		name   string
		breaks func(t *testing.T, v *Venue)
		done   bool
	}{
		{"fresh book", func(*testing.T, *Venue) {}, true},
		{"an account below maintenance, not yet scanned", func(_ *testing.T, v *Venue) {
			tr := firstLong(v)
			tr.credit(tr.base().Neg().Add(decimal.New(1, 0))) // one dollar of backing cash left
		}, false},
		{"an auction running", func(t *testing.T, v *Venue) {
			tr := firstLong(v)
			if _, err := v.house.Kick(v.log.now, liquidation.KickParams{Tab: decimal.New(1_000, 0), Lot: tr.sizeDec(),
				Owner: tr.id(), Price: OpenPrice}); err != nil {
				t.Fatal(err)
			}
		}, false},
		{"a loss waiting for the waterfall", func(_ *testing.T, v *Venue) { v.holes = append(v.holes, 0) }, false},
		{"the last scan found accounts below maintenance", func(_ *testing.T, v *Venue) { v.stats.below = 1 }, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			v, _, start, err := setUp(Config{Accounts: 30})
			if err != nil {
				t.Fatal(err)
			}
			c.breaks(t, v)
			done, err := v.done(start)
			if err != nil {
				t.Fatal(err)
			}
			if done != c.done {
				t.Errorf("done = %v, want %v", done, c.done)
			}
		})
	}
}
