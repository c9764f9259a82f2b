package liquidation

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"pgregory.net/rapid"

	"github.com/failsafe-fi/failsafe/internal/testkit"
)

func idemDutch(t *testing.T) *DutchHouse {
	t.Helper()
	c, _ := NewLinearDecrease(time.Hour)
	h, err := NewDutchHouse(DutchSettings{Market: "ETH", Curve: c, Buf: d("1.2"), Tail: 2 * time.Hour, Cusp: d("0.5"),
		Chop: d("1.1"), Dust: d("100"), Tip: d("1"), Chip: d("0.01")})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func snapJSON(t interface{ Fatal(...any) }, v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// Issue 14 item 3: a replayed Kick used to start a second auction. With
// its key it returns the first result and changes nothing.
func TestKickReplayStartsNoSecondAuction(t *testing.T) {
	h := idemDutch(t)
	p := KickParams{Tab: d("1100"), Lot: d("1"), Owner: "alice", Keeper: "k", Price: d("1500"), Penalty: d("100"), Key: "kick-1"}
	first, err := h.Kick(t0, p)
	if err != nil {
		t.Fatal(err)
	}
	before := snapJSON(t, h.Snapshot())
	again, err := h.Kick(t0.Add(time.Minute), p)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(first, again, testkit.EquateDecimals); diff != "" {
		t.Fatalf("replay result differs (-first +again):\n%s", diff)
	}
	if got := h.Active(); len(got) != 1 {
		t.Fatalf("active auctions %v after a replayed kick, want one", got)
	}
	if after := snapJSON(t, h.Snapshot()); after != before {
		t.Fatalf("a replayed kick changed the state:\n%s\n%s", before, after)
	}
	// Without a key every kick is new (the behaviour a key opts out of).
	p.Key = ""
	if _, err := h.Kick(t0, p); err != nil || len(h.Active()) != 2 {
		t.Fatalf("unkeyed kick: %v, active %v", err, h.Active())
	}
}

// The same key with other parameters, or for another operation, is
// ErrKeyReused and changes nothing.
func TestKeyReusedWithOtherInputIsRefused(t *testing.T) {
	h := idemDutch(t)
	p := KickParams{Tab: d("1100"), Lot: d("1"), Owner: "alice", Price: d("1500"), Key: "k1"}
	k, err := h.Kick(t0, p)
	if err != nil {
		t.Fatal(err)
	}
	before := snapJSON(t, h.Snapshot())
	q := p
	q.Lot = d("2")
	if _, err := h.Kick(t0, q); !errors.Is(err, ErrKeyReused) {
		t.Fatalf("other lot under the same key: %v, want ErrKeyReused", err)
	}
	if _, err := h.Take(t0, TakeParams{ID: k.ID, MaxLot: d("0.1"), MaxPrice: d("2000"), Key: "k1"}); !errors.Is(err, ErrKeyReused) {
		t.Fatalf("take under a kick's key: %v, want ErrKeyReused", err)
	}
	if after := snapJSON(t, h.Snapshot()); after != before {
		t.Fatal("a refused reuse changed the state")
	}
	// The same value spelt differently is the same input.
	q = p
	q.Tab = d("1100.000")
	if r, err := h.Kick(t0, q); err != nil || r.ID != k.ID {
		t.Fatalf("1100.000 vs 1100: %v, id %d", err, r.ID)
	}
}

// A replayed Take buys nothing more; a replayed Redo resets nothing; a
// refused take's replay is refused again even after the state moved on.
func TestTakeAndRedoReplay(t *testing.T) {
	h := idemDutch(t)
	k, _ := h.Kick(t0, KickParams{Tab: d("1100"), Lot: d("1"), Owner: "alice", Price: d("1500"), Key: "kick"})
	tp := TakeParams{ID: k.ID, Keeper: "bob", MaxLot: d("0.25"), MaxPrice: d("2000"), Key: "take-1"}
	now := t0.Add(10 * time.Minute)
	first, err := h.Take(now, tp)
	if err != nil || first.Refusal != "" {
		t.Fatal(err, first.Refusal)
	}
	before := snapJSON(t, h.Snapshot())
	again, err := h.Take(now.Add(time.Second), tp)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(first, again, testkit.EquateDecimals); diff != "" {
		t.Fatalf("take replay differs:\n%s", diff)
	}
	if snapJSON(t, h.Snapshot()) != before {
		t.Fatal("a replayed take changed the state")
	}
	// Too expensive now: refused, and the refusal is the remembered outcome.
	cheap := TakeParams{ID: k.ID, MaxLot: d("0.1"), MaxPrice: d("1"), Key: "take-cheap"}
	if r, _ := h.Take(now, cheap); r.Refusal != RefusalTooExpensive {
		t.Fatalf("refusal %q", r.Refusal)
	}
	late := t0.Add(59 * time.Minute) // the price has fallen below 1 by now
	if r, err := h.Take(late, cheap); err != nil || r.Refusal != RefusalTooExpensive {
		t.Fatalf("replayed refused take: %v %q, want the first refusal", err, r.Refusal)
	}
	// Redo after the tail.
	redoAt := t0.Add(3 * time.Hour)
	rp := RedoParams{ID: k.ID, Keeper: "k", Price: d("1400"), Key: "redo-1"}
	r1, err := h.Redo(redoAt, rp)
	if err != nil || r1.Refusal != "" {
		t.Fatal(err, r1.Refusal)
	}
	before = snapJSON(t, h.Snapshot())
	if r2, err := h.Redo(redoAt.Add(time.Hour), rp); err != nil || !r2.Top.Equal(r1.Top) || !r2.Reward.Equal(r1.Reward) {
		t.Fatalf("redo replay: %v %+v", err, r2)
	}
	if snapJSON(t, h.Snapshot()) != before {
		t.Fatal("a replayed redo changed the state")
	}
}

// A standby restored from a snapshot taken after the kick must not start
// a second auction for the replayed kick (issue 14): the keys travel in
// the snapshot.
func TestStandbyHonoursReplayedKick(t *testing.T) {
	h := idemDutch(t)
	p := KickParams{Tab: d("1100"), Lot: d("1"), Owner: "alice", Price: d("1500"), Key: "kick-7"}
	first, _ := h.Kick(t0, p)
	var snap DutchSnapshot
	if err := json.Unmarshal([]byte(snapJSON(t, h.Snapshot())), &snap); err != nil {
		t.Fatal(err)
	}
	c, _ := NewLinearDecrease(time.Hour)
	s, err := RestoreDutchHouse(DutchSettings{Market: "ETH", Curve: c, Buf: d("1.2"), Tail: 2 * time.Hour, Cusp: d("0.5"),
		Chop: d("1.1"), Dust: d("100"), Tip: d("1"), Chip: d("0.01")}, snap)
	if err != nil {
		t.Fatal(err)
	}
	again, err := s.Kick(t0, p)
	if err != nil || again.ID != first.ID || len(s.Active()) != 1 {
		t.Fatalf("standby replay: %v, id %d (first %d), active %v", err, again.ID, first.ID, s.Active())
	}
}

// Memory is bounded: a key is forgotten once its auction has ended and
// KeyWindow has passed, and a snapshot carries only remembered keys.
func TestKeysForgottenAfterWindow(t *testing.T) {
	h := idemDutch(t)
	k, _ := h.Kick(t0, KickParams{Tab: d("1100"), Lot: d("1"), Owner: "alice", Price: d("1500"), Key: "kick"})
	// Still live a day later: the kick key is kept (the auction runs).
	if ks := h.Snapshot().Keys; len(ks) != 1 {
		t.Fatalf("keys %v", ks)
	}
	later := t0.Add(KeyWindow + time.Hour)
	if _, err := h.Redo(later, RedoParams{ID: k.ID, Price: d("1500")}); err != nil {
		t.Fatal(err)
	}
	if ks := h.Snapshot().Keys; len(ks) != 1 || ks[0].Key != "kick" {
		t.Fatalf("a live auction's kick key must stay: %v", ks)
	}
	if _, err := h.Yank(later, k.ID); err != nil {
		t.Fatal(err)
	}
	if ks := h.Snapshot().Keys; len(ks) != 0 {
		t.Fatalf("keys of an ended auction older than KeyWindow kept: %v", ks)
	}
	// The book sweeps itself: however many keyed calls, it holds at most
	// max(64, twice the keys live at its last sweep).
	at := later
	for i := 0; i < 2000; i++ {
		at = at.Add(time.Hour)
		r, err := h.Kick(at, KickParams{Tab: d("1100"), Lot: d("1"), Owner: "o", Price: d("1500"), Key: fmt.Sprint("b", i)})
		if err != nil {
			t.Fatal(err)
		}
		h.Yank(at, r.ID)
		if live := len(h.Snapshot().Keys); len(h.keys.m) > max(64, 2*live)+1 {
			t.Fatalf("call %d: %d keys held, %d live", i, len(h.keys.m), live)
		}
	}
}

// dutchInput is one keyed entry of a host's input log.
type dutchInput struct {
	now  time.Time
	kind int // 0 kick, 1 take, 2 redo
	kick KickParams
	take TakeParams
	redo RedoParams
}

func (in dutchInput) apply(h *DutchHouse) string {
	var r any
	var err error
	switch in.kind {
	case 0:
		r, err = h.Kick(in.now, in.kick)
	case 1:
		r, err = h.Take(in.now, in.take)
	default:
		r, err = h.Redo(in.now, in.redo)
	}
	b, _ := json.Marshal(r)
	return fmt.Sprint(string(b), err)
}

// Issue 14 item 3, property: replaying any prefix of a keyed input log a
// second time (on the same house, or on a standby restored from a snapshot
// taken at any point) gives the same results and the same final state as
// applying the log once.
func TestDutchReplayPrefixTwiceIsOnce(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := drawDutchSettings(t)
		ref, _ := NewDutchHouse(s)
		now := t0
		var log []dutchInput
		var want []string
		for i, n := 0, rapid.IntRange(1, 30).Draw(t, "inputs"); i < n; i++ {
			op := drawDutchOp(t, i)
			now = now.Add(op.dt)
			in := dutchInput{now: now, kind: min(op.kind, 2)}
			id := op.id // may name no live auction: the error is part of the log
			if a := ref.Active(); len(a) > 0 && rapid.IntRange(0, 9).Draw(t, "stale id") > 0 {
				id = a[int(op.id)%len(a)]
			}
			key := fmt.Sprint("in-", i)
			in.kick = KickParams{Tab: op.tab, Lot: op.lot, Owner: "o", Price: op.price, Key: key}
			in.take = TakeParams{ID: id, MaxLot: op.maxLot, MaxPrice: op.maxPx, Key: key}
			in.redo = RedoParams{ID: id, Price: op.price, Key: key}
			log = append(log, in)
			want = append(want, in.apply(ref))
		}
		final := snapJSON(t, ref.Snapshot())

		k := rapid.IntRange(0, len(log)).Draw(t, "prefix")
		h, _ := NewDutchHouse(s)
		for i := 0; i < k; i++ {
			log[i].apply(h)
		}
		mid := snapJSON(t, h.Snapshot())
		j := rapid.IntRange(0, k).Draw(t, "replay from")
		var snap DutchSnapshot
		json.Unmarshal([]byte(mid), &snap)
		standby, err := RestoreDutchHouse(s, snap)
		if err != nil {
			t.Fatal(err)
		}
		for i := j; i < k; i++ { // the replayed prefix: the first outcomes, no change
			if got := log[i].apply(h); got != want[i] {
				t.Fatalf("replay of input %d: %s, first %s", i, got, want[i])
			}
			if got := log[i].apply(standby); got != want[i] {
				t.Fatalf("standby replay of input %d: %s, first %s", i, got, want[i])
			}
		}
		if got := snapJSON(t, h.Snapshot()); got != mid {
			t.Fatalf("replaying the prefix changed the state:\n%s\n%s", mid, got)
		}
		for i := k; i < len(log); i++ {
			if got := log[i].apply(h); got != want[i] {
				t.Fatalf("input %d after the replay: %s, once %s", i, got, want[i])
			}
			log[i].apply(standby)
		}
		if got := snapJSON(t, h.Snapshot()); got != final {
			t.Fatalf("final state differs from once:\n%s\n%s", final, got)
		}
		if got := snapJSON(t, standby.Snapshot()); got != final {
			t.Fatalf("standby final state differs from once:\n%s\n%s", final, got)
		}
	})
}
