package main

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"

	"github.com/failsafe-fi/failsafe/replay"
	"github.com/failsafe-fi/failsafe/stress"
)

// reference is the single-node run of the same seed, without raft: the
// ticks straight from the scenario (not through JSON), stepped in order.
type reference struct {
	digests []replay.Digest // after input k, k from 0 (the fresh venue)
	outcome stress.Outcome
	table   string
}

func runReference(k kind) (reference, error) {
	ticks, err := k.Scenario()
	if err != nil {
		return reference{}, err
	}
	m, err := k.New()
	if err != nil {
		return reference{}, err
	}
	r := reference{digests: make([]replay.Digest, 0, len(ticks)+1)}
	d, err := m.Digest()
	if err != nil {
		return reference{}, err
	}
	r.digests = append(r.digests, d)
	for _, t := range ticks {
		_ = m.Step(t) // a refusal is the venue's answer, the same on every replica
		if err := m.Check(); err != nil {
			return reference{}, fmt.Errorf("single-node run: %w", err)
		}
		if d, err = m.Digest(); err != nil {
			return reference{}, err
		}
		r.digests = append(r.digests, d)
	}
	r.outcome = m.Outcome()
	if r.table, err = m.Table(); err != nil {
		return reference{}, err
	}
	return r, nil
}

// proof is one line of the end-of-run proofs.
type proof struct {
	Name   string
	OK     bool
	Detail string
}

// prove checks the end state of a replicated run against the single-node
// reference:
//
//   - exactly once: every input acknowledged, and on every live node each
//     input after the checkpoint its state started from stepped exactly
//     once, none missing, and that checkpoint's digest the reference's;
//   - digests: at every raft index two nodes applied, their digests are
//     equal, and equal to the reference's after the same input;
//   - conservation: Check passed after every input on every node and
//     passes at the end;
//   - same result: every live node's outcome and final table are the
//     single-node run's.
func (s *sim) prove(ref reference) []proof {
	n := s.n()
	var out []proof

	// Exactly once.
	ok, detail := true, ""
	fail := func(format string, args ...any) {
		if ok {
			detail = fmt.Sprintf(format, args...)
		}
		ok = false
	}
	if s.feed.lo <= n {
		fail("input %d never acknowledged", s.feed.lo)
	}
	dups := 0
	for _, nd := range s.nodes {
		dups += nd.dups
		if nd.failed != nil {
			fail("%v", nd.failed)
			continue
		}
		if !nd.alive {
			fail("n%d is not running at the end", nd.id)
			continue
		}
		if nd.cur.Last() != n {
			fail("n%d applied through input %d of %d", nd.id, nd.cur.Last(), n)
		}
		for seq := nd.base + 1; seq <= n; seq++ {
			if c := nd.count[seq]; c != 1 {
				fail("n%d stepped input %d %d times", nd.id, seq, c)
				break
			}
		}
		if d, ok := nd.digestAt[nd.restoredFrom]; !ok || int(nd.base) >= len(ref.digests) || d != ref.digests[nd.base] {
			fail("n%d started from a checkpoint at input %d that is not the single-node state there", nd.id, nd.base)
		}
	}
	out = append(out, proof{"every acknowledged input applied exactly once on every live node", ok,
		pick(ok, fmt.Sprintf("%d inputs acknowledged by the leader of the newest term (%d answers of deposed leaders fenced off); %d re-proposals; %d duplicate deliveries absorbed by the cursor", n, s.feed.fenced, s.feed.reproposed, dups), detail)})

	// Digests.
	ok, detail = true, ""
	indexes := map[uint64]bool{}
	for _, nd := range s.nodes {
		for i := range nd.digestAt {
			indexes[i] = true
		}
	}
	sorted := make([]uint64, 0, len(indexes))
	for i := range indexes {
		sorted = append(sorted, i)
	}
	sort.Slice(sorted, func(a, b int) bool { return sorted[a] < sorted[b] })
	compared := 0
	for _, i := range sorted {
		var first *node
		for _, nd := range s.nodes {
			d, has := nd.digestAt[i]
			if !has {
				continue
			}
			if seq := nd.seqAt[i]; int(seq) >= len(ref.digests) || d != ref.digests[seq] {
				fail("n%d at index %d (input %d) digests to %s, the single-node run to %s", nd.id, i, seq, d.Short(), refShort(ref, seq))
			}
			if first == nil {
				first = nd
				continue
			}
			compared++
			if d != first.digestAt[i] {
				fail("index %d: n%d digests to %s, n%d to %s", i, first.id, first.digestAt[i].Short(), nd.id, d.Short())
			}
		}
	}
	out = append(out, proof{"all nodes' digests equal at every committed index", ok,
		pick(ok, fmt.Sprintf("%d indexes, %d pairwise comparisons, each also equal to the single-node digest after the same input", len(sorted), compared), detail)})

	// Conservation.
	ok, detail = true, ""
	for _, nd := range s.nodes {
		if nd.alive && nd.failed == nil {
			if err := nd.m.Audit(); err != nil {
				fail("n%d: %v", nd.id, err)
			}
		}
	}
	out = append(out, proof{"conservation exact (Model.Check after every input on every node, and at the end)", ok,
		pick(ok, "value at the end equals the opening's to the unit on every node", detail)})

	// Same result as the single-node run.
	ok, detail = true, ""
	want, _ := json.Marshal(ref.outcome)
	for _, nd := range s.nodes {
		if !nd.alive || nd.failed != nil {
			fail("n%d has no final state", nd.id)
			continue
		}
		got, _ := json.Marshal(nd.m.Outcome())
		if string(got) != string(want) {
			fail("n%d outcome %s, single-node %s", nd.id, got, want)
			continue
		}
		table, err := nd.m.Table()
		if err != nil || table != ref.table {
			fail("n%d final table differs from the single-node run's (%v)", nd.id, err)
		}
	}
	out = append(out, proof{"final outcome and table identical to the single-node run of the same seed", ok,
		pick(ok, fmt.Sprintf("digest %s", refShort(ref, n)), detail)})
	return out
}

func pick(ok bool, yes, no string) string {
	if ok {
		return yes
	}
	return no
}

func refShort(ref reference, seq uint64) string {
	if int(seq) >= len(ref.digests) {
		return "(none)"
	}
	return ref.digests[seq].Short()
}

// failed returns an error wrapping errProof naming the first failed proof.
func failed(ps []proof) error {
	for _, p := range ps {
		if !p.OK {
			return fmt.Errorf("%w: %s: %s", errProof, p.Name, p.Detail)
		}
	}
	return nil
}

func printProofs(w io.Writer, ps []proof) {
	for _, p := range ps {
		mark := "ok  "
		if !p.OK {
			mark = "FAIL"
		}
		fmt.Fprintf(w, "  %s %s\n       %s\n", mark, p.Name, p.Detail)
	}
}
