package liquidation

import (
	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
)

// marketMemo remembers, per market ID, the last risk schedule (tiers, tick,
// step) the desk validated, so that a venue passing the same market to
// every Start — stress/perp passes its one market with the tiers up to the
// position's own — has it validated and copied once, not on every call: a
// market whose tick, step and tiers are those remembered, or a prefix of
// those tiers (a valid schedule's prefix is valid: BookMarket.validate
// checks each tier against the one before it), needs only its oracle
// checked. "The same" is the same representation (coefficient and
// exponent), not merely an equal value, so the state the desk stores, and
// every figure computed from it, is exactly what a fresh validation would
// have stored. Anything else is validated in full and remembered in place
// of the old schedule; a refused market is never remembered.
//
// The memo is derived data: not in the snapshot (a restored desk starts
// with an empty memo and computes the same results), never shared with the
// host (the tiers it hands out are its own copy, capped so an append
// cannot write into it), and bounded (cleared at maxMemoMarkets).
type marketMemo map[string]memoEntry

type memoEntry struct {
	tiers      []RiskTier // the desk's own copy, validated; never changed
	tick, step decimal.Decimal
}

// maxMemoMarkets bounds the memo: a host naming ever new markets clears it
// now and then instead of growing it without end.
const maxMemoMarkets = 1024

// sameRepr reports a and b with the same coefficient and exponent.
func sameRepr(a, b decimal.Decimal) bool {
	return a.Exponent() == b.Exponent() && a.Equal(b)
}

// read returns m validated, with the desk's own copy of its tiers, or
// m.validate's error.
func (mm *marketMemo) read(m BookMarket) (BookMarket, error) {
	if *mm != nil && m.Market != "" && num.CheckPositive(m.Oracle) == nil {
		if e, ok := (*mm)[m.Market]; ok && e.covers(m) {
			m.Tiers = e.tiers[:len(m.Tiers):len(m.Tiers)]
			return m, nil
		}
	}
	if err := m.validate(); err != nil {
		return BookMarket{}, err
	}
	m.Tiers = append([]RiskTier(nil), m.Tiers...) // a copy: the host's slice may change
	if *mm == nil || len(*mm) >= maxMemoMarkets {
		*mm = marketMemo{}
	}
	(*mm)[m.Market] = memoEntry{tiers: m.Tiers[:len(m.Tiers):len(m.Tiers)], tick: m.Tick, step: m.Step}
	return m, nil
}

// covers reports m's tick, step and tiers as e's, its tiers a non-empty
// prefix of e's, in the same representation.
func (e memoEntry) covers(m BookMarket) bool {
	if len(m.Tiers) == 0 || len(m.Tiers) > len(e.tiers) || !sameRepr(m.Tick, e.tick) || !sameRepr(m.Step, e.step) {
		return false
	}
	for i, t := range m.Tiers {
		h := e.tiers[i]
		if !sameRepr(t.MaxNotional, h.MaxNotional) || !sameRepr(t.MaintenanceRate, h.MaintenanceRate) ||
			!sameRepr(t.MaintenanceAmount, h.MaintenanceAmount) {
			return false
		}
	}
	return true
}
