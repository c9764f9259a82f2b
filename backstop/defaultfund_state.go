package backstop

import (
	"fmt"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
)

// CheckInvariants proves the default fund's promises: no contribution
// balance, assessed amount or skin in the game is negative; no member is
// assessed above its cap nor above what the journal shows it was ever
// called for; each contribution balance and the skin in the game
// equal their journal accounts; the journal balances; and every journal
// entry is a contribution or a default step of a declared member.
func (f *DefaultFund) CheckInvariants() error {
	if err := f.journal.Check(); err != nil {
		return err
	}
	if f.skin.Sign() < 0 {
		return fmt.Errorf("%w: skin in the game %s is negative", ErrInvariant, f.skin)
	}
	if !f.journal.Balance(skinAccount).Equal(f.skin) {
		return fmt.Errorf("%w: skin in the game %s, journal %s", ErrInvariant, f.skin, f.journal.Balance(skinAccount))
	}
	for _, id := range f.order {
		m := f.members[id]
		if m.balance.Sign() < 0 || m.assessed.Sign() < 0 {
			return fmt.Errorf("%w: member %q balance %s assessed %s", ErrInvariant, id, m.balance, m.assessed)
		}
		if m.assessed.Cmp(f.assessmentCap(m)) > 0 {
			return fmt.Errorf("%w: member %q assessed %s above cap %s", ErrInvariant, id, m.assessed, f.assessmentCap(m))
		}
		if called := f.journal.Balance(assessmentAccount(id)).Neg(); m.assessed.Cmp(called) > 0 {
			return fmt.Errorf("%w: member %q assessed %s in this period, %s in the journal ever", ErrInvariant, id, m.assessed, called)
		}
		if !f.journal.Balance(contributionAccount(id)).Equal(m.balance) {
			return fmt.Errorf("%w: member %q balance %s, journal %s", ErrInvariant, id, m.balance, f.journal.Balance(contributionAccount(id)))
		}
	}
	return f.checkJournalAccounts()
}

// checkJournalAccounts proves every journal entry is one the fund makes: a
// contribution (member:M → contribution:M), the opening skin in the game
// (ccp:capital → ccp:skin-in-the-game), or a default step paying into a
// default's loss account ("default:ID") from a declared member's margin,
// contribution, assessment or VM gains, or from the skin in the game. A
// snapshot whose journal holds any other entry (issue 10 item 12's class)
// is refused.
func (f *DefaultFund) checkJournalAccounts() error {
	memberOf := func(acct, prefix string) bool {
		id, ok := strings.CutPrefix(acct, prefix)
		_, declared := f.members[id]
		return ok && declared
	}
	for _, e := range f.journal.entries {
		ok := false
		switch {
		case strings.HasPrefix(e.To, "contribution:"):
			ok = memberOf(e.To, "contribution:") && e.From == "member:"+strings.TrimPrefix(e.To, "contribution:")
		case e.To == skinAccount:
			ok = e.From == "ccp:capital"
		case strings.HasPrefix(e.To, "default:"):
			ok = e.From == skinAccount || memberOf(e.From, "margin:") || memberOf(e.From, "contribution:") ||
				memberOf(e.From, "assessment:") || memberOf(e.From, "vm-gains:")
		}
		if !ok {
			return fmt.Errorf("%w: journal entry %d (%q to %q) is not a contribution or a default step of a declared member", ErrInvariant, e.Seq, e.From, e.To)
		}
	}
	return nil
}

// DefaultFundSnapshot is the JSON-serialisable state of a DefaultFund.
type DefaultFundSnapshot struct {
	Members       []MemberSnapshot `json:"members"`          // every member once, settings order
	SkinInTheGame decimal.Decimal  `json:"skin_in_the_game"` // the CCP's own resources left
	Journal       JournalSnapshot  `json:"journal"`          // the fund's journal, opening entries included
	Defaults      []CoveredDefault `json:"defaults"`         // every default covered, in order (its ID is its idempotency key)
	Keys          []KeyedInput     `json:"keys,omitempty"`   // the keyed contributions remembered, oldest first
}

// MemberSnapshot is one member's state.
type MemberSnapshot struct {
	ID        string          `json:"id"`        // the member
	Balance   decimal.Decimal `json:"balance"`   // contribution left in the fund
	Assessed  decimal.Decimal `json:"assessed"`  // assessed in the current period
	Defaulted bool            `json:"defaulted"` // has defaulted
}

// Snapshot returns the fund's state. Settings are not included: restore
// with the same settings.
func (f *DefaultFund) Snapshot() DefaultFundSnapshot {
	s := DefaultFundSnapshot{SkinInTheGame: f.skin, Journal: f.journal.Snapshot(), Keys: f.keys.snapshot()}
	for _, id := range f.order {
		m := f.members[id]
		s.Members = append(s.Members, MemberSnapshot{ID: id, Balance: m.balance, Assessed: m.assessed, Defaulted: m.defaulted})
	}
	for _, r := range f.defaults {
		r.Default.VariationGains = append([]Balance(nil), r.Default.VariationGains...)
		r.Allocation = r.Allocation.clone()
		s.Defaults = append(s.Defaults, r)
	}
	return s
}

// RestoreDefaultFund rebuilds a DefaultFund from its settings and a
// snapshot, validating every field (each member exactly once, amounts in
// range and at the unit, the journal balancing and agreeing with the
// balances, every defaulted member with exactly one covered default and
// every covered default of a defaulted member, its allocation passing
// CheckAllocation); a malformed snapshot is ErrBadSnapshot.
func RestoreDefaultFund(s DefaultFundSettings, snap DefaultFundSnapshot) (*DefaultFund, error) {
	f, err := NewDefaultFund(s)
	if err != nil {
		return nil, err
	}
	j, err := RestoreJournal(snap.Journal)
	if err != nil {
		return nil, err
	}
	if len(snap.Members) != len(f.order) {
		return nil, fmt.Errorf("%w: %d members, settings declare %d", ErrBadSnapshot, len(snap.Members), len(f.order))
	}
	if err := checkAmount(snap.SkinInTheGame, f.scale, "skin in the game"); err != nil {
		return nil, wrap(ErrBadSnapshot, err, "")
	}
	seen := map[string]bool{}
	for _, ms := range snap.Members {
		m, ok := f.members[ms.ID]
		if !ok || seen[ms.ID] {
			return nil, fmt.Errorf("%w: member %q unknown or repeated", ErrBadSnapshot, ms.ID)
		}
		seen[ms.ID] = true
		if err := checkAmount(ms.Balance, f.scale, "balance"); err != nil {
			return nil, wrap(ErrBadSnapshot, err, "member %q", ms.ID)
		}
		if err := checkAmount(ms.Assessed, f.scale, "assessed"); err != nil {
			return nil, wrap(ErrBadSnapshot, err, "member %q", ms.ID)
		}
		m.balance, m.assessed, m.defaulted = ms.Balance, ms.Assessed, ms.Defaulted
	}
	f.skin = snap.SkinInTheGame
	f.journal = j
	if err := f.restoreDefaults(snap.Defaults); err != nil {
		return nil, fmt.Errorf("%w: %s", ErrBadSnapshot, err)
	}
	if err := f.CheckInvariants(); err != nil {
		return nil, wrap(ErrBadSnapshot, err, "")
	}
	known := func(k KeyedInput) (Movement, bool) {
		if _, ok := f.members[k.Account]; !ok || k.Op != EventDeposit || k.Subject != contributionAccount(k.Account) || k.Reason != "" {
			return Movement{}, false
		}
		return Movement{From: "member:" + k.Account, To: k.Subject, Reason: "contribution"}, true
	}
	if err := f.keys.restore(snap.Keys, f.scale, known, f.journal); err != nil {
		return nil, err
	}
	return f, nil
}

// restoreDefaults validates and installs the covered defaults of a
// snapshot; its errors carry no sentinel (the caller wraps once).
func (f *DefaultFund) restoreDefaults(ds []CoveredDefault) error {
	byMember := map[string]bool{}
	for i, r := range ds {
		def, a := r.Default, r.Allocation
		if badID(def.ID) || a.Claim != def.ID {
			return fmt.Errorf("default %d: empty ID or an allocation of another default", i)
		}
		if _, dup := f.byID[def.ID]; dup {
			return fmt.Errorf("default %q twice", def.ID)
		}
		m, ok := f.members[def.Member]
		if !ok || !m.defaulted || byMember[def.Member] {
			return fmt.Errorf("default %q of member %q: unknown, not defaulted, or defaulted twice", def.ID, def.Member)
		}
		byMember[def.Member] = true
		amts := []decimal.Decimal{def.Loss, def.Margin, a.Loss, a.Residual}
		for _, g := range def.VariationGains {
			amts = append(amts, g.Amount)
		}
		for _, d := range a.Draws {
			amts = append(amts, d.Capacity, d.Drawn)
			for _, mv := range d.Movements {
				amts = append(amts, mv.Amount)
			}
		}
		for _, d := range amts { // before any decimal is formatted
			if err := num.CheckNonNegative(d); err != nil {
				return fmt.Errorf("default %q: %s", def.ID, err)
			}
		}
		if !a.Loss.Equal(def.Loss) || a.Account != "default:"+def.ID {
			return fmt.Errorf("default %q: allocation of another loss or account", def.ID)
		}
		if err := CheckAllocation(a); err != nil {
			return fmt.Errorf("default %q: %s", def.ID, strings.TrimPrefix(err.Error(), ErrInvariant.Error()+": "))
		}
		def.VariationGains = append([]Balance(nil), def.VariationGains...)
		f.byID[def.ID] = len(f.defaults)
		f.defaults = append(f.defaults, CoveredDefault{Default: def, Allocation: a.clone()})
	}
	for _, id := range f.order {
		if f.members[id].defaulted && !byMember[id] {
			return fmt.Errorf("member %q defaulted with no covered default", id)
		}
	}
	return nil
}
