package testkit

import (
	"encoding/json"
	"time"

	"github.com/google/go-cmp/cmp"
	"pgregory.net/rapid"

	"github.com/failsafe-fi/failsafe/replay"
)

// Replayable describes one stateful type to CheckReplay: how to build it
// fresh (the same settings every time), apply one input, snapshot it and
// restore it from a snapshot.
type Replayable[T, S, In any] struct {
	// New returns a fresh instance.
	New func() (T, error)
	// Apply applies one input and returns what the call returned (events,
	// fills, a decision; nil if nothing): replay must return the same, or a
	// host acting on it would act differently. A refused input returns its
	// error, which must also be the same.
	Apply func(T, In) (any, error)
	// Snapshot returns the state as its package's Snapshot() value.
	Snapshot func(T) S
	// Restore rebuilds the type from a snapshot read back from JSON.
	Restore func(S) (T, error)
	// InZone, if set, returns the input with every time in it moved to
	// zone (the same instant): CheckReplay then also applies every input
	// in ZoneProbe and demands the same results and digests as in UTC, as
	// replicas whose hosts run in different zones must get.
	InZone func(In, *time.Location) In
}

// ZoneProbe is a time zone a replica's host might run in: half an hour
// off the hour and one second more, so a zone offset that JSON (whole
// minutes) cannot carry is caught too.
var ZoneProbe = time.FixedZone("probe", 5*3600+1800+1)

// CheckReplay proves DESIGN.md rule 11 for one type on one input sequence:
// it runs every input without interruption, then runs them again, stopping
// at a drawn input k to write the snapshot to JSON, read it back and
// restore it, and replays inputs k+1… on the restored instance. After every
// input the two runs must have the same digest (replay.Of of the snapshot),
// the same call results and the same errors; at the end the same snapshot.
// The restored snapshot must also digest to the one it came from. With
// r.InZone set, the inputs are run once more in ZoneProbe and must give
// the same results and digests as in UTC.
func CheckReplay[T, S, In any](t *rapid.T, r Replayable[T, S, In], inputs []In) {
	t.Helper()
	type step struct {
		result string
		digest replay.Digest
	}
	run := func(x T, from int, to int) []step {
		out := make([]step, 0, to-from)
		for i := from; i < to; i++ {
			res, err := r.Apply(x, inputs[i])
			out = append(out, step{result: resultText(t, res, err), digest: digest(t, r.Snapshot(x))})
		}
		return out
	}
	a, err := r.New()
	if err != nil {
		t.Fatalf("new: %v", err)
	}
	whole := run(a, 0, len(inputs))

	k := rapid.IntRange(0, len(inputs)).Draw(t, "snapshot after input")
	b, err := r.New()
	if err != nil {
		t.Fatalf("new: %v", err)
	}
	head := run(b, 0, k)
	snap := r.Snapshot(b)
	raw, err := json.Marshal(snap)
	if err != nil {
		t.Fatalf("snapshot after input %d does not encode: %v", k, err)
	}
	var back S
	if err := json.Unmarshal(raw, &back); err != nil {
		t.Fatalf("snapshot after input %d does not decode: %v", k, err)
	}
	c, err := r.Restore(back)
	if err != nil {
		t.Fatalf("restore after input %d: %v\nsnapshot: %s", k, err, raw)
	}
	if got, want := digest(t, r.Snapshot(c)), digest(t, snap); got != want {
		t.Fatalf("restored after input %d digests to %s, its snapshot to %s\nsnapshot: %s\nrestored: %s",
			k, got.Short(), want.Short(), raw, mustJSON(t, r.Snapshot(c)))
	}
	tail := run(c, k, len(inputs))
	for i, s := range append(head, tail...) {
		if s.result != whole[i].result {
			t.Fatalf("input %d (snapshot after %d): replay returned\n%s\nthe uninterrupted run\n%s", i+1, k, s.result, whole[i].result)
		}
		if s.digest != whole[i].digest {
			t.Fatalf("input %d (snapshot after %d): replayed state %s, uninterrupted %s", i+1, k, s.digest.Short(), whole[i].digest.Short())
		}
	}
	if diff := cmp.Diff(r.Snapshot(a), r.Snapshot(c), EquateDecimals); diff != "" {
		t.Fatalf("final state, uninterrupted vs snapshot after input %d (-want +got):\n%s", k, diff)
	}
	if r.InZone == nil {
		return
	}
	z, err := r.New()
	if err != nil {
		t.Fatalf("new: %v", err)
	}
	for i, in := range inputs {
		res, err := r.Apply(z, r.InZone(in, ZoneProbe))
		got := step{result: resultText(t, res, err), digest: digest(t, r.Snapshot(z))}
		if got.result != whole[i].result {
			t.Fatalf("input %d in zone %s returned\n%s\nin UTC\n%s", i+1, ZoneProbe, got.result, whole[i].result)
		}
		if got.digest != whole[i].digest {
			t.Fatalf("input %d: the same inputs in zone %s digest to %s, in UTC to %s", i+1, ZoneProbe, got.digest.Short(), whole[i].digest.Short())
		}
	}
}

// resultText is a call's result and error as text, for comparison.
func resultText(t *rapid.T, res any, err error) string {
	s := mustJSON(t, res)
	if err != nil {
		s += " error: " + err.Error()
	}
	return s
}

func digest(t *rapid.T, v any) replay.Digest {
	d, err := replay.Of(v)
	if err != nil {
		t.Fatalf("digest: %v", err)
	}
	return d
}

func mustJSON(t *rapid.T, v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("encode %T: %v", v, err)
	}
	return string(b)
}
