package oracle

import (
	"encoding/json"
	"fmt"
)

// Reason says why an aggregation rejected a quote. Match it with ==.
type Reason int

// Rejection reasons, in the order the guards run.
const (
	// ReasonInvalid: the quote failed Quote.Validate, or it has a zero
	// Weight under MethodWeightedMedian (Detail says why).
	ReasonInvalid Reason = iota + 1
	// ReasonStale: observed before now − MaxAge.
	ReasonStale
	// ReasonFuture: observed after now + MaxFutureSkew.
	ReasonFuture
	// ReasonBounds: price at or below MinAnswer, or at or above MaxAnswer
	// (Chainlink minAnswer/maxAnswer: a clamped answer is a failure).
	ReasonBounds
	// ReasonConfidence: confidence / price above MaxConfidenceRatio (Pyth).
	ReasonConfidence
	// ReasonDuplicate: another quote of the same source was counted (one
	// source, one vote), or the source sent conflicting quotes.
	ReasonDuplicate
	// ReasonOutlier: further than MaxDeviation from the median of all
	// remaining quotes.
	ReasonOutlier
)

var reasonNames = [...]string{
	ReasonInvalid:    "invalid",
	ReasonStale:      "stale",
	ReasonFuture:     "future",
	ReasonBounds:     "bounds",
	ReasonConfidence: "confidence",
	ReasonDuplicate:  "duplicate",
	ReasonOutlier:    "outlier",
}

// String returns the reason's short name ("stale", "outlier", ...).
func (r Reason) String() string {
	if r > 0 && int(r) < len(reasonNames) {
		return reasonNames[r]
	}
	return "unknown"
}

// MarshalJSON writes the reason's name.
func (r Reason) MarshalJSON() ([]byte, error) { return json.Marshal(r.String()) }

// UnmarshalJSON reads a reason's name as MarshalJSON writes it, so a logged
// Result or FeedUpdate decodes back; an unknown name is an error.
func (r *Reason) UnmarshalJSON(b []byte) error {
	var name string
	if err := json.Unmarshal(b, &name); err != nil {
		return fmt.Errorf("%w: reason: %w", ErrInvalidSnapshot, err)
	}
	for i, n := range reasonNames {
		if n != "" && n == name {
			*r = Reason(i)
			return nil
		}
	}
	return fmt.Errorf("%w: unknown reason %q", ErrInvalidSnapshot, name)
}

// Rejection is one quote an aggregation did not use, and why.
type Rejection struct {
	Quote Quote `json:"quote"` // the rejected quote, as given
	// Index is the quote's position in the input slice.
	Index  int    `json:"index"`
	Reason Reason `json:"reason"` // the guard that rejected it
	// Detail is a human-readable explanation (the limit that was crossed).
	Detail string `json:"detail"`
}
