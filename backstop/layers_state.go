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
		return nil, fmt.Errorf("%w: %w", ErrBadSnapshot, err)
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
	return SocialSnapshot{Accounts: append([]Balance(nil), s.accounts...), Haircuts: s.Haircuts()}
}

// RestoreSocialLayer rebuilds a SocialLayer named id in money units of
// unit from a snapshot: accounts valid as for NewSocialLayer, every
// haircut positive, at the unit and of a listed account.
func RestoreSocialLayer(id string, unit decimal.Decimal, snap SocialSnapshot) (*SocialLayer, error) {
	l, err := NewSocialLayer(id, snap.Accounts, unit)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadSnapshot, err)
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
			return nil, fmt.Errorf("%w: haircut %d: %w", ErrBadSnapshot, i, err)
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
		return nil, fmt.Errorf("%w: shared position: %w", ErrBadSnapshot, err)
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
	return ADLSnapshot{Queue: l.Queue(), Remaining: l.left.left, Fills: l.Fills()}
}

// RestoreADLLayer rebuilds an ADLLayer from the settings it was built with
// (the ranking is code, so it is not in the snapshot) and a snapshot. The
// queue must be the settings' ranked queue with some positions reduced or
// closed, in the same order; Remaining at most the bankrupt size; every
// fill at the bankruptcy price. When s.Shared is set it must already be
// restored, and it is used instead of Remaining.
func RestoreADLLayer(s ADLSettings, snap ADLSnapshot) (*ADLLayer, error) {
	l, err := NewADLLayer(s)
	if err != nil {
		return nil, err
	}
	k := 0
	for i, r := range snap.Queue {
		for k < len(l.queue) && l.queue[k].Position.Account != r.Position.Account {
			k++
		}
		if k == len(l.queue) {
			return nil, fmt.Errorf("%w: queue entry %d (%q) not in the ranked queue or out of order", ErrBadSnapshot, i, r.Position.Account)
		}
		orig := l.queue[k].Position.Size
		if err := num.Check(r.Position.Size); err != nil || r.Position.Size.Sign() != orig.Sign() || r.Position.Size.Abs().Cmp(orig.Abs()) > 0 {
			return nil, fmt.Errorf("%w: queue entry %q size %s (was %s)", ErrBadSnapshot, r.Position.Account, r.Position.Size, orig)
		}
		k++
	}
	for i, f := range snap.Fills {
		if !f.Price.Equal(l.bankrupt.BankruptcyPrice) || num.CheckPositive(f.Closed) != nil || num.Check(f.After) != nil {
			return nil, fmt.Errorf("%w: fill %d", ErrBadSnapshot, i)
		}
	}
	if s.Shared == nil {
		if err := num.CheckNonNegative(snap.Remaining); err != nil || snap.Remaining.Cmp(s.Request.Bankrupt.Size.Abs()) > 0 {
			return nil, fmt.Errorf("%w: remaining size %s", ErrBadSnapshot, snap.Remaining)
		}
		l.left.left = snap.Remaining
	}
	l.queue = append([]Ranked(nil), snap.Queue...)
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
	return BLPLayerSnapshot{Remaining: l.left.left, Assignments: l.Assignments()}
}

// RestoreBLPLayer rebuilds the pool's layer for t at mark (as
// SharedLayer) from a snapshot. Restore the pool and the shared position
// first; when shared is nil the snapshot's Remaining is used.
func (p *BackstopPool) RestoreBLPLayer(t Takeover, mark decimal.Decimal, shared *SharedPosition, snap BLPLayerSnapshot) (*BLPLayer, error) {
	l, err := p.SharedLayer(t, mark, shared)
	if err != nil {
		return nil, err
	}
	for i, a := range snap.Assignments {
		if _, ok := p.providers[a.Provider]; !ok || num.Check(a.Size) != nil || a.Size.Sign() != t.Size.Sign() || num.CheckNonNegative(a.Notional) != nil {
			return nil, fmt.Errorf("%w: assignment %d", ErrBadSnapshot, i)
		}
	}
	if shared == nil {
		if err := num.CheckNonNegative(snap.Remaining); err != nil || snap.Remaining.Cmp(t.Size.Abs()) > 0 {
			return nil, fmt.Errorf("%w: remaining size %s", ErrBadSnapshot, snap.Remaining)
		}
		l.left.left = snap.Remaining
	}
	l.assignments = append([]Assignment(nil), snap.Assignments...)
	return l, nil
}
