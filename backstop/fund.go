package backstop

import (
	"fmt"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
)

// FundSpec declares one insurance fund.
type FundSpec struct {
	// ID names the fund (non-empty, unique); its journal account is
	// "insurance:ID".
	ID string `json:"id"`
	// Floor is the balance the fund may never be drawn below (≥ 0; zero
	// means it may be drawn to empty). The fund is drawn down to exactly
	// its floor, never below: Available = balance − floor, and the floor
	// itself is not drawable (TestBoundaryFundFloor). Venues keep a floor so one event
	// cannot wipe the fund out (dYdX v4 and Binance publish per-market
	// fund minimums).
	Floor decimal.Decimal `json:"floor"`
}

// FundSettings configure an InsuranceFund.
type FundSettings struct {
	// Funds to keep. Empty means one shared fund with ID "shared" and no
	// floor. IDs must be non-empty and unique.
	Funds []FundSpec
	// Markets maps a market to the fund that covers it (isolated, per-market
	// funds as on dYdX v4 and Binance). A market not listed uses Shared.
	// Every fund named must exist.
	Markets map[string]string
	// Shared is the fund for markets not in Markets (a cross-market fund as
	// on BitMEX). Empty means the first fund in Funds.
	Shared string
	// Unit is the smallest money amount (a power of ten). Zero means
	// 0.00000001. Deposits and draws finer than it are rejected.
	Unit decimal.Decimal
	// KeyMemory is how many keyed deposits and draws the fund remembers
	// (the oldest beyond it are forgotten; see Deposit). Zero means
	// DefaultKeyMemory (100,000); at most 10,000,000.
	KeyMemory int
}

// BalancePoint is one point of a fund's balance history, for charting: the
// balance after a deposit or draw of Change (negative for draws).
type BalancePoint struct {
	Time    time.Time       `json:"time"`    // when
	Balance decimal.Decimal `json:"balance"` // balance after the change
	Change  decimal.Decimal `json:"change"`  // + deposit, − draw
	Reason  string          `json:"reason"`  // as given by the host
}

type fundState struct {
	spec    FundSpec
	balance decimal.Decimal
	history []BalancePoint
}

// InsuranceFund is a set of insurance funds kept as a journaled ledger:
// deposits (from fees, liquidation penalties, a treasury) and draws (for
// losses), each recorded in the fund's Journal and balance history. A draw
// never takes a fund below its floor.
//
// An InsuranceFund is not safe for concurrent use.
type InsuranceFund struct {
	settings FundSettings
	scale    int32
	order    []string // fund IDs in settings order
	funds    map[string]*fundState
	journal  *Journal
	keys     keyMemory // keyed deposits and draws, for idempotency
}

// NewInsuranceFund validates the settings and returns empty funds.
func NewInsuranceFund(s FundSettings) (*InsuranceFund, error) {
	scale, err := unitScale(s.Unit, defaultUnit, "unit")
	if err != nil {
		return nil, err
	}
	specs := s.Funds
	if len(specs) == 0 {
		specs = []FundSpec{{ID: "shared", Floor: decimal.Zero}}
	}
	keys, err := newKeyMemory(s.KeyMemory)
	if err != nil {
		return nil, err
	}
	f := &InsuranceFund{scale: scale, funds: map[string]*fundState{}, journal: NewJournal(), keys: keys}
	for i, sp := range specs {
		if badID(sp.ID) {
			return nil, fmt.Errorf("%w: fund %d has an empty or non-UTF-8 ID", ErrInvalidSettings, i)
		}
		if _, dup := f.funds[sp.ID]; dup {
			return nil, fmt.Errorf("%w: fund %q twice", ErrDuplicateID, sp.ID)
		}
		if err := checkAmount(sp.Floor, scale, "floor"); err != nil {
			return nil, wrap(ErrInvalidSettings, err, "fund %q", sp.ID)
		}
		f.funds[sp.ID] = &fundState{spec: sp, balance: decimal.Zero}
		f.order = append(f.order, sp.ID)
	}
	shared := s.Shared
	if shared == "" {
		shared = specs[0].ID
	}
	if _, ok := f.funds[shared]; !ok {
		return nil, fmt.Errorf("%w: shared fund %q is not declared", ErrInvalidSettings, shared)
	}
	markets := make(map[string]string, len(s.Markets))
	for m, id := range s.Markets {
		if badID(m) {
			return nil, fmt.Errorf("%w: empty or non-UTF-8 market name", ErrInvalidSettings)
		}
		if _, ok := f.funds[id]; !ok {
			return nil, fmt.Errorf("%w: market %q maps to undeclared fund %q", ErrInvalidSettings, m, id)
		}
		markets[m] = id
	}
	f.settings = FundSettings{Funds: append([]FundSpec(nil), specs...), Markets: markets, Shared: shared, Unit: s.Unit, KeyMemory: s.KeyMemory}
	return f, nil
}

// fundAccount returns the journal account of fund id: "insurance:ID".
func fundAccount(id string) string { return "insurance:" + id }

// isFundAccount reports whether account is the journal account of one of
// the declared funds.
func (f *InsuranceFund) isFundAccount(account string) bool {
	id, ok := strings.CutPrefix(account, "insurance:")
	if !ok {
		return false
	}
	_, declared := f.funds[id]
	return declared
}

// FundFor returns the fund that covers market.
func (f *InsuranceFund) FundFor(market string) string {
	if id, ok := f.settings.Markets[market]; ok {
		return id
	}
	return f.settings.Shared
}

func (f *InsuranceFund) get(id string) (*fundState, error) {
	st, ok := f.funds[id]
	if !ok {
		return nil, fmt.Errorf("%w: fund %q", ErrUnknownID, id)
	}
	return st, nil
}

// Balance returns fund id's balance.
func (f *InsuranceFund) Balance(id string) (decimal.Decimal, error) {
	st, err := f.get(id)
	if err != nil {
		return decimal.Zero, err
	}
	return st.balance, nil
}

// Available returns what fund id can pay out now: balance − floor, or zero
// if the balance is at or below the floor.
func (f *InsuranceFund) Available(id string) (decimal.Decimal, error) {
	st, err := f.get(id)
	if err != nil {
		return decimal.Zero, err
	}
	return available(st), nil
}

func available(st *fundState) decimal.Decimal {
	return num.MaxOf(decimal.Zero, st.balance.Sub(st.spec.Floor))
}

// History returns a copy of fund id's balance history, oldest first.
func (f *InsuranceFund) History(id string) ([]BalancePoint, error) {
	st, err := f.get(id)
	if err != nil {
		return nil, err
	}
	return append([]BalancePoint(nil), st.history...), nil
}

// Journal returns a copy of the ledger's entries (deposits and draws of
// every fund).
func (f *InsuranceFund) Journal() []Entry { return f.journal.Entries() }

// Deposit pays amount (> 0) into fund id from the journal account from
// (e.g. "fees", "penalty:ACCOUNT"; empty means "external"), for reason.
// It returns the deposit's event (EventDeposit).
//
// key is the deposit's idempotency key: a deposit repeated under the same
// key with the same fund, amount, from and reason returns the first one's
// event and pays nothing in (a replayed input is never counted twice);
// other content under the key is ErrDuplicateID. Empty means no key (the
// deposit applies each time). The fund remembers its last
// FundSettings.KeyMemory keyed deposits and draws, in its snapshot.
//
// Errors (state unchanged): unknown fund (ErrUnknownID); a bad amount, from
// naming any declared fund's account "insurance:ID", a non-UTF-8 key, or
// now before the ledger's last entry (ErrInvalidInput); a reused key
// (ErrDuplicateID).
func (f *InsuranceFund) Deposit(now time.Time, key, id string, amount decimal.Decimal, from, reason string) ([]Event, error) {
	// Held in UTC, so the snapshot is the same in every time zone.
	now = now.UTC()
	st, err := f.get(id)
	if err != nil {
		return nil, err
	}
	if err := checkPositive(amount, f.scale, "deposit"); err != nil {
		return nil, err
	}
	if err := checkNow(now); err != nil {
		return nil, err
	}
	if from == "" {
		from = "external"
	}
	if f.isFundAccount(from) {
		// A fund's balance is its journal account's balance: money from
		// another fund would leave that fund's balance unchanged while its
		// journal account went down. Draw to an intermediate account and
		// deposit from it instead.
		return nil, fmt.Errorf("%w: deposit from fund account %q", ErrInvalidInput, from)
	}
	in := KeyedInput{Key: key, Op: EventDeposit, Subject: fundAccount(id), Account: from, Amount: amount, Reason: reason, Time: now}
	if first, seen, err := f.keys.check(in); err != nil || seen {
		if err != nil {
			return nil, err
		}
		return []Event{first.event()}, nil
	}
	if err := f.journal.Record(now, Movement{From: from, To: fundAccount(id), Amount: amount, Reason: reason}); err != nil {
		return nil, err
	}
	st.balance = st.balance.Add(amount)
	st.history = append(st.history, BalancePoint{Time: now, Balance: st.balance, Change: amount, Reason: reason})
	f.keys.remember(in)
	return []Event{in.event()}, nil
}

// Draw pays amount (> 0) out of fund id to the journal account to, for
// reason. A draw that would leave the balance below the floor fails with
// ErrBelowFloor and changes nothing; draw at most Available. An empty to,
// a to naming any declared fund's account, a bad amount or now before the
// ledger's last entry is ErrInvalidInput (state unchanged). It returns the
// draw's event (EventFundDraw). key is the draw's idempotency key, as for
// Deposit: a repeat with the same fund, amount, to and reason returns the
// first draw's event and pays nothing out; other content under the key is
// ErrDuplicateID; empty means no key.
func (f *InsuranceFund) Draw(now time.Time, key, id string, amount decimal.Decimal, to, reason string) ([]Event, error) {
	// Held in UTC, so the snapshot is the same in every time zone.
	now = now.UTC()
	in := KeyedInput{Key: key, Op: EventFundDraw, Subject: fundAccount(id), Account: to, Amount: amount, Reason: reason, Time: now}
	if key != "" {
		if _, err := f.get(id); err != nil {
			return nil, err
		}
		if err := checkPositive(amount, f.scale, "draw"); err != nil {
			return nil, err
		}
		if err := checkNow(now); err != nil {
			return nil, err
		}
		first, seen, err := f.keys.check(in)
		if err != nil {
			return nil, err
		}
		if seen {
			return []Event{first.event()}, nil
		}
	}
	_, ev, err := f.draw(now, id, amount, to, reason)
	if err != nil {
		return nil, err
	}
	f.keys.remember(in)
	return []Event{ev}, nil
}

func (f *InsuranceFund) draw(now time.Time, id string, amount decimal.Decimal, to, reason string) (Movement, Event, error) {
	st, err := f.get(id)
	if err != nil {
		return Movement{}, Event{}, err
	}
	if err := checkPositive(amount, f.scale, "draw"); err != nil {
		return Movement{}, Event{}, err
	}
	if err := checkNow(now); err != nil {
		return Movement{}, Event{}, err
	}
	if badID(to) || f.isFundAccount(to) {
		return Movement{}, Event{}, fmt.Errorf("%w: draw to %q (empty, non-UTF-8, or a fund's own account)", ErrInvalidInput, to)
	}
	// The floor itself is drawable: a fund may be drawn down to exactly
	// its floor (Available = balance − floor), never below it.
	if amount.Cmp(available(st)) > 0 {
		return Movement{}, Event{}, fmt.Errorf("%w: fund %q draw %s, balance %s, floor %s", ErrBelowFloor, id, amount, st.balance, st.spec.Floor)
	}
	m := Movement{From: fundAccount(id), To: to, Amount: amount, Reason: reason}
	if err := f.journal.Record(now, m); err != nil {
		return Movement{}, Event{}, err
	}
	st.balance = st.balance.Sub(amount)
	st.history = append(st.history, BalancePoint{Time: now, Balance: st.balance, Change: amount.Neg(), Reason: reason})
	return m, Event{Time: now, Kind: EventFundDraw, Subject: fundAccount(id), Reason: reason, Account: to, Amount: amount}, nil
}

// Layer returns the waterfall layer of the fund that covers market: its
// capacity is the fund's Available, its ID "insurance:FUND".
func (f *InsuranceFund) Layer(market string) Layer {
	return fundLayer{f: f, id: f.FundFor(market)}
}

// FundLayer returns the waterfall layer of fund id.
func (f *InsuranceFund) FundLayer(id string) (Layer, error) {
	if _, err := f.get(id); err != nil {
		return nil, err
	}
	return fundLayer{f: f, id: id}, nil
}

type fundLayer struct {
	f  *InsuranceFund
	id string
}

func (l fundLayer) ID() string { return fundAccount(l.id) }

func (l fundLayer) Capacity() decimal.Decimal {
	st := l.f.funds[l.id]
	return available(st)
}

// preflight lets Cover reject, before any layer is drawn, what would make
// this fund's draw fail: a loss account that is a fund's own account, or a
// time before the fund ledger's last entry.
func (l fundLayer) preflight(now time.Time, to string) error {
	if l.f.isFundAccount(to) {
		return fmt.Errorf("%w: loss account %q is an insurance fund's account", ErrInvalidInput, to)
	}
	return l.f.journal.checkTime(now)
}

func (l fundLayer) Absorb(now time.Time, amount decimal.Decimal, to string) ([]Movement, []Event, error) {
	// Held in UTC, so the snapshot is the same in every time zone.
	now = now.UTC()
	m, ev, err := l.f.draw(now, l.id, amount, to, "cover "+to)
	if err != nil {
		return nil, nil, err
	}
	return []Movement{m}, []Event{ev}, nil
}

// CheckInvariants proves the fund's promises: no balance is negative; no
// draw ever left a fund below its floor (a fund may sit below its floor
// only because deposits have not yet reached it); each fund's balance equals its journal account's balance and the
// last point of its history; the history replays (each point = previous +
// change); the journal balances; and every ledger entry moves value into
// or out of exactly one declared fund, matching that fund's history point
// for point (time, change, reason).
func (f *InsuranceFund) CheckInvariants() error {
	if err := f.journal.Check(); err != nil {
		return err
	}
	for _, id := range f.order {
		st := f.funds[id]
		if st.balance.Sign() < 0 {
			return fmt.Errorf("%w: fund %q balance %s is negative", ErrInvariant, id, st.balance)
		}
		if !f.journal.Balance(fundAccount(id)).Equal(st.balance) {
			return fmt.Errorf("%w: fund %q balance %s, journal %s", ErrInvariant, id, st.balance, f.journal.Balance(fundAccount(id)))
		}
		prev := decimal.Zero
		for i, p := range st.history {
			if !prev.Add(p.Change).Equal(p.Balance) {
				return fmt.Errorf("%w: fund %q history point %d does not replay", ErrInvariant, id, i)
			}
			if p.Balance.Sign() < 0 {
				return fmt.Errorf("%w: fund %q history point %d negative", ErrInvariant, id, i)
			}
			if p.Change.Sign() < 0 && p.Balance.Cmp(st.spec.Floor) < 0 {
				return fmt.Errorf("%w: fund %q history point %d drawn below floor", ErrInvariant, id, i)
			}
			prev = p.Balance
		}
		if !prev.Equal(st.balance) {
			return fmt.Errorf("%w: fund %q history ends at %s, balance %s", ErrInvariant, id, prev, st.balance)
		}
	}
	return f.checkLedgerMatchesHistory()
}

// checkLedgerMatchesHistory proves every ledger entry moves value into or
// out of exactly one declared fund (Deposit refuses a fund as payer, Draw a
// fund as payee), and that each fund's history is its entries, in order,
// with the same time, signed change and reason. A snapshot whose ledger
// holds an entry touching no fund (issue 10 item 12) or whose history
// disagrees with its ledger is refused.
func (f *InsuranceFund) checkLedgerMatchesHistory() error {
	next := make(map[string]int, len(f.order))
	for _, e := range f.journal.entries {
		fromFund, toFund := f.isFundAccount(e.From), f.isFundAccount(e.To)
		if fromFund == toFund {
			return fmt.Errorf("%w: ledger entry %d (%q to %q) does not move value into or out of exactly one declared fund", ErrInvariant, e.Seq, e.From, e.To)
		}
		acct, change := e.To, e.Amount
		if fromFund {
			acct, change = e.From, e.Amount.Neg()
		}
		id := strings.TrimPrefix(acct, "insurance:")
		h, k := f.funds[id].history, next[id]
		if k >= len(h) {
			return fmt.Errorf("%w: ledger entry %d of fund %q has no history point", ErrInvariant, e.Seq, id)
		}
		if p := h[k]; !p.Change.Equal(change) || !p.Time.Equal(e.Time) || p.Reason != e.Reason {
			return fmt.Errorf("%w: fund %q history point %d does not match ledger entry %d", ErrInvariant, id, k, e.Seq)
		}
		next[id] = k + 1
	}
	for _, id := range f.order {
		if n := len(f.funds[id].history); next[id] != n {
			return fmt.Errorf("%w: fund %q has %d history points, %d ledger entries", ErrInvariant, id, n, next[id])
		}
	}
	return nil
}

// FundSnapshot is the JSON-serialisable state of an InsuranceFund.
type FundSnapshot struct {
	Funds   []FundStateSnapshot `json:"funds"`          // every fund once, settings order
	Journal JournalSnapshot     `json:"journal"`        // the ledger of every fund
	Keys    []KeyedInput        `json:"keys,omitempty"` // the keyed deposits and draws remembered, oldest first
}

// FundStateSnapshot is one fund's balance and history.
type FundStateSnapshot struct {
	ID      string          `json:"id"`      // the fund
	Balance decimal.Decimal `json:"balance"` // its balance, whole units
	History []BalancePoint  `json:"history"` // every deposit and draw, oldest first
}

// Snapshot returns the funds' state. Settings are not included: restore
// with the same settings.
func (f *InsuranceFund) Snapshot() FundSnapshot {
	s := FundSnapshot{Journal: f.journal.Snapshot(), Keys: f.keys.snapshot()}
	for _, id := range f.order {
		st := f.funds[id]
		s.Funds = append(s.Funds, FundStateSnapshot{ID: id, Balance: st.balance, History: append([]BalancePoint(nil), st.history...)})
	}
	return s
}

// RestoreInsuranceFund rebuilds an InsuranceFund from settings and a
// snapshot, validating every field: each fund declared exactly once,
// decimals in range, history replaying to the balance, the journal
// balancing and agreeing with the balances (ErrBadSnapshot).
func RestoreInsuranceFund(s FundSettings, snap FundSnapshot) (*InsuranceFund, error) {
	f, err := NewInsuranceFund(s)
	if err != nil {
		return nil, err
	}
	j, err := RestoreJournal(snap.Journal)
	if err != nil {
		return nil, err
	}
	f.journal = j
	if len(snap.Funds) != len(f.order) {
		return nil, fmt.Errorf("%w: %d funds, settings declare %d", ErrBadSnapshot, len(snap.Funds), len(f.order))
	}
	seen := map[string]bool{}
	for _, fs := range snap.Funds {
		st, ok := f.funds[fs.ID]
		if !ok || seen[fs.ID] {
			return nil, fmt.Errorf("%w: fund %q unknown or repeated", ErrBadSnapshot, fs.ID)
		}
		seen[fs.ID] = true
		if err := checkAmount(fs.Balance, f.scale, "balance"); err != nil {
			return nil, wrap(ErrBadSnapshot, err, "fund %q", fs.ID)
		}
		for i, p := range fs.History {
			if i > 0 && p.Time.Before(fs.History[i-1].Time) {
				return nil, fmt.Errorf("%w: fund %q history %d goes back in time", ErrBadSnapshot, fs.ID, i)
			}
			if err := num.Check(p.Balance); err != nil {
				return nil, wrap(ErrBadSnapshot, err, "fund %q history %d", fs.ID, i)
			}
			if err := num.Check(p.Change); err != nil {
				return nil, wrap(ErrBadSnapshot, err, "fund %q history %d", fs.ID, i)
			}
		}
		st.balance = fs.Balance
		st.history = append([]BalancePoint(nil), fs.History...)
	}
	if err := f.CheckInvariants(); err != nil {
		return nil, wrap(ErrBadSnapshot, err, "")
	}
	known := func(k KeyedInput) (Movement, bool) {
		if !f.isFundAccount(k.Subject) {
			return Movement{}, false
		}
		switch k.Op {
		case EventDeposit:
			return Movement{From: k.Account, To: k.Subject, Reason: k.Reason}, true
		case EventFundDraw:
			return Movement{From: k.Subject, To: k.Account, Reason: k.Reason}, true
		}
		return Movement{}, false
	}
	if err := f.keys.restore(snap.Keys, f.scale, known, f.journal); err != nil {
		return nil, err
	}
	return f, nil
}
