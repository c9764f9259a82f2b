package main

import (
	"errors"
	"fmt"
	"io"
	"math/rand"
	"strings"
	"time"

	"go.etcd.io/raft/v3"
	"go.etcd.io/raft/v3/raftpb"

	"github.com/failsafe-fi/failsafe/stress"
)

// simConfig configures one replicated run.
type simConfig struct {
	Seed      int64
	Schedule  schedule
	Calm      bool   // no faults at all: Schedule is ignored
	Sparse    bool   // digest only when a snapshot is taken, not after every input
	Window    int    // proposals in flight, ≥ 1
	SnapEvery uint64 // raft entries between a node's snapshots
	KeepLog   uint64 // entries kept behind a snapshot when the log is compacted
	Verbose   bool
	Out       io.Writer // the timeline; nil: none
	hooks     hooks
}

// hooks inject a fault into the apply path, for the tests that prove the
// proofs catch it (zero: none).
type hooks struct {
	// applyTwice steps input Seq twice on node Node.
	applyTwice struct{ Node, Seq uint64 }
	// skip drops the committed entry carrying input Seq on node Node
	// without applying it.
	skip struct{ Node, Seq uint64 }
}

// recovery is one leader loss and the first input committed by a later
// leader.
type recovery struct {
	Cause string
	Ticks int64
	Wall  time.Duration
	CPU   time.Duration // process CPU time over the same span
}

// sim is three nodes, the network, the feed and the fault schedule, driven
// by a simulated clock: every step delivers the messages due, ticks every
// live node once, lets the feed propose, and runs every node's Ready loop.
type sim struct {
	c      simConfig
	k      kind
	step   int64
	nodes  []*node
	net    *network
	timers *rand.Rand
	feed   feed
	ticks  []stress.Tick

	killed, restarted, parted, healed bool
	victim, cutNode                   uint64
	restartAt, healAt                 int64

	loss       *lossMark
	recoveries []recovery
	started    time.Time
	wall       time.Duration
	cpu        time.Duration // process CPU time of the run
	restores   []time.Duration
	events     int
	installs   int  // snapshots installed from a leader
	hookFired  bool // a test hook injected its fault
}

// lossMark is a leader loss not yet recovered from.
type lossMark struct {
	cause string
	step  int64
	wall  time.Time
	cpu   time.Duration
	term  uint64
}

// feed is the client: it proposes the inputs in order to the leader it
// sees, keeps at most Window unacknowledged, and re-proposes from the
// lowest unacknowledged input whenever the leader or its term changes or
// nothing was acknowledged for a while. An input is acknowledged once a
// node applies the committed entry carrying it.
type feed struct {
	inputs      [][]byte
	acked       []bool // by input, from 1
	lo          uint64 // the lowest unacknowledged input
	next        uint64
	target      uint64
	term        uint64
	maxProposed uint64
	lastAck     int64
	lastRetry   int64
	proposed    int
	reproposed  int
	dropped     int
	newest      uint64 // the newest leader term the feed has seen
	fenced      int    // answers refused from deposed leaders
}

// retryTicks is how long the feed waits for an acknowledgement before it
// proposes again from the lowest unacknowledged input.
const retryTicks = 3 * electionTicks

func newSim(k kind, c simConfig) (*sim, error) {
	ticks, err := k.Scenario()
	if err != nil {
		return nil, err
	}
	inputs, err := encodeInputs(ticks)
	if err != nil {
		return nil, err
	}
	if c.Window < 1 {
		c.Window = 1
	}
	if c.SnapEvery == 0 {
		c.SnapEvery = 16
	}
	s := &sim{c: c, k: k, ticks: ticks,
		net:    newNetwork(rand.New(rand.NewSource(c.Seed^0x6e6574)), c.Schedule.Net),
		timers: rand.New(rand.NewSource(c.Seed ^ 0x74696d)),
		feed:   feed{inputs: inputs, acked: make([]bool, len(inputs)+1), lo: 1, next: 1},
	}
	for _, id := range ids {
		n := newNode(id)
		if err := n.start(k); err != nil {
			return nil, err
		}
		n.timeout = s.drawTimeout()
		s.nodes = append(s.nodes, n)
	}
	return s, nil
}

func (s *sim) drawTimeout() int { return electionTicks + s.timers.Intn(electionTicks) }

// n is the number of inputs.
func (s *sim) n() uint64 { return uint64(len(s.feed.inputs)) }

// logf writes one timeline line; verbose lines only with -v.
func (s *sim) logf(verbose bool, format string, args ...any) {
	s.events++
	if s.c.Out == nil || (verbose && !s.c.Verbose) {
		return
	}
	fmt.Fprintf(s.c.Out, "  step %4d  input %3d/%d  %s\n", s.step, s.feed.lo-1, s.n(), fmt.Sprintf(format, args...))
}

// errLiveness is a run that did not get every input acknowledged and
// applied on every node within its step budget.
var errLiveness = errors.New("raft: the cluster stopped making progress")

// run drives the cluster until every input is acknowledged, every
// scheduled fault has fired and healed, and every node has applied the
// whole log (or failed, which the proofs report).
func (s *sim) run() error {
	s.started = time.Now()
	c0 := cpuTime()
	budget := int64(4000 + 60*len(s.feed.inputs))
	for s.step = 1; !s.done(); s.step++ {
		if s.step > budget {
			return fmt.Errorf("%w: %d steps, %d of %d inputs acknowledged", errLiveness, budget, s.feed.lo-1, s.n())
		}
		if err := s.faults(); err != nil {
			return err
		}
		s.deliver()
		s.tick()
		s.propose()
		for _, n := range s.nodes {
			if err := s.ready(n); err != nil {
				return err
			}
		}
	}
	s.wall, s.cpu = time.Since(s.started), cpuTime()-c0
	return nil
}

func (s *sim) done() bool {
	if s.feed.lo <= s.n() || (!s.c.Calm && (!s.restarted || !s.healed)) {
		return false
	}
	for _, n := range s.nodes {
		if n.failed == nil && (!n.alive || n.cur.Last() < s.n()) {
			return false
		}
	}
	return true
}

// leader is the live node that says it leads with the highest term (a
// deposed leader cut off from the others may still say so, in an older
// term), or nil.
func (s *sim) leader() *node {
	var best *node
	var term uint64
	for _, n := range s.nodes {
		if !n.alive {
			continue
		}
		if st := n.rn.BasicStatus(); st.RaftState == raft.StateLeader && st.Term > term {
			best, term = n, st.Term
		}
	}
	return best
}

// faults fires the schedule's events that are due.
func (s *sim) faults() error {
	sc := s.c.Schedule
	if s.c.Calm {
		return nil
	}
	acked := s.feed.lo - 1
	if !s.killed && acked >= sc.KillAt {
		if l := s.leader(); l != nil {
			s.killed, s.victim, s.restartAt = true, l.id, s.step+sc.RestartAfter
			s.markLoss("leader killed", l)
			if sc.KillInReady {
				l.dieInReady = true
				s.logf(false, "KILL leader n%d mid-crash (after input %d: crash tick %d) inside its next Ready batch, after persisting, before sending; restart in %d steps",
					l.id, acked, int(acked)-1-12, sc.RestartAfter)
			} else {
				l.kill()
				s.logf(false, "KILL leader n%d mid-crash (after input %d: crash tick %d); restart in %d steps", l.id, acked, int(acked)-1-12, sc.RestartAfter)
			}
		}
	}
	if s.killed && !s.restarted && s.step >= s.restartAt && s.nodes[s.victim-1].failed != nil {
		s.restarted = true // a halted node stays down
	}
	if s.killed && !s.restarted && s.step >= s.restartAt {
		n := s.nodes[s.victim-1]
		t0 := time.Now()
		if err := n.restart(s.k); err != nil {
			return fmt.Errorf("restart n%d: %w", n.id, err)
		}
		d := time.Since(t0)
		s.restores = append(s.restores, d)
		n.timeout = s.drawTimeout()
		s.restarted = true
		last, _ := n.disk.LastIndex()
		s.logf(false, "RESTART n%d from its disk: snapshot at index %d (input %d, checkpoint verified) + %d log entries after it; restored in %s",
			n.id, n.restoredFrom, n.base, last-n.restoredFrom, d.Round(time.Microsecond))
	}
	if !s.parted && acked >= sc.PartAt {
		var pick *node
		l := s.leader()
		if sc.PartLeader {
			pick = l
		} else {
			var fs []*node
			for _, n := range s.nodes {
				if n.alive && n != l {
					fs = append(fs, n)
				}
			}
			if len(fs) > 0 {
				pick = fs[s.timers.Intn(len(fs))]
			}
		}
		if pick != nil {
			s.parted, s.cutNode, s.healAt = true, pick.id, s.step+sc.PartFor
			s.net.cut[pick.id] = true
			role := "follower"
			if pick == l {
				role = "leader"
				s.markLoss("leader cut off", pick)
			}
			s.logf(false, "PARTITION %s n%d cut off from the others for %d steps", role, pick.id, sc.PartFor)
		}
	}
	if s.parted && !s.healed && s.step >= s.healAt {
		s.healed = true
		delete(s.net.cut, s.cutNode)
		s.logf(false, "HEAL n%d rejoins", s.cutNode)
	}
	return nil
}

func (s *sim) markLoss(cause string, l *node) {
	if s.loss == nil {
		s.loss = &lossMark{cause: cause, step: s.step, wall: time.Now(), cpu: cpuTime(), term: l.rn.BasicStatus().Term}
	}
}

// deliver hands every message due to its node.
func (s *sim) deliver() {
	for _, m := range s.net.due(s.step) {
		n := s.nodes[m.To-1]
		if !n.alive {
			continue
		}
		if err := n.rn.Step(m); err != nil {
			continue // a stale or local message raft refuses: nothing to do
		}
		switch m.Type {
		case raftpb.MsgApp, raftpb.MsgHeartbeat, raftpb.MsgSnap:
			if n.rn.BasicStatus().Lead == m.From {
				n.elapsed = 0
			}
		}
		s.observe(n)
	}
}

// tick advances every live node's clock by one step: raft's heartbeats,
// and the host's election timer (raft's own is off, see raftConfig).
func (s *sim) tick() {
	for _, n := range s.nodes {
		if !n.alive {
			continue
		}
		n.rn.Tick()
		if n.state != raft.StateLeader {
			n.elapsed++
			if n.elapsed >= n.timeout {
				n.elapsed, n.timeout = 0, s.drawTimeout()
				_ = n.rn.Campaign() // refused only while a snapshot is pending: the timer fires again
			}
		}
		s.observe(n)
	}
}

// observe resets the election timer when a node's term or role changes,
// and writes elections to the timeline.
func (s *sim) observe(n *node) {
	st := n.rn.BasicStatus()
	if st.Term == n.term && st.RaftState == n.state {
		return
	}
	if st.RaftState == raft.StateLeader {
		s.logf(false, "n%d elected leader, term %d", n.id, st.Term)
	} else if st.RaftState != n.state || st.Term != n.term {
		s.logf(true, "n%d is %s, term %d", n.id, strings.ToLower(strings.TrimPrefix(st.RaftState.String(), "State")), st.Term)
	}
	n.term, n.state = st.Term, st.RaftState
	n.elapsed, n.timeout = 0, s.drawTimeout()
}

// propose lets the feed propose to the leader it sees (the live node
// that says it leads with the highest term). Within one leader
// and term, proposals go in input order from the lowest unacknowledged
// input, so a log never holds input k+1 without input k before it; a
// repeated input is a duplicate the cursor absorbs.
func (s *sim) propose() {
	f := &s.feed
	if f.lo > s.n() {
		return
	}
	l := s.leader()
	if l == nil {
		return
	}
	term := l.rn.BasicStatus().Term
	f.newest = max(f.newest, term)
	if l.id != f.target || term != f.term {
		if f.target != 0 {
			s.logf(true, "feed: proposing to n%d (term %d) from input %d", l.id, term, f.lo)
		}
		f.target, f.term, f.next, f.lastAck = l.id, term, f.lo, s.step
	}
	if s.step-f.lastAck > retryTicks && s.step-f.lastRetry > retryTicks {
		f.next, f.lastRetry = f.lo, s.step
		s.logf(true, "feed: nothing acknowledged for %d steps; proposing again from input %d", retryTicks, f.lo)
	}
	if f.next < f.lo {
		f.next = f.lo
	}
	for f.next <= s.n() && f.next < f.lo+uint64(s.c.Window) {
		if err := l.rn.Propose(f.inputs[f.next-1]); err != nil {
			f.dropped++
			f.next = f.lo
			return
		}
		f.proposed++
		if f.next <= f.maxProposed {
			f.reproposed++
		} else {
			f.maxProposed = f.next
		}
		f.next++
	}
}

// ack is the leader of term leader telling the feed that input seq is
// committed (it applied the entry carrying it, written in term term). The
// feed fences: it refuses an answer from a leader older than the newest
// term it has seen, so a deposed leader that has not noticed yet never
// acts beside the new one.
func (s *sim) ack(seq, leader, term uint64) {
	f := &s.feed
	if leader < f.newest {
		f.fenced++
		s.logf(true, "feed: refused the answer of a deposed leader (term %d < %d) for input %d", leader, f.newest, seq)
		return
	}
	f.newest = leader
	if f.acked[seq] {
		return
	}
	f.acked[seq] = true
	for f.lo <= s.n() && f.acked[f.lo] {
		f.lo++
		f.lastAck = s.step
	}
	if s.loss != nil && term > s.loss.term {
		r := recovery{Cause: s.loss.cause, Ticks: s.step - s.loss.step, Wall: time.Since(s.loss.wall), CPU: cpuTime() - s.loss.cpu}
		s.recoveries = append(s.recoveries, r)
		s.logf(false, "first input committed after the %s: input %d in term %d, %d steps after the loss (%s wall, %s CPU)",
			r.Cause, seq, term, r.Ticks, r.Wall.Round(time.Microsecond), r.CPU.Round(time.Microsecond))
		s.loss = nil
	}
}
