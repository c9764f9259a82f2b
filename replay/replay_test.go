package replay_test

import (
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/replay"
)

type state struct {
	Balance decimal.Decimal   `json:"balance"`
	Owners  map[string]uint64 `json:"owners"`
}

func TestDigestCanonical(t *testing.T) {
	a := state{Balance: decimal.RequireFromString("1.50"), Owners: map[string]uint64{"b": 2, "a": 1}}
	b := state{Balance: decimal.RequireFromString("1.5"), Owners: map[string]uint64{"a": 1, "b": 2}}
	da, err := replay.Of(a)
	if err != nil {
		t.Fatal(err)
	}
	db, err := replay.Of(b)
	if err != nil {
		t.Fatal(err)
	}
	if da != db {
		t.Errorf("equal states digest differently: %s vs %s", da, db)
	}
	c := b
	c.Balance = decimal.RequireFromString("1.51")
	if dc, _ := replay.Of(c); dc == da {
		t.Errorf("a changed balance kept the digest %s", dc)
	}
}

func TestDigestRefusesWhatJSONCannotEncode(t *testing.T) {
	for name, v := range map[string]any{"channel": make(chan int), "NaN": math.NaN(), "func": func() {}} {
		if _, err := replay.Of(v); !errors.Is(err, replay.ErrInvalidInput) {
			t.Errorf("%s: err = %v, want ErrInvalidInput", name, err)
		}
	}
}

func TestDigestText(t *testing.T) {
	d, _ := replay.Of(1)
	b, err := json.Marshal(d)
	if err != nil || len(b) != 66 {
		t.Fatalf("json %s, %v", b, err)
	}
	var back replay.Digest
	if err := json.Unmarshal(b, &back); err != nil || back != d {
		t.Fatalf("round trip %s → %s, %v", d, back, err)
	}
	for _, bad := range []string{`"00"`, `"` + strings.Repeat("g", 64) + `"`, `"zz` + d.String()[2:] + `"`} {
		keep := back
		if err := json.Unmarshal([]byte(bad), &back); !errors.Is(err, replay.ErrInvalidInput) || back != keep {
			t.Errorf("%q: err %v, digest changed %v", bad, err, back != keep)
		}
	}
}

func TestCheckpointVerify(t *testing.T) {
	cp, err := replay.Take(7, state{Balance: decimal.NewFromInt(100), Owners: map[string]uint64{"a": 1}})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(cp)
	var back replay.Checkpoint[state]
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if err := back.Verify(); err != nil || back.Seq != 7 {
		t.Fatalf("intact checkpoint: seq %d, %v", back.Seq, err)
	}
	back.State.Balance = decimal.NewFromInt(101)
	if err := back.Verify(); !errors.Is(err, replay.ErrCorrupt) {
		t.Errorf("tampered balance: err = %v, want ErrCorrupt", err)
	}
	if _, err := replay.Take(1, math.Inf(1)); !errors.Is(err, replay.ErrInvalidInput) {
		t.Errorf("take of +Inf: err = %v", err)
	}
}

func TestCursor(t *testing.T) {
	var c replay.Cursor
	steps := []struct {
		seq     uint64
		ok      bool
		wantErr error
		last    uint64
	}{
		{seq: 0, wantErr: replay.ErrInvalidInput, last: 0},
		{seq: 2, wantErr: replay.ErrGap, last: 0},
		{seq: 1, ok: true, last: 1},
		{seq: 1, last: 1}, // duplicate: not applied again
		{seq: 2, ok: true, last: 2},
		{seq: 4, wantErr: replay.ErrGap, last: 2},
		{seq: 3, ok: true, last: 3},
	}
	for i, s := range steps {
		ok, err := c.Admit(s.seq)
		if ok != s.ok || !errors.Is(err, s.wantErr) || (s.wantErr == nil && err != nil) || c.Last() != s.last {
			t.Errorf("step %d: Admit(%d) = %v, %v; last %d; want %v, %v, %d", i, s.seq, ok, err, c.Last(), s.ok, s.wantErr, s.last)
		}
	}
	top := replay.CursorAt(math.MaxUint64)
	if ok, err := top.Admit(math.MaxUint64); ok || err != nil {
		t.Errorf("at the top, a repeat of the last input: %v, %v", ok, err)
	}
}
