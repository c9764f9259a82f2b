package main

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/failsafe-fi/failsafe/replay"
	"github.com/failsafe-fi/failsafe/stress"
)

// machine is the replicated state machine as the raft host sees it: the
// venue, stepped one input at a time, with a digest after every input and
// a checkpoint for snapshots. It is the small interface the host needs of
// the venue (stress/perp's Model satisfies it through venueKind).
type machine interface {
	// Step applies one tick. An error is the venue's deterministic answer
	// to that input (every replica gets the same one), not a reason to
	// retry.
	Step(t stress.Tick) error
	// Check proves conservation (stress.Model.Check), as a host does
	// after every input; it may count its calls in the state.
	Check() error
	// Audit runs every invariant check without changing the state (the
	// end-of-run proof).
	Audit() error
	// Outcome reports the measures so far (stress.Model.Outcome).
	Outcome() stress.Outcome
	// Digest is the canonical digest of the state (replay.Of of its
	// snapshot).
	Digest() (replay.Digest, error)
	// Checkpoint is the JSON of replay.Take(seq, snapshot): the state
	// after input seq, with its digest.
	Checkpoint(seq uint64) ([]byte, error)
	// Table is the final table, as text, for comparing replicas with the
	// single-node run.
	Table() (string, error)
}

// kind builds machines: fresh, or restored from a checkpoint. Restore
// must Verify the checkpoint before it restores its state and return the
// sequence number the state reflects.
type kind interface {
	New() (machine, error)
	Restore(checkpoint []byte) (machine, uint64, error)
	// Scenario is the seeded crash whose ticks are the inputs.
	Scenario() ([]stress.Tick, error)
}

// errProof is a proof the run failed; the program exits non-zero.
var errProof = errors.New("raft: proof failed")

// input is one entry of the replicated log: a tick of the crash with its
// sequence number in the input stream (1 for the first tick).
type input struct {
	Seq  uint64      `json:"seq"`
	Tick stress.Tick `json:"tick"`
}

// encodeInputs numbers the ticks from 1 and encodes each as JSON, as the
// feed sends them to the leader.
func encodeInputs(ticks []stress.Tick) ([][]byte, error) {
	out := make([][]byte, len(ticks))
	for i, t := range ticks {
		b, err := json.Marshal(input{Seq: uint64(i + 1), Tick: t})
		if err != nil {
			return nil, fmt.Errorf("input %d: %w", i+1, err)
		}
		out[i] = b
	}
	return out, nil
}

// decodeInput reads an entry back; an entry that does not decode, or has
// sequence number 0, is an error (the log is corrupt).
func decodeInput(b []byte) (input, error) {
	var in input
	if err := json.Unmarshal(b, &in); err != nil {
		return input{}, fmt.Errorf("entry does not decode: %w", err)
	}
	if in.Seq == 0 {
		return input{}, errors.New("entry with sequence number 0")
	}
	return in, nil
}
