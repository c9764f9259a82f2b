package liquidation

import (
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"

	"github.com/failsafe-fi/failsafe/internal/testkit"
)

// The replay properties of issue 14 item 1 (DESIGN.md rule 11), one per
// stateful type: a drawn sequence of the type's real operations — every
// mutating method, bad inputs it refuses, unknown auction IDs, repeated
// and reused idempotency keys, time moving forward and sometimes backwards
// — run without interruption equals the same sequence snapshotted after a
// drawn input, written to JSON, restored, and replayed from there
// (testkit.CheckReplay): same results, same errors, same digest after
// every input.

// replayTimes draws n input times from t0: mostly forward by 0–300 s, one
// in eight backwards by up to a minute (a clock the types must refuse or
// tolerate identically after a restore).
func replayTimes(t *rapid.T, n int) []time.Time {
	out := make([]time.Time, n)
	now := t0
	for i := range out {
		if rapid.IntRange(0, 7).Draw(t, "backwards") == 0 {
			now = now.Add(-time.Duration(rapid.IntRange(1, 60).Draw(t, "back s")) * time.Second)
		} else {
			now = now.Add(time.Duration(rapid.IntRange(0, 300).Draw(t, "dt s")) * time.Second)
		}
		out[i] = now
	}
	return out
}

// replayKey draws an idempotency key from a small set, so keys repeat
// (for the same input: a replay; for another: ErrKeyReused), or none.
func replayKey(t *rapid.T) string {
	return rapid.SampledFrom([]string{"", "", "k1", "k2", "k3"}).Draw(t, "key")
}

// replayInputs draws n inputs with draw; one in six is a repeat of an
// earlier input (same key and parameters) at the current time, so a
// replayed log's duplicates are replayed too.
func replayInputs[In any](t *rapid.T, draw func(t *rapid.T, at time.Time) In, at func(In, time.Time) In) []In {
	times := replayTimes(t, rapid.IntRange(1, 30).Draw(t, "inputs"))
	out := make([]In, len(times))
	for i, now := range times {
		if i > 0 && rapid.IntRange(0, 5).Draw(t, "repeat") == 0 {
			out[i] = at(out[rapid.IntRange(0, i-1).Draw(t, "repeat of")], now)
			continue
		}
		out[i] = draw(t, now)
	}
	return out
}

// lqIn is one input to a house, desk or engine: Kind selects the method,
// the other fields are its parameters (each method reads the ones it
// needs).
type lqIn struct {
	At    time.Time
	Kind  int
	Key   string
	ID    uint64 // auction ID, 1–8: live, finished or never opened
	Tab   decimal.Decimal
	Lot   decimal.Decimal
	Price decimal.Decimal
	Max   decimal.Decimal // MaxLot / limit / lot bid
	MaxPx decimal.Decimal
	Level StopLevel
	Who   string
	F     decimal.Decimal // a fraction in (0, 1]
}

func lqAt(in lqIn, at time.Time) lqIn { in.At = at; return in }

// drawLq draws the parameters shared by the houses; price is zero one
// time in twelve (a refused input), and tab, lot and price are of the
// sizes the houses' own properties use.
func drawLq(t *rapid.T, at time.Time, kinds []int) lqIn {
	lot := testkit.Decimal(1_000000, 10_000000, 6).Draw(t, "lot")
	price := testkit.Decimal(100, 1000, 2).Draw(t, "price")
	if rapid.IntRange(0, 11).Draw(t, "zero price") == 0 {
		price = decimal.Zero
	}
	return lqIn{At: at, Kind: rapid.SampledFrom(kinds).Draw(t, "kind"), Key: replayKey(t),
		ID:    rapid.Uint64Range(1, 8).Draw(t, "id"),
		Tab:   lot.Mul(price).Mul(testkit.Decimal(30, 200, 2).Draw(t, "tab/value")).RoundCeil(2),
		Lot:   lot,
		Price: price,
		Max:   lot.Mul(testkit.Decimal(1, 150, 2).Draw(t, "max/lot")).Truncate(6).Add(d("0.000001")),
		MaxPx: price.Mul(testkit.Decimal(50, 150, 2).Draw(t, "maxPx/price")).RoundCeil(2),
		Level: StopLevel(rapid.IntRange(0, 4).Draw(t, "stop")), // 4 is refused
		Who:   rapid.SampledFrom([]string{"a", "b", ""}).Draw(t, "who"),
		F:     testkit.Decimal(1, 100, 2).Draw(t, "fraction"),
	}
}

// TestReplayDutchHouse: Kick, Take, Redo, Yank and SetStop, keyed and not.
//
// Mutations seen failing: DutchHouse.Snapshot without Keys (`len(ks) > 0
// && false`): a repeated key after the snapshot kicks or takes again
// ("replay returned"); DutchHouse.Snapshot without Stop: an input refused
// at the stop level uninterrupted applies after the restore;
// RestoreDutchHouse ignoring snap.Keys: the restored house digests
// differently from its snapshot.
func TestReplayDutchHouse(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := drawDutchSettings(t)
		in := replayInputs(t, func(t *rapid.T, at time.Time) lqIn { return drawLq(t, at, []int{0, 0, 1, 1, 1, 2, 3, 4}) }, lqAt)
		testkit.CheckReplay(t, testkit.Replayable[*DutchHouse, DutchSnapshot, lqIn]{
			New: func() (*DutchHouse, error) { return NewDutchHouse(s) },
			Apply: func(h *DutchHouse, in lqIn) (any, error) {
				switch in.Kind {
				case 0:
					return h.Kick(in.At, KickParams{Key: in.Key, Tab: in.Tab, Lot: in.Lot, Owner: "o", Keeper: in.Who, Price: in.Price})
				case 1:
					return h.Take(in.At, TakeParams{Key: in.Key, ID: in.ID, Keeper: in.Who, MaxLot: in.Max, MaxPrice: in.MaxPx})
				case 2:
					return h.Redo(in.At, RedoParams{Key: in.Key, ID: in.ID, Keeper: in.Who, Price: in.Price})
				case 3:
					return h.Yank(in.At, in.ID)
				default:
					return h.SetStop(in.At, in.Level)
				}
			},
			Snapshot: (*DutchHouse).Snapshot,
			Restore:  func(snap DutchSnapshot) (*DutchHouse, error) { return RestoreDutchHouse(s, snap) },
		}, in)
	})
}

// TestReplayEnglishHouse: Kick, Bid, BidLot, Settle, Restart and Yank.
// Bids are drawn around the tab so both phases and the too-low refusals
// happen.
//
// Mutations seen failing: EnglishHouse.Snapshot without Keys: a repeated
// kick key or bid after the snapshot applies again ("replay returned");
// EnglishHouse.Snapshot without Bidder: the restore refuses "bid without
// bidder".
func TestReplayEnglishHouse(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := drawEnglishSettings(t)
		in := replayInputs(t, func(t *rapid.T, at time.Time) lqIn {
			in := drawLq(t, at, []int{0, 0, 1, 1, 1, 2, 2, 3, 4, 5})
			in.At = t0.Add(in.At.Sub(t0) * 12) // English auctions last hours: stretch the clock
			in.Max = in.Tab.Mul(testkit.Decimal(50, 120, 2).Draw(t, "bid/tab")).Round(6)
			return in
		}, lqAt)
		testkit.CheckReplay(t, testkit.Replayable[*EnglishHouse, EnglishSnapshot, lqIn]{
			New: func() (*EnglishHouse, error) { return NewEnglishHouse(s) },
			Apply: func(h *EnglishHouse, in lqIn) (any, error) {
				switch in.Kind {
				case 0:
					id, ev, err := h.Kick(in.At, AuctionParams{Key: in.Key, Tab: in.Tab, Lot: in.Lot, Owner: "o", Price: in.Price})
					return []any{id, ev}, err
				case 1:
					return h.Bid(in.At, in.ID, in.Who, in.Max)
				case 2:
					return h.BidLot(in.At, in.ID, in.Who, in.Lot.Mul(in.F).Truncate(6))
				case 3:
					return h.Settle(in.At, in.ID)
				case 4:
					return h.Restart(in.At, in.ID, in.Price)
				default:
					return h.Yank(in.At, in.ID)
				}
			},
			Snapshot: (*EnglishHouse).Snapshot,
			Restore:  func(snap EnglishSnapshot) (*EnglishHouse, error) { return RestoreEnglishHouse(s, snap) },
		}, in)
	})
}

// TestReplayBatchHouse: Open, Bid, BidKeyed, Clear and Reopen.
//
// Mutations seen failing: BatchHouse.Snapshot without Keys: a repeated
// keyed open or bid after the snapshot applies again; BatchHouse.Snapshot
// without Close: a bid or clear after the restore is judged against
// another close ("replay returned").
func TestReplayBatchHouse(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := BatchSettings{ReserveRatio: d("0.9"), LotScale: 6, PriceScale: 2}
		in := replayInputs(t, func(t *rapid.T, at time.Time) lqIn {
			in := drawLq(t, at, []int{0, 0, 1, 1, 2, 2, 3, 4})
			in.Max = in.Lot.Mul(testkit.Decimal(10, 100, 2).Draw(t, "qty/lot")).Truncate(6)
			in.MaxPx = in.Price.Mul(testkit.Decimal(80, 130, 2).Draw(t, "limit/price")).Round(2)
			in.Level = StopLevel(rapid.IntRange(-1, 10).Draw(t, "close in")) // minutes; ≤ 0 refused
			return in
		}, lqAt)
		testkit.CheckReplay(t, testkit.Replayable[*BatchHouse, BatchSnapshot, lqIn]{
			New: func() (*BatchHouse, error) { return NewBatchHouse(s) },
			Apply: func(h *BatchHouse, in lqIn) (any, error) {
				closeAt := in.At.Add(time.Duration(in.Level) * time.Minute)
				switch in.Kind {
				case 0:
					id, ev, err := h.Open(in.At, AuctionParams{Key: in.Key, Tab: in.Tab, Lot: in.Lot, Owner: "o", Price: in.Price}, closeAt)
					return []any{id, ev}, err
				case 1:
					seq, ev, err := h.Bid(in.At, in.ID, in.Who, in.Max, in.MaxPx)
					return []any{seq, ev}, err
				case 2:
					seq, ev, err := h.BidKeyed(in.At, in.Key, in.ID, in.Who, in.Max, in.MaxPx)
					return []any{seq, ev}, err
				case 3:
					return h.Clear(in.At, in.ID)
				default:
					return h.Reopen(in.At, in.ID, in.Price, closeAt)
				}
			},
			Snapshot: (*BatchHouse).Snapshot,
			Restore:  func(snap BatchSnapshot) (*BatchHouse, error) { return RestoreBatchHouse(s, snap) },
		}, in)
	})
}

// TestReplayEngine: Commit, CommitKeyed (orders from a drawn Plan, and
// bad orders) and Release, with caps and a throttle window.
//
// Mutations seen failing: Engine.Snapshot with Recent empty (the
// throttle window forgotten): a commit the uninterrupted run's throttle
// refuses passes after the restore; Engine.Snapshot without Keys: a
// repeated CommitKeyed reserves the room twice.
func TestReplayEngine(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := drawEngineSettings(t)
		in := replayInputs(t, func(t *rapid.T, at time.Time) lqIn {
			in := drawLq(t, at, []int{0, 1, 1, 2, 2})
			in.Who = rapid.SampledFrom(propMarkets).Draw(t, "market")
			in.Tab = testkit.Decimal(-100, 3000, 0).Draw(t, "order tab") // ≤ 0 refused
			in.Max = testkit.Decimal(1, 2000, 0).Draw(t, "release")
			return in
		}, lqAt)
		testkit.CheckReplay(t, testkit.Replayable[*Engine, EngineSnapshot, lqIn]{
			New: func() (*Engine, error) { return NewEngine(s) },
			Apply: func(e *Engine, in lqIn) (any, error) {
				orders := []Order{{Account: "acct-" + in.Who, Market: in.Who, Tab: in.Tab, Debt: in.Tab, Lot: in.Lot}}
				if in.Lot.GreaterThan(d("5")) {
					orders = append(orders, Order{Account: "acct-x", Market: "ETH", Tab: in.MaxPx, Debt: in.MaxPx, Lot: in.Lot})
				}
				switch in.Kind {
				case 0:
					return e.Commit(in.At, orders)
				case 1:
					return e.CommitKeyed(in.At, in.Key, orders)
				default:
					return e.Release(in.At, in.Who, in.Max)
				}
			},
			Snapshot: (*Engine).Snapshot,
			Restore:  func(snap EngineSnapshot) (*Engine, error) { return RestoreEngine(s, snap) },
		}, in)
	})
}

// TestReplayBookDesk: Start (a drawn account, sometimes healthy, sometimes
// refused), Fill of part of the current order at a price within or beyond
// its limit, and Next at the held or a moved oracle price.
//
// Mutations seen failing: BookDesk.Snapshot without Keys: a repeated
// keyed start, fill or next after the snapshot applies again;
// BookDesk.Snapshot writing the order's Filled as zero: the restore or
// the next fill differs ("replay returned" / restore refused).
func TestReplayBookDesk(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		in := replayInputs(t, func(t *rapid.T, at time.Time) lqIn {
			in := drawLq(t, at, []int{0, 1, 1, 1, 2, 2})
			in.Who = rapid.SampledFrom([]string{"A", "B", "C"}).Draw(t, "account")
			in.Tab = testkit.Decimal(-5000, 20000, 0).Draw(t, "equity")
			in.MaxPx = testkit.Decimal(95, 101, 2).Draw(t, "price/limit")
			in.Price = testkit.Decimal(24000, 26000, 0).Draw(t, "oracle")
			return in
		}, lqAt)
		testkit.CheckReplay(t, testkit.Replayable[*BookDesk, BookSnapshot, lqIn]{
			New: func() (*BookDesk, error) { return NewBookDesk(BookSettings{}) },
			Apply: func(b *BookDesk, in lqIn) (any, error) {
				m := bybitMarket()
				switch in.Kind {
				case 0:
					a := bybitAccount(in.Tab.String())
					a.ID = in.Who
					return b.Start(in.At, BookStartParams{Key: in.Key, Account: a, Markets: []BookMarket{m}})
				case 1:
					size, price := in.Lot, in.Price // no order: refused as such
					for _, l := range b.Snapshot().Live {
						if l.Account == in.Who && l.Order != nil {
							size = l.Order.Size.Sub(l.Order.Filled).Mul(in.F).RoundCeil(3)
							price = l.Order.Limit.Mul(in.MaxPx).Round(2)
							if l.Order.Side == Buy {
								price = l.Order.Limit.Mul(d("2").Sub(in.MaxPx)).Round(2)
							}
						}
					}
					return b.Fill(in.At, BookFillParams{Key: in.Key, Account: in.Who, Size: size, Price: price})
				default:
					p := BookNextParams{Key: in.Key, Account: in.Who}
					if in.Lot.GreaterThan(d("5")) {
						m.Oracle = in.Price
						p.Markets = []BookMarket{m}
					}
					return b.Next(in.At, p)
				}
			},
			Snapshot: (*BookDesk).Snapshot,
			Restore:  func(snap BookSnapshot) (*BookDesk, error) { return RestoreBookDesk(BookSettings{}, snap) },
		}, in)
	})
}
