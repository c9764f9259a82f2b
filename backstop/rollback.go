package backstop

import (
	"fmt"
	"strings"

	"github.com/shopspring/decimal"
)

// Atomic covers. Built-in layers never fail for an amount within the
// capacity they report once Cover has preflighted them, but a host layer
// may. When a host layer fails part-way through a cover, the built-in
// layers drawn before it are put back exactly as they were (balances,
// histories, ledgers, queues; the events of a failed cover are not returned), so a failed Cover changes nothing —
// unless a host layer had already been drawn before the failure: a host
// layer cannot be undone, so then every earlier draw stays, is journaled,
// and the error names each one.

// builtin marks a layer of this package: after preflight its Absorb does
// not fail for an amount within its capacity.
type builtin interface {
	builtin()
}

// undoer is a built-in layer that can be put back: mark records its state
// (and that of the ledger or pool it draws on) and returns the function
// that restores it.
type undoer interface {
	builtin
	mark() (undo func())
}

func (*DefaulterLayer) builtin() {}
func (fundLayer) builtin()       {}
func (*BLPLayer) builtin()       {}
func (*ADLLayer) builtin()       {}
func (*SocialLayer) builtin()    {}
func (stepLayer) builtin()       {}

func (d *DefaulterLayer) mark() func() {
	m, p := d.margin, d.penalty
	return func() { d.margin, d.penalty = m, p }
}

func (l fundLayer) mark() func() {
	st := l.f.funds[l.id]
	bal, h, j := st.balance, len(st.history), l.f.journal.Len()
	return func() {
		st.balance = bal
		st.history = st.history[:h:h]
		l.f.journal.truncate(j)
	}
}

func (s *SocialLayer) mark() func() {
	accts, cuts := append([]Balance(nil), s.accounts...), len(s.cuts)
	return func() { s.accounts, s.cuts = accts, s.cuts[:cuts:cuts] }
}

func (l *BLPLayer) mark() func() {
	p := l.pool
	rem := make([]decimal.Decimal, len(p.order))
	for i, id := range p.order {
		rem[i] = p.providers[id].remaining
	}
	left, as := l.left.left, len(l.assignments)
	return func() {
		for i, id := range p.order {
			p.providers[id].remaining = rem[i]
		}
		l.left.left = left
		l.assignments = l.assignments[:as:as]
	}
}

func (l *ADLLayer) mark() func() {
	if l.book != nil {
		fills, left := len(l.fills), l.left.left
		return func() {
			for k := len(l.prior) - 1; k >= fills; k-- { // the book entries as they were, latest first
				l.book.put(l.prior[k])
			}
			l.fills, l.prior, l.left.left = l.fills[:fills:fills], l.prior[:fills:fills], left
		}
	}
	queue, fills, left := append([]Ranked(nil), l.queue...), len(l.fills), l.left.left
	return func() {
		l.queue, l.fills, l.left.left = queue, l.fills[:fills:fills], left
	}
}

// truncate drops every entry after the first n and rebuilds the balances
// from what is left (only on a failed cover's rollback, so the replay's
// cost does not matter).
func (j *Journal) truncate(n int) {
	if j == nil || n >= len(j.entries) {
		return
	}
	j.entries = j.entries[:n:n]
	j.balances = make(map[string]decimal.Decimal, len(j.balances))
	for _, e := range j.entries {
		j.balances[e.From] = j.balances[e.From].Sub(e.Amount)
		j.balances[e.To] = j.balances[e.To].Add(e.Amount)
	}
}

// drawnSoFar lists the layers an allocation drew, for an error message.
func drawnSoFar(a Allocation) string {
	var b strings.Builder
	for _, d := range a.Draws {
		if d.Drawn.Sign() > 0 {
			if b.Len() > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "%s %s", d.Layer, d.Drawn)
		}
	}
	if b.Len() == 0 {
		return "none"
	}
	return b.String()
}
