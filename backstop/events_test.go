package backstop

import (
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"
)

// Issue 10 item 16 / issue 11 item 4: events are returned by the call that
// caused them — no queue to drain, nothing dropped however many there are.
// A cover that haircuts 5,000 accounts returns 5,001 events (the layer's
// draw and one haircut per account); 5,000 deposits return one event each.
func TestEventsReturnedByTheCallNeverDropped(t *testing.T) {
	const n = 5000
	accts := make([]Balance, n)
	for i := range accts {
		accts[i] = Balance{Account: fmt.Sprint("w", i), Amount: d("10")}
	}
	social, _ := NewSocialLayer("social", accts, d("0.01"))
	w, _ := New(Settings{Layers: []Layer{social}, Unit: d("0.01")})
	a, err := w.Cover(t0, Claim{ID: "c", Amount: d("50000")})
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Events) != n+1 || a.Events[0].Kind != EventDraw {
		t.Fatalf("%d events, want %d", len(a.Events), n+1)
	}
	for _, e := range a.Events[1:] {
		if e.Kind != EventHaircut || e.Claim != "c" || !e.Time.Equal(t0) || e.Subject != "social" {
			t.Fatalf("event %+v", e)
		}
	}
	f, _ := NewInsuranceFund(FundSettings{Unit: d("0.01")})
	total := 0
	for i := 0; i < n; i++ {
		evs, err := f.Deposit(t0.Add(time.Duration(i)*time.Second), "", "shared", d("1"), "fees", "")
		if err != nil {
			t.Fatal(err)
		}
		total += len(evs)
	}
	if total != n {
		t.Fatalf("%d deposit events, want %d", total, n)
	}
}

// An Event logs as one slog group with every non-zero field, decimals as
// strings, in the library's one shape (time, kind, subject, from, to,
// reason, then the package's fields).
func TestEventLogValue(t *testing.T) {
	var b strings.Builder
	l := slog.New(slog.NewTextHandler(&b, nil))
	l.Info("x", "e", Event{Time: t0, Kind: EventFundDraw, Subject: "insurance:f", Reason: "cover", Account: "loss", Amount: d("1.50"), Claim: "c1"})
	got := b.String()
	for _, want := range []string{"e.kind=fund_draw", "e.subject=insurance:f", "e.reason=cover", "e.account=loss", "e.amount=1.5", "e.claim=c1", "e.time=2026-11-24T12:00:00"} {
		if !strings.Contains(got, want) {
			t.Errorf("%q lacks %q", got, want)
		}
	}
	if strings.Contains(got, "e.from") || strings.Contains(got, "e.to=") {
		t.Errorf("zero fields logged: %q", got)
	}
}
