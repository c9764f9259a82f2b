package main

import (
	"fmt"
	"io"
	"log"
	"math"

	"go.etcd.io/raft/v3"
	"go.etcd.io/raft/v3/raftpb"

	"github.com/failsafe-fi/failsafe/replay"
)

// ids are the three nodes' raft IDs.
var ids = []uint64{1, 2, 3}

// confState is the cluster's fixed membership, written into every
// snapshot.
var confState = raftpb.ConfState{Voters: ids}

// electionTicks is the election timeout in simulated steps: a follower
// that hears nothing from a leader for a seeded number of steps in
// [electionTicks, 2 × electionTicks) campaigns.
const electionTicks = 10

// raftLogger keeps raft's own logging off the timeline.
var raftLogger = &raft.DefaultLogger{Logger: log.New(io.Discard, "", 0)}

// node is one replica: a raft.RawNode over its "disk" (a MemoryStorage
// holding exactly what was persisted: raft's unstable entries live in the
// RawNode and die with it), the venue it applies the log to, and the
// cursor that admits each input exactly once. Killing a node drops the
// RawNode, the venue and the cursor; only the disk survives.
type node struct {
	id    uint64
	alive bool
	// dieInReady: the node dies in its next Ready batch, after step 1
	// (persist) and before step 2 (send).
	dieInReady bool
	rn         *raft.RawNode
	disk       *raft.MemoryStorage
	m          machine
	cur        replay.Cursor

	applied uint64 // raft index of the last entry applied
	digest  replay.Digest
	stale   bool // the venue stepped since digest was taken (sparse digests)

	// the host's election timer (see campaign in cluster.go)
	elapsed, timeout int
	term             uint64
	state            raft.StateType

	// what the proofs read, kept over the node's lives
	base     uint64                   // the input this life's state started from (checkpoint Seq)
	count    map[uint64]int           // input → times the venue stepped it since base
	digestAt map[uint64]replay.Digest // raft index → digest after applying it
	seqAt    map[uint64]uint64        // raft index → the input the state reflects after it
	failed   error                    // the first error applying the log (a gap, a bad entry)
	lives    int

	lastSnap           uint64 // raft index of the last snapshot taken or installed
	snapshots          int
	snapBytes          int
	dups               int // duplicate inputs the cursor absorbed
	restoredFrom       uint64
	replayedAfterStart int
}

func newNode(id uint64) *node {
	return &node{id: id, count: map[uint64]int{}, digestAt: map[uint64]replay.Digest{}, seqAt: map[uint64]uint64{}}
}

// raftConfig is the configuration of every node. Raft's own election
// timer is off (its jitter comes from crypto/rand, which no seed replays):
// the host runs the same randomized timer from the run's seed and calls
// Campaign. PreVote keeps a node that was cut off from disrupting the
// leader when it comes back. Proposals are not forwarded: the feed
// proposes to the leader it sees, in order, so the log never holds input
// k+1 before input k (see feed.propose).
func raftConfig(id uint64, storage raft.Storage, applied uint64) *raft.Config {
	return &raft.Config{
		ID:                        id,
		ElectionTick:              math.MaxInt32 / 2,
		HeartbeatTick:             1,
		Storage:                   storage,
		Applied:                   applied,
		MaxSizePerMsg:             1 << 20,
		MaxInflightMsgs:           64,
		PreVote:                   true,
		DisableProposalForwarding: true,
		Logger:                    raftLogger,
	}
}

// start boots a fresh node: every disk starts from the same empty
// snapshot at index 1 that names the three voters.
func (n *node) start(k kind) error {
	n.disk = raft.NewMemoryStorage()
	if err := n.disk.ApplySnapshot(raftpb.Snapshot{Metadata: raftpb.SnapshotMetadata{Index: 1, Term: 1, ConfState: confState}}); err != nil {
		return err
	}
	return n.boot(k)
}

// restart brings a killed node back from its disk: the last snapshot, the
// hard state and the log after it, read into a fresh storage as from a
// file; the venue is restored from the snapshot's checkpoint (verified),
// and raft hands back the committed entries after it to apply again.
func (n *node) restart(k kind) error {
	snap, err := n.disk.Snapshot()
	if err != nil {
		return err
	}
	hs, _, err := n.disk.InitialState()
	if err != nil {
		return err
	}
	first, _ := n.disk.FirstIndex()
	last, _ := n.disk.LastIndex()
	var ents []raftpb.Entry
	if last >= first {
		if ents, err = n.disk.Entries(first, last+1, math.MaxUint64); err != nil {
			return err
		}
	}
	fresh := raft.NewMemoryStorage()
	if err := fresh.ApplySnapshot(snap); err != nil {
		return err
	}
	if err := fresh.SetHardState(hs); err != nil {
		return err
	}
	if err := fresh.Append(ents); err != nil {
		return err
	}
	n.disk = fresh
	n.replayedAfterStart = 0
	return n.boot(k)
}

// boot restores the venue from the disk's snapshot and starts raft over
// the disk.
func (n *node) boot(k kind) error {
	snap, err := n.disk.Snapshot()
	if err != nil {
		return err
	}
	if err := n.restore(k, snap); err != nil {
		return err
	}
	rn, err := raft.NewRawNode(raftConfig(n.id, n.disk, snap.Metadata.Index))
	if err != nil {
		return err
	}
	n.rn = rn
	n.alive = true
	n.lives++
	n.elapsed, n.term, n.state = 0, 0, raft.StateFollower
	return nil
}

// restore replaces the venue with the snapshot's checkpoint (Verify
// first); an empty snapshot is the fresh venue before input 1.
func (n *node) restore(k kind, snap raftpb.Snapshot) error {
	var (
		m   machine
		seq uint64
		err error
	)
	if len(snap.Data) == 0 {
		m, err = k.New()
	} else {
		m, seq, err = k.Restore(snap.Data)
	}
	if err != nil {
		return fmt.Errorf("node %d: restore snapshot at index %d: %w", n.id, snap.Metadata.Index, err)
	}
	d, err := m.Digest()
	if err != nil {
		return err
	}
	n.m, n.cur, n.applied, n.digest, n.stale = m, replay.CursorAt(seq), snap.Metadata.Index, d, false
	n.base, n.restoredFrom, n.lastSnap = seq, snap.Metadata.Index, snap.Metadata.Index
	for s := range n.count {
		if s > seq {
			delete(n.count, s)
		}
	}
	n.record(snap.Metadata.Index)
	return nil
}

// record notes the digest after raft index i; a digest that differs from
// the one this node had at i in an earlier life fails the node.
func (n *node) record(i uint64) {
	if n.stale {
		n.seqAt[i] = n.cur.Last()
		return
	}
	if prev, ok := n.digestAt[i]; ok && prev != n.digest && n.failed == nil {
		n.failed = fmt.Errorf("node %d: index %d digests to %s after a restart, %s before", n.id, i, n.digest.Short(), prev.Short())
	}
	n.digestAt[i] = n.digest
	n.seqAt[i] = n.cur.Last()
}

// kill drops everything but the disk.
func (n *node) kill() {
	n.alive, n.dieInReady = false, false
	n.rn, n.m = nil, nil
	n.cur = replay.Cursor{}
}
