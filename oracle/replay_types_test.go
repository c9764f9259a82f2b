package oracle

import (
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"

	"github.com/failsafe-fi/failsafe/internal/testkit"
)

// One input of a replay property: an operation, its time and its
// arguments (unused ones zero).
type replayIn struct {
	Op     int
	At     time.Time
	P      decimal.Decimal
	Q      []Quote
	Round  SequencerRound
	Bid    decimal.Decimal
	Ask    decimal.Decimal
	Mark   MarkInputs
	Reason string
}

// drawInputs draws 1…40 inputs of ops operations (op weighted by the
// number of times it appears in ops), times stepping by unit; more fills
// in the arguments of each.
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

// Mutation seen failing: RestoreDelayed dropping Stopped (stopped: false:
// the restored state digests differently); Snapshot writing LastPoke as
// LastChange (a restored Delayed accepts a call dated between its last
// poke and its last stop, which the original refuses); Poke without
// instant(now) (a poke in a non-UTC zone is kept in that zone, and the
// restored snapshot, read back in UTC, digests differently).
func TestReplayDelayed(t *testing.T) {
	s := DelayedSettings{Market: "ETH", Hop: time.Hour, MaxAge: 2 * time.Hour}
	const poke, stop, start, void, price = 0, 1, 2, 3, 4
	rapid.Check(t, func(t *rapid.T) {
		in := drawInputs(t, []int{poke, poke, poke, stop, start, void, price}, 30*time.Minute, func(t *rapid.T, in *replayIn) {
			in.P = drawPrice(t, "price")
		})
		testkit.CheckReplay(t, testkit.Replayable[*Delayed, DelayedSnapshot, replayIn]{
			New: func() (*Delayed, error) { return NewDelayed(s) },
			Apply: func(d *Delayed, in replayIn) (any, error) {
				switch in.Op {
				case poke:
					return d.Poke(in.At, in.P)
				case stop:
					return d.Stop(in.At)
				case start:
					return d.Start(in.At)
				case void:
					return d.Void(in.At)
				}
				return d.Price(in.At)
			},
			Snapshot: (*Delayed).Snapshot,
			Restore:  func(snap DelayedSnapshot) (*Delayed, error) { return RestoreDelayed(s, snap) },
		}, in)
	})
}

// Mutation seen failing: RestoreEMA restoring Value as the last Price
// (price: snap.Value); restoring Value as Min (min: snap.Value).
func TestReplayEMA(t *testing.T) {
	s := EMASettings{HalfLife: 10 * time.Minute, Scale: 8}
	const update, value = 0, 1
	rapid.Check(t, func(t *rapid.T) {
		in := drawInputs(t, []int{update, update, value}, 5*time.Minute, func(t *rapid.T, in *replayIn) {
			in.P = drawPrice(t, "price")
		})
		testkit.CheckReplay(t, testkit.Replayable[*EMA, EMASnapshot, replayIn]{
			New: func() (*EMA, error) { return NewEMA(s) },
			Apply: func(e *EMA, in replayIn) (any, error) {
				if in.Op == update {
					return e.Update(in.At, in.P)
				}
				return e.Value(in.At)
			},
			Snapshot: (*EMA).Snapshot,
			Restore:  func(snap EMASnapshot) (*EMA, error) { return RestoreEMA(s, snap) },
		}, in)
	})
}

// Mutation seen failing: RestoreTWAP dropping the oldest observation
// (w.obs = w.obs[1:] when there are two or more).
func TestReplayTWAP(t *testing.T) {
	s := TWAPSettings{Window: 30 * time.Minute, Scale: 8, MaxObservations: 4, MinCoverage: 10 * time.Minute}
	const update, value = 0, 1
	rapid.Check(t, func(t *rapid.T) {
		in := drawInputs(t, []int{update, update, value}, 5*time.Minute, func(t *rapid.T, in *replayIn) {
			in.P = drawPrice(t, "price")
		})
		testkit.CheckReplay(t, testkit.Replayable[*TWAP, TWAPSnapshot, replayIn]{
			New: func() (*TWAP, error) { return NewTWAP(s) },
			Apply: func(w *TWAP, in replayIn) (any, error) {
				if in.Op == update {
					return nil, w.Update(in.At, in.P)
				}
				return w.Value(in.At)
			},
			Snapshot: (*TWAP).Snapshot,
			Restore:  func(snap TWAPSnapshot) (*TWAP, error) { return RestoreTWAP(s, snap) },
		}, in)
	})
}

// Mutation seen failing: RestoreSequencer restoring Time as the round's
// StartedAt (snap.Time = snap.Round.StartedAt).
func TestReplaySequencer(t *testing.T) {
	s := SequencerSettings{Name: "arbitrum", GracePeriod: 30 * time.Minute}
	const observe, check = 0, 1
	rapid.Check(t, func(t *rapid.T) {
		in := drawInputs(t, []int{observe, check, check}, 10*time.Minute, func(t *rapid.T, in *replayIn) {
			in.Round.Answer = rapid.SampledFrom([]int64{0, 0, 1, 1, 2}).Draw(t, "answer")
			switch rapid.IntRange(0, 9).Draw(t, "started") {
			case 0:
				// zero: an invalid round
			case 1:
				in.Round.StartedAt = in.At.Add(time.Minute) // after now: refused
			default:
				ago := time.Duration(rapid.Int64Range(0, 90).Draw(t, "started ago")) * time.Minute
				in.Round.StartedAt = in.At.Add(-ago)
			}
		})
		testkit.CheckReplay(t, testkit.Replayable[*Sequencer, SequencerSnapshot, replayIn]{
			New: func() (*Sequencer, error) { return NewSequencer(s) },
			Apply: func(q *Sequencer, in replayIn) (any, error) {
				if in.Op == observe {
					state, evs, err := q.Observe(in.At, in.Round)
					return []any{state, evs}, err
				}
				return q.Check(in.At)
			},
			Snapshot: (*Sequencer).Snapshot,
			Restore:  func(snap SequencerSnapshot) (*Sequencer, error) { return RestoreSequencer(s, snap) },
		}, in)
	})
}

// Mutation seen failing: RestoreFeed moving the accepted time a minute
// back (at: instant(snap.Time).Add(-time.Minute)); restoring LastUpdate
// as the accepted time (lastUpdate: instant(snap.Time)).
func TestReplayFeed(t *testing.T) {
	s := FeedSettings{
		Market: "BTC-USD",
		Tiers: []Tier{
			{Name: "primary", Sources: []string{"a", "b", "c"}, Aggregation: AggregatorSettings{MaxAge: time.Minute, MinSources: 2}},
			{Name: "fallback", Sources: []string{"d"}, Aggregation: AggregatorSettings{MaxAge: time.Minute, MinSources: 1}},
		},
		MaxAge:  3 * time.Minute,
		MaxJump: decimal.New(5, -2),
	}
	const update, halt, resume, price = 0, 1, 2, 3
	rapid.Check(t, func(t *rapid.T) {
		in := drawInputs(t, []int{update, update, update, update, halt, resume, price}, time.Minute, func(t *rapid.T, in *replayIn) {
			for _, src := range []string{"a", "b", "c", "d", "x"} {
				if !rapid.Bool().Draw(t, "quote "+src) {
					continue
				}
				age := time.Duration(rapid.Int64Range(-5, 90).Draw(t, "age")) * time.Second
				in.Q = append(in.Q, Quote{Source: src, Price: drawPrice(t, "quote"), Time: in.At.Add(-age)})
			}
			in.Reason = rapid.SampledFrom([]string{"", "governance"}).Draw(t, "reason")
		})
		testkit.CheckReplay(t, testkit.Replayable[*Feed, FeedSnapshot, replayIn]{
			New: func() (*Feed, error) { return NewFeed(s) },
			Apply: func(f *Feed, in replayIn) (any, error) {
				switch in.Op {
				case update:
					return f.Update(in.At, in.Q)
				case halt:
					return f.Halt(in.At, in.Reason)
				case resume:
					return f.Resume(in.At)
				}
				return f.Price(in.At)
			},
			Snapshot: (*Feed).Snapshot,
			Restore:  func(snap FeedSnapshot) (*Feed, error) { return RestoreFeed(s, snap) },
		}, in)
	})
}

// Mutation seen failing: RestoreFunding dropping the last settlement
// when the interval holds samples (f.st.HasLast, f.st.Last = false,
// FundingRate{}: such a Funding would settle again within the interval).
func TestReplayFunding(t *testing.T) {
	s := BinanceFunding("BTCUSDT", decimal.New(75, -4))
	s.Interval, s.MaxSamples = time.Hour, 4
	const sample, estimate, settle = 0, 1, 2
	rapid.Check(t, func(t *rapid.T) {
		in := drawInputs(t, []int{sample, sample, sample, estimate, settle}, 10*time.Minute, func(t *rapid.T, in *replayIn) {
			if rapid.IntRange(0, 9).Draw(t, "bad premium?") == 0 {
				in.P = rapid.SampledFrom([]decimal.Decimal{decimal.NewFromInt(-2), decimal.NewFromInt(5), decimal.New(1, -40)}).Draw(t, "bad premium")
				return
			}
			in.P = decimal.New(rapid.Int64Range(-200, 200).Draw(t, "premium"), -5)
		})
		testkit.CheckReplay(t, testkit.Replayable[*Funding, FundingSnapshot, replayIn]{
			New: func() (*Funding, error) { return NewFunding(s) },
			Apply: func(f *Funding, in replayIn) (any, error) {
				switch in.Op {
				case sample:
					return nil, f.Sample(in.At, in.P)
				case estimate:
					return f.Estimate(in.At)
				}
				r, evs, err := f.Settle(in.At)
				return []any{r, evs}, err
			},
			Snapshot: (*Funding).Snapshot,
			Restore:  func(snap FundingSnapshot) (*Funding, error) { return RestoreFunding(s, snap) },
		}, in)
	})
}

// Mutation seen failing: RestoreMark dropping the oldest basis sample
// (m.st.Samples[1:] when there are two or more).
func TestReplayMark(t *testing.T) {
	s := MarkSettings{Market: "BTCUSDT", BasisWindow: 5 * time.Minute, MaxBasisSamples: 3, MinBasisSamples: 2,
		FundingInterval: time.Hour, Scale: 8}
	const observe, price = 0, 1
	rapid.Check(t, func(t *rapid.T) {
		in := drawInputs(t, []int{observe, observe, price}, time.Minute, func(t *rapid.T, in *replayIn) {
			in.Bid, in.Ask, in.P = drawPrice(t, "bid"), drawPrice(t, "ask"), drawPrice(t, "index")
			if in.Bid.Cmp(in.Ask) > 0 && rapid.IntRange(0, 4).Draw(t, "crossed?") > 0 {
				in.Bid, in.Ask = in.Ask, in.Bid // mostly uncrossed
			}
			in.Mark = MarkInputs{Index: in.P, Last: drawPrice(t, "last"),
				FundingRate: decimal.New(rapid.Int64Range(-100, 100).Draw(t, "rate"), -5),
				NextFunding: in.At.Add(time.Duration(rapid.Int64Range(-1, 70).Draw(t, "next funding")) * time.Minute)}
		})
		testkit.CheckReplay(t, testkit.Replayable[*Mark, MarkSnapshot, replayIn]{
			New: func() (*Mark, error) { return NewMark(s) },
			Apply: func(m *Mark, in replayIn) (any, error) {
				if in.Op == observe {
					return nil, m.ObserveBasis(in.At, in.Bid, in.Ask, in.P)
				}
				return m.Price(in.At, in.Mark)
			},
			Snapshot: (*Mark).Snapshot,
			Restore:  func(snap MarkSnapshot) (*Mark, error) { return RestoreMark(s, snap) },
		}, in)
	})
}
