package breaker

import (
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"

	"github.com/failsafe-fi/failsafe/internal/testkit"
)

// Deterministic replay (DESIGN.md rule 11, issue 14 item 1): for every
// stateful type of the package, the state after Snapshot at input k,
// written to JSON, read back and restored, plus inputs k+1… replayed, is
// the uninterrupted run's state after every input, with the same results
// and the same errors (testkit.CheckReplay). The inputs are each type's
// real operations, refusals included (times going back, bad values, calls
// in the wrong state), written in any zone or with a monotonic clock
// reading, as a host passing time.Now() would. This file holds the
// generators and the triggers; replay_limits_test.go the throttles, the
// outflow limiter and the service breaker; replay_market_test.go the
// Market (with its volatility band and its halt sources), the kill switch
// and the market-wide breaker.

// replayBase is the first input time of every replay property.
var replayBase = time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)

// badValues are values no trigger, band or limiter accepts as a price (a
// LevelTrigger takes zero and negative metrics, not the absurd ones).
var badValues = []decimal.Decimal{decimal.Zero, decimal.NewFromInt(-3), decimal.New(1, -40), decimal.New(1, 40)}

// drawValue draws a value in [lo, hi] hundredths, and one in ten times a
// bad one.
func drawValue(t *rapid.T, label string, lo, hi int64) decimal.Decimal {
	if rapid.IntRange(0, 9).Draw(t, label+" bad?") == 0 {
		return rapid.SampledFrom(badValues).Draw(t, label+" bad")
	}
	return decimal.New(rapid.Int64Range(lo, hi).Draw(t, label), -2)
}

// replayIn is one input of a replay property: an operation, its time and
// its arguments (unused ones zero).
type replayIn struct {
	Op     int
	At     time.Time
	Until  time.Time
	V      decimal.Decimal
	N      int
	Name   string
	Reason string
	Actor  string
}

// drawInputs draws 1…40 inputs of ops (an op weighted by how often it
// appears), times stepping by unit; more fills in each input's arguments.
func drawInputs(t *rapid.T, ops []int, unit time.Duration, more func(t *rapid.T, in *replayIn)) []replayIn {
	n := rapid.IntRange(1, 40).Draw(t, "inputs")
	ts := testkit.DrawTimes(t, replayBase, n, unit)
	out := make([]replayIn, n)
	for i := range out {
		out[i] = replayIn{Op: rapid.SampledFrom(ops).Draw(t, "op"), At: ts[i]}
		more(t, &out[i])
	}
	return out
}

// Mutation seen failing: RestoreLevel restoring Since as Last (since:
// instant(snap.Last)); Snapshot writing Count as 0 (the snapshots still
// digest alike, but a restored trigger needs two new breaches in a row
// where the original trips on the next one).
func TestReplayLevel(t *testing.T) {
	s := LevelSettings{Name: "spread", Trip: decimal.NewFromInt(100), Reset: decimal.NewFromInt(90), Consecutive: 2,
		MinTripped: 5 * time.Minute}
	rapid.Check(t, func(t *rapid.T) {
		in := drawInputs(t, []int{0}, time.Minute, func(t *rapid.T, in *replayIn) {
			in.V = drawValue(t, "value", 8500, 10500)
			if rapid.Bool().Draw(t, "at a level?") { // on, just inside and just past the trip and reset levels
				in.V = decimal.New(rapid.SampledFrom([]int64{8999, 9000, 9001, 9999, 10000, 10001}).Draw(t, "near a level"), -2)
			}
		})
		testkit.CheckReplay(t, testkit.Replayable[*LevelTrigger, LevelSnapshot, replayIn]{
			New:      func() (*LevelTrigger, error) { return NewLevel(s) },
			Apply:    func(l *LevelTrigger, in replayIn) (any, error) { return l.Observe(in.At, in.V) },
			Snapshot: (*LevelTrigger).Snapshot,
			Restore:  func(snap LevelSnapshot) (*LevelTrigger, error) { return RestoreLevel(s, snap) },
		}, in)
	})
}

// Mutation seen failing: RestoreChange dropping the oldest window point
// (t.win = t.win[1:] when it holds two or more).
func TestReplayChange(t *testing.T) {
	s := ChangeSettings{Name: "drop", Direction: Below, Threshold: decimal.New(5, -2), Window: 10 * time.Minute,
		MinTripped: 2 * time.Minute}
	rapid.Check(t, func(t *rapid.T) {
		in := drawInputs(t, []int{0}, time.Minute, func(t *rapid.T, in *replayIn) {
			in.V = drawValue(t, "value", 9000, 10500)
		})
		testkit.CheckReplay(t, testkit.Replayable[*ChangeTrigger, ChangeSnapshot, replayIn]{
			New:      func() (*ChangeTrigger, error) { return NewChange(s) },
			Apply:    func(c *ChangeTrigger, in replayIn) (any, error) { return c.Observe(in.At, in.V) },
			Snapshot: (*ChangeTrigger).Snapshot,
			Restore:  func(snap ChangeSnapshot) (*ChangeTrigger, error) { return RestoreChange(s, snap) },
		}, in)
	})
}

// Mutation seen failing: RestoreAnomaly restoring WindowLast as the
// baseline (winLast: snap.Baseline).
func TestReplayAnomaly(t *testing.T) {
	s := AnomalySettings{Name: "liquidity", Window: time.Minute, WarmUp: 3}
	rapid.Check(t, func(t *rapid.T) {
		in := drawInputs(t, []int{0}, 30*time.Second, func(t *rapid.T, in *replayIn) {
			in.V = drawValue(t, "value", 9500, 10500)
			if rapid.IntRange(0, 7).Draw(t, "spike?") == 0 {
				in.V = decimal.New(rapid.Int64Range(5000, 20000).Draw(t, "spike"), -2)
			}
		})
		testkit.CheckReplay(t, testkit.Replayable[*AnomalyTrigger, AnomalySnapshot, replayIn]{
			New:      func() (*AnomalyTrigger, error) { return NewAnomaly(s) },
			Apply:    func(a *AnomalyTrigger, in replayIn) (any, error) { return a.Observe(in.At, in.V) },
			Snapshot: (*AnomalyTrigger).Snapshot,
			Restore:  func(snap AnomalySnapshot) (*AnomalyTrigger, error) { return RestoreAnomaly(s, snap) },
		}, in)
	})
}

// composed is a Composite over a LevelTrigger and a ChangeTrigger: the
// composite has no metric of its own, so it is replayed with its members.
type composed struct {
	level  *LevelTrigger
	change *ChangeTrigger
	c      *Composite
}

// composedSnapshot is the state of a composed: each part's snapshot.
type composedSnapshot struct {
	Level     LevelSnapshot     `json:"level"`
	Change    ChangeSnapshot    `json:"change"`
	Composite CompositeSnapshot `json:"composite"`
}

// Mutation seen failing: RestoreComposite restoring Since as Last
// (c.since = instant(snap.Last)).
func TestReplayComposite(t *testing.T) {
	ls := LevelSettings{Name: "spread", Trip: decimal.NewFromInt(100), Reset: decimal.NewFromInt(90)}
	cs := ChangeSettings{Name: "drop", Direction: Below, Threshold: decimal.New(5, -2), Window: 10 * time.Minute}
	const level, change, evaluate = 0, 1, 2
	for _, mode := range []Mode{AnyOf, AllOf} {
		t.Run(mode.String(), func(t *testing.T) {
			rapid.Check(t, func(t *rapid.T) {
				in := drawInputs(t, []int{level, change, evaluate, evaluate}, time.Minute, func(t *rapid.T, in *replayIn) {
					in.V = drawValue(t, "value", 8500, 10500)
				})
				testkit.CheckReplay(t, testkit.Replayable[composed, composedSnapshot, replayIn]{
					New: func() (composed, error) {
						l, _ := NewLevel(ls)
						ch, _ := NewChange(cs)
						c, err := NewComposite("risk", mode, l, ch)
						return composed{l, ch, c}, err
					},
					Apply: func(x composed, in replayIn) (any, error) {
						switch in.Op {
						case level:
							return x.level.Observe(in.At, in.V)
						case change:
							return x.change.Observe(in.At, in.V)
						}
						return x.c.Evaluate(in.At)
					},
					Snapshot: func(x composed) composedSnapshot {
						return composedSnapshot{x.level.Snapshot(), x.change.Snapshot(), x.c.Snapshot()}
					},
					Restore: func(snap composedSnapshot) (composed, error) {
						l, err := RestoreLevel(ls, snap.Level)
						if err != nil {
							return composed{}, err
						}
						ch, err := RestoreChange(cs, snap.Change)
						if err != nil {
							return composed{}, err
						}
						c, err := RestoreComposite("risk", mode, snap.Composite, l, ch)
						return composed{l, ch, c}, err
					},
				}, in)
			})
		})
	}
}
