package backstop

import (
	"fmt"
	"sort"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
)

// Movement is one transfer of value: Amount (> 0) leaves account From and
// arrives in account To, for Reason. Layers return the movements they made;
// a Journal stamps them with a sequence number and a time.
type Movement struct {
	From   string          `json:"from"`   // account debited
	To     string          `json:"to"`     // account credited
	Amount decimal.Decimal `json:"amount"` // > 0
	Reason string          `json:"reason"` // free text for people
}

// Entry is a Movement as recorded in a Journal.
type Entry struct {
	Seq    uint64          `json:"seq"`    // 1, 2, 3… in order of recording
	Time   time.Time       `json:"time"`   // when it was recorded (never decreasing)
	From   string          `json:"from"`   // account debited
	To     string          `json:"to"`     // account credited
	Amount decimal.Decimal `json:"amount"` // > 0
	Reason string          `json:"reason"` // free text for people
}

// Journal is a double-entry record of every movement: each entry debits one
// account and credits another by the same amount, so value is conserved by
// construction and Check proves it (the balances of all accounts sum to
// zero, and every cached balance equals the replay of the entries).
//
// An account's balance is Σ credits − Σ debits: an account that only pays
// out (a fund drawn for losses, a loss sink that received cover) goes
// negative or positive accordingly; balances are bookkeeping, not holdings.
//
// A Journal is not safe for concurrent use; the host serialises access (as
// it does for every type in this package).
type Journal struct {
	entries  []Entry
	balances map[string]decimal.Decimal
}

// NewJournal returns an empty journal.
func NewJournal() *Journal {
	return &Journal{balances: map[string]decimal.Decimal{}}
}

// validateMovements checks movements without recording them.
func validateMovements(ms []Movement) error {
	for i, m := range ms {
		if badID(m.From) || badID(m.To) {
			return fmt.Errorf("%w: movement %d has an empty or non-UTF-8 account", ErrInvalidInput, i)
		}
		if m.From == m.To {
			return fmt.Errorf("%w: movement %d moves %s to itself", ErrInvalidInput, i, m.From)
		}
		if err := num.CheckPositive(m.Amount); err != nil {
			return wrap(ErrInvalidInput, err, "movement %d amount", i)
		}
	}
	return nil
}

// Record appends the movements, all stamped now. Either all are recorded or,
// on an error (an empty or identical From/To, an amount not > 0, a zero
// now or one before the last entry's time), none.
// A nil Journal records nothing and returns nil, so an optional journal can
// be left out.
func (j *Journal) Record(now time.Time, ms ...Movement) error {
	// Held in UTC, so the snapshot is the same in every time zone.
	now = now.UTC()
	if j == nil {
		return nil
	}
	if err := checkNow(now); err != nil {
		return err
	}
	return j.record(now, ms...)
}

// record is Record without the zero-time check: a default fund's opening
// balances are journaled at the zero time, and a restored journal holds
// them.
func (j *Journal) record(now time.Time, ms ...Movement) error {
	if err := validateMovements(ms); err != nil {
		return err
	}
	if err := j.checkTime(now); err != nil {
		return err
	}
	if j.balances == nil {
		j.balances = map[string]decimal.Decimal{}
	}
	for _, m := range ms {
		j.entries = append(j.entries, Entry{
			Seq: uint64(len(j.entries)) + 1, Time: now,
			From: m.From, To: m.To, Amount: m.Amount, Reason: m.Reason,
		})
		j.balances[m.From] = j.balances[m.From].Sub(m.Amount)
		j.balances[m.To] = j.balances[m.To].Add(m.Amount)
	}
	return nil
}

// checkNow refuses the zero time: a host that passes it has forgotten to
// set the clock, and the journal, histories and events would say year 1.
func checkNow(now time.Time) error {
	if now.IsZero() {
		return fmt.Errorf("%w: zero time", ErrInvalidInput)
	}
	return nil
}

// checkTime rejects a time before the last entry's: a journal never goes
// back in time, so replicas replaying it agree on its order.
func (j *Journal) checkTime(now time.Time) error {
	if j == nil || len(j.entries) == 0 {
		return nil
	}
	if last := j.entries[len(j.entries)-1].Time; now.Before(last) {
		return fmt.Errorf("%w: time %s before the journal's last entry %s", ErrInvalidInput, now.Format(time.RFC3339Nano), last.Format(time.RFC3339Nano))
	}
	return nil
}

// Balance returns Σ credits − Σ debits of account (zero if never touched).
func (j *Journal) Balance(account string) decimal.Decimal {
	if j == nil {
		return decimal.Zero
	}
	return j.balances[account]
}

// Accounts returns every account that appears in the journal, sorted.
func (j *Journal) Accounts() []string {
	if j == nil {
		return nil
	}
	out := make([]string, 0, len(j.balances))
	for a := range j.balances {
		out = append(out, a)
	}
	sort.Strings(out)
	return out
}

// Entries returns a copy of the entries, oldest first.
func (j *Journal) Entries() []Entry {
	if j == nil {
		return nil
	}
	return append([]Entry(nil), j.entries...)
}

// Len is the number of entries.
func (j *Journal) Len() int {
	if j == nil {
		return 0
	}
	return len(j.entries)
}

// Check proves the journal balances: sequence numbers run 1, 2, 3…, times
// never go backwards, every amount is positive and between two different
// accounts, every cached balance equals the replay of the entries, and the
// balances of all accounts sum to exactly zero.
func (j *Journal) Check() error {
	if j == nil {
		return nil
	}
	replay := make(map[string]decimal.Decimal, len(j.balances))
	for i, e := range j.entries {
		if e.Seq != uint64(i)+1 {
			return fmt.Errorf("%w: journal entry %d has seq %d", ErrInvariant, i, e.Seq)
		}
		if i > 0 && e.Time.Before(j.entries[i-1].Time) {
			return fmt.Errorf("%w: journal entry %d goes back in time", ErrInvariant, e.Seq)
		}
		if err := validateMovements([]Movement{{From: e.From, To: e.To, Amount: e.Amount}}); err != nil {
			return wrap(ErrInvariant, err, "journal entry %d", e.Seq)
		}
		replay[e.From] = replay[e.From].Sub(e.Amount)
		replay[e.To] = replay[e.To].Add(e.Amount)
	}
	if len(replay) != len(j.balances) {
		return fmt.Errorf("%w: journal has %d cached accounts, replay gives %d", ErrInvariant, len(j.balances), len(replay))
	}
	total := decimal.Zero
	for _, a := range j.Accounts() { // sorted: the same error on every replica
		b := j.balances[a]
		if !replay[a].Equal(b) {
			return fmt.Errorf("%w: journal account %s cached %s, replay %s", ErrInvariant, a, b, replay[a])
		}
		total = total.Add(b)
	}
	if !total.IsZero() {
		return fmt.Errorf("%w: journal balances sum to %s, not zero", ErrInvariant, total)
	}
	return nil
}

// JournalSnapshot is the JSON-serialisable state of a Journal.
type JournalSnapshot struct {
	Entries []Entry `json:"entries"` // every entry, oldest first
}

// Snapshot returns the journal's entries.
func (j *Journal) Snapshot() JournalSnapshot {
	return JournalSnapshot{Entries: j.Entries()}
}

// RestoreJournal rebuilds a journal from a snapshot, validating every entry
// (sequence, time order, amounts).
func RestoreJournal(s JournalSnapshot) (*Journal, error) {
	j := NewJournal()
	for i, e := range s.Entries {
		if e.Seq != uint64(i)+1 {
			return nil, fmt.Errorf("%w: journal entry %d has seq %d", ErrBadSnapshot, i, e.Seq)
		}
		if i > 0 && e.Time.Before(s.Entries[i-1].Time) {
			return nil, fmt.Errorf("%w: journal entry %d goes back in time", ErrBadSnapshot, e.Seq)
		}
		if err := j.record(e.Time, Movement{From: e.From, To: e.To, Amount: e.Amount, Reason: e.Reason}); err != nil {
			return nil, wrap(ErrBadSnapshot, err, "journal entry %d", e.Seq)
		}
	}
	return j, nil
}
