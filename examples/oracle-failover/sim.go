package main

import (
	"context"
	"errors"
	"fmt"
	"math/rand"
	"sync/atomic"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/breaker"
	"github.com/failsafe-fi/failsafe/oracle"
)

// The scenario, one step per simulated minute:
//
//	step   alpha                 beta                    gamma
//	1-2    healthy               healthy                 healthy
//	3      spikes +30%           healthy                 healthy
//	4      healthy               stale (frozen at 3)     healthy
//	5-7    healthy               stale                   HTTP 503 (breaker counts 1, 2, 3: opens)
//	8-11   spikes +30%           stale                   breaker open: not called
//	12-29  healthy               fresh again             breaker open: not called
//
// Throughout, the feed is read on an L2 whose sequencer-uptime feed says:
//
//	1-13   up since 06:00 (long past the grace period): prices may be used
//	14-16  down since 12:14: every price refused (oracle.ErrSequencerDown)
//	17-20  up since 12:17, within the 3-minute grace period: refused
//	       (oracle.ErrGracePeriod; at 12:20 exactly 3 minutes have passed,
//	       and Aave's comparison is "more than")
//	21-29  up for more than the grace period: prices used again
//
// Every used price that the feed newly accepted goes through a volatility
// band (breaker.Market with Volatility). Steps 22-27 are a volatile
// stretch: the market swings around its level by 0.5-2%, so σ rises and
// the band widens; at step 28 it drops to 8% below its level (6% below the
// previous price, within the feed's 10% jump limit), more than the width in
// force, and the band refuses the price and enters its limit state; at step 29 the
// limit state has lasted its 15 seconds and become a 5-minute pause.
const (
	steps            = 29
	failureThreshold = 3
	seqDownStep      = 14 // the uptime feed reports down from this step
	seqUpStep        = 17 // ... and up again from this one
	gracePeriod      = 3 * time.Minute
	volatileFrom     = 22 // first step of the volatile stretch
	crashStep        = 28 // the move beyond the width in force
)

// swing is the volatile stretch: the market's level at steps 22-28 as a
// multiple of its level before the stretch (the random walk goes on
// underneath).
var swing = []string{"1.005", "0.993", "1.012", "0.985", "1.020", "0.980", "0.920"}

var start = time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)

// stepReport is what happened at one step.
type stepReport struct {
	Step    int               // 1-based step number
	Now     time.Time         // the simulated clock at this step
	Fetched oracle.Collection // what the collector got from the sources
	Update  oracle.FeedUpdate // what the feed did with those quotes
	// Read is what a consumer got from Feed.Price(Now).
	Read    decimal.Decimal
	ReadErr error                 // why Feed.Price(Now) refused, if it did
	Health  []oracle.SourceHealth // the sources' breakers after the step

	Uptime    oracle.SequencerRound // the sequencer-uptime feed's latest round
	NewUptime bool                  // the round differs from the previous step's
	SeqEvents []oracle.Event        // the sequencer gate's transitions
	GateErr   error                 // why Sequencer.Check(Now) refused, if it did

	Band band // what the volatility band did with the price
}

// band is what the volatility band did at one step. When Fed is false the
// price never reached it (Why says why) and only VolIn and Vol are set.
type band struct {
	Fed      bool
	Why      string
	Price    decimal.Decimal         // the price fed
	Before   breaker.Band            // the band in force when the price arrived
	VolIn    breaker.VolatilityState // σ and the width in force before the price
	Decision breaker.Decision        // Market.Observe's answer
	Vol      breaker.VolatilityState // σ and the width after the price
}

// world holds the scripted behaviour of the simulated sources at the
// current step. It is written only between collections.
type world struct {
	step  int
	now   time.Time
	plan  map[string]planned
	calls map[string]*atomic.Int32
}

type planned struct {
	quote oracle.Quote
	err   error
}

// simSource is an oracle.Source that answers from the world's plan.
type simSource struct {
	name string
	w    *world
}

// Name returns the source's name.
func (s simSource) Name() string { return s.name }

// Fetch answers from the world's plan for the current step.
func (s simSource) Fetch(ctx context.Context) (oracle.Quote, error) {
	s.w.calls[s.name].Add(1)
	if err := ctx.Err(); err != nil {
		return oracle.Quote{}, err
	}
	p := s.w.plan[s.name]
	return p.quote, p.err
}

var errUpstream = errors.New("HTTP 503 from upstream")

// feedSettings: the primary tier wants two agreeing fresh sources; the
// fallback takes any single fresh source, protected by the feed's 10% jump
// limit.
func feedSettings() oracle.FeedSettings {
	names := []string{"alpha", "beta", "gamma"}
	return oracle.FeedSettings{
		Tiers: []oracle.Tier{
			{Name: "median-of-3", Sources: names, Aggregation: oracle.AggregatorSettings{
				MaxAge: 90 * time.Second, MinSources: 2,
				MaxDeviation: decimal.RequireFromString("0.05"),
				MaxSpread:    decimal.RequireFromString("0.02"),
				Scale:        2,
			}},
			{Name: "any-single", Sources: names, Aggregation: oracle.AggregatorSettings{
				MaxAge: 90 * time.Second, MinSources: 1, Scale: 2,
			}},
		},
		MaxAge:  3 * time.Minute,
		MaxJump: decimal.RequireFromString("0.10"),
	}
}

// marketSettings: the volatility band on the used price. Its width is
// 4 × σ of one-minute returns (σ starts at 0.5% a minute), never below 1%
// nor above 10% of the reference; the reference, limit state (15 s) and
// pause (5 minutes) are LULD's defaults.
func marketSettings() breaker.MarketSettings {
	return breaker.MarketSettings{
		ID: "ETH-USD",
		Volatility: breaker.VolatilitySettings{
			K:       decimal.RequireFromString("4"),
			Initial: decimal.RequireFromString("0.005"),
			Floor:   decimal.RequireFromString("0.01"),
			Cap:     decimal.RequireFromString("0.10"),
		},
	}
}

// uptimeRound is what the sequencer-uptime feed's latestRoundData says at
// step: answer 1 (down) or 0 (up) and when that status began.
func uptimeRound(step int) oracle.SequencerRound {
	switch {
	case step >= seqUpStep:
		return oracle.SequencerRound{Answer: 0, StartedAt: start.Add(seqUpStep * time.Minute)}
	case step >= seqDownStep:
		return oracle.SequencerRound{Answer: 1, StartedAt: start.Add(seqDownStep * time.Minute)}
	}
	return oracle.SequencerRound{Answer: 0, StartedAt: start.Add(-6 * time.Hour)}
}

// simulate runs the scenario and returns one report per step.
func simulate(seed int64) ([]stepReport, error) {
	rng := rand.New(rand.NewSource(seed))
	w := &world{calls: map[string]*atomic.Int32{}}
	var sources []oracle.Source
	for _, n := range []string{"alpha", "beta", "gamma"} {
		w.calls[n] = new(atomic.Int32)
		sources = append(sources, simSource{name: n, w: w})
	}
	collector, err := oracle.NewCollector(oracle.CollectorSettings{
		Timeout:          time.Second,
		FailureThreshold: failureThreshold,
		OpenTimeout:      time.Hour, // never half-opens during the demo
	}, sources...)
	if err != nil {
		return nil, err
	}
	feed, err := oracle.NewFeed(feedSettings())
	if err != nil {
		return nil, err
	}
	seq, err := oracle.NewSequencer(oracle.SequencerSettings{Name: "arbitrum", GracePeriod: gracePeriod})
	if err != nil {
		return nil, err
	}
	market, err := breaker.NewMarket(marketSettings())
	if err != nil {
		return nil, err
	}
	base := decimal.RequireFromString("2000.00")
	var betaFrozen oracle.Quote
	var out []stepReport
	for step := 1; step <= steps; step++ {
		now := start.Add(time.Duration(step) * time.Minute)
		// A slow random walk, in cents, from the seed; in the volatile
		// stretch the market swings around it.
		base = base.Add(decimal.New(int64(rng.Intn(401)-200), -2))
		level := base
		if step >= volatileFrom && step-volatileFrom < len(swing) {
			level = base.Mul(decimal.RequireFromString(swing[step-volatileFrom])).Round(2)
		}
		noise := func() decimal.Decimal { return level.Add(decimal.New(int64(rng.Intn(101)-50), -2)) }
		spike := base.Mul(decimal.RequireFromString("1.30")).Round(2)
		plan := map[string]planned{}

		alpha := noise()
		if step == 3 || (step >= 8 && step <= 11) {
			alpha = spike
		}
		plan["alpha"] = planned{quote: oracle.Quote{Price: alpha, Time: now}}

		beta := oracle.Quote{Price: noise(), Time: now}
		if step == 3 {
			betaFrozen = beta
		}
		if step >= 4 && step <= 11 {
			beta = betaFrozen // the source keeps serving its last observation
		}
		plan["beta"] = planned{quote: beta}

		if step >= 5 {
			plan["gamma"] = planned{err: errUpstream}
		} else {
			plan["gamma"] = planned{quote: oracle.Quote{Price: noise(), Time: now}}
		}
		w.step, w.now, w.plan = step, now, plan

		got := collector.Collect(context.Background())
		up, err := feed.Update(now, got.Quotes)
		if err != nil {
			return nil, fmt.Errorf("step %d: %w", step, err)
		}
		if err := feed.CheckInvariants(); err != nil {
			return nil, fmt.Errorf("step %d: %w", step, err)
		}
		price, readErr := feed.Price(now)
		r := stepReport{Step: step, Now: now, Fetched: got, Update: up,
			Read: price, ReadErr: readErr, Health: collector.Health()}

		// The L2 gate: the uptime feed's latest round, then Check before
		// the price is used.
		r.Uptime = uptimeRound(step)
		prev := uptimeRound(step - 1)
		r.NewUptime = step == 1 || r.Uptime.Answer != prev.Answer || !r.Uptime.StartedAt.Equal(prev.StartedAt)
		if _, r.SeqEvents, err = seq.Observe(now, r.Uptime); err != nil {
			return nil, fmt.Errorf("step %d: %w", step, err)
		}
		evs, gateErr := seq.Check(now)
		if gateErr != nil && !errors.Is(gateErr, oracle.ErrSequencerDown) && !errors.Is(gateErr, oracle.ErrGracePeriod) {
			return nil, fmt.Errorf("step %d: %w", step, gateErr)
		}
		r.SeqEvents, r.GateErr = append(r.SeqEvents, evs...), gateErr

		// The volatility band sees each used price the feed newly accepted.
		r.Band.VolIn, _ = market.Volatility()
		switch {
		case readErr != nil:
			r.Band.Why = "the feed served no price"
		case gateErr != nil:
			r.Band.Why = "the sequencer gate refused the price"
		case !up.Accepted:
			r.Band.Why = "the feed accepted no new price"
		default:
			r.Band.Fed, r.Band.Price, r.Band.Before = true, price, market.Band()
			if r.Band.Decision, err = market.Observe(now, price); err != nil {
				return nil, fmt.Errorf("step %d: %w", step, err)
			}
			if err := market.CheckInvariants(); err != nil {
				return nil, fmt.Errorf("step %d: %w", step, err)
			}
		}
		r.Band.Vol, _ = market.Volatility()
		out = append(out, r)
	}
	if n := w.calls["gamma"].Load(); n != 3+4 { // 4 healthy steps + 3 failures; then the breaker refuses
		return nil, fmt.Errorf("gamma was called %d times, want 7", n)
	}
	return out, nil
}
