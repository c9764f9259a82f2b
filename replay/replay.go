package replay

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
)

var (
	// ErrCorrupt is a checkpoint whose state does not match its digest: it
	// was changed or damaged after it was taken, and must not be restored.
	ErrCorrupt = errors.New("replay: corrupt checkpoint")
	// ErrGap is an input whose sequence number skips one: input k+2 after
	// k. Applying it would lose input k+1.
	ErrGap = errors.New("replay: gap in the input stream")
	// ErrInvalidInput is a value the package cannot digest or decode.
	ErrInvalidInput = errors.New("replay: invalid input")
)

// Digest is the SHA-256 of a state's canonical JSON encoding. Its text form
// (String, JSON) is 64 lower-case hex digits.
type Digest [sha256.Size]byte

// Of returns the digest of state, usually a Snapshot() value or a struct of
// them: SHA-256 over json.Marshal(state). A value JSON cannot encode (a
// channel, a function, a NaN) is an error wrapping ErrInvalidInput.
func Of(state any) (Digest, error) {
	b, err := json.Marshal(state)
	if err != nil {
		return Digest{}, fmt.Errorf("%w: digest: %v", ErrInvalidInput, err)
	}
	return sha256.Sum256(b), nil
}

// String returns the digest as 64 hex digits.
func (d Digest) String() string { return hex.EncodeToString(d[:]) }

// Short returns the first 12 hex digits, for timelines and logs.
func (d Digest) Short() string { return d.String()[:12] }

// MarshalText writes the digest as 64 hex digits.
func (d Digest) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads 64 hex digits; anything else is an error wrapping
// ErrInvalidInput and leaves d unchanged.
func (d *Digest) UnmarshalText(b []byte) error {
	if len(b) != 2*sha256.Size {
		return fmt.Errorf("%w: digest of %d characters, want %d", ErrInvalidInput, len(b), 2*sha256.Size)
	}
	var out Digest
	if _, err := hex.Decode(out[:], b); err != nil {
		return fmt.Errorf("%w: digest is not hex", ErrInvalidInput)
	}
	*d = out
	return nil
}
