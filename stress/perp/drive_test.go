package perp

import (
	"fmt"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

// drive is one run of the default crash as examples/cascade drives it:
// the venue and its path from one generator (NewWithCrash), settling
// ticks at the final price until the venue is done.
type drive struct {
	m       *Model
	v       *Venue
	rep     Report
	ticks   int
	settled bool
	events  []string // every event after the opening, rendered
}

// run drives cfg with seed; failoverAt > 0 hands the state to a standby
// before that tick; strict checks conservation after every tick.
func run(cfg Config, seed int64, failoverAt int, strict bool) (drive, error) {
	if cfg.Crash.SettleTicks == 0 {
		cfg.Crash.SettleTicks = 360
	}
	m, p, err := NewWithCrash(cfg, seed)
	if err != nil {
		return drive{}, err
	}
	d := drive{m: m, v: m.Venue()}
	k := 0
	var now time.Time
	for ; ; k++ {
		tick, ok, err := p.Next()
		if err != nil {
			return d, err
		}
		if !ok {
			break
		}
		now = tick.Time
		if k > 0 && k == failoverAt {
			if err := d.v.Failover(); err != nil {
				return d, fmt.Errorf("tick %d: failover: %w", k, err)
			}
		}
		if err := m.Step(tick); err != nil {
			return d, err
		}
		if k == 0 {
			d.v.Observe(func(e Event) { d.events = append(d.events, e.LogValue().String()) })
		}
		if strict {
			if err := m.Check(); err != nil {
				return d, fmt.Errorf("tick %d: %w", k, err)
			}
		}
		if _, err := d.v.Mark(now); err == nil && k >= p.Scripted() {
			done, err := d.v.Done(now)
			if err != nil {
				return d, err
			}
			if done {
				d.settled = true
				break
			}
		}
	}
	if err := m.Check(); err != nil {
		return d, err
	}
	d.ticks = k
	d.rep, err = d.v.Report(now)
	return d, err
}

// mustRun is run, failing the test on error.
func mustRun(t testing.TB, cfg Config, seed int64) drive {
	t.Helper()
	d, err := run(cfg, seed, 0, true)
	if err != nil {
		t.Fatalf("run(%+v, %d): %v", cfg, seed, err)
	}
	return d
}

var d = decimal.RequireFromString

// setUp builds the venue and its crash (seed 1) and runs the opening tick;
// start is the opening time.
func setUp(cfg Config) (*Venue, *CrashPath, time.Time, error) {
	m, p, err := NewWithCrash(cfg, 1)
	if err != nil {
		return nil, nil, time.Time{}, err
	}
	open, _, err := p.Next()
	if err != nil {
		return nil, nil, time.Time{}, err
	}
	if err := m.Step(open); err != nil {
		return nil, nil, time.Time{}, err
	}
	return m.Venue(), p, open.Time, nil
}
