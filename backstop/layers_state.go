package backstop

import (
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
)

// The per-loss layers are built for one event, but a standby that takes
// over in the middle of a default must still resume them exactly: each has
// a Snapshot and a validating Restore.

// DefaulterSnapshot is the state of a DefaulterLayer.
type DefaulterSnapshot struct {
	Account string          `json:"account"` // the defaulter
	Margin  decimal.Decimal `json:"margin"`  // margin not yet drawn
	Penalty decimal.Decimal `json:"penalty"` // penalty not yet drawn
}

// Snapshot returns what is left of the defaulter's resources.
func (d *DefaulterLayer) Snapshot() DefaulterSnapshot {
	return DefaulterSnapshot{Account: d.account, Margin: d.margin, Penalty: d.penalty}
}

// RestoreDefaulterLayer rebuilds a DefaulterLayer (same checks as
// NewDefaulterLayer).
func RestoreDefaulterLayer(s DefaulterSnapshot) (*DefaulterLayer, error) {
	l, err := NewDefaulterLayer(s.Account, s.Margin, s.Penalty)
	if err != nil {
		return nil, wrap(ErrBadSnapshot, err, "")
	}
	return l, nil
}

// SocialSnapshot is the state of a SocialLayer.
type SocialSnapshot struct {
	Accounts []Balance `json:"accounts"` // remaining amounts
	Haircuts []Haircut `json:"haircuts"` // haircuts made so far
}

// Snapshot returns the accounts' remaining amounts and the haircuts made.
func (s *SocialLayer) Snapshot() SocialSnapshot {
	return SocialSnapshot{Accounts: append([]Balance(nil), s.accounts...), Haircuts: s.haircutsCopy()}
}

// RestoreSocialLayer rebuilds a SocialLayer named id in money units of
// unit from a snapshot: accounts valid as for NewSocialLayer, every
// haircut positive, at the unit and of a listed account.
func RestoreSocialLayer(id string, unit decimal.Decimal, snap SocialSnapshot) (*SocialLayer, error) {
	l, err := NewSocialLayer(id, snap.Accounts, unit)
	if err != nil {
		return nil, wrap(ErrBadSnapshot, err, "")
	}
	known := make(map[string]bool, len(snap.Accounts))
	for _, a := range snap.Accounts {
		known[a.Account] = true
	}
	for i, h := range snap.Haircuts {
		if !known[h.Account] {
			return nil, fmt.Errorf("%w: haircut %d of unknown account %q", ErrBadSnapshot, i, h.Account)
		}
		if err := checkPositive(h.Amount, l.scale, "haircut"); err != nil {
			return nil, wrap(ErrBadSnapshot, err, "haircut %d", i)
		}
	}
	l.cuts = append([]Haircut(nil), snap.Haircuts...)
	return l, nil
}

// SharedSnapshot is the state of a SharedPosition.
type SharedSnapshot struct {
	Remaining decimal.Decimal `json:"remaining"` // size not yet handed over
}

// Snapshot returns the size not yet handed over.
func (s *SharedPosition) Snapshot() SharedSnapshot { return SharedSnapshot{Remaining: s.left} }

// RestoreSharedPosition rebuilds a SharedPosition; a remaining size of zero
// is allowed (everything handed over).
func RestoreSharedPosition(s SharedSnapshot) (*SharedPosition, error) {
	if err := num.CheckNonNegative(s.Remaining); err != nil {
		return nil, wrap(ErrBadSnapshot, err, "shared position")
	}
	return &SharedPosition{left: s.Remaining}, nil
}

// ADLSnapshot is the state of an ADLLayer.
type ADLSnapshot struct {
	Queue     []Ranked        `json:"queue"`     // the opposite side still open, in rank order
	Remaining decimal.Decimal `json:"remaining"` // bankrupt size not yet handed over (ignored when Shared is set)
	Fills     []Fill          `json:"fills"`     // fills made so far
}

// Snapshot returns the queue as it stands, the size left and the fills.
func (l *ADLLayer) Snapshot() ADLSnapshot {
	return ADLSnapshot{Queue: l.queueCopy(), Remaining: l.left.left, Fills: l.Fills()}
}

// RestoreADLLayer rebuilds an ADLLayer from the settings it was built with
// (the ranking is code, so it is not in the snapshot) and a snapshot. The
// snapshot must be exactly what deleveraging could have produced: every
// fill at the bankruptcy price, of a ranked counterparty, a whole number
// of lots; the queue the settings' ranked queue, in the same order, with
// each position reduced by exactly what its fills closed (and closed
// positions gone), its entry price, bankruptcy price and score unchanged;
// Remaining + Σ closed = the bankrupt size when s.Shared is nil. When
// s.Shared is set it must already be restored, and it is used instead of
// Remaining. Anything else is ErrBadSnapshot.
func RestoreADLLayer(s ADLSettings, snap ADLSnapshot) (*ADLLayer, error) {
	if s.Book != nil {
		return nil, fmt.Errorf("%w: a layer drawing from a book is not restored: rebuild the book from the host's positions", ErrInvalidInput)
	}
	l, err := NewADLLayer(s)
	if err != nil {
		return nil, err
	}
	// Bound every decimal of the snapshot before any is compared: Equal and
	// Cmp align exponents, and an exponent near 2³¹ would build a
	// billion-digit integer (a queue price or fill price of 1e2147483647
	// hung here).
	ds := []decimal.Decimal{snap.Remaining}
	for _, f := range snap.Fills {
		ds = append(ds, f.Closed, f.After, f.Price, f.Score)
	}
	for _, r := range snap.Queue {
		ds = append(ds, r.Position.Size, r.Position.EntryPrice, r.Position.BankruptcyPrice, r.Score)
	}
	for _, d := range ds {
		if err := num.Check(d); err != nil {
			return nil, wrap(ErrBadSnapshot, err, "")
		}
	}
	orig := make(map[string]Ranked, len(l.queue))
	for _, r := range l.queue {
		orig[r.Position.Account] = r
	}
	closed := make(map[string]decimal.Decimal, len(snap.Fills))
	total := decimal.Zero
	for i, f := range snap.Fills {
		o, ok := orig[f.Account]
		if !ok || !f.Price.Equal(l.bankrupt.BankruptcyPrice) || checkPositive(f.Closed, l.sizeScale, "closed") != nil ||
			num.Check(f.After) != nil || num.Check(f.Score) != nil || f.After.Sign()*o.Position.Size.Sign() < 0 {
			return nil, fmt.Errorf("%w: fill %d (%q)", ErrBadSnapshot, i, f.Account)
		}
		closed[f.Account] = closed[f.Account].Add(f.Closed)
		total = total.Add(f.Closed)
	}
	queue := make([]Ranked, 0, len(snap.Queue))
	k := 0
	for i, r := range snap.Queue {
		for k < len(l.queue) && l.queue[k].Position.Account != r.Position.Account {
			k++
		}
		if k == len(l.queue) {
			return nil, fmt.Errorf("%w: queue entry %d (%q) not in the ranked queue or out of order", ErrBadSnapshot, i, r.Position.Account)
		}
		o := l.queue[k]
		p := r.Position
		if !p.EntryPrice.Equal(o.Position.EntryPrice) || !p.BankruptcyPrice.Equal(o.Position.BankruptcyPrice) || !r.Score.Equal(o.Score) {
			return nil, fmt.Errorf("%w: queue entry %q differs from its ranked position", ErrBadSnapshot, p.Account)
		}
		queue = append(queue, Ranked{Position: Position{Account: o.Position.Account, Size: p.Size,
			EntryPrice: o.Position.EntryPrice, BankruptcyPrice: o.Position.BankruptcyPrice}, Score: o.Score})
		k++
	}
	// Each position is its ranked size less what its fills closed; a
	// position closed in full has left the queue.
	inQueue := make(map[string]decimal.Decimal, len(queue))
	for _, r := range queue {
		inQueue[r.Position.Account] = r.Position.Size
	}
	for _, o := range l.queue {
		want := o.Position.Size.Abs().Sub(closed[o.Position.Account])
		got, ok := inQueue[o.Position.Account]
		switch {
		case want.Sign() < 0:
			return nil, fmt.Errorf("%w: fills close %s of %q's %s", ErrBadSnapshot, closed[o.Position.Account], o.Position.Account, o.Position.Size)
		case want.Sign() == 0 && ok:
			return nil, fmt.Errorf("%w: %q closed in full but still queued", ErrBadSnapshot, o.Position.Account)
		case want.Sign() > 0 && (!ok || got.Sign() != o.Position.Size.Sign() || !got.Abs().Equal(want)):
			return nil, fmt.Errorf("%w: %q queued with %s, fills leave %s", ErrBadSnapshot, o.Position.Account, got, want)
		}
	}
	if s.Shared == nil {
		if err := checkAmount(snap.Remaining, l.sizeScale, "remaining"); err != nil {
			return nil, wrap(ErrBadSnapshot, err, "")
		}
		if !snap.Remaining.Add(total).Equal(l.left.left) {
			return nil, fmt.Errorf("%w: remaining size %s with %s closed, bankrupt size %s", ErrBadSnapshot, snap.Remaining, total, l.left.left)
		}
		l.left.left = snap.Remaining
	} else if total.Cmp(s.Request.Bankrupt.Size.Abs()) > 0 {
		return nil, fmt.Errorf("%w: fills close %s of a bankrupt size %s", ErrBadSnapshot, total, s.Request.Bankrupt.Size.Abs())
	}
	l.queue = queue
	l.fills = append([]Fill(nil), snap.Fills...)
	return l, nil
}

// BLPLayerSnapshot is the state of a BLPLayer (the pool has its own).
type BLPLayerSnapshot struct {
	Remaining   decimal.Decimal `json:"remaining"`   // size not yet handed over (ignored when shared)
	Assignments []Assignment    `json:"assignments"` // assignments made so far
}

// Snapshot returns the size left and the assignments made.
func (l *BLPLayer) Snapshot() BLPLayerSnapshot {
	return BLPLayerSnapshot{Remaining: l.left.left, Assignments: l.assignmentsCopy()}
}

// RestoreBLPLayer rebuilds the pool's layer for t at mark (as
// SharedLayer) from a snapshot. Restore the pool and the shared position
// first; when shared is nil the snapshot's Remaining is used, and it plus
// the sizes assigned must equal |t.Size|. Every assignment must name a
// provider, be on t's side, in whole lots, with a notional in whole money
// units; anything else is ErrBadSnapshot.
func (p *BackstopPool) RestoreBLPLayer(t Takeover, mark decimal.Decimal, shared *SharedPosition, snap BLPLayerSnapshot) (*BLPLayer, error) {
	l, err := p.SharedLayer(t, mark, shared)
	if err != nil {
		return nil, err
	}
	taken := decimal.Zero
	for i, a := range snap.Assignments {
		if _, ok := p.providers[a.Provider]; !ok || num.Check(a.Size) != nil || a.Size.Sign() != t.Size.Sign() ||
			checkAmount(a.Size.Abs(), p.sizeScale, "size") != nil || checkAmount(a.Notional, p.scale, "notional") != nil {
			return nil, fmt.Errorf("%w: assignment %d", ErrBadSnapshot, i)
		}
		taken = taken.Add(a.Size.Abs())
	}
	if taken.Cmp(t.Size.Abs()) > 0 {
		return nil, fmt.Errorf("%w: assignments take %s of %s", ErrBadSnapshot, taken, t.Size.Abs())
	}
	if shared == nil {
		if err := checkAmount(snap.Remaining, p.sizeScale, "remaining"); err != nil {
			return nil, wrap(ErrBadSnapshot, err, "") // never format an unchecked decimal: an absurd exponent hung here
		}
		if !snap.Remaining.Add(taken).Equal(t.Size.Abs()) {
			return nil, fmt.Errorf("%w: remaining size %s with %s taken of %s", ErrBadSnapshot, snap.Remaining, taken, t.Size.Abs())
		}
		l.left.left = snap.Remaining
	}
	l.assignments = append([]Assignment(nil), snap.Assignments...)
	return l, nil
}
