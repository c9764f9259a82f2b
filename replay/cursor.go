package replay

import "fmt"

// Cursor is the position of a state machine in its input stream: the
// sequence number of the last input applied. It admits exactly the next
// one, so that a log replayed after a restart, or an input delivered twice
// by the network, never applies twice and never skips one. The zero value
// has applied nothing (the first input is 1). Not safe for concurrent use:
// it belongs to the goroutine that applies inputs.
type Cursor struct {
	last uint64
}

// CursorAt returns a cursor that has applied every input up to last, as
// after restoring a Checkpoint with Seq last.
func CursorAt(last uint64) Cursor { return Cursor{last: last} }

// Last returns the sequence number of the last input applied (0: none).
func (c *Cursor) Last() uint64 { return c.last }

// Admit decides whether input seq is applied now. The next input (Last+1)
// is admitted and the cursor moves to it: apply it, and count a refusal by
// the state machine as its result, not as a reason to retry. An input
// already applied (seq ≤ Last) is not admitted: ok is false and err nil,
// the caller answers with the first result. An input beyond the next is an
// error wrapping ErrGap and the cursor does not move.
func (c *Cursor) Admit(seq uint64) (ok bool, err error) {
	switch {
	case seq == 0:
		return false, fmt.Errorf("%w: input 0 (inputs count from 1)", ErrInvalidInput)
	case seq <= c.last:
		return false, nil
	case seq > c.last+1:
		return false, fmt.Errorf("%w: input %d after %d", ErrGap, seq, c.last)
	}
	c.last = seq
	return true, nil
}
