package breaker

import (
	"encoding/json"
	"errors"
	"testing"
	"time"
)

func TestKillSwitchVenueAndMarket(t *testing.T) {
	ks := NewKillSwitch()
	if err := ks.Engage("A", "bad prints", "ops:alice", t0); err != nil {
		t.Fatal(err)
	}
	if err := ks.Engage(AllMarkets, "venue incident", "cro:bob", t0.Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	if h, ok := ks.HaltFor("B", t0.Add(2*time.Second)); !ok || h.Cause != CauseKillSwitch || h.Actor != "cro:bob" {
		t.Fatalf("venue halt for B: %+v %v", h, ok)
	}
	if err := ks.Release(AllMarkets, "contained", "cro:bob", t0.Add(3*time.Second)); err != nil {
		t.Fatal(err)
	}
	if _, ok := ks.HaltFor("B", t0.Add(4*time.Second)); ok {
		t.Fatal("B still halted")
	}
	if h, ok := ks.HaltFor("A", t0.Add(4*time.Second)); !ok || h.Actor != "ops:alice" {
		t.Fatal("A lost its own halt when the venue halt was released")
	}
	raw, _ := json.Marshal(ks.Snapshot())
	var snap KillSwitchSnapshot
	_ = json.Unmarshal(raw, &snap)
	back, err := RestoreKillSwitch(snap)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := back.HaltFor("A", t0.Add(5*time.Second)); !ok {
		t.Fatal("restored kill switch lost A")
	}
	for name, err := range map[string]error{
		"no actor":        ks.Engage("A", "r", "", t0.Add(5*time.Second)),
		"no reason":       ks.Engage("A", "", "a", t0.Add(5*time.Second)),
		"time back":       ks.Engage("A", "r", "a", t0),
		"release unknown": ks.Release("C", "r", "a", t0.Add(5*time.Second)),
	} {
		if err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := RestoreKillSwitch(KillSwitchSnapshot{Engaged: []Halt{{Cause: "B", Reason: "r", Actor: "a"}, {Cause: "A", Reason: "r", Actor: "a"}}}); !errors.Is(err, ErrInvalidSnapshot) {
		t.Fatal("unsorted snapshot accepted")
	}
}
