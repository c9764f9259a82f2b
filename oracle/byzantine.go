package oracle

import (
	"fmt"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
)

// OCRObservation is one oracle node's value in a Byzantine-quorum round.
type OCRObservation struct {
	Observer string          `json:"observer"`
	Value    decimal.Decimal `json:"value"`
}

// QuorumSettings describe an OCR-style committee: N observers of which at
// most F may be faulty (arbitrary, malicious values).
type QuorumSettings struct {
	// N is the number of observers. Required: 1 ≤ N ≤ MaxQuotes and N > 3F
	// (Chainlink OCR's configuration rule, libocr config checks: n > 3f).
	N int
	// F is the number of faulty observers tolerated, ≥ 0.
	F int
}

// ByzantineMedian is Chainlink Off-Chain Reporting's median: a report
// needs more than 2F observations (libocr: a report with ≤ 2f
// observations is refused), from distinct observers, at most N of them;
// its value is the element at index len/2 of the sorted observations (the
// upper median for an even count: libocr median plugin
// observations[len(observations)/2]; ties broken by observer name so the
// answer never depends on input order).
//
// Why it is safe: with at most F faulty among k > 2F observations, at
// least k − F > F are honest, so fewer than half of the values lie
// strictly below the smallest honest value and fewer than half strictly
// above the largest; the element at len/2 therefore lies within the
// honest observations' range whatever the faulty ones say
// (TestPropByzantineMedianWithinHonestRange). Below the quorum it is
// ErrNoQuorum, never a price. Values are exact; nothing is rounded.
func ByzantineMedian(s QuorumSettings, obs []OCRObservation) (decimal.Decimal, error) {
	if s.F < 0 || s.N < 1 || s.N > MaxQuotes || s.N <= 3*s.F {
		return decimal.Zero, fmt.Errorf("%w: quorum needs 1 ≤ N ≤ %d, F ≥ 0 and N > 3F (N %d, F %d)", ErrInvalidSettings, MaxQuotes, s.N, s.F)
	}
	if len(obs) > s.N {
		return decimal.Zero, fmt.Errorf("%w: %d observations from a committee of %d", ErrInvalidInput, len(obs), s.N)
	}
	sorted := slices.Clone(obs)
	for i, o := range sorted {
		if o.Observer == "" {
			return decimal.Zero, fmt.Errorf("%w: observation %d has no observer", ErrInvalidInput, i)
		}
		if err := num.Check(o.Value); err != nil {
			return decimal.Zero, fmt.Errorf("%w: observer %q: %w", ErrInvalidInput, o.Observer, err)
		}
	}
	slices.SortFunc(sorted, func(a, b OCRObservation) int { return strings.Compare(a.Observer, b.Observer) })
	for i := 1; i < len(sorted); i++ {
		if sorted[i].Observer == sorted[i-1].Observer {
			return decimal.Zero, fmt.Errorf("%w: observer %q twice", ErrInvalidInput, sorted[i].Observer)
		}
	}
	if len(sorted) <= 2*s.F {
		return decimal.Zero, fmt.Errorf("%w: %d observations, need more than 2F = %d", ErrNoQuorum, len(sorted), 2*s.F)
	}
	slices.SortStableFunc(sorted, func(a, b OCRObservation) int { return a.Value.Cmp(b.Value) })
	return sorted[len(sorted)/2].Value, nil
}
