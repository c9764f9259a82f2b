package liquidation

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
	"time"
)

// Issue 11 item 4: one event shape — Time, Kind, Subject, From, To lead;
// From/To only on a transition; LogValue logs one line.
func TestEventShape(t *testing.T) {
	h := mustHouse(t, testDutchSettings(t))
	k := kick(t, h, t0, "1100", "10", "100")
	if ev := k.Events[0]; ev.Subject != "1" || ev.From != "" || ev.To != "running" {
		t.Errorf("kick %+v", ev)
	}
	st, err := h.SetStop(sec(1), StopNoRedo)
	if err != nil || st.Subject != "ETH-A" || st.From != "none" || st.To != "no-redo" {
		t.Errorf("stop %+v %v", st, err)
	}
	y, err := h.Yank(sec(2), k.ID)
	if err != nil || y.Events[0].From != "running" || y.Events[0].To != "yanked" {
		t.Errorf("yank %+v %v", y.Events, err)
	}

	en, _ := NewEnglishHouse(EnglishSettings{ReserveRatio: d("0.9")})
	id, _, _ := en.Kick(t0, AuctionParams{Tab: d("1000"), Lot: d("10"), Owner: "o", Price: d("100")})
	evs, err := en.Bid(t0, id, "a", d("900"))
	if err != nil || evs[0].From != "" || evs[0].To != "" {
		t.Errorf("forward bid is no transition: %+v %v", evs, err)
	}
	evs, err = en.Bid(t0, id, "b", d("1000"))
	if err != nil || evs[0].From != "forward" || evs[0].To != "reverse" {
		t.Errorf("bid covering the tab: %+v %v", evs, err)
	}
	r, err := en.Settle(t0.Add(3*time.Hour), id)
	if err != nil || r.Events[0].From != "running" || r.Events[0].To != "settled" || r.Events[0].Subject != "1" {
		t.Errorf("settle %+v %v", r.Events, err)
	}

	var buf bytes.Buffer
	slog.New(slog.NewTextHandler(&buf, nil)).Info("liquidation", "event", r.Events[0])
	line := buf.String()
	for _, want := range []string{"event.kind=settle", "event.subject=1", "event.from=running", "event.to=settled", "event.settlement.debt_recovered=1000"} {
		if !strings.Contains(line, want) {
			t.Errorf("log line %q lacks %q", line, want)
		}
	}
	if strings.Count(line, "\n") != 1 || strings.Contains(line, "event.price") {
		t.Errorf("log line %q: one line, zero fields left out", line)
	}
}
