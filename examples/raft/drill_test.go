package main

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/failsafe-fi/failsafe/stress/perp"
)

// drillSchedules is the number of seeded fault schedules the drill runs
// (issue 14 item 6: at least 200).
const drillSchedules = 200

// drillKind is the venue of the drill for a schedule's seed: one of
// drillVenues seeded venues (book and crash), each with a small book and
// the crash's first drillTicks ticks (the two calm minutes and the first
// six and a half of the ten minutes of the fall: every drill venue
// liquidates and takes bad debt), so 200 schedules fit CI's budget: the
// cost is the digest after every input on every node.
func drillKind(seed int64) kind {
	return newVenueKind(perp.Config{Accounts: drillAccounts}, drillVenue(seed), drillTicks)
}

func drillVenue(seed int64) int64 { return (seed-1)%drillVenues + 1 }

const (
	drillAccounts = 20
	drillTicks    = 50
	drillVenues   = 10
)

// drillRefs are the single-node runs of the drill's venues, computed
// once each.
var drillRefs = struct {
	sync.Mutex
	m map[int64]*reference
}{m: map[int64]*reference{}}

func drillRef(t *testing.T, seed int64) *reference {
	drillRefs.Lock()
	defer drillRefs.Unlock()
	v := drillVenue(seed)
	if r, ok := drillRefs.m[v]; ok {
		return r
	}
	r, err := runReference(drillKind(seed))
	if err != nil {
		t.Fatalf("venue %d: single-node run: %v", v, err)
	}
	drillRefs.m[v] = &r
	return &r
}

// TestDrill runs drillSchedules seeded fault schedules — the leader killed
// mid-crash and restarted from snapshot plus log, a node cut off, lost,
// delayed, duplicated and reordered messages — and asserts every
// end-state proof of each. A failing seed replays with
// go run ./examples/raft -seed N -venue V -accounts 20 -ticks 50 -v, V = (N-1)%10+1.
func TestDrill(t *testing.T) {
	schedules := int64(drillSchedules)
	if raceDetector {
		schedules /= 10
	}
	start, cpu0 := time.Now(), cpuTime()
	var mu sync.Mutex
	var worst recovery
	var lossTicks []int64
	var lossWall []time.Duration
	restarts, installs := 0, 0
	t.Run("schedules", func(t *testing.T) {
		for seed := int64(1); seed <= schedules; seed++ {
			t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
				t.Parallel()
				r, err := replicate(spec{kind: drillKind(seed), seed: seed, window: 8, ref: drillRef(t, seed)})
				if err != nil {
					t.Fatalf("seed %d: %v", seed, err)
				}
				if err := failed(r.proofs); err != nil {
					t.Fatalf("seed %d: %v", seed, err)
				}
				if len(r.recoveries) == 0 {
					t.Errorf("seed %d: no leader loss recovered from", seed)
				}
				mu.Lock()
				defer mu.Unlock()
				for _, rc := range r.recoveries {
					lossTicks = append(lossTicks, rc.Ticks)
					lossWall = append(lossWall, rc.Wall)
					if rc.Ticks > worst.Ticks {
						worst = rc
					}
				}
				for _, n := range r.sim.nodes {
					if n.lives > 1 {
						restarts++
					}
				}
				installs += r.sim.installs
			})
		}
	})
	t.Logf("%d schedules in %s (%s CPU); %d restarts from snapshot + log, %d snapshots installed from a leader; slowest recovery %d ticks (%s)",
		schedules, time.Since(start).Round(time.Millisecond), (cpuTime() - cpu0).Round(time.Millisecond), restarts, installs, worst.Ticks, worst.Cause)
	slices.Sort(lossTicks)
	slices.Sort(lossWall)
	if k := len(lossTicks); k > 0 {
		t.Logf("leader loss → next input committed by a new leader, %d losses: median %d ticks (%s), 95th percentile %d ticks (%s), worst %d ticks",
			k, lossTicks[k/2], lossWall[k/2].Round(time.Microsecond), lossTicks[k*95/100], lossWall[k*95/100].Round(time.Microsecond), lossTicks[k-1])
	}
	if restarts < int(schedules) {
		t.Errorf("%d restarts in %d schedules: every schedule restarts the killed leader", restarts, schedules)
	}
}

// TestDrillCatchesFaults injects the two faults the proofs exist for, on
// one node of a few schedules: an input stepped twice, and a committed
// entry skipped. The drill must fail on each; a hook that never fired
// (the node got past the input by a snapshot) does not count.
func TestDrillCatchesFaults(t *testing.T) {
	cases := []struct {
		name string
		hook func(seed int64) hooks
		want []string // the proofs that may catch it, by what they say
	}{
		{"input applied twice", func(seed int64) hooks {
			var h hooks
			h.applyTwice.Node, h.applyTwice.Seq = uint64(seed%3)+1, 3
			return h
		}, []string{"stepped input 3 2 times", "digests to", "not the single-node state"}},
		{"committed entry skipped", func(seed int64) hooks {
			var h hooks
			h.skip.Node, h.skip.Seq = uint64(seed%3)+1, 3
			return h
		}, []string{"gap in the input stream"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fired := 0
			for seed := int64(1); seed <= 6; seed++ {
				r, err := replicate(spec{kind: drillKind(seed), seed: seed, window: 8, hooks: c.hook(seed), ref: drillRef(t, seed)})
				if err != nil {
					t.Fatalf("seed %d: %v", seed, err)
				}
				if !r.sim.hookFired {
					continue
				}
				fired++
				err = failed(r.proofs)
				if err == nil {
					t.Fatalf("seed %d: the fault went unnoticed; proofs: %+v", seed, r.proofs)
				}
				caught := false
				for _, w := range c.want {
					caught = caught || strings.Contains(err.Error(), w)
				}
				if !caught {
					t.Errorf("seed %d: failed for another reason: %v (want one of %q)", seed, err, c.want)
				}
			}
			if fired < 3 {
				t.Fatalf("the hook fired in %d of 6 schedules", fired)
			}
		})
	}
}

// TestDeterministic: a seed replays the same run — the same steps, the
// same network, the same recoveries in simulated ticks, the same digests.
func TestDeterministic(t *testing.T) {
	trace := func() string {
		r, err := replicate(spec{kind: drillKind(11), seed: 11, window: 8, ref: drillRef(t, 11)})
		if err != nil {
			t.Fatal(err)
		}
		s := r.sim
		var b strings.Builder
		fmt.Fprintf(&b, "steps %d net %d/%d/%d/%d", s.step, s.net.delivered, s.net.dropped, s.net.duplicated, s.net.partitioned)
		for _, rc := range r.recoveries {
			fmt.Fprintf(&b, " recovery %d", rc.Ticks)
		}
		for _, n := range s.nodes {
			fmt.Fprintf(&b, " n%d lives %d applied %d snaps %d dups %d", n.id, n.lives, n.applied, n.snapshots, n.dups)
		}
		return b.String()
	}
	a, b := trace(), trace()
	if a != b {
		t.Errorf("seed 11 ran differently twice:\n%s\n%s", a, b)
	}
}
