package main

import (
	"fmt"
	"math/rand"
)

// schedule is one seeded fault schedule. Events fire on progress (when an
// input is acknowledged), so that "mid-crash" means the same place in the
// crash whatever the network did before.
type schedule struct {
	Net netFaults
	// KillAt: once input KillAt is acknowledged, the leader is killed;
	// RestartAfter steps later it restarts from its snapshot plus log.
	KillAt       uint64
	RestartAfter int64
	// KillInReady kills the leader inside its next Ready batch, after it
	// persisted the batch and before it sent the messages or applied the
	// entries; otherwise between two batches.
	KillInReady bool
	// PartAt: once input PartAt is acknowledged, one node (the leader if
	// PartLeader, else a follower) is cut off for PartFor steps.
	PartAt     uint64
	PartLeader bool
	PartFor    int64
}

// drawSchedule draws the schedule of seed for a crash of n inputs whose
// fall runs over inputs [crashFrom, crashTo]: the leader dies mid-crash,
// a partition lands anywhere, and the network loses up to 10%, duplicates
// up to 10% and delays up to 3 steps.
func drawSchedule(rng *rand.Rand, n, crashFrom, crashTo uint64) schedule {
	pick := func(lo, hi uint64) uint64 {
		if hi > n-1 {
			hi = n - 1
		}
		if lo < 1 {
			lo = 1
		}
		if hi < lo {
			return lo
		}
		return lo + uint64(rng.Int63n(int64(hi-lo+1)))
	}
	return schedule{
		Net:          netFaults{DropPct: rng.Intn(11), DupPct: rng.Intn(11), MaxDelay: rng.Intn(4)},
		KillAt:       pick(crashFrom, crashTo),
		RestartAfter: 20 + rng.Int63n(60),
		KillInReady:  rng.Intn(2) == 0,
		PartAt:       pick(1, n-1),
		PartLeader:   rng.Intn(2) == 0,
		PartFor:      10 + rng.Int63n(50),
	}
}

func (s schedule) String() string {
	who := "a follower"
	if s.PartLeader {
		who = "the leader"
	}
	when := "between two Ready batches"
	if s.KillInReady {
		when = "inside a Ready batch, after persisting it, before sending"
	}
	return fmt.Sprintf("kill the leader after input %d (%s), restart it %d steps later; cut off %s after input %d for %d steps; network: %d%% lost, %d%% duplicated, delays up to %d steps",
		s.KillAt, when, s.RestartAfter, who, s.PartAt, s.PartFor, s.Net.DropPct, s.Net.DupPct, s.Net.MaxDelay)
}
