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

// monoNow carries a monotonic clock reading (time.Now has one, JSON drops
// it): a host passing time.Now() hands the library such times.
var monoNow = time.Now()

// replayZones are the zones an input time is written in: state must not
// depend on it (a zone offset with seconds is one RFC 3339 cannot write).
var replayZones = []*time.Location{
	time.UTC,
	time.FixedZone("EST", -5*3600),
	time.FixedZone("IST", 5*3600+30*60),
	time.FixedZone("X", 5*3600+1),
}

// drawTimes draws n input times starting at replayBase: mostly forward by
// up to 3 units, sometimes equal to the one before, sometimes backwards,
// sometimes a jump of up to 40 units; each written in a drawn zone, or
// carrying a monotonic reading (same instant).
func drawTimes(t *rapid.T, n int, unit time.Duration) []time.Time {
	out := make([]time.Time, n)
	cur := replayBase
	for i := range out {
		switch rapid.IntRange(0, 9).Draw(t, "step kind") {
		case 0, 1:
			// equal: the same instant again
		case 2:
			cur = cur.Add(-time.Duration(rapid.Int64Range(1, int64(unit)).Draw(t, "back")))
		case 3:
			cur = cur.Add(time.Duration(rapid.Int64Range(1, 40).Draw(t, "jump")) * unit)
		default:
			cur = cur.Add(time.Duration(rapid.Int64Range(1, 3*int64(unit)).Draw(t, "forward")))
		}
		out[i] = presented(t, cur)
	}
	return out
}

// presented writes the instant at in a drawn zone or with a monotonic
// clock reading.
func presented(t *rapid.T, at time.Time) time.Time {
	k := rapid.IntRange(0, len(replayZones)).Draw(t, "zone")
	if k == len(replayZones) {
		return monoNow.Add(at.Sub(monoNow)) // wall clock at, monotonic reading kept
	}
	return at.In(replayZones[k])
}

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
