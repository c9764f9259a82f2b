package perp

import (
	"fmt"
	"slices"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
	"github.com/failsafe-fi/failsafe/margin"
)

// Scan chooses how a price tick finds the accounts the margin scan must
// value (Config.Scan). Both value the same accounts that matter — every
// account that could be over the margin-call protocol's warning level, or
// is in the protocol — so every figure the venue reports, its snapshots
// and their digests are the same either way (TestScansAgree); only the
// cost of a tick differs.
type Scan int

const (
	// ScanFull visits every account each tick and values those whose
	// safe band (safeRange) does not hold the mark: O(book) a tick, a
	// few hundred nanoseconds an account. The zero value.
	ScanFull Scan = iota
	// ScanWatchlist keeps the accounts in a margin.Watchlist (issue 12
	// item 4) and values only those it returns for the new mark — a
	// superset of the accounts that could have crossed the warning level
	// since they were last valued — plus the accounts that changed and
	// those in the margin-call protocol: the cost of a tick grows with
	// the accounts near the edge, not with the book.
	ScanWatchlist
)

// String names the scan as Config.Set reads it.
func (s Scan) String() string {
	switch s {
	case ScanFull:
		return "full"
	case ScanWatchlist:
		return "watchlist"
	}
	return fmt.Sprintf("Scan(%d)", int(s))
}

// parseScan reads "full" or "watchlist".
func parseScan(to *Scan, v string) error {
	for _, s := range []Scan{ScanFull, ScanWatchlist} {
		if v == s.String() {
			*to = s
			return nil
		}
	}
	return fmt.Errorf("scan %q: want full or watchlist", v)
}

// warnSlack widens the watchlist's warning table by 1%: see warnTiers.
var warnSlack = decimal.New(101, -2)

// warnTiers is the margin table the watchlist bounds: every tier's
// maintenance rate × 1.01 / the protocol's warning ratio, rounded up to 8
// places, at the same caps. A Marginal table's maintenance is Σ rate ×
// the part of the notional in each tier (margin/tiers.go), so with every
// rate so raised its maintenance M′ ≥ 1.01 × M / warning at every
// notional. An account the watchlist holds back has rounded equity E ≥
// rounded M′ (margin.Watchlist's bound), hence warning × E ≥ 1.01 × M ≥
// M rounded up to the calculator's scale (8 places: one unit is under 1%
// of any maintenance above 10⁻⁶, and the smallest position, 0.001 BTC at
// a cent, needs 3 × 10⁻⁷ more — so the 1% also covers that), and the
// account is under the warning level as the venue judges it (marginCall:
// maintenance > warning × equity), cross (the calculator's rounded
// figures) or isolated (its exact figures, above its rounded ones). The
// initial rate is 1 (the watchlist reads maintenance only). ok is false
// when a raised rate reaches 1: the venue then scans in full.
func warnTiers(table []margin.Tier, warning decimal.Decimal) ([]margin.Tier, bool) {
	out := make([]margin.Tier, len(table))
	one := decimal.New(1, 0)
	for i, t := range table {
		r := num.DivCeil(t.MaintenanceRate.Mul(warnSlack), warning, 8)
		if !r.LessThan(one) {
			return nil, false
		}
		out[i] = margin.Tier{Floor: t.Floor, Cap: t.Cap, MaintenanceRate: r, InitialRate: one}
	}
	return out, true
}

// newWarnCalc builds the calculator the watchlist values accounts with
// (warnTiers; the venue's marks), or nil when the table cannot be raised
// (the venue then scans in full).
func newWarnCalc(v *Venue) (*margin.Calculator, error) {
	m := v.set.calc.Markets[0]
	table, ok := warnTiers(m.Tiers, v.calls.Settings().WarningRatio)
	if !ok {
		return nil, nil
	}
	m.Tiers = table
	return margin.New(margin.Settings{Markets: []margin.Market{m}, Prices: v.set.calc.Prices})
}

// watching reports whether the venue scans with its watchlist.
func (v *Venue) watching() bool { return v.cfg.Scan == ScanWatchlist && v.warnCalc != nil }

// touch notes that trader t changed, so that the watchlist values it at
// the next scan (its triggers were worked out for the account as it was).
// Every change of an account's wallet, margin or position reaches it:
// afterChange (trades, liquidations, penalties, deleveraging, haircuts)
// and funding.
func (v *Venue) touch(t *trader) {
	if v.watching() && !t.stale {
		t.stale = true
		v.dirty = append(v.dirty, t.idx)
	}
}

// candidates returns, in index order, the traders the watchlist scan
// must look at for mark: those the watchlist returns (a trigger reached,
// or due), those that changed since they were last valued, and those in
// the margin-call protocol (never cleared without a look). The first call
// (and the first after a restore) builds the watchlist: every trader.
func (v *Venue) candidates(mark decimal.Decimal) ([]int, error) {
	if v.watch == nil {
		w, err := margin.NewWatchlist(v.warnCalc)
		if err != nil {
			return nil, err
		}
		v.watch, v.dirty, v.inCalls = w, v.dirty[:0], v.inCalls[:0]
		all := make([]int, len(v.traders))
		for i := range v.traders {
			all[i] = i
			v.traders[i].stale = true
		}
		return all, nil
	}
	ids, err := v.watch.Tick(Market, mark)
	if err != nil {
		return nil, err
	}
	out := make([]int, 0, len(ids)+len(v.dirty)+len(v.inCalls))
	for _, id := range ids {
		i, ok := v.lookup(id)
		if !ok {
			return nil, fmt.Errorf("%w: the watchlist returned %q", ErrLedger, id)
		}
		out = append(out, i)
	}
	for _, i := range v.dirty {
		out = append(out, int(i))
	}
	for _, i := range v.inCalls {
		out = append(out, int(i))
	}
	v.dirty = v.dirty[:0]
	slices.Sort(out)
	return slices.Compact(out), nil
}

// onCandidates, when set (by tests), sees every watchlist scan's
// candidates before they are valued.
var onCandidates func(v *Venue, now time.Time, mark decimal.Decimal, candidates []int)

// rewatch gives the watchlist trader t as it now is, valued at now: a
// flat account leaves it.
func (v *Venue) rewatch(now time.Time, t *trader) error {
	t.stale = false
	if !t.open {
		v.watch.Remove(t.id())
		return nil
	}
	if _, err := v.watch.Set(now, marginView(t)); err != nil {
		return fmt.Errorf("watchlist %s: %w", t.id(), err)
	}
	return nil
}
