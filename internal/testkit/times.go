package testkit

import (
	"time"

	"pgregory.net/rapid"
)

// monoNow carries a monotonic clock reading (time.Now has one, JSON drops
// it): a host passing time.Now() hands the library such times.
var monoNow = time.Now()

// replayZones are the zones an input time is written in: no state or
// result may depend on it (a zone offset with seconds is one RFC 3339
// cannot write).
var replayZones = []*time.Location{
	time.UTC,
	time.FixedZone("EST", -5*3600),
	time.FixedZone("IST", 5*3600+30*60),
	time.FixedZone("X", 5*3600+1),
}

// DrawTimes draws n input times starting at base for a replay property:
// mostly forward by up to 3 units, sometimes equal to the one before,
// sometimes backwards, sometimes a jump of up to 40 units; each written in
// a drawn zone or carrying a monotonic reading (Presented).
func DrawTimes(t *rapid.T, base time.Time, n int, unit time.Duration) []time.Time {
	out := make([]time.Time, n)
	cur := base
	for i := range out {
		switch rapid.IntRange(0, 9).Draw(t, "step kind") {
		case 0, 1:
			// the same instant again
		case 2:
			cur = cur.Add(-time.Duration(rapid.Int64Range(1, int64(unit)).Draw(t, "back")))
		case 3:
			cur = cur.Add(time.Duration(rapid.Int64Range(1, 40).Draw(t, "jump")) * unit)
		default:
			cur = cur.Add(time.Duration(rapid.Int64Range(1, 3*int64(unit)).Draw(t, "forward")))
		}
		out[i] = Presented(t, cur)
	}
	return out
}

// Presented returns the instant at written in a drawn zone, or with a
// monotonic clock reading: the same instant in every form a host may pass.
func Presented(t *rapid.T, at time.Time) time.Time {
	k := rapid.IntRange(0, len(replayZones)).Draw(t, "zone")
	if k == len(replayZones) {
		return monoNow.Add(at.Sub(monoNow)) // wall clock at, monotonic reading kept
	}
	return at.In(replayZones[k])
}
