package main

import (
	"context"
	"errors"
	"fmt"
	"math/rand"
	"sync/atomic"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/oracle"
)

// The scenario, one step per simulated minute:
//
//	step  alpha                 beta                    gamma
//	1-2   healthy               healthy                 healthy
//	3     spikes +30%           healthy                 healthy
//	4     healthy               stale (frozen at 3)     healthy
//	5-7   healthy               stale                   HTTP 503 (breaker counts 1, 2, 3: opens)
//	8-11  spikes +30%           stale                   breaker open: not called
//	12    healthy               fresh again             breaker open: not called
const (
	steps            = 12
	failureThreshold = 3
)

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
	base := decimal.RequireFromString("2000.00")
	var betaFrozen oracle.Quote
	var out []stepReport
	for step := 1; step <= steps; step++ {
		now := start.Add(time.Duration(step) * time.Minute)
		// A slow random walk, in cents, from the seed.
		base = base.Add(decimal.New(int64(rng.Intn(401)-200), -2))
		noise := func() decimal.Decimal { return base.Add(decimal.New(int64(rng.Intn(101)-50), -2)) }
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
		out = append(out, stepReport{Step: step, Now: now, Fetched: got, Update: up,
			Read: price, ReadErr: readErr, Health: collector.Health()})
	}
	if n := w.calls["gamma"].Load(); n != 3+4 { // 4 healthy steps + 3 failures; then the breaker refuses
		return nil, fmt.Errorf("gamma was called %d times, want 7", n)
	}
	return out, nil
}
