package main

import (
	"math/rand"
	"sort"

	"go.etcd.io/raft/v3/raftpb"
)

// netFaults are the message faults of one run, each drawn per message from
// the run's seeded generator.
type netFaults struct {
	DropPct  int // chance in percent that a message is lost
	DupPct   int // chance in percent that it is delivered twice
	MaxDelay int // extra delay in simulated steps, uniform in [0, MaxDelay]
}

// wire is a message on the wire: marshalled at send (the receiver gets its
// own copy, as over a socket), due at a simulated step.
type wire struct {
	due   int64
	order uint64 // send order, to break ties before the shuffle
	to    uint64
	from  uint64
	typ   raftpb.MessageType
	data  []byte
}

// network is the seeded in-memory transport between the three nodes: it
// drops, delays, duplicates and reorders messages, and cuts a node off
// (a partition) in both directions. Every decision comes from its own
// *rand.Rand, so a seed replays the same network.
type network struct {
	rng   *rand.Rand
	f     netFaults
	queue []wire
	sent  uint64
	cut   map[uint64]bool // nodes partitioned away from the others

	// counts, for the timeline
	delivered, dropped, duplicated, partitioned int
}

func newNetwork(rng *rand.Rand, f netFaults) *network {
	return &network{rng: rng, f: f, cut: map[uint64]bool{}}
}

// send puts m on the wire at step now. A message from or to a cut node is
// lost.
func (n *network) send(now int64, m raftpb.Message) {
	if n.cut[m.From] || n.cut[m.To] {
		n.partitioned++
		return
	}
	if n.f.DropPct > 0 && n.rng.Intn(100) < n.f.DropPct {
		n.dropped++
		return
	}
	data, err := m.Marshal()
	if err != nil {
		n.dropped++ // cannot happen for raft's own messages; lost like any other
		return
	}
	copies := 1
	if n.f.DupPct > 0 && n.rng.Intn(100) < n.f.DupPct {
		copies = 2
		n.duplicated++
	}
	for c := 0; c < copies; c++ {
		delay := int64(1)
		if n.f.MaxDelay > 0 {
			delay += int64(n.rng.Intn(n.f.MaxDelay + 1))
		}
		n.sent++
		n.queue = append(n.queue, wire{due: now + delay, order: n.sent, to: m.To, from: m.From, typ: m.Type, data: data})
	}
}

// due removes and returns the messages due by step now, in a seeded
// shuffled order (reordering within a step; delays reorder across steps).
// A message to or from a node cut off since it was sent is lost.
func (n *network) due(now int64) []raftpb.Message {
	var ready []wire
	keep := n.queue[:0]
	for _, w := range n.queue {
		if w.due <= now {
			ready = append(ready, w)
		} else {
			keep = append(keep, w)
		}
	}
	n.queue = keep
	sort.Slice(ready, func(i, j int) bool { return ready[i].order < ready[j].order })
	n.rng.Shuffle(len(ready), func(i, j int) { ready[i], ready[j] = ready[j], ready[i] })
	out := make([]raftpb.Message, 0, len(ready))
	for _, w := range ready {
		if n.cut[w.from] || n.cut[w.to] {
			n.partitioned++
			continue
		}
		var m raftpb.Message
		if err := m.Unmarshal(w.data); err != nil {
			n.dropped++
			continue
		}
		n.delivered++
		out = append(out, m)
	}
	return out
}
