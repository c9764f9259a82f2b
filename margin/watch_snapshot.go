package margin

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/fixed"
	"github.com/failsafe-fi/failsafe/internal/num"
)

// WatchTrigger is one trigger of a watched account: the account is
// returned when the price of Key reaches Price (at or below it when Below,
// at or above it otherwise).
type WatchTrigger struct {
	Key   string          `json:"key"`
	Below bool            `json:"below,omitempty"`
	Price decimal.Decimal `json:"price"`
}

// WatchedAccount is one account of a WatchlistSnapshot.
type WatchedAccount struct {
	ID       string         `json:"id"`
	State    WatchState     `json:"state"`
	Triggers []WatchTrigger `json:"triggers,omitempty"`
}

// WatchlistSnapshot is a Watchlist as plain data: accounts sorted by ID,
// triggers in the order Set computed them. Inputs counts the calls (Set,
// Remove, Tick) the watchlist has applied, so a standby knows which input
// it reflects.
type WatchlistSnapshot struct {
	Inputs   uint64           `json:"inputs"`
	Accounts []WatchedAccount `json:"accounts"`
}

// Snapshot returns the watchlist's state (a copy).
func (w *Watchlist) Snapshot() WatchlistSnapshot {
	if w == nil {
		return WatchlistSnapshot{}
	}
	s := WatchlistSnapshot{Inputs: w.inputs, Accounts: make([]WatchedAccount, 0, len(w.slots))}
	for slot := range w.accts {
		a := &w.accts[slot]
		if a.id == "" {
			continue // a free slot
		}
		wa := WatchedAccount{ID: a.id, State: watchStates[a.state]}
		for id := a.first; id != noEntry; id = w.entries[id].next {
			e := &w.entries[id]
			wa.Triggers = append(wa.Triggers, WatchTrigger{Key: w.books[e.book>>1].key, Below: e.book&1 == 1, Price: e.trig.Decimal()})
		}
		s.Accounts = append(s.Accounts, wa)
	}
	slices.SortFunc(s.Accounts, func(a, b WatchedAccount) int { return cmp.Compare(a.ID, b.ID) })
	return s
}

// RestoreWatchlist rebuilds a watchlist from a snapshot, valuing later
// accounts with c. It refuses (ErrInvalidInput) an empty or repeated ID,
// an unknown state, triggers on an account that is not indexed, an empty
// key, and a trigger price ≤ 0, out of range or of more than 18 digits.
func RestoreWatchlist(c *Calculator, s WatchlistSnapshot) (*Watchlist, error) {
	w, err := NewWatchlist(c)
	if err != nil {
		return nil, err
	}
	seen := make(map[string]bool, len(s.Accounts))
	for i, a := range s.Accounts {
		if a.ID == "" || seen[a.ID] {
			return nil, fmt.Errorf("%w: snapshot account %d: empty or repeated ID", ErrInvalidInput, i)
		}
		seen[a.ID] = true
		switch a.State {
		case WatchIndexed, WatchDue, WatchAlways, WatchQuiet:
		default:
			return nil, fmt.Errorf("%w: snapshot account %q: unknown state", ErrInvalidInput, a.ID)
		}
		if a.State != WatchIndexed && len(a.Triggers) > 0 {
			return nil, fmt.Errorf("%w: snapshot account %q: triggers on a %s account", ErrInvalidInput, a.ID, a.State)
		}
		for _, t := range a.Triggers {
			if t.Key == "" {
				return nil, fmt.Errorf("%w: snapshot account %q: trigger without a key", ErrInvalidInput, a.ID)
			}
			if err := num.CheckPositive(t.Price); err != nil {
				return nil, fmt.Errorf("%w: snapshot account %q: trigger %q: %w", ErrInvalidInput, a.ID, t.Key, err)
			}
			if _, ok := fixed.FromDecimal(t.Price); !ok {
				return nil, fmt.Errorf("%w: snapshot account %q: trigger %q: more than %d digits", ErrInvalidInput, a.ID, t.Key, fixed.MaxDigits)
			}
		}
	}
	for _, a := range s.Accounts {
		w.apply(a.ID, watchPlan{state: a.State, trigs: a.Triggers})
	}
	w.inputs = s.Inputs
	return w, nil
}
