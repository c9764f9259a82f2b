package oracle

import "fmt"

// Status is a Feed's condition.
type Status int

// Feed statuses.
const (
	// StatusEmpty: no price accepted yet.
	StatusEmpty Status = iota
	// StatusLive: the last update accepted a price from the primary tier.
	StatusLive
	// StatusFallback: the last update accepted a price from a secondary tier.
	StatusFallback
	// StatusStale: the last update produced no acceptable price; the last
	// good price is kept and served until it is older than MaxAge.
	StatusStale
	// StatusHalted: halted by the host; Price returns ErrHalted.
	StatusHalted
)

var statusNames = [...]string{"empty", "live", "fallback", "stale", "halted"}

// String returns the status name ("live", "fallback", ...).
func (s Status) String() string {
	if s >= 0 && int(s) < len(statusNames) {
		return statusNames[s]
	}
	return "unknown"
}

// MarshalText writes the status name.
func (s Status) MarshalText() ([]byte, error) {
	if s < 0 || int(s) >= len(statusNames) {
		return nil, fmt.Errorf("%w: unknown status %d", ErrInvalidSnapshot, int(s))
	}
	return []byte(s.String()), nil
}

// UnmarshalText parses a status name.
func (s *Status) UnmarshalText(b []byte) error {
	for i, n := range statusNames {
		if n == string(b) {
			*s = Status(i)
			return nil
		}
	}
	return fmt.Errorf("%w: unknown status %q", ErrInvalidSnapshot, b)
}
