package main

import (
	"math/rand"
	"testing"

	"go.etcd.io/raft/v3/raftpb"
)

// The network delivers each message once, a step or more after it was
// sent and at most MaxDelay steps later, loses about DropPct of them,
// duplicates about DupPct, and loses everything to or from a node cut off.
func TestNetwork(t *testing.T) {
	cases := []struct {
		name     string
		f        netFaults
		cut      uint64
		minLost  int
		maxLost  int
		wantDups bool
	}{
		{name: "perfect", f: netFaults{}, maxLost: 0},
		{name: "lossy", f: netFaults{DropPct: 10}, minLost: 50, maxLost: 150},
		{name: "duplicating", f: netFaults{DupPct: 10, MaxDelay: 3}, maxLost: 0, wantDups: true},
		{name: "n3 cut off", f: netFaults{}, cut: 3, minLost: 666, maxLost: 667}, // two thirds of the messages are to or from n3,
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n := newNetwork(rand.New(rand.NewSource(1)), c.f)
			if c.cut != 0 {
				n.cut[c.cut] = true
			}
			sent := map[uint64]int{}
			got := map[uint64]int{}
			for i := 0; i < 1000; i++ {
				to := uint64(i%3) + 1
				from := to%3 + 1
				m := raftpb.Message{Type: raftpb.MsgHeartbeat, From: from, To: to, Commit: uint64(i)}
				n.send(int64(i), m)
				sent[uint64(i)]++
				for _, d := range n.due(int64(i)) {
					got[d.Commit]++
					if lag := int64(i) - int64(d.Commit); lag < 1 || lag > int64(1+c.f.MaxDelay) {
						t.Fatalf("message %d delivered %d steps after it was sent", d.Commit, lag)
					}
					if n.cut[d.To] || n.cut[d.From] {
						t.Fatalf("message %d reached across the partition", d.Commit)
					}
				}
			}
			for i := 0; i < 10; i++ {
				for _, d := range n.due(int64(1000 + i)) {
					got[d.Commit]++
				}
			}
			lost, dups := 0, 0
			for i := range sent {
				switch got[i] {
				case 0:
					lost++
				case 2:
					dups++
				}
			}
			if lost < c.minLost || lost > c.maxLost {
				t.Errorf("lost %d of 1000, want %d to %d", lost, c.minLost, c.maxLost)
			}
			if (dups > 0) != c.wantDups {
				t.Errorf("%d duplicated", dups)
			}
		})
	}
}
