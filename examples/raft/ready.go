package main

import (
	"fmt"

	"go.etcd.io/raft/v3"
	"go.etcd.io/raft/v3/raftpb"
)

// ready runs node n's Ready loop in raft's order: (1) persist the
// snapshot, the entries and the hard state to the disk; (2) only then send
// the messages; (3) apply the snapshot and the committed entries; (4)
// Advance. Then it may take a snapshot and compact the log.
func (s *sim) ready(n *node) error {
	for i := 0; i < 64 && n.alive && n.rn.HasReady(); i++ {
		rd := n.rn.Ready()
		// 1. Persist before anything leaves the node: a vote or an
		// acknowledgement of entries not on disk could be forgotten by a
		// crash and break raft's safety.
		if !raft.IsEmptySnap(rd.Snapshot) {
			if err := n.disk.ApplySnapshot(rd.Snapshot); err != nil {
				return fmt.Errorf("n%d: persist snapshot: %w", n.id, err)
			}
		}
		if err := n.disk.Append(rd.Entries); err != nil {
			return fmt.Errorf("n%d: persist entries: %w", n.id, err)
		}
		if !raft.IsEmptyHardState(rd.HardState) {
			if err := n.disk.SetHardState(rd.HardState); err != nil {
				return fmt.Errorf("n%d: persist hard state: %w", n.id, err)
			}
		}
		if n.dieInReady {
			n.kill() // what was persisted survives; the messages and the applying are lost
			return nil
		}
		// 2. Send.
		for _, m := range rd.Messages {
			s.net.send(s.step, m)
			switch {
			case m.Type == raftpb.MsgSnap:
				n.rn.ReportSnapshot(m.To, raft.SnapshotFinish)
				s.logf(true, "n%d sends its snapshot at index %d to n%d", n.id, m.Snapshot.Metadata.Index, m.To)
			case m.Type == raftpb.MsgVoteResp && !m.Reject:
				n.elapsed = 0 // granting a vote restarts the election timer, as in raft
			}
		}
		// 3. Apply.
		if !raft.IsEmptySnap(rd.Snapshot) {
			if err := n.restore(s.k, rd.Snapshot); err != nil {
				return err
			}
			s.installs++
			s.logf(false, "n%d installs the leader's snapshot at index %d (input %d, checkpoint verified)", n.id, rd.Snapshot.Metadata.Index, n.base)
		}
		for _, e := range rd.CommittedEntries {
			if err := s.apply(n, e); err != nil {
				return err
			}
		}
		// 4. Advance.
		n.rn.Advance(rd)
		if n.failed != nil {
			// Fail-stop: a replica whose state machine cannot go on stops
			// (were it the leader, it would keep the cluster waiting); the
			// others elect a leader and carry on, and the proofs report it.
			n.kill()
			s.logf(false, "HALT n%d: %v", n.id, n.failed)
			return nil
		}
		if err := s.snapshot(n); err != nil {
			return err
		}
	}
	return nil
}

// apply applies one committed entry: a tick goes through the cursor, so
// a duplicate is not applied again and a gap fails the node. Errors that
// fail a node are kept for the proofs (the node stops applying); only a
// storage error stops the run.
func (s *sim) apply(n *node, e raftpb.Entry) error {
	if e.Index <= n.applied {
		return nil // covered by a snapshot already restored
	}
	defer func() {
		n.applied = e.Index
		n.record(e.Index)
	}()
	if n.failed != nil {
		return nil
	}
	switch e.Type {
	case raftpb.EntryConfChange:
		var cc raftpb.ConfChange
		if err := cc.Unmarshal(e.Data); err != nil {
			return err
		}
		n.rn.ApplyConfChange(cc)
		return nil
	case raftpb.EntryConfChangeV2:
		var cc raftpb.ConfChangeV2
		if err := cc.Unmarshal(e.Data); err != nil {
			return err
		}
		n.rn.ApplyConfChange(cc)
		return nil
	}
	if len(e.Data) == 0 {
		return nil // a new leader's empty entry
	}
	in, err := decodeInput(e.Data)
	if err != nil {
		n.failed = fmt.Errorf("n%d: index %d: %w", n.id, e.Index, err)
		return nil
	}
	if h := s.c.hooks.skip; h.Node == n.id && h.Seq == in.Seq && in.Seq == n.cur.Last()+1 {
		s.c.hooks.skip.Node = 0 // once: this entry is lost on this node
		s.hookFired = true
		return nil
	}
	ok, err := n.cur.Admit(in.Seq)
	if err != nil {
		n.failed = fmt.Errorf("n%d: index %d: %w", n.id, e.Index, err)
		return nil
	}
	if st := n.rn.BasicStatus(); st.RaftState == raft.StateLeader {
		s.ack(in.Seq, st.Term, e.Term) // the leader answers the feed, for a duplicate too (with the first result)
	}
	if !ok {
		n.dups++
		return nil
	}
	times := 1
	if h := s.c.hooks.applyTwice; h.Node == n.id && h.Seq == in.Seq {
		s.c.hooks.applyTwice.Node = 0
		s.hookFired = true
		times = 2
	}
	for ; times > 0; times-- {
		n.count[in.Seq]++
		if err := n.m.Step(in.Tick); err != nil {
			s.logf(true, "n%d: input %d refused by the venue: %v", n.id, in.Seq, err)
		}
	}
	if err := n.m.Check(); err != nil {
		n.failed = fmt.Errorf("n%d: after input %d: %w", n.id, in.Seq, err)
		return nil
	}
	if s.c.Sparse {
		n.stale = true // digested at the next snapshot; record skips this index
		return nil
	}
	d, err := n.m.Digest()
	if err != nil {
		n.failed = fmt.Errorf("n%d: digest after input %d: %w", n.id, in.Seq, err)
		return nil
	}
	n.digest, n.stale = d, false
	return nil
}

// snapshot takes a checkpoint of n's venue every SnapEvery applied
// entries, stores it as raft's snapshot at the applied index, and compacts
// the log up to KeepLog entries behind it.
func (s *sim) snapshot(n *node) error {
	if !n.alive || n.failed != nil || n.applied < n.lastSnap+s.c.SnapEvery {
		return nil
	}
	if n.stale {
		d, err := n.m.Digest()
		if err != nil {
			return fmt.Errorf("n%d: digest: %w", n.id, err)
		}
		n.digest, n.stale = d, false
		n.record(n.applied)
	}
	data, err := n.m.Checkpoint(n.cur.Last())
	if err != nil {
		return fmt.Errorf("n%d: checkpoint: %w", n.id, err)
	}
	if _, err := n.disk.CreateSnapshot(n.applied, &confState, data); err != nil {
		return fmt.Errorf("n%d: snapshot at %d: %w", n.id, n.applied, err)
	}
	n.lastSnap = n.applied
	n.snapshots++
	n.snapBytes = len(data)
	if first, _ := n.disk.FirstIndex(); n.applied > s.c.KeepLog && n.applied-s.c.KeepLog > first {
		if err := n.disk.Compact(n.applied - s.c.KeepLog); err != nil {
			return fmt.Errorf("n%d: compact to %d: %w", n.id, n.applied-s.c.KeepLog, err)
		}
	}
	s.logf(true, "n%d snapshot at index %d (input %d, %d bytes); log compacted", n.id, n.applied, n.cur.Last(), len(data))
	return nil
}
