package margin

import (
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"

	"github.com/failsafe-fi/failsafe/internal/testkit"
)

// The replay properties of issue 14 item 1 (DESIGN.md rule 11) for the
// package's stateful types: a drawn sequence of each type's real
// operations — every mutating method, inputs it refuses, and a clock that
// sometimes steps back — run without interruption equals the same
// sequence snapshotted after a drawn input, written to JSON, restored and
// replayed from there (testkit.CheckReplay).

// replayClock draws n input times from t0: mostly forward by 0–step
// seconds, one in eight backwards by up to ten minutes.
func replayClock(t *rapid.T, n, step int) []time.Time {
	out := make([]time.Time, n)
	now := t0
	for i := range out {
		if rapid.IntRange(0, 7).Draw(t, "backwards") == 0 {
			now = now.Add(-time.Duration(rapid.IntRange(1, 600).Draw(t, "back s")) * time.Second)
		} else {
			now = now.Add(time.Duration(rapid.IntRange(0, step).Draw(t, "dt s")) * time.Second)
		}
		out[i] = now
	}
	return out
}

// callsIn is one input to Calls: an update of an account's figures, or
// (Remove) forgetting it.
type callsIn struct {
	At          time.Time
	Remove      bool
	ID          string
	Equity      decimal.Decimal
	Maintenance decimal.Decimal // negative: refused
	Stale       bool
}

// TestReplayCalls: Update (healthy to deeply under water, stale and
// fresh, refused negative maintenance, empty IDs, times before the
// account's last update) and Remove, under clearing-house graces so the
// deadlines run across the snapshot.
//
// Mutations seen failing: Calls.Snapshot without Used (the grace clock):
// a deadline reached uninterrupted is not reached after the restore
// ("replay returned", found in ~30 cases); Calls.Snapshot without
// LastStale and StaleSince: a stale interval after the restore counts
// differently ("replay returned").
func TestReplayCalls(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := ClearingHouseCalls(time.Duration(rapid.IntRange(1, 4).Draw(t, "grace h"))*time.Hour,
			time.Duration(rapid.IntRange(1, 4).Draw(t, "reduce grace h"))*time.Hour)
		s.MaxStale = time.Duration(rapid.IntRange(0, 3).Draw(t, "max stale h")) * time.Hour
		times := replayClock(t, rapid.IntRange(1, 40).Draw(t, "inputs"), 1800)
		in := make([]callsIn, len(times))
		for i, at := range times {
			in[i] = callsIn{At: at, Remove: rapid.IntRange(0, 9).Draw(t, "remove") == 0,
				ID:          rapid.SampledFrom([]string{"a", "a", "a", "b", ""}).Draw(t, "id"),
				Maintenance: testkit.Decimal(-10, 1000, 0).Draw(t, "maintenance"),
				Stale:       rapid.IntRange(0, 3).Draw(t, "stale") == 0}
			// Equity over maintenance from a few levels (healthy, warned,
			// called, reduce-only, liquidated, under water) so a state
			// lasts across several updates and its deadline runs.
			in[i].Equity = in[i].Maintenance.Mul(d(rapid.SampledFrom([]string{"3", "1.05", "0.95", "0.95", "0.8", "0.6", "0.4", "-0.1"}).Draw(t, "equity/mm")))
		}
		checkReplay(t, testkit.Replayable[*Calls, CallsSnapshot, callsIn]{
			New: func() (*Calls, error) { return NewCalls(s) },
			Apply: func(c *Calls, in callsIn) (any, error) {
				if in.Remove {
					return nil, c.Remove(in.ID)
				}
				st, ev, err := c.Update(in.At, in.ID, AccountRisk{Equity: in.Equity, Maintenance: in.Maintenance}, in.Stale)
				return []any{st, ev}, err
			},
			Snapshot: (*Calls).Snapshot,
			Restore:  RestoreCalls,
		}, in)
	})
}

// watchIn is one input to a Watchlist: Set an account at the prices given
// (the host's price source is set to them first, so a Set reads the same
// marks in every run), Tick a key, or Remove an account.
type watchIn struct {
	At     time.Time
	Kind   int // 0 Set, 1 Tick, 2 Remove
	Acct   int // index into the drawn book
	Prices map[string]decimal.Decimal
	Key    string
	Price  decimal.Decimal // ≤ 0: refused
}

// TestReplayWatchlist: Set (the drawn near-the-edge mixed books of
// genWatchBook: cross, isolated and Inverse positions, each isolated
// position with its own triggers, at prices moved from the reference),
// Tick at prices that cross triggers and at refused prices, Remove of
// watched and unknown accounts.
//
// Mutations seen failing: Watchlist.Snapshot without the triggers
// (`wa.Triggers` left nil): a Tick after the restore returns other
// accounts ("replay returned"); Snapshot keeping only an account's first
// trigger (its cross or first isolated group): "replay returned" (seeds
// 11, 22, 33); RestoreWatchlist not setting Inputs: the
// restored watchlist digests differently from its snapshot. (Snapshot
// without Inputs cannot fail: nothing but the snapshot reads the count.)
func TestReplayWatchlist(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		c, prices, book := genWatchBook(t)
		keys := watchKeys
		base := map[string]decimal.Decimal{}
		for k, p := range prices {
			base[k] = p
		}
		times := replayClock(t, rapid.IntRange(1, 30).Draw(t, "inputs"), 7200)
		in := make([]watchIn, len(times))
		for i, at := range times {
			in[i] = watchIn{At: at, Kind: rapid.SampledFrom([]int{0, 0, 1, 1, 1, 2}).Draw(t, "kind"),
				Acct: rapid.IntRange(0, len(book)).Draw(t, "account"), // len(book): an unknown one
				Key:  rapid.SampledFrom(append(keys, "X")).Draw(t, "key"), Prices: map[string]decimal.Decimal{}}
			for _, k := range keys {
				in[i].Prices[k] = base[k].Mul(testkit.Decimal(90, 110, 2).Draw(t, "move")).Round(4)
			}
			in[i].Price = in[i].Prices[in[i].Key]
			if in[i].Key == "X" || rapid.IntRange(0, 11).Draw(t, "bad price") == 0 {
				in[i].Price = testkit.Decimal(-5, 0, 0).Draw(t, "bad")
			}
		}
		account := func(i int) Account {
			if i < len(book) {
				return book[i]
			}
			return Account{ID: "ghost"}
		}
		checkReplay(t, testkit.Replayable[*Watchlist, WatchlistSnapshot, watchIn]{
			New: func() (*Watchlist, error) { return NewWatchlist(c) },
			Apply: func(w *Watchlist, in watchIn) (any, error) {
				switch in.Kind {
				case 0:
					for k, p := range in.Prices {
						prices[k] = p
					}
					return w.Set(in.At, account(in.Acct))
				case 1:
					return w.Tick(in.Key, in.Price)
				default:
					return w.Remove(account(in.Acct).ID), nil
				}
			},
			Snapshot: (*Watchlist).Snapshot,
			Restore:  func(s WatchlistSnapshot) (*Watchlist, error) { return RestoreWatchlist(c, s) },
		}, in)
	})
}

//lint:ignore U1000 called through checkReplay's type constraint (staticcheck does not see it)
func (in callsIn) inZone(z *time.Location) callsIn { in.At = in.At.In(z); return in }

//lint:ignore U1000 called through checkReplay's type constraint (staticcheck does not see it)
func (in watchIn) inZone(z *time.Location) watchIn { in.At = in.At.In(z); return in }

// checkReplay is testkit.CheckReplay with the inputs also run in
// testkit.ZoneProbe.
func checkReplay[T, S any, In interface{ inZone(*time.Location) In }](t *rapid.T, r testkit.Replayable[T, S, In], in []In) {
	t.Helper()
	r.InZone = In.inZone
	testkit.CheckReplay(t, r, in)
}
