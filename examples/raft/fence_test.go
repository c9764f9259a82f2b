package main

import "testing"

// TestFeedFencesDeposedLeader: once the feed has heard from the leader of
// term 2, an answer from the leader of term 1 (deposed, not yet aware) is
// refused and acknowledges nothing; the current leader's answer for the
// same input is taken. In the simulation a leader answers as it applies,
// so a deposed leader's answer never arrives late and the drill never
// fires the fence (it reports 0 fenced); this test is what exercises it.
// Mutation seen failing: the fence's comparison removed (every answer
// taken).
func TestFeedFencesDeposedLeader(t *testing.T) {
	s, err := newSim(drillKind(1), simConfig{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	s.ack(1, 2, 2)
	if !s.feed.acked[1] || s.feed.newest != 2 {
		t.Fatalf("the term-2 leader's answer for input 1: acked %v, newest term %d", s.feed.acked[1], s.feed.newest)
	}
	s.ack(2, 1, 1)
	if s.feed.acked[2] || s.feed.fenced != 1 || s.feed.newest != 2 {
		t.Fatalf("a deposed term-1 leader's answer for input 2: acked %v, fenced %d, newest term %d", s.feed.acked[2], s.feed.fenced, s.feed.newest)
	}
	s.ack(2, 2, 2)
	if !s.feed.acked[2] || s.feed.lo != 3 {
		t.Fatalf("the term-2 leader's answer for input 2: acked %v, lowest unacknowledged %d", s.feed.acked[2], s.feed.lo)
	}
}
