// Package replay is the discipline a replicated host needs around the
// library's state machines: where a snapshot stands in the input stream,
// whether two replicas hold the same state, and that no input applies
// twice or is skipped.
//
// # Why
//
// A venue that must survive the loss of a machine replicates its input
// log (LMAX's journal, dYdX v4 on CometBFT, etcd on Raft) and rebuilds
// state by deterministic replay: restore the last snapshot, apply every
// input after it. That works only if (1) the snapshot says which input it
// reflects, (2) replicas can check cheaply that they agree, and (3) an
// input delivered twice, or out of order, is caught. Every stateful type
// of the five packages promises that its state after Snapshot at input k,
// restored, plus inputs k+1…m equals its state after the uninterrupted
// run, bit for bit (DESIGN.md rule 11; each package has a property test
// per type). This package adds the three pieces around that promise, once,
// for every type:
//
//   - [Checkpoint]: a snapshot with the sequence number of the last input
//     it reflects and its [Digest], verified before it is restored.
//   - [Of]: the canonical digest of any snapshot (SHA-256 of its JSON), so
//     replicas compare state after every input by 32 bytes.
//   - [Cursor]: admits input k+1 after k, answers "already applied" for a
//     duplicate and refuses a gap, so a replayed log can never double-apply
//     or skip.
//
// # Why the sequence number lives in the checkpoint, not in each type
//
// The host owns the log and so knows which input it applied last; the
// library's types never see sequence numbers. Stamping each of some forty
// snapshot types with a Seq the host would have to pass in on every call
// would repeat one rule forty times; one envelope states it once and
// covers a whole venue (a struct of snapshots) as easily as one type.
//
// # What a host must persist, in what order
//
//  1. Append the input to the log and make it durable (fsync, or a Raft
//     commit) before acknowledging it to its sender.
//  2. Admit it with the Cursor, then apply it. A refusal by the library (an
//     error) is a result too: it is deterministic, the input counts as
//     applied and is not retried.
//  3. From time to time take a Checkpoint of the state at the cursor's
//     Last() and persist it; only then may the log before its Seq be
//     compacted.
//  4. To recover: Verify the checkpoint, restore its State, set the cursor
//     to its Seq, and apply the log from Seq+1.
//  5. Fence: only the current leader (Raft term, lease or epoch) acts on
//     the outside world; a deposed primary's late outputs are discarded.
//
// The replicated Raft venue in examples/raft is the worked example.
//
// # What a digest does and does not cover
//
// encoding/json writes struct fields in declaration order, map keys
// sorted and decimals as their shortest exact string (1.50 and 1.5 both as
// "1.5"), so equal snapshots give equal bytes on every machine. The
// snapshot types keep times in UTC and lists in a stated order for the same
// reason. Two things are outside it: a host that sets
// decimal.MarshalJSONWithoutQuotes must do so on every replica, and a
// snapshot holding a float64 (none of the library's replicated state does;
// breaker's Service wraps gobreaker, whose clock is the wall clock, and is
// not for replication) would digest its shortest decimal form.
package replay
