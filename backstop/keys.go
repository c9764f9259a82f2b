package backstop

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
)

// Idempotent fund inputs (issue 14 item 3). InsuranceFund.Deposit and Draw
// and DefaultFund.Contribute take an idempotency key: the same key again
// with the same content (operation, fund or member, amount, account,
// reason) returns the first call's event and changes nothing; different
// content under the key is ErrDuplicateID. An empty key means no key: the
// input applies each time (for a host whose log is already deduplicated).
// A call that fails is not remembered, so it can be tried again.
//
// Memory is bounded: a fund remembers its last KeyMemory keyed inputs
// (DefaultKeyMemory = 100,000; about 200 bytes each, 20 MB at the default)
// and forgets the oldest beyond that, so a repeat older than the last
// KeyMemory keyed inputs applies again. A host replaying its log from a
// snapshot replays far fewer. The keys are in the fund's snapshot and a
// restore checks each against the journal.

// DefaultKeyMemory is how many keyed inputs a fund remembers when its
// settings leave KeyMemory zero.
const DefaultKeyMemory = 100_000

// maxKeyMemory bounds KeyMemory (10 million records, about 2 GB).
const maxKeyMemory = 10_000_000

// KeyedInput is a remembered keyed deposit, draw or contribution.
type KeyedInput struct {
	Key     string          `json:"key"`              // the idempotency key
	Op      EventKind       `json:"op"`               // EventDeposit or EventFundDraw
	Subject string          `json:"subject"`          // the fund's (or member's contribution) account
	Account string          `json:"account"`          // from (deposit) or to (draw); the member for a contribution
	Amount  decimal.Decimal `json:"amount"`           // > 0
	Reason  string          `json:"reason,omitempty"` // as given
	Time    time.Time       `json:"time"`             // the now of the first call
}

// same reports whether k has k2's content (the time aside: a retry later
// is the same input).
func (k KeyedInput) same(k2 KeyedInput) bool {
	return k.Op == k2.Op && k.Subject == k2.Subject && k.Account == k2.Account && k.Reason == k2.Reason && k.Amount.Equal(k2.Amount)
}

// event is the event the first call returned.
func (k KeyedInput) event() Event {
	return Event{Time: k.Time, Kind: k.Op, Subject: k.Subject, Reason: k.Reason, Account: k.Account, Amount: k.Amount}
}

// keyMemory remembers the last limit keyed inputs, oldest first.
type keyMemory struct {
	limit int
	order []string
	byKey map[string]KeyedInput
}

func newKeyMemory(limit int) (keyMemory, error) {
	if limit == 0 {
		limit = DefaultKeyMemory
	}
	if limit < 0 || limit > maxKeyMemory {
		return keyMemory{}, fmt.Errorf("%w: key memory %d outside [1, %d]", ErrInvalidSettings, limit, maxKeyMemory)
	}
	return keyMemory{limit: limit, byKey: map[string]KeyedInput{}}, nil
}

// check looks k up: seen with the same content returns the first record;
// other content is ErrDuplicateID; a bad key is ErrInvalidInput.
func (m *keyMemory) check(k KeyedInput) (KeyedInput, bool, error) {
	if k.Key == "" {
		return KeyedInput{}, false, nil
	}
	if badID(k.Key) {
		return KeyedInput{}, false, fmt.Errorf("%w: idempotency key is not valid UTF-8", ErrInvalidInput)
	}
	first, seen := m.byKey[k.Key]
	if !seen {
		return KeyedInput{}, false, nil
	}
	if !first.same(k) {
		return KeyedInput{}, false, fmt.Errorf("%w: key %q was used for %s %s of %s; refused for %s %s of %s under the same key",
			ErrDuplicateID, k.Key, first.Op, first.Amount, first.Subject, k.Op, boundedAmount(k.Amount), k.Subject)
	}
	return first, true, nil
}

// boundedAmount formats an amount that may not have been checked yet.
func boundedAmount(d decimal.Decimal) string {
	if num.Check(d) != nil {
		return "(an out-of-range amount)"
	}
	return d.String()
}

// remember records k (a keyed input just applied), forgetting the oldest
// beyond the limit.
func (m *keyMemory) remember(k KeyedInput) {
	if k.Key == "" {
		return
	}
	m.byKey[k.Key] = k
	m.order = append(m.order, k.Key)
	if len(m.order) > m.limit {
		delete(m.byKey, m.order[0])
		m.order = m.order[1:]
		if cap(m.order) > 2*m.limit+64 { // let the dropped head be collected
			m.order = append([]string(nil), m.order...)
		}
	}
}

// snapshot returns the remembered inputs, oldest first.
func (m *keyMemory) snapshot() []KeyedInput {
	if len(m.order) == 0 {
		return nil
	}
	out := make([]KeyedInput, len(m.order))
	for i, k := range m.order {
		out[i] = m.byKey[k]
	}
	return out
}

// restore loads ks (oldest first) after checking each: a non-empty unique
// key, a known operation and subject (known says so), an amount at the
// unit, at most limit of them, and a journal entry of exactly that
// movement at that time (so a snapshot cannot carry a key for an input
// that never happened, which would swallow a real one). Anything else is
// ErrBadSnapshot.
func (m *keyMemory) restore(ks []KeyedInput, scale int32, known func(KeyedInput) (Movement, bool), j *Journal) error {
	if len(ks) > m.limit {
		return fmt.Errorf("%w: %d idempotency keys, memory holds %d", ErrBadSnapshot, len(ks), m.limit)
	}
	type entryKey struct {
		t                        int64
		from, to, amount, reason string
	}
	entries := map[entryKey]int{}
	for _, e := range j.Entries() {
		entries[entryKey{e.Time.UnixNano(), e.From, e.To, e.Amount.String(), e.Reason}]++
	}
	for i, k := range ks {
		if badID(k.Key) {
			return fmt.Errorf("%w: key %d empty or not valid UTF-8", ErrBadSnapshot, i)
		}
		if _, dup := m.byKey[k.Key]; dup {
			return fmt.Errorf("%w: key %q twice", ErrBadSnapshot, k.Key)
		}
		if err := checkPositive(k.Amount, scale, "keyed amount"); err != nil {
			return wrap(ErrBadSnapshot, err, "key %q", k.Key)
		}
		mv, ok := known(k)
		if !ok {
			return fmt.Errorf("%w: key %q: unknown operation or subject", ErrBadSnapshot, k.Key)
		}
		ek := entryKey{k.Time.UnixNano(), mv.From, mv.To, k.Amount.String(), mv.Reason}
		if entries[ek] == 0 {
			return fmt.Errorf("%w: key %q: no journal entry of that %s", ErrBadSnapshot, k.Key, k.Op)
		}
		entries[ek]--
		m.byKey[k.Key] = k
		m.order = append(m.order, k.Key)
	}
	return nil
}
