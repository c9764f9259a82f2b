package oracle

import (
	"time"

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

// Deterministic replay (DESIGN.md rule 11, issue 14 item 1): for every
// stateful type of the package, the state after Snapshot at input k,
// written to JSON, read back and restored, plus inputs k+1… replayed, is
// the uninterrupted run's state after every input, with the same results
// and the same errors (testkit.CheckReplay). The inputs are each type's
// real operations, including the ones it refuses (times going back, bad
// prices, calls in the wrong state), so refusals are replayed too. The
// properties live in replay_types_test.go; this file holds the shared
// input generators.

// replayBase is the first input time of every replay property.
var replayBase = time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)

// badPrices are prices every stateful type refuses.
var badPrices = []decimal.Decimal{decimal.Zero, decimal.NewFromInt(-3), decimal.New(1, -40), decimal.New(1, 40)}

// drawPrice draws a price near 100 (so guards and jumps trigger), and one
// in ten times a bad one.
func drawPrice(t *rapid.T, label string) decimal.Decimal {
	if rapid.IntRange(0, 9).Draw(t, label+" bad?") == 0 {
		return rapid.SampledFrom(badPrices).Draw(t, label+" bad")
	}
	return decimal.New(rapid.Int64Range(8000, 12000).Draw(t, label), -2)
}
