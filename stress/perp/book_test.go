package perp

import (
	"testing"

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"

	"github.com/failsafe-fi/failsafe/margin"
)

// Liquidation through the book (issue 15 item 7), on small drawn books in
// crashes and squeezes: after every tick the venue conserves value (Check),
// only longs are in Dutch auctions (a short's rest is taken over, never
// auctioned, and nothing is closed at the oracle), the margin-call
// protocol holds exactly the accounts not ok (sparse), and at the end the
// clearance fees are at most the penalty rate × the book's notional (each
// rounded up to the cent). Mutations seen failing it: throughBook filling
// without the "quote reaches the limit" guard (the desk refuses a fill
// beyond the bankruptcy price: the step errors); throughBook handing a
// short to an auction (its contracts kicked into a Dutch auction: the
// sizes no longer sum to zero); marginCall not removing
// an account back to ok (the protocol holds more than the accounts not
// ok).
func TestBookLiquidation(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		cfg := Config{
			Accounts:      rapid.IntRange(20, 150).Draw(t, "accounts"),
			InsuranceFund: decimal.New(rapid.Int64Range(-1, 300_000).Draw(t, "fund"), 0),
			Crash: Crash{
				Depth:   decimal.New(int64(rapid.SampledFrom([]int{-50, -30, -10, 10, 35, 60}).Draw(t, "crash%")), -2),
				Minutes: rapid.IntRange(1, 5).Draw(t, "minutes"),
			},
		}
		seed := rapid.Int64Range(1, 1<<40).Draw(t, "seed")
		m, err := New(cfg, seed)
		if err != nil {
			t.Fatal(err)
		}
		v := m.Venue()
		ticks := crashTicks(t, cfg, seed)
		for _, tk := range ticks {
			if err := m.Step(tk); err != nil {
				t.Fatalf("tick %d: %v", tk.Seq, err)
			}
			if err := m.Check(); err != nil {
				t.Fatalf("tick %d: %v", tk.Seq, err)
			}
			for _, id := range v.house.Active() {
				st, err := v.house.Status(tk.Time, id)
				if err != nil {
					t.Fatal(err)
				}
				if tr, err := v.trader(st.Owner); err != nil || !tr.sizeDec().IsPositive() {
					t.Fatalf("tick %d: auction %d sells %s's contracts, size %s", tk.Seq, id, st.Owner, tr.sizeDec())
				}
			}
			notOK := 0
			for i := range v.traders {
				if v.traders[i].call != margin.CallOK {
					notOK++
				}
			}
			if notOK != v.calls.Len() {
				t.Fatalf("tick %d: %d accounts not ok, the protocol holds %d", tk.Seq, notOK, v.calls.Len())
			}
		}
		r, err := v.Report(ticks[len(ticks)-1].Time)
		if err != nil {
			t.Fatal(err)
		}
		limit := r.BookNotional.Mul(v.cfg.penalty).Add(decimal.New(int64(r.BookFills), -2))
		if r.ClearanceFees.GreaterThan(limit) {
			t.Fatalf("clearance fees %s above %s", r.ClearanceFees, limit)
		}
		if r.Recovered > r.CalledAccounts {
			t.Fatalf("%d recovered of %d called", r.Recovered, r.CalledAccounts)
		}
	})
}
