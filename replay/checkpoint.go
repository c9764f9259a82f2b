package replay

import "fmt"

// Checkpoint is a snapshot placed in the input stream: State reflects
// every input up to and including Seq (0: none yet), and Digest is Of(State)
// as it was taken. It is plain JSON; a host persists it and may compact its
// log up to Seq.
type Checkpoint[S any] struct {
	// Seq is the sequence number of the last input State reflects; replay
	// resumes at Seq+1.
	Seq uint64 `json:"seq"`
	// Digest is the digest of State when the checkpoint was taken.
	Digest Digest `json:"digest"`
	// State is the snapshot itself.
	State S `json:"state"`
}

// Take returns the checkpoint of state after input seq.
func Take[S any](seq uint64, state S) (Checkpoint[S], error) {
	d, err := Of(state)
	if err != nil {
		return Checkpoint[S]{}, err
	}
	return Checkpoint[S]{Seq: seq, Digest: d, State: state}, nil
}

// Verify recomputes the digest of State and compares it with Digest: a
// checkpoint read back from disk or the network must pass before its State
// is restored. A mismatch is an error wrapping ErrCorrupt.
func (c Checkpoint[S]) Verify() error {
	d, err := Of(c.State)
	if err != nil {
		return err
	}
	if d != c.Digest {
		return fmt.Errorf("%w: at input %d the state digests to %s, the checkpoint says %s", ErrCorrupt, c.Seq, d.Short(), c.Digest.Short())
	}
	return nil
}
