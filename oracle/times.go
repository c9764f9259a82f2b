package oracle

import (
	"errors"
	"fmt"
	"time"
)

// Times in replicated state. Every time a stateful type keeps (and so every
// time in a snapshot) is stored in UTC with no monotonic clock reading:
// JSON (RFC 3339) cannot write a zone offset with seconds (a time in
// time.FixedZone("X", 5*3600+1) came back one second off, so a Delayed
// poked at it no longer restored, "not aligned to hop"), and a monotonic
// reading, which time.Now carries and JSON drops, would make comparisons
// differ between a primary and its restored standby. The zone a host
// passes its times in therefore never changes a result.

// instant returns t as state stores it: UTC, monotonic reading stripped
// (time.Time.UTC does both).
func instant(t time.Time) time.Time { return t.UTC() }

// checkNow refuses a time a stateful type cannot store and write back: the
// zero time, and times outside years 1 to 9999, which RFC 3339 (and so
// encoding/json) cannot write. The error wraps ErrInvalidInput.
func checkNow(now time.Time) error {
	if err := timeProblem(now); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidInput, err)
	}
	return nil
}

// timeProblem is checkNow's test, with an error that carries no sentinel.
func timeProblem(t time.Time) error {
	if t.IsZero() {
		return errors.New("zero time")
	}
	if !writable(t) {
		return errors.New("time outside years 1 to 9999 (RFC 3339)")
	}
	return nil
}

// writable reports whether t's year in UTC lies in [1, 9999], the range
// RFC 3339 and encoding/json can write.
func writable(t time.Time) bool {
	u := t.Unix()
	return u >= firstWritable && u < pastWritable
}

// The Unix seconds of 0001-01-01T00:00:00Z and 10000-01-01T00:00:00Z.
const (
	firstWritable = -62135596800
	pastWritable  = 253402300800
)
