package main

import (
	"bytes"
	"errors"
	"testing"

	"github.com/failsafe-fi/failsafe/replay"
)

// A checkpoint changed after it was taken is refused before anything is
// restored (Verify first), and an intact one restores to the same digest
// at the same input.
func TestRestoreVerifiesCheckpoint(t *testing.T) {
	k := drillKind(3)
	ticks, err := k.Scenario()
	if err != nil {
		t.Fatal(err)
	}
	m, err := k.New()
	if err != nil {
		t.Fatal(err)
	}
	for _, tk := range ticks[:20] {
		_ = m.Step(tk)
	}
	data, err := m.Checkpoint(20)
	if err != nil {
		t.Fatal(err)
	}
	back, seq, err := k.Restore(data)
	if err != nil || seq != 20 {
		t.Fatalf("intact checkpoint: seq %d, %v", seq, err)
	}
	d1, _ := m.Digest()
	d2, _ := back.Digest()
	if d1 != d2 {
		t.Fatalf("restored digest %s, original %s", d2.Short(), d1.Short())
	}
	// Change one digit of the state (not of the envelope).
	at := bytes.Index(data, []byte(`"state"`))
	i := bytes.IndexAny(data[at:], "123456789")
	if at < 0 || i < 0 {
		t.Fatal("no digit in the checkpoint's state")
	}
	bad := bytes.Clone(data)
	bad[at+i] = '1' + (bad[at+i]-'1'+1)%9 // a digit 1–9 to another, so the JSON stays valid
	if _, _, err := k.Restore(bad); !errors.Is(err, replay.ErrCorrupt) {
		t.Errorf("tampered checkpoint: err = %v, want ErrCorrupt", err)
	}
}
