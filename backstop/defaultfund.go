package backstop

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
)

// The steps of a clearing house's default waterfall, in the order of EMIR
// (Regulation (EU) No 648/2012) Art. 45: the defaulter's margins (45(1)),
// its default fund contribution (45(2)), the CCP's dedicated own resources
// — skin in the game — (45(4); at least 25 % of its minimum capital,
// Delegated Regulation 153/2013 Art. 35), the non-defaulting members'
// contributions (45(2)-(3)), then the tools ESMA's EMIR Q&A accepts beyond
// the prefunded fund: assessments capped per member (Art. 43(3), Q&A 886)
// and variation-margin gains haircutting (Q&A 887). Each is a Layer in the
// Allocation that DefaultFund.Cover returns, with its own draw.
const (
	StepDefaulterMargin       = "defaulter-margin"
	StepDefaulterContribution = "defaulter-contribution"
	StepSkinInTheGame         = "skin-in-the-game"
	StepSurvivorContributions = "survivor-contributions"
	StepAssessments           = "assessments"
	StepVMHaircut             = "vm-gains-haircut"
)

// MemberSpec declares a clearing member and its prefunded default fund
// contribution.
type MemberSpec struct {
	ID           string          `json:"id"`           // unique member ID
	Contribution decimal.Decimal `json:"contribution"` // ≥ 0, in whole units
	// AssessmentCap, if positive, overrides the fund's Assessment rule for
	// this member.
	AssessmentCap decimal.Decimal `json:"assessment_cap"`
}

// AssessmentRule caps what each surviving member can be called for beyond
// its contribution, per ESMA EMIR Q&A 886: a pre-defined monetary amount
// (Fixed) or an amount relative to the member's contribution (Multiple ×
// contribution). The zero value allows no assessments.
type AssessmentRule struct {
	// Fixed is a per-member cap in money; when > 0 it is used instead of
	// Multiple.
	Fixed decimal.Decimal
	// Multiple of the member's declared contribution, e.g. 1 for "up to
	// one more contribution" (LCH, Eurex and Nasdaq Clearing use 1×–3×);
	// the cap is Multiple × contribution floored to the unit.
	Multiple decimal.Decimal
}

// DefaultFundSettings configure a DefaultFund.
type DefaultFundSettings struct {
	// Members of the fund. Required: at least one; IDs non-empty, unique.
	Members []MemberSpec
	// SkinInTheGame is the CCP's dedicated own resources used after the
	// defaulter's resources and before any survivor's (≥ 0).
	SkinInTheGame decimal.Decimal
	// Assessment caps assessments per member. Zero value: no assessments.
	Assessment AssessmentRule
	// Unit is the smallest money amount (a power of ten). Zero means
	// 0.00000001.
	Unit decimal.Decimal
	// KeyMemory is how many keyed contributions the fund remembers (the
	// oldest beyond it are forgotten; see Contribute). Zero means
	// DefaultKeyMemory (100,000); at most 10,000,000.
	KeyMemory int
}

type member struct {
	spec      MemberSpec
	balance   decimal.Decimal // contribution left in the fund
	assessed  decimal.Decimal // called so far in this assessment period
	defaulted bool
}

// DefaultFund is a clearing house's mutualised default fund with the EMIR
// Art. 45 waterfall. It keeps each member's contribution balance, what each
// was assessed, the CCP's skin in the game and a Journal of every movement.
// Not safe for concurrent use.
type DefaultFund struct {
	scale   int32
	rule    AssessmentRule
	order   []string
	members map[string]*member
	skin    decimal.Decimal
	journal *Journal
	// defaults covered, by Default.ID (the idempotency key), in order.
	defaults []CoveredDefault
	byID     map[string]int
	keys     keyMemory // keyed contributions, for idempotency
}

// NewDefaultFund validates the settings and returns a fund holding the
// declared contributions and skin in the game.
func NewDefaultFund(s DefaultFundSettings) (*DefaultFund, error) {
	scale, err := unitScale(s.Unit, defaultUnit, "unit")
	if err != nil {
		return nil, err
	}
	if len(s.Members) == 0 {
		return nil, fmt.Errorf("%w: no members", ErrInvalidSettings)
	}
	if err := checkAmount(s.SkinInTheGame, scale, "skin in the game"); err != nil {
		return nil, wrap(ErrInvalidSettings, err, "")
	}
	if err := checkAmount(s.Assessment.Fixed, scale, "assessment fixed cap"); err != nil {
		return nil, wrap(ErrInvalidSettings, err, "")
	}
	if err := num.CheckNonNegative(s.Assessment.Multiple); err != nil {
		return nil, wrap(ErrInvalidSettings, err, "assessment multiple")
	}
	keys, err := newKeyMemory(s.KeyMemory)
	if err != nil {
		return nil, err
	}
	f := &DefaultFund{scale: scale, rule: s.Assessment, members: map[string]*member{}, skin: s.SkinInTheGame, journal: NewJournal(),
		byID: map[string]int{}, keys: keys}
	for i, m := range s.Members {
		if badID(m.ID) {
			return nil, fmt.Errorf("%w: member %d has an empty or non-UTF-8 ID", ErrInvalidSettings, i)
		}
		if _, dup := f.members[m.ID]; dup {
			return nil, fmt.Errorf("%w: member %q twice", ErrDuplicateID, m.ID)
		}
		if err := checkAmount(m.Contribution, scale, "contribution"); err != nil {
			return nil, wrap(ErrInvalidSettings, err, "member %q", m.ID)
		}
		if err := checkAmount(m.AssessmentCap, scale, "assessment cap"); err != nil {
			return nil, wrap(ErrInvalidSettings, err, "member %q", m.ID)
		}
		f.members[m.ID] = &member{spec: m, balance: m.Contribution, assessed: decimal.Zero}
		f.order = append(f.order, m.ID)
	}
	f.openingEntries()
	return f, nil
}

// openingEntries journals the declared contributions and the skin in the
// game as opening balances (at the zero time), so every later balance is
// the replay of the journal.
func (f *DefaultFund) openingEntries() {
	var ms []Movement
	for _, id := range f.order {
		if c := f.members[id].spec.Contribution; c.Sign() > 0 {
			ms = append(ms, Movement{From: "member:" + id, To: contributionAccount(id), Amount: c, Reason: "opening contribution"})
		}
	}
	if f.skin.Sign() > 0 {
		ms = append(ms, Movement{From: "ccp:capital", To: skinAccount, Amount: f.skin, Reason: "opening skin in the game"})
	}
	_ = f.journal.record(time.Time{}, ms...) // validated above: positive amounts, distinct accounts
}

const skinAccount = "ccp:skin-in-the-game"

func contributionAccount(id string) string { return "contribution:" + id }

func assessmentAccount(id string) string { return "assessment:" + id }

// charge applies one pro-rata step's per-member shares: each non-zero
// share is applied to its member, reported as an event of kind from step,
// and moved from account(member) into to.
func charge(now time.Time, ms []*member, shares []decimal.Decimal, step string, kind EventKind, account func(string) string,
	to string, apply func(*member, decimal.Decimal)) ([]Movement, []Event, error) {
	var out []Movement
	var evs []Event
	for i, m := range ms {
		if shares[i].Sign() == 0 {
			continue
		}
		apply(m, shares[i])
		evs = append(evs, Event{Time: now, Kind: kind, Subject: step, Account: m.spec.ID, Amount: shares[i]})
		out = append(out, Movement{From: account(m.spec.ID), To: to, Amount: shares[i], Reason: step})
	}
	return out, evs, nil
}

// assessmentCap is the most member m may be assessed in one period:
// its own cap, else Fixed, else Multiple × contribution (floored).
func (f *DefaultFund) assessmentCap(m *member) decimal.Decimal {
	switch {
	case m.spec.AssessmentCap.Sign() > 0:
		return m.spec.AssessmentCap
	case f.rule.Fixed.Sign() > 0:
		return f.rule.Fixed
	default:
		return num.MulRound(f.rule.Multiple, m.spec.Contribution, f.scale, num.Floor)
	}
}

// Default is a member's default to cover.
type Default struct {
	// ID names the default in movements and events and is its idempotency
	// key: non-empty, covered once (see DefaultFund.Cover).
	ID string `json:"id"`
	// Member is the defaulting clearing member.
	Member string `json:"member"`
	// Loss is what closing out the member's positions lost (≥ 0).
	Loss decimal.Decimal `json:"loss"`
	// Margin is the defaulter's margin available to the CCP (≥ 0).
	Margin decimal.Decimal `json:"margin"`
	// VariationGains are the variation margin gains the CCP owes surviving
	// members this cycle, which the last step may haircut pro rata (ESMA
	// EMIR Q&A 887). Optional; must not include the defaulter.
	VariationGains []Balance `json:"variation_gains,omitempty"`
}

// Member is a member's current standing in the fund.
type Member struct {
	ID            string          `json:"id"`             // the member
	Contribution  decimal.Decimal `json:"contribution"`   // balance left in the fund
	Declared      decimal.Decimal `json:"declared"`       // the prefunded contribution the member committed
	Assessed      decimal.Decimal `json:"assessed"`       // called in the current period
	AssessmentCap decimal.Decimal `json:"assessment_cap"` // the period's cap
	Defaulted     bool            `json:"defaulted"`      // has defaulted: no longer a survivor
}

// Members returns every member's standing, in settings order.
func (f *DefaultFund) Members() []Member {
	out := make([]Member, 0, len(f.order))
	for _, id := range f.order {
		m := f.members[id]
		out = append(out, Member{ID: id, Contribution: m.balance, Declared: m.spec.Contribution,
			Assessed: m.assessed, AssessmentCap: f.assessmentCap(m), Defaulted: m.defaulted})
	}
	return out
}

// SkinInTheGame returns the CCP's dedicated own resources left.
func (f *DefaultFund) SkinInTheGame() decimal.Decimal { return f.skin }

// Total returns the contributions left in the fund (all members).
func (f *DefaultFund) Total() decimal.Decimal {
	t := decimal.Zero
	for _, id := range f.order {
		t = t.Add(f.members[id].balance)
	}
	return t
}

// Journal returns a copy of the fund's journal entries.
func (f *DefaultFund) Journal() []Entry { return f.journal.Entries() }

// Cover runs the EMIR Art. 45 waterfall for def and returns the allocation:
// one Draw per step (StepDefaulterMargin … StepVMHaircut), each with its
// per-member movements, the residual no step could cover, and the events
// (per step drawn an EventDraw, then its EventStepDraw, EventAssessment
// or EventHaircut per member charged). The defaulter is marked defaulted
// and takes no part in later survivors' steps.
//
// Survivors' contributions are drawn pro rata to their balances; assessments
// pro rata to declared contributions, water-filled under each member's cap
// (proRataCapped); VM gains haircut pro rata to gains. All shares sum
// exactly (largest remainder).
//
// def.ID is an idempotency key: covering an ID already covered with the
// same member, loss, margin and gains returns the first allocation
// unchanged and changes nothing; the same ID with different content is
// ErrDuplicateID; an empty ID is ErrInvalidInput.
//
// Errors (nothing changes): an empty or reused ID, unknown or
// already-defaulted member, a bad amount, gains naming this or an earlier
// defaulter, an unknown or repeated member in gains, a time before the fund
// journal's last entry.
func (f *DefaultFund) Cover(now time.Time, def Default) (Allocation, error) {
	// Held in UTC, so the snapshot is the same in every time zone.
	now = now.UTC()
	if badID(def.ID) {
		return Allocation{}, fmt.Errorf("%w: default with an empty or non-UTF-8 ID (the ID is the default's idempotency key)", ErrInvalidInput)
	}
	// Bound the amounts before anything compares them (Equal aligns
	// exponents: an absurd one would hang).
	if err := checkAmount(def.Loss, f.scale, "loss"); err != nil {
		return Allocation{}, err
	}
	if err := checkAmount(def.Margin, f.scale, "margin"); err != nil {
		return Allocation{}, err
	}
	for _, g := range def.VariationGains {
		if err := checkAmount(g.Amount, f.scale, "variation gain"); err != nil {
			return Allocation{}, err
		}
	}
	if k, seen := f.byID[def.ID]; seen {
		rec := f.defaults[k]
		if !sameDefault(rec.Default, def) {
			return Allocation{}, fmt.Errorf("%w: default %q was covered for member %q; refused with different content under the same ID", ErrDuplicateID, def.ID, rec.Default.Member)
		}
		return rec.Allocation.clone(), nil
	}
	d, ok := f.members[def.Member]
	if !ok {
		return Allocation{}, fmt.Errorf("%w: member %q", ErrUnknownID, def.Member)
	}
	if d.defaulted {
		return Allocation{}, fmt.Errorf("%w: member %q already defaulted", ErrInvalidInput, def.Member)
	}
	if err := checkAmount(def.Loss, f.scale, "loss"); err != nil {
		return Allocation{}, err
	}
	if err := checkAmount(def.Margin, f.scale, "margin"); err != nil {
		return Allocation{}, err
	}
	seen := map[string]bool{}
	for _, g := range def.VariationGains {
		m, ok := f.members[g.Account]
		if !ok {
			return Allocation{}, fmt.Errorf("%w: variation gains of %q", ErrUnknownID, g.Account)
		}
		if m == d || m.defaulted || seen[g.Account] {
			return Allocation{}, fmt.Errorf("%w: variation gains of %q (a defaulter, or repeated)", ErrInvalidInput, g.Account)
		}
		seen[g.Account] = true
		if err := checkAmount(g.Amount, f.scale, "variation gain"); err != nil {
			return Allocation{}, err
		}
	}
	if err := checkNow(now); err != nil {
		return Allocation{}, err
	}
	if err := f.journal.checkTime(now); err != nil {
		return Allocation{}, err
	}
	w, err := New(Settings{Layers: f.layers(def, d), Unit: decimal.New(1, -f.scale), Journal: f.journal})
	if err != nil {
		return Allocation{}, err
	}
	d.defaulted = true
	a, err := w.Cover(now, Claim{ID: def.ID, Amount: def.Loss, Account: "default:" + def.ID})
	rec := def
	rec.VariationGains = append([]Balance(nil), def.VariationGains...)
	f.byID[def.ID] = len(f.defaults)
	f.defaults = append(f.defaults, CoveredDefault{Default: rec, Allocation: a.clone()})
	return a, err
}

// sameDefault reports whether two defaults have the same content.
func sameDefault(a, b Default) bool {
	if a.ID != b.ID || a.Member != b.Member || !a.Loss.Equal(b.Loss) || !a.Margin.Equal(b.Margin) || len(a.VariationGains) != len(b.VariationGains) {
		return false
	}
	for i := range a.VariationGains {
		if a.VariationGains[i].Account != b.VariationGains[i].Account || !a.VariationGains[i].Amount.Equal(b.VariationGains[i].Amount) {
			return false
		}
	}
	return true
}

// CoveredDefault is one default a DefaultFund has covered, as it
// remembers it (one per defaulted member, so the record is bounded by the
// membership).
type CoveredDefault struct {
	Default    Default    `json:"default"`    // as covered
	Allocation Allocation `json:"allocation"` // the allocation Cover returned
}

// stepLayer adapts a step of the default waterfall to Layer.
type stepLayer struct {
	id     string
	cap    func() decimal.Decimal
	absorb func(now time.Time, amount decimal.Decimal, to string) ([]Movement, []Event, error)
}

func (s stepLayer) ID() string                { return s.id }
func (s stepLayer) Capacity() decimal.Decimal { return s.cap() }
func (s stepLayer) Absorb(now time.Time, amount decimal.Decimal, to string) ([]Movement, []Event, error) {
	if err := num.CheckPositive(amount); err != nil { // checked before formatting
		return nil, nil, wrap(ErrInvalidInput, err, "amount")
	}
	if err := checkAbsorb(now, to); err != nil {
		return nil, nil, err
	}
	if amount.Cmp(s.cap()) > 0 {
		return nil, nil, fmt.Errorf("%w: %s > %s", ErrOverCapacity, amount, s.cap())
	}
	return s.absorb(now, amount, to)
}

func (f *DefaultFund) layers(def Default, d *member) []Layer {
	margin := def.Margin
	survivors := func() []*member {
		var out []*member
		for _, id := range f.order {
			if m := f.members[id]; !m.defaulted {
				out = append(out, m)
			}
		}
		return out
	}
	gains := append([]Balance(nil), def.VariationGains...)
	return []Layer{
		stepLayer{id: StepDefaulterMargin, cap: func() decimal.Decimal { return margin },
			absorb: func(now time.Time, a decimal.Decimal, to string) ([]Movement, []Event, error) {
				margin = margin.Sub(a)
				ev := Event{Time: now, Kind: EventStepDraw, Subject: StepDefaulterMargin, Account: d.spec.ID, Amount: a}
				return []Movement{{From: "margin:" + d.spec.ID, To: to, Amount: a, Reason: StepDefaulterMargin}}, []Event{ev}, nil
			}},
		stepLayer{id: StepDefaulterContribution, cap: func() decimal.Decimal { return d.balance },
			absorb: func(now time.Time, a decimal.Decimal, to string) ([]Movement, []Event, error) {
				d.balance = d.balance.Sub(a)
				ev := Event{Time: now, Kind: EventStepDraw, Subject: StepDefaulterContribution, Account: d.spec.ID, Amount: a}
				return []Movement{{From: contributionAccount(d.spec.ID), To: to, Amount: a, Reason: StepDefaulterContribution}}, []Event{ev}, nil
			}},
		stepLayer{id: StepSkinInTheGame, cap: func() decimal.Decimal { return f.skin },
			absorb: func(now time.Time, a decimal.Decimal, to string) ([]Movement, []Event, error) {
				f.skin = f.skin.Sub(a)
				ev := Event{Time: now, Kind: EventStepDraw, Subject: StepSkinInTheGame, Account: "ccp", Amount: a}
				return []Movement{{From: skinAccount, To: to, Amount: a, Reason: StepSkinInTheGame}}, []Event{ev}, nil
			}},
		stepLayer{id: StepSurvivorContributions,
			cap: func() decimal.Decimal {
				t := decimal.Zero
				for _, m := range survivors() {
					t = t.Add(m.balance)
				}
				return t
			},
			absorb: func(now time.Time, a decimal.Decimal, to string) ([]Movement, []Event, error) {
				ms := survivors()
				ws := make([]decimal.Decimal, len(ms))
				for i, m := range ms {
					ws[i] = m.balance
				}
				// Pro rata to balances, capped by them (balances are whole
				// units, so no cap binds; a ≤ Σ balances, checked by Absorb).
				shares, err := proRataCapped(a, ws, ws, f.scale)
				if err != nil {
					return nil, nil, err
				}
				return charge(now, ms, shares, StepSurvivorContributions, EventStepDraw, contributionAccount, to,
					func(m *member, x decimal.Decimal) { m.balance = m.balance.Sub(x) })
			}},
		stepLayer{id: StepAssessments,
			cap: func() decimal.Decimal {
				t := decimal.Zero
				for _, m := range survivors() {
					t = t.Add(num.MaxOf(decimal.Zero, f.assessmentCap(m).Sub(m.assessed)))
				}
				return t
			},
			absorb: func(now time.Time, a decimal.Decimal, to string) ([]Movement, []Event, error) {
				ms := survivors()
				ws := make([]decimal.Decimal, len(ms))
				caps := make([]decimal.Decimal, len(ms))
				for i, m := range ms {
					ws[i] = m.spec.Contribution
					caps[i] = num.MaxOf(decimal.Zero, f.assessmentCap(m).Sub(m.assessed))
					if ws[i].IsZero() && caps[i].Sign() > 0 {
						ws[i] = caps[i] // a member with a fixed cap but no contribution is assessed by its cap
					}
				}
				shares, err := proRataCapped(a, ws, caps, f.scale)
				if err != nil {
					return nil, nil, err
				}
				return charge(now, ms, shares, StepAssessments, EventAssessment, assessmentAccount, to,
					func(m *member, x decimal.Decimal) { m.assessed = m.assessed.Add(x) })
			}},
		stepLayer{id: StepVMHaircut,
			cap: func() decimal.Decimal {
				t := decimal.Zero
				for _, g := range gains {
					t = t.Add(g.Amount)
				}
				return t
			},
			absorb: func(now time.Time, a decimal.Decimal, to string) ([]Movement, []Event, error) {
				res, err := Socialise(a, gains, f.scale)
				if err != nil {
					return nil, nil, err
				}
				var out []Movement
				var evs []Event
				for _, h := range res.Haircuts {
					if h.Amount.Sign() == 0 {
						continue
					}
					for i := range gains {
						if gains[i].Account == h.Account {
							gains[i].Amount = gains[i].Amount.Sub(h.Amount)
						}
					}
					evs = append(evs, Event{Time: now, Kind: EventHaircut, Subject: StepVMHaircut, Account: h.Account, Amount: h.Amount})
					out = append(out, Movement{From: "vm-gains:" + h.Account, To: to, Amount: h.Amount, Reason: StepVMHaircut})
				}
				return out, evs, nil
			}},
	}
}

// Contribute pays amount (> 0) into member's contribution balance, e.g. to
// replenish after a default, records it from "member:ID" and returns its
// EventDeposit. A defaulted member cannot contribute (ErrInvalidInput).
//
// key is the contribution's idempotency key: repeated with the same member
// and amount it returns the first contribution's event and pays nothing
// in; other content under the key is ErrDuplicateID; empty means no key.
// The fund remembers its last DefaultFundSettings.KeyMemory keyed
// contributions, in its snapshot. (Draws on the fund are Cover's, keyed by
// the default's ID.)
func (f *DefaultFund) Contribute(now time.Time, key, memberID string, amount decimal.Decimal) ([]Event, error) {
	// Held in UTC, so the snapshot is the same in every time zone.
	now = now.UTC()
	m, ok := f.members[memberID]
	if !ok {
		return nil, fmt.Errorf("%w: member %q", ErrUnknownID, memberID)
	}
	if m.defaulted {
		return nil, fmt.Errorf("%w: member %q has defaulted", ErrInvalidInput, memberID)
	}
	if err := checkPositive(amount, f.scale, "contribution"); err != nil {
		return nil, err
	}
	if err := checkNow(now); err != nil {
		return nil, err
	}
	in := KeyedInput{Key: key, Op: EventDeposit, Subject: contributionAccount(memberID), Account: memberID, Amount: amount, Time: now}
	if first, seen, err := f.keys.check(in); err != nil || seen {
		if err != nil {
			return nil, err
		}
		return []Event{first.event()}, nil
	}
	if err := f.journal.Record(now, Movement{From: "member:" + memberID, To: contributionAccount(memberID), Amount: amount, Reason: "contribution"}); err != nil {
		return nil, err
	}
	m.balance = m.balance.Add(amount)
	f.keys.remember(in)
	return []Event{in.event()}, nil
}

// ResetAssessments starts a new assessment period: every member's
// assessed amount returns to zero (EMIR-regulated CCPs cap assessments per
// default-management period, after which members' liability resets). It
// returns its EventReplenish.
func (f *DefaultFund) ResetAssessments(now time.Time) []Event {
	// Held in UTC, so the snapshot is the same in every time zone.
	now = now.UTC()
	for _, id := range f.order {
		f.members[id].assessed = decimal.Zero
	}
	return []Event{{Time: now, Kind: EventReplenish, Subject: StepAssessments}}
}
