package breaker

import (
	"encoding/json"
	"errors"
	"testing"
	"time"
)

func TestKillSwitchVenueAndMarket(t *testing.T) {
	ks := NewKillSwitch()
	if err := errOf(ks.Engage(t0, "A", "bad prints", "ops:alice")); err != nil {
		t.Fatal(err)
	}
	if err := errOf(ks.Engage(t0.Add(time.Second), AllMarkets, "venue incident", "cro:bob")); err != nil {
		t.Fatal(err)
	}
	if h, ok := ks.HaltFor(t0.Add(2*time.Second), "B"); !ok || h.Cause != CauseKillSwitch || h.Actor != "cro:bob" {
		t.Fatalf("venue halt for B: %+v %v", h, ok)
	}
	if err := errOf(ks.Release(t0.Add(3*time.Second), AllMarkets, "contained", "cro:bob")); err != nil {
		t.Fatal(err)
	}
	if _, ok := ks.HaltFor(t0.Add(4*time.Second), "B"); ok {
		t.Fatal("B still halted")
	}
	if h, ok := ks.HaltFor(t0.Add(4*time.Second), "A"); !ok || h.Actor != "ops:alice" {
		t.Fatal("A lost its own halt when the venue halt was released")
	}
	raw, _ := json.Marshal(ks.Snapshot())
	var snap KillSwitchSnapshot
	_ = json.Unmarshal(raw, &snap)
	back, err := RestoreKillSwitch(snap)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := back.HaltFor(t0.Add(5*time.Second), "A"); !ok {
		t.Fatal("restored kill switch lost A")
	}
	for name, err := range map[string]error{
		"no actor":        errOf(ks.Engage(t0.Add(5*time.Second), "A", "r", "")),
		"no reason":       errOf(ks.Engage(t0.Add(5*time.Second), "A", "", "a")),
		"time back":       errOf(ks.Engage(t0, "A", "r", "a")),
		"release unknown": errOf(ks.Release(t0.Add(5*time.Second), "C", "r", "a")),
	} {
		if err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := RestoreKillSwitch(KillSwitchSnapshot{Engaged: []Halt{{Cause: "B", Reason: "r", Actor: "a"}, {Cause: "A", Reason: "r", Actor: "a"}}}); !errors.Is(err, ErrInvalidSnapshot) {
		t.Fatal("unsorted snapshot accepted")
	}
}
