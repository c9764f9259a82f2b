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
