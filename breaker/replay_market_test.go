package breaker

import (
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"

	"github.com/failsafe-fi/failsafe/internal/testkit"
)

// Market inputs.
const (
	mCheck = iota
	mObserve
	mTrade
	mHalt
	mClear
	mStatus
	mEngage  // kill switch
	mRelease // kill switch
	mIndex   // market-wide breaker
)

// marketOps are a Market's own operations, Observe the most frequent.
var marketOps = []int{mCheck, mObserve, mObserve, mObserve, mObserve, mTrade, mHalt, mClear, mStatus}

// drawMarketIn fills a Market input: a price near 100 that walks out of
// a 5% band now and then (bad ones included), a halt cause and its end.
func drawMarketIn(t *rapid.T, in *replayIn) {
	in.V = drawValue(t, "price", 9000, 11000)
	in.Name = rapid.SampledFrom([]string{"news", "ops", "", CauseLimitPause}).Draw(t, "cause")
	if rapid.Bool().Draw(t, "until?") {
		in.Until = in.At.Add(time.Duration(rapid.Int64Range(-1, 60).Draw(t, "until")) * time.Second)
	}
	in.Actor = rapid.SampledFrom([]string{"alice", "bob"}).Draw(t, "actor")
	in.Reason = "drill"
}

// applyMarket applies one of a Market's own operations.
func applyMarket(m *Market, in replayIn) (any, error) {
	switch in.Op {
	case mCheck:
		return m.Check(in.At, in.V)
	case mObserve:
		return m.Observe(in.At, in.V)
	case mTrade:
		return m.Trade(in.At, in.V)
	case mHalt:
		return m.Halt(in.At, in.Name, in.Reason, in.Actor, in.Until)
	case mClear:
		return m.Clear(in.At, in.Name, in.Actor)
	}
	return m.Status(in.At)
}

// replayMarketSettings is a LULD Tier 1 market with a short reference
// window, limit state and pause, and widened-band windows at 09:31–09:33
// and 09:40–09:50 UTC written in New York time (UTC−5), so the inputs
// cross them.
func replayMarketSettings() MarketSettings {
	return MarketSettings{
		ID: "ACME",
		Band: BandSettings{Location: time.FixedZone("ET", -5*3600), Widened: []Window{
			{Start: 4*time.Hour + 31*time.Minute, End: 4*time.Hour + 33*time.Minute},
			{Start: 4*time.Hour + 40*time.Minute, End: 4*time.Hour + 50*time.Minute},
		}},
		ReferenceWindow: 2 * time.Minute, ReferenceResolution: 10 * time.Second,
		LimitDuration: 15 * time.Second, PauseDuration: time.Minute,
	}
}

// Mutation seen failing: RestoreMarket dropping WidenNext (m.widenNext =
// time.Time{}); restoring LimitSince as Last (refused: a limit timer in
// state open); Snapshot leaving out the reference window (Window: nil:
// the snapshots digest alike, and the restored market's reference mean
// then differs).
func TestReplayMarket(t *testing.T) {
	for _, c := range []struct {
		name string
		s    func() MarketSettings
	}{
		{"luld", replayMarketSettings},
		{"reference set", func() MarketSettings {
			s := replayMarketSettings()
			s.Reference = decimal.NewFromInt(100)
			return s
		}},
		{"crypto bands", func() MarketSettings { // 5 significant figures: increments 0.01 at 100, 0.1 at 1,000
			s := replayMarketSettings()
			s.Band = CryptoBands()
			return s
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			rapid.Check(t, func(t *rapid.T) {
				in := drawInputs(t, marketOps, 5*time.Second, drawMarketIn)
				testkit.CheckReplay(t, testkit.Replayable[*Market, MarketSnapshot, replayIn]{
					New:      func() (*Market, error) { return NewMarket(c.s()) },
					Apply:    applyMarket,
					Snapshot: (*Market).Snapshot,
					Restore:  func(snap MarketSnapshot) (*Market, error) { return RestoreMarket(c.s(), snap) },
				}, in)
			})
		})
	}
}

// Mutation seen failing: restoreVol dropping Returns (returns: 0);
// dropping SamplePrice (samplePrice: decimal.Zero); Snapshot leaving out
// HeldWidening (the defect this property found: see
// TestVolatilityBandHeldWideningRestores).
func TestReplayMarketVolatilityBand(t *testing.T) {
	s := func() MarketSettings {
		s := replayMarketSettings()
		s.Volatility = VolatilitySettings{K: decimal.NewFromInt(3), Interval: 10 * time.Second,
			Initial: decimal.New(1, -2), Floor: decimal.New(2, -2), Cap: decimal.New(2, -1)}
		return s
	}
	rapid.Check(t, func(t *rapid.T) {
		in := drawInputs(t, append(marketOps, mStatus+1), 5*time.Second, drawMarketIn)
		testkit.CheckReplay(t, testkit.Replayable[*Market, MarketSnapshot, replayIn]{
			New: func() (*Market, error) { return NewMarket(s()) },
			Apply: func(m *Market, in replayIn) (any, error) {
				if in.Op == mStatus+1 {
					v, _ := m.Volatility()
					return v, nil
				}
				return applyMarket(m, in)
			},
			Snapshot: (*Market).Snapshot,
			Restore:  func(snap MarketSnapshot) (*Market, error) { return RestoreMarket(s(), snap) },
		}, in)
	})
}

// venue is a Market whose halt sources are a KillSwitch and a MarketWide
// breaker: the sources are state too, so they are replayed with it.
type venue struct {
	ks, desk *KillSwitch // two switches: the market merges their halts into one cause
	mw       *MarketWide
	m        *Market
}

// venueSnapshot is a venue's state: each part's snapshot.
type venueSnapshot struct {
	KillSwitch KillSwitchSnapshot `json:"kill_switch"`
	Desk       KillSwitchSnapshot `json:"desk"`
	Wide       WideSnapshot       `json:"wide"`
	Market     MarketSnapshot     `json:"market"`
}

// replayWide is a 24/7 market-wide breaker over a 10-minute rolling
// reference: levels at 3%, 6% and 9% halting 1 minute, 2 minutes and a
// whole rolling window.
func replayWide() WideSettings {
	return WideSettings{Name: "mwcb", Rolling: 10 * time.Minute, SampleEvery: 30 * time.Second, Levels: []WideLevel{
		{Decline: decimal.New(3, -2), Halt: time.Minute},
		{Decline: decimal.New(6, -2), Halt: 2 * time.Minute},
		{Decline: decimal.New(9, -2)},
	}}
}

// Mutation seen failing: RestoreMarket dropping External (m.ext = nil);
// RestoreKillSwitch dropping the engaged entries (engaged: nil).
func TestReplayMarketWithHaltSources(t *testing.T) {
	ms := func(v venue) MarketSettings {
		s := replayMarketSettings()
		s.Sources = []HaltSource{v.ks, v.mw, v.desk}
		return s
	}
	const mDesk = mIndex + 1 // engage or release the second switch
	rapid.Check(t, func(t *rapid.T) {
		ops := append(marketOps, mEngage, mRelease, mIndex, mIndex, mDesk)
		in := drawInputs(t, ops, 5*time.Second, func(t *rapid.T, in *replayIn) {
			drawMarketIn(t, in)
			if in.Op == mEngage || in.Op == mRelease || in.Op == mDesk {
				in.Name = rapid.SampledFrom([]string{"ACME", AllMarkets, "OTHER", ""}).Draw(t, "target")
			}
		})
		testkit.CheckReplay(t, testkit.Replayable[venue, venueSnapshot, replayIn]{
			New: func() (venue, error) {
				mw, err := NewMarketWide(replayWide())
				if err != nil {
					return venue{}, err
				}
				v := venue{ks: NewKillSwitch(), desk: NewKillSwitch(), mw: mw}
				v.m, err = NewMarket(ms(v))
				return v, err
			},
			Apply: func(v venue, in replayIn) (any, error) {
				switch in.Op {
				case mDesk:
					if len(v.desk.Engaged()) == 0 {
						return v.desk.Engage(in.At, in.Name, "desk "+in.Reason, in.Actor)
					}
					return v.desk.Release(in.At, in.Name, "desk "+in.Reason, in.Actor)
				case mEngage:
					return v.ks.Engage(in.At, in.Name, in.Reason, in.Actor)
				case mRelease:
					return v.ks.Release(in.At, in.Name, in.Reason, in.Actor)
				case mIndex:
					return v.mw.Observe(in.At, in.V)
				}
				return applyMarket(v.m, in)
			},
			Snapshot: func(v venue) venueSnapshot {
				return venueSnapshot{v.ks.Snapshot(), v.desk.Snapshot(), v.mw.Snapshot(), v.m.Snapshot()}
			},
			Restore: func(snap venueSnapshot) (venue, error) {
				var v venue
				var err error
				if v.ks, err = RestoreKillSwitch(snap.KillSwitch); err != nil {
					return venue{}, err
				}
				if v.desk, err = RestoreKillSwitch(snap.Desk); err != nil {
					return venue{}, err
				}
				if v.mw, err = RestoreMarketWide(replayWide(), snap.Wide); err != nil {
					return venue{}, err
				}
				v.m, err = RestoreMarket(ms(v), snap.Market)
				return v, err
			},
		}, in)
	})
}

// Mutation seen failing: RestoreKillSwitch dropping Last (last:
// time.Time{}: refused while an entry is engaged, and otherwise the
// restored switch accepts a call dated before its last one).
func TestReplayKillSwitch(t *testing.T) {
	const engage, release, haltFor = 0, 1, 2
	rapid.Check(t, func(t *rapid.T) {
		in := drawInputs(t, []int{engage, engage, release, haltFor}, time.Minute, func(t *rapid.T, in *replayIn) {
			in.Name = rapid.SampledFrom([]string{"BTC", "ETH", AllMarkets, ""}).Draw(t, "target")
			in.Reason = rapid.SampledFrom([]string{"exploit", ""}).Draw(t, "reason")
			in.Actor = rapid.SampledFrom([]string{"alice", "bob"}).Draw(t, "actor")
		})
		testkit.CheckReplay(t, testkit.Replayable[*KillSwitch, KillSwitchSnapshot, replayIn]{
			New: func() (*KillSwitch, error) { return NewKillSwitch(), nil },
			Apply: func(k *KillSwitch, in replayIn) (any, error) {
				switch in.Op {
				case engage:
					return k.Engage(in.At, in.Name, in.Reason, in.Actor)
				case release:
					return k.Release(in.At, in.Name, in.Reason, in.Actor)
				}
				h, ok := k.HaltFor(in.At, in.Name)
				return []any{h, ok}, nil
			},
			Snapshot: (*KillSwitch).Snapshot,
			Restore:  RestoreKillSwitch,
		}, in)
	})
}

// Mutation seen failing: RestoreMarketWide re-arming every level
// (triggered: make([]time.Time, n)); restoring HaltSince as HaltUntil.
// The session case found a snapshot that did not restore (see
// TestMarketWideHaltCarriedIntoASessionRestores).
func TestReplayMarketWide(t *testing.T) {
	for _, c := range []struct {
		name string
		s    func() WideSettings
	}{
		{"session", func() WideSettings {
			s := replayWide()
			s.Rolling, s.LateCutoff = 0, 2*time.Minute
			return s
		}},
		{"rolling", replayWide},
	} {
		t.Run(c.name, func(t *testing.T) {
			const observe, session, haltFor = 0, 1, 2
			rapid.Check(t, func(t *rapid.T) {
				in := drawInputs(t, []int{observe, observe, observe, observe, session, haltFor}, 20*time.Second, func(t *rapid.T, in *replayIn) {
					in.V = drawValue(t, "index", 8800, 10200)
					in.Until = in.At.Add(time.Duration(rapid.Int64Range(-1, 15).Draw(t, "session length")) * time.Minute)
				})
				testkit.CheckReplay(t, testkit.Replayable[*MarketWide, WideSnapshot, replayIn]{
					New: func() (*MarketWide, error) { return NewMarketWide(c.s()) },
					Apply: func(w *MarketWide, in replayIn) (any, error) {
						switch in.Op {
						case observe:
							return w.Observe(in.At, in.V)
						case session:
							return w.StartSession(in.V, in.At, in.Until)
						}
						h, ok := w.HaltFor(in.At, "ACME")
						return []any{h, ok}, nil
					},
					Snapshot: (*MarketWide).Snapshot,
					Restore:  func(snap WideSnapshot) (*MarketWide, error) { return RestoreMarketWide(c.s(), snap) },
				}, in)
			})
		})
	}
}
