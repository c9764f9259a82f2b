package testkit

import (
	"testing"

	"pgregory.net/rapid"
)

// counter is a toy state machine for CheckReplay's own test.
type counter struct{ total, calls int64 }

type counterSnap struct {
	Total int64 `json:"total"`
	Calls int64 `json:"calls"`
}

func TestCheckReplayOnAToyCounter(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		inputs := rapid.SliceOfN(rapid.Int64Range(-5, 5), 0, 20).Draw(t, "inputs")
		CheckReplay(t, Replayable[*counter, counterSnap, int64]{
			New: func() (*counter, error) { return &counter{}, nil },
			Apply: func(c *counter, in int64) (any, error) {
				c.total += in
				c.calls++
				return c.total, nil
			},
			Snapshot: func(c *counter) counterSnap { return counterSnap{Total: c.total, Calls: c.calls} },
			// Mutation seen failing: restoring Calls as 0 (the restored
			// snapshot digests differently from its source).
			Restore: func(s counterSnap) (*counter, error) { return &counter{total: s.Total, calls: s.Calls}, nil },
		}, inputs)
	})
}
