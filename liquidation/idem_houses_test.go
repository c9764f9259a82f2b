package liquidation

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"

	"github.com/failsafe-fi/failsafe/internal/testkit"
)

// Issue 14 item 3: a replayed English Kick opens no second auction; a
// repeated bid (same bidder, same amount) returns the first events and
// changes nothing; the keys survive Snapshot/Restore.
func TestEnglishOpenAndBidReplay(t *testing.T) {
	es := EnglishSettings{ReserveRatio: d("0.8"), BidDuration: time.Hour, MaxDuration: 10 * time.Hour}
	h, _ := NewEnglishHouse(es)
	p := AuctionParams{Tab: d("1000"), Lot: d("10"), Owner: "alice", Price: d("100"), Key: "open-1"}
	id, ev, err := h.Kick(t0, p)
	if err != nil {
		t.Fatal(err)
	}
	id2, ev2, err := h.Kick(t0.Add(time.Minute), p)
	if err != nil || id2 != id || len(h.Active()) != 1 {
		t.Fatalf("replayed kick: id %d (first %d), %v, active %v", id2, id, err, h.Active())
	}
	if diff := cmp.Diff(ev, ev2, testkit.EquateDecimals); diff != "" {
		t.Fatalf("replayed kick events differ:\n%s", diff)
	}
	first, err := h.Bid(t0, id, "bob", d("800"))
	if err != nil {
		t.Fatal(err)
	}
	before := snapJSON(t, h.Snapshot())
	again, err := h.Bid(t0.Add(time.Minute), id, "bob", d("800"))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(first, again, testkit.EquateDecimals); diff != "" {
		t.Fatalf("repeated bid events differ:\n%s", diff)
	}
	if snapJSON(t, h.Snapshot()) != before {
		t.Fatal("a repeated bid changed the auction (extended its end)")
	}
	if _, err := h.Bid(t0, id, "carol", d("800")); !errors.Is(err, ErrBidTooLow) {
		t.Fatalf("a rival's equal bid: %v, want ErrBidTooLow", err)
	}
	if _, _, err := h.Kick(t0, AuctionParams{Tab: d("999"), Lot: d("10"), Owner: "alice", Price: d("100"), Key: "open-1"}); !errors.Is(err, ErrKeyReused) {
		t.Fatalf("other tab under the same key: %v", err)
	}
	var snap EnglishSnapshot
	json.Unmarshal([]byte(snapJSON(t, h.Snapshot())), &snap)
	s, err := RestoreEnglishHouse(es, snap)
	if err != nil {
		t.Fatal(err)
	}
	if id3, _, err := s.Kick(t0, p); err != nil || id3 != id || len(s.Active()) != 1 {
		t.Fatalf("standby replayed kick: id %d, %v, active %v", id3, err, s.Active())
	}
	if _, err := s.Bid(t0, id, "bob", d("800")); err != nil {
		t.Fatalf("standby repeated bid: %v", err)
	}
}

// Batch: a replayed keyed Open opens nothing; BidKeyed's repeat places no
// second bid (an unkeyed equal bid is a second bid, as before).
func TestBatchOpenAndBidReplay(t *testing.T) {
	bs := BatchSettings{ReserveRatio: d("0.8"), LotScale: 6, PriceScale: 6}
	h, _ := NewBatchHouse(bs)
	p := AuctionParams{Tab: d("1000"), Lot: d("10"), Owner: "alice", Price: d("100"), Key: "open-1"}
	closeAt := t0.Add(time.Hour)
	id, _, err := h.Open(t0, p, closeAt)
	if err != nil {
		t.Fatal(err)
	}
	if id2, _, err := h.Open(t0, p, closeAt); err != nil || id2 != id || len(h.Active()) != 1 {
		t.Fatalf("replayed open: id %d, %v, active %v", id2, err, h.Active())
	}
	if _, _, err := h.Open(t0, p, closeAt.Add(time.Second)); !errors.Is(err, ErrKeyReused) {
		t.Fatalf("other close under the same key: %v", err)
	}
	seq, _, err := h.BidKeyed(t0, "bid-1", id, "bob", d("4"), d("90"))
	if err != nil {
		t.Fatal(err)
	}
	before := snapJSON(t, h.Snapshot())
	if seq2, _, err := h.BidKeyed(t0.Add(time.Minute), "bid-1", id, "bob", d("4"), d("90")); err != nil || seq2 != seq {
		t.Fatalf("repeated keyed bid: seq %d (first %d), %v", seq2, seq, err)
	}
	if snapJSON(t, h.Snapshot()) != before {
		t.Fatal("a repeated keyed bid placed a second bid")
	}
	if _, _, err := h.BidKeyed(t0, "bid-1", id, "bob", d("5"), d("90")); !errors.Is(err, ErrKeyReused) {
		t.Fatalf("other quantity under the same key: %v", err)
	}
	var snap BatchSnapshot
	json.Unmarshal([]byte(before), &snap)
	s, err := RestoreBatchHouse(bs, snap)
	if err != nil {
		t.Fatal(err)
	}
	if seq3, _, err := s.BidKeyed(t0, "bid-1", id, "bob", d("4"), d("90")); err != nil || seq3 != seq || len(s.Snapshot().Auctions[0].Bids) != 1 {
		t.Fatalf("standby repeated keyed bid: %d, %v", seq3, err)
	}
	if seq4, _, err := h.Bid(t0, id, "bob", d("4"), d("90")); err != nil || seq4 == seq {
		t.Fatalf("an unkeyed equal bid is a second bid: seq %d, %v", seq4, err)
	}
}

// Engine: a replayed CommitKeyed reserves the cap room once.
func TestCommitKeyedReservesOnce(t *testing.T) {
	es := EngineSettings{Penalty: d("0.1"), GlobalCap: d("5000"), Window: time.Hour, MaxCount: 10}
	e, _ := NewEngine(es)
	acct := StaticAccount{ID: "a", EquityValue: d("50"), MaintenanceValue: d("100"), DebtValue: d("1000"), CollateralValue: d("1050"),
		Legs: []Position{{Market: "ETH", Size: d("1"), Value: d("1050"), Debt: d("1000")}}}
	pl, err := e.Plan(t0, []Account{acct})
	if err != nil || len(pl.Orders) == 0 {
		t.Fatal(err, pl)
	}
	ev, err := e.CommitKeyed(t0, "plan-1", pl.Orders)
	if err != nil {
		t.Fatal(err)
	}
	before := snapJSON(t, e.Snapshot())
	ev2, err := e.CommitKeyed(t0.Add(time.Minute), "plan-1", pl.Orders)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(ev, ev2, testkit.EquateDecimals); diff != "" {
		t.Fatalf("replayed commit events differ:\n%s", diff)
	}
	if snapJSON(t, e.Snapshot()) != before {
		t.Fatal("a replayed commit reserved the room twice")
	}
	other := append([]Order(nil), pl.Orders...)
	other[0].Tab = other[0].Tab.Add(d("1"))
	if _, err := e.CommitKeyed(t0, "plan-1", other); !errors.Is(err, ErrKeyReused) {
		t.Fatalf("other orders under the same key: %v", err)
	}
	var snap EngineSnapshot
	json.Unmarshal([]byte(before), &snap)
	s, err := RestoreEngine(es, snap)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CommitKeyed(t0, "plan-1", pl.Orders); err != nil || snapJSON(t, s.Snapshot()) != before {
		t.Fatalf("standby replayed commit: %v", err)
	}
}

// Property (issue 14 item 3) for the engine: replaying any prefix of a
// log of keyed commits and releases twice gives the state of once. The
// releases are the host's own accounting and carry no key; only the
// commits are replayed.
func TestCommitReplayPrefixTwiceIsOnce(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		es := drawEngineSettings(t)
		ref, _ := NewEngine(es)
		type input struct {
			now    time.Time
			key    string
			orders []Order
		}
		var log []input
		var want []string
		now := t0
		for i, n := 0, rapid.IntRange(1, 12).Draw(t, "steps"); i < n; i++ {
			now = now.Add(time.Duration(rapid.IntRange(0, 300).Draw(t, "dt")) * time.Second)
			pl, err := ref.Plan(now, drawAccounts(t))
			if err != nil {
				t.Fatal(err)
			}
			in := input{now: now, key: "c" + string(rune('a'+i)), orders: pl.Orders}
			ev, err := ref.CommitKeyed(in.now, in.key, in.orders)
			log = append(log, in)
			want = append(want, snapJSON(t, ev)+errText(err))
		}
		final := snapJSON(t, ref.Snapshot())
		k := rapid.IntRange(0, len(log)).Draw(t, "prefix")
		e, _ := NewEngine(es)
		for _, in := range log[:k] {
			e.CommitKeyed(in.now, in.key, in.orders)
		}
		mid := snapJSON(t, e.Snapshot())
		for i, in := range log[:k] {
			ev, err := e.CommitKeyed(in.now, in.key, in.orders)
			if got := snapJSON(t, ev) + errText(err); got != want[i] {
				t.Fatalf("replay of commit %d: %s, first %s", i, got, want[i])
			}
		}
		if snapJSON(t, e.Snapshot()) != mid {
			t.Fatal("replaying the prefix changed the engine")
		}
		for _, in := range log[k:] {
			e.CommitKeyed(in.now, in.key, in.orders)
		}
		if got := snapJSON(t, e.Snapshot()); got != final {
			t.Fatalf("final state differs from once:\n%s\n%s", final, got)
		}
	})
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return " error: " + err.Error()
}

// A keyed call with an absurd decimal is refused before the digest prints
// it (formatting 1e2147483647 would hang), quickly and with no state
// change, and its key stays free.
func TestKeyedAbsurdDecimalRefusedQuickly(t *testing.T) {
	absurd := decimal.New(1, 2147483647)
	h := idemDutch(t)
	k, _ := h.Kick(t0, KickParams{Tab: d("1100"), Lot: d("1"), Owner: "alice", Price: d("1500"), Key: "k"})
	e, _ := NewEngine(EngineSettings{})
	b, _ := NewBatchHouse(BatchSettings{ReserveRatio: d("0.8")})
	bid, _, _ := b.Open(t0, AuctionParams{Tab: d("1"), Lot: d("1"), Owner: "o", Price: d("1")}, t0.Add(time.Hour))
	en, _ := NewEnglishHouse(EnglishSettings{ReserveRatio: d("0.8"), BidDuration: time.Hour, MaxDuration: 2 * time.Hour})
	eid, _, _ := en.Kick(t0, AuctionParams{Tab: d("1"), Lot: d("1"), Owner: "o", Price: d("1")})
	before := snapJSON(t, []any{h.Snapshot(), e.Snapshot(), b.Snapshot(), en.Snapshot()})
	start := time.Now()
	for name, call := range map[string]func() error{
		"kick": func() error {
			_, err := h.Kick(t0, KickParams{Tab: absurd, Lot: d("1"), Owner: "o", Price: d("1"), Key: "x"})
			return err
		},
		"take": func() error {
			_, err := h.Take(t0, TakeParams{ID: k.ID, MaxLot: absurd, MaxPrice: d("1"), Key: "x"})
			return err
		},
		"redo": func() error { _, err := h.Redo(t0, RedoParams{ID: k.ID, Price: absurd, Key: "x"}); return err },
		"commit": func() error {
			_, err := e.CommitKeyed(t0, "x", []Order{{Account: "a", Market: "m", Tab: absurd}})
			return err
		},
		"batch open": func() error {
			_, _, err := b.Open(t0, AuctionParams{Tab: absurd, Key: "x"}, t0.Add(time.Hour))
			return err
		},
		"batch bid":   func() error { _, _, err := b.BidKeyed(t0, "x", bid, "b", absurd, d("1")); return err },
		"english bid": func() error { _, err := en.Bid(t0, eid, "b", absurd); return err },
		"english lot": func() error { _, err := en.BidLot(t0, eid, "b", absurd); return err },
	} {
		if err := call(); !errors.Is(err, ErrInvalidInput) {
			t.Errorf("%s: %v, want ErrInvalidInput", name, err)
		}
	}
	if el := time.Since(start); el > time.Second {
		t.Fatalf("absurd keyed inputs took %s", el)
	}
	if after := snapJSON(t, []any{h.Snapshot(), e.Snapshot(), b.Snapshot(), en.Snapshot()}); after != before {
		t.Fatal("a refused keyed call changed state")
	}
}
