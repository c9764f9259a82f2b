package liquidation

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/failsafe-fi/failsafe/internal/testkit"
)

// Engine: Release had no key, so a replayed release (a retry, a log
// replayed on a standby) took the debt off twice and freed cap room that a
// live auction still holds. ReleaseKeyed releases once: a repeat returns
// the first event and leaves the snapshot unchanged, on the engine and on
// one restored from its snapshot; other input under the key is refused.
func TestReleaseKeyedReleasesOnce(t *testing.T) {
	es := EngineSettings{GlobalCap: d("5000")}
	e, _ := NewEngine(es)
	if _, err := e.Commit(t0, []Order{{Account: "a", Market: "ETH", Tab: d("900")}}); err != nil {
		t.Fatal(err)
	}
	ev, err := e.ReleaseKeyed(t0, "take-7", "ETH", d("300"))
	if err != nil || !e.DebtUnderAuction().Equal(d("600")) {
		t.Fatalf("release: %v, debt %s, want 600", err, e.DebtUnderAuction())
	}
	before := snapJSON(t, e.Snapshot())
	ev2, err := e.ReleaseKeyed(t0.Add(time.Minute), "take-7", "ETH", d("300"))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(ev, ev2, testkit.EquateDecimals); diff != "" {
		t.Fatalf("replayed release event differs:\n%s", diff)
	}
	if got := snapJSON(t, e.Snapshot()); got != before || !e.DebtUnderAuction().Equal(d("600")) {
		t.Fatalf("a replayed release released again: debt %s\n%s\n%s", e.DebtUnderAuction(), before, got)
	}
	if _, err := e.ReleaseKeyed(t0, "take-7", "ETH", d("301")); !errors.Is(err, ErrKeyReused) {
		t.Fatalf("another amount under the same key: %v", err)
	}
	if _, err := e.ReleaseKeyed(t0, "take-7", "BTC", d("300")); !errors.Is(err, ErrKeyReused) {
		t.Fatalf("another market under the same key: %v", err)
	}
	var snap EngineSnapshot
	if err := json.Unmarshal([]byte(before), &snap); err != nil {
		t.Fatal(err)
	}
	s, err := RestoreEngine(es, snap)
	if err != nil {
		t.Fatal(err)
	}
	ev3, err := s.ReleaseKeyed(t0.Add(2*time.Minute), "take-7", "ETH", d("300"))
	if err != nil || snapJSON(t, s.Snapshot()) != before {
		t.Fatalf("a release replayed on the restored engine applied again: %v\n%s", err, snapJSON(t, s.Snapshot()))
	}
	if diff := cmp.Diff(ev, ev3, testkit.EquateDecimals); diff != "" {
		t.Fatalf("release replayed after restore returns another event:\n%s", diff)
	}
	// Unkeyed, the same call releases again: that is what the key is for.
	if _, err := e.Release(t0, "ETH", d("300")); err != nil || !e.DebtUnderAuction().Equal(d("300")) {
		t.Fatalf("unkeyed release: %v, debt %s, want 300", err, e.DebtUnderAuction())
	}
}

// English: a settle retried after its answer was lost found the auction
// gone (ErrUnknownAuction) and the host lost the settlement it must pay
// out. SettleKeyed returns the first settlement for the repeat, on the
// house and on one restored from its snapshot, and changes nothing.
func TestSettleKeyedSettlesOnce(t *testing.T) {
	s := EnglishSettings{Market: "M", ReserveRatio: d("0.9"), MinIncrement: d("0.03"), MinDecrement: d("0.03"),
		BidDuration: time.Hour, MaxDuration: 6 * time.Hour, LotScale: 6, PriceScale: 6}
	h, err := NewEnglishHouse(s)
	if err != nil {
		t.Fatal(err)
	}
	id, _, err := h.Kick(t0, AuctionParams{Tab: d("1000"), Lot: d("10"), Owner: "o", Price: d("100")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.Bid(t0.Add(time.Minute), id, "b", d("950")); err != nil {
		t.Fatal(err)
	}
	end := t0.Add(2 * time.Hour)
	if _, err := h.SettleKeyed(end, "s1", id+1); !errors.Is(err, ErrUnknownAuction) {
		t.Fatalf("settle of an unknown auction: %v", err)
	}
	first, err := h.SettleKeyed(end, "settle-1", id)
	if err != nil || first.Settlement == nil || !first.Settlement.DebtRecovered.Equal(d("950")) {
		t.Fatalf("settle: %+v, %v", first, err)
	}
	before := snapJSON(t, h.Snapshot())
	again, err := h.SettleKeyed(end.Add(time.Minute), "settle-1", id)
	if err != nil {
		t.Fatalf("a repeated keyed settle: %v", err)
	}
	if diff := cmp.Diff(first, again, testkit.EquateDecimals); diff != "" {
		t.Fatalf("a repeated keyed settle returns another result:\n%s", diff)
	}
	if snapJSON(t, h.Snapshot()) != before {
		t.Fatal("a repeated keyed settle changed the house")
	}
	if _, err := h.SettleKeyed(end, "settle-1", id+1); !errors.Is(err, ErrKeyReused) {
		t.Fatalf("another auction under the key: %v", err)
	}
	if _, err := h.Settle(end, id); !errors.Is(err, ErrUnknownAuction) {
		t.Fatalf("an unkeyed repeat finds the auction gone: %v", err)
	}
	var snap EnglishSnapshot
	if err := json.Unmarshal([]byte(before), &snap); err != nil {
		t.Fatal(err)
	}
	r, err := RestoreEnglishHouse(s, snap)
	if err != nil {
		t.Fatal(err)
	}
	after, err := r.SettleKeyed(end.Add(2*time.Minute), "settle-1", id)
	if diff := cmp.Diff(first, after, testkit.EquateDecimals); err != nil || diff != "" {
		t.Fatalf("the keyed settle replayed on a restored house: %v\n%s", err, diff)
	}
	if snapJSON(t, r.Snapshot()) != before {
		t.Fatal("the keyed settle replayed on a restored house changed it")
	}
}

// Batch: as for English Settle, a retried Clear found the auction gone
// and the host lost the fills to deliver. ClearKeyed returns the first
// clearing for the repeat, on the house and on one restored from its
// snapshot, and changes nothing.
func TestClearKeyedClearsOnce(t *testing.T) {
	s := BatchSettings{ReserveRatio: d("0.9"), LotScale: 2, PriceScale: 2}
	h, err := NewBatchHouse(s)
	if err != nil {
		t.Fatal(err)
	}
	closeAt := t0.Add(10 * time.Minute)
	id, _, err := h.Open(t0, AuctionParams{Tab: d("1000"), Lot: d("10"), Owner: "o", Price: d("100")}, closeAt)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := h.Bid(t0, id, "b", d("6"), d("100")); err != nil {
		t.Fatal(err)
	}
	if _, _, err := h.Bid(t0, id, "c", d("6"), d("95")); err != nil {
		t.Fatal(err)
	}
	first, err := h.ClearKeyed(closeAt, "clear-1", id)
	if err != nil || first.Settlement == nil || len(first.Fills) != 2 {
		t.Fatalf("clear: %+v, %v", first, err)
	}
	before := snapJSON(t, h.Snapshot())
	again, err := h.ClearKeyed(closeAt.Add(time.Minute), "clear-1", id)
	if err != nil {
		t.Fatalf("a repeated keyed clear: %v", err)
	}
	if diff := cmp.Diff(first, again, testkit.EquateDecimals); diff != "" {
		t.Fatalf("a repeated keyed clear returns another result:\n%s", diff)
	}
	if snapJSON(t, h.Snapshot()) != before {
		t.Fatal("a repeated keyed clear changed the house")
	}
	if _, err := h.ClearKeyed(closeAt, "clear-1", id+1); !errors.Is(err, ErrKeyReused) {
		t.Fatalf("another auction under the key: %v", err)
	}
	var snap BatchSnapshot
	if err := json.Unmarshal([]byte(before), &snap); err != nil {
		t.Fatal(err)
	}
	r, err := RestoreBatchHouse(s, snap)
	if err != nil {
		t.Fatal(err)
	}
	after, err := r.ClearKeyed(closeAt.Add(2*time.Minute), "clear-1", id)
	if diff := cmp.Diff(first, after, testkit.EquateDecimals); err != nil || diff != "" {
		t.Fatalf("the keyed clear replayed on a restored house: %v\n%s", err, diff)
	}
	if snapJSON(t, r.Snapshot()) != before {
		t.Fatal("the keyed clear replayed on a restored house changed it")
	}
}
