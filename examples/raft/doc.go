// Command raft runs the cascade venue (stress/perp) as a replicated state
// machine on etcd's raft (go.etcd.io/raft/v3): issue 14's worked example
// of failover with no lost position or balance.
//
//	go run ./examples/raft                 # seed 1: the timeline, the measures, the proofs
//	go run ./examples/raft -seed 7 -v      # another fault schedule, every election and snapshot
//	go run ./examples/raft -measure        # inputs/s; snapshot size and restore time at 10,000 and 100,000 accounts
//
// # What runs
//
// Three raft.RawNodes in one process, driven by a simulated clock: every
// step delivers the messages due, ticks each live node once, lets the feed
// propose, and runs each node's Ready loop. The network is seeded: it
// loses, duplicates, delays (so reorders) messages and cuts a node off.
// The inputs are the ticks of the seed's crash (stress.Tick as JSON, with
// a sequence number from 1). The fault schedule, drawn from the seed,
// kills the leader mid-crash and restarts it later from its disk, cuts a
// node (the leader or a follower) off for a while, and sets the message
// faults. Nothing reads the wall clock but the measurements: a seed
// replays the same run.
//
// # The host's duties, in order
//
// Each node's Ready loop does what raft's README asks, in its order:
//
//  1. persist the snapshot, the entries and the hard state to its disk;
//  2. only then send the messages (a vote or an append acknowledged
//     before it is on disk could be forgotten by a crash);
//  3. apply the snapshot (restore the venue from its checkpoint, after
//     replay.Checkpoint.Verify) and the committed entries;
//  4. Advance.
//
// Applying an entry decodes the input, admits it with a replay.Cursor
// (a duplicate is not applied, a gap fails the node), steps the venue,
// runs Check, and records the venue's digest at that raft index; a node
// whose apply fails halts (fail-stop), so a failed leader cannot hold the
// cluster up. An input is acknowledged to the feed only by the leader that
// applied the committed entry carrying it. Every 16 applied entries a node takes a
// checkpoint (replay.Take of the model's snapshot, with the sequence
// number of the last input it reflects), stores it as raft's snapshot and
// compacts its log to 4 entries behind it; a follower too far behind gets
// the leader's snapshot. A restarted node reads its disk (snapshot, hard
// state, log), verifies and restores the checkpoint, sets its cursor to
// the checkpoint's sequence number, and raft hands it the committed
// entries after it again.
//
// # The feed, and why the log has no gaps
//
// Proposals are not forwarded between nodes: the feed proposes to the
// node that says it leads with the highest term, keeps up to -window
// inputs in flight, and proposes again from its lowest unacknowledged
// input whenever the leader or its term changes, a proposal is dropped, or
// nothing was acknowledged for 30 steps. Within one leader and term it
// proposes in input order, so a leader's log holds input k+1 only after
// input k; a re-proposal is a duplicate the cursor absorbs. (With
// forwarding over a lossy network, input k could be lost while k+1
// arrives: the cursor would then refuse the gap and fail the node.)
//
// # Elections and fencing
//
// etcd raft draws its election jitter from crypto/rand, which no seed
// replays; so raft's own election timer is off (ElectionTick is huge) and
// the host runs the same randomized timer, [10, 20) steps without hearing
// from a leader, from the run's seed, calling Campaign. PreVote keeps a
// node that was cut off from deposing the leader when it returns. The
// term is the fence: a deposed leader (cut off, or restarted) cannot
// commit, so it cannot acknowledge an input, and the feed talks only to
// the leader of the highest term it sees.
//
// # The proofs
//
// After the run the program proves, and exits 1 if any fails:
//
//   - every acknowledged input was applied exactly once on every live
//     node (counted at the venue's Step, independently of the cursor),
//     and the checkpoint a node started from is the single-node state at
//     its sequence number;
//   - at every committed raft index, the nodes that applied it have equal
//     digests, each equal to the single-node run's digest after the same
//     input;
//   - conservation: Check after every input on every node, the full
//     invariant check at the end;
//   - the final outcome and table (perp.Report) are the single-node run's
//     (the same seed's ticks stepped directly, without raft or JSON).
//
// The drill (go test ./examples/raft) runs 200 seeded fault schedules and
// asserts all of them, and shows the proofs catch an input applied twice
// and a committed entry skipped.
//
// # What the simulation does not cover
//
// A node dies between Ready batches, never inside one, so the order of
// steps 1 and 2 is followed but not tested by a crash between them. The
// disk is a raft.MemoryStorage copied on restart, not a file: no torn
// writes. Membership is fixed at three voters.
package main
