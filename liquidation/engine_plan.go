package liquidation

import (
	"fmt"
	"sort"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
)

// Order is one planned liquidation of one leg: start an auction selling Lot
// of Market's collateral to raise Tab.
type Order struct {
	Account string          `json:"account"` // account liquidated
	Market  string          `json:"market"`  // collateral market of the leg
	Health  decimal.Decimal `json:"health"`  // equity/maintenance before, rounded down to 18 places
	Debt    decimal.Decimal `json:"debt"`    // debt closed, rounded up to DebtScale
	Lot     decimal.Decimal `json:"lot"`     // collateral seized: size × debt / leg debt, rounded down to LotScale (Maker dink)
	Tab     decimal.Decimal `json:"tab"`     // debt + penalty, rounded up to DebtScale (Maker tab = due × chop)
	Penalty decimal.Decimal `json:"penalty"` // Tab − Debt: the penalty part of the tab
	Bonus   decimal.Decimal `json:"bonus"`   // liquidator bonus = debt × LiquidatorBonus, rounded down
	Full    bool            `json:"full"`    // the whole leg
}

// SkipReason says why a liquidatable account or leg got no order.
type SkipReason string

// Skip reasons.
const (
	SkipCap      SkipReason = "cap"      // global or market cap has no room worth a non-dusty auction
	SkipThrottle SkipReason = "throttle" // count or notional throttle reached
	SkipDust     SkipReason = "dust"     // the sized liquidation rounds to nothing
	SkipNoDebt   SkipReason = "no-debt"  // nothing to repay: the host must handle it (e.g. the backstop)
)

// Skip records a liquidatable account (and leg, when known) left out.
type Skip struct {
	Account string     `json:"account"`          // account left out
	Market  string     `json:"market,omitempty"` // leg left out, when known
	Reason  SkipReason `json:"reason"`           // why
}

// Plan is what the host executes: Orders in order (worst account first).
type Plan struct {
	Time    time.Time `json:"time"`    // the now it was planned at
	Orders  []Order   `json:"orders"`  // auctions to start, worst account first
	Skipped []Skip    `json:"skipped"` // liquidatable accounts or legs left out
}

type candidate struct {
	acct Account
	eq   decimal.Decimal
	mm   decimal.Decimal
}

// Plan selects the liquidatable accounts (Equity < Maintenance, Maintenance
// > 0), worst health first (equity/maintenance ascending, compared exactly
// by cross-multiplication; ties by account ID), sizes each, and fits the
// orders under the caps and throttles as they stand. It changes nothing:
// the same state and input always give the same plan.
//
// Sizing, per account with equity E, maintenance M, debt D, target health
// T, penalty+bonus cost p (fractions of the debt closed):
//
//	x = D·(T·M − E) / (T·M − p·D), rounded up    (restores E'/M' ≥ T when M
//	                                              falls in proportion to D)
//	x = D                            when T·M ≤ p·D (cannot be restored)
//	x ≤ D × CloseFactor              unless E < FullCloseHealth·M, or D,
//	                                  the collateral, or a leg's debt or
//	                                  value < SmallPosition (then 100%)
//	x ≥ Dust, and D − x is 0 or ≥ Dust            (dust rule)
//
// x is then spread over the legs, largest leg debt first (ties by market,
// then larger size, then larger value):
// each leg closes min(left, leg debt), raised to Dust when smaller (so no
// order but a whole leg is below Dust), or the whole leg when less than
// Dust would remain. When a leg's tab does not fit the room left under the caps
// (min of global and market), the leg shrinks to the room; if that leaves a
// dusty auction or a dusty remainder the leg is skipped — unlike Maker's
// Dog, caps are never exceeded.
func (e *Engine) Plan(now time.Time, accounts []Account) (Plan, error) {
	if err := e.clock.check(now); err != nil {
		return Plan{}, err
	}
	cands := make([]candidate, 0, len(accounts)/64+1)
	seen := make(map[string]struct{}, len(accounts))
	for _, a := range accounts {
		if a == nil {
			return Plan{}, fmt.Errorf("%w: nil account", ErrInvalidInput)
		}
		id := a.AccountID()
		if _, dup := seen[id]; dup {
			return Plan{}, fmt.Errorf("%w: duplicate account %q", ErrInvalidInput, id)
		}
		seen[id] = struct{}{}
		eq, mm := a.Equity(), a.Maintenance()
		if err := num.Check(eq); err != nil {
			return Plan{}, fmt.Errorf("%w: account %q equity: %w", ErrInvalidInput, id, err)
		}
		if err := num.CheckNonNegative(mm); err != nil {
			return Plan{}, fmt.Errorf("%w: account %q maintenance: %w", ErrInvalidInput, id, err)
		}
		if mm.Sign() > 0 && eq.LessThan(mm) {
			cands = append(cands, candidate{acct: a, eq: eq, mm: mm})
		}
	}
	sort.Slice(cands, func(i, j int) bool {
		l, r := cands[i].eq.Mul(cands[j].mm), cands[j].eq.Mul(cands[i].mm)
		if c := l.Cmp(r); c != 0 {
			return c < 0
		}
		return cands[i].acct.AccountID() < cands[j].acct.AccountID()
	})
	pl := Plan{Time: now, Orders: []Order{}, Skipped: []Skip{}}
	fit := e.newFitter(now)
	for _, c := range cands {
		if err := e.planAccount(&pl, fit, c); err != nil {
			return Plan{}, err
		}
	}
	return pl, nil
}

func (e *Engine) planAccount(pl *Plan, fit *fitter, c candidate) error {
	a := c.acct
	id := a.AccountID()
	debt, coll := a.Debt(), a.Collateral()
	if err := num.CheckNonNegative(debt); err != nil {
		return fmt.Errorf("%w: account %q debt: %w", ErrInvalidInput, id, err)
	}
	if err := num.CheckNonNegative(coll); err != nil {
		return fmt.Errorf("%w: account %q collateral: %w", ErrInvalidInput, id, err)
	}
	legs := append([]Position(nil), a.Positions()...)
	for _, l := range legs {
		for _, v := range []decimal.Decimal{l.Size, l.Value, l.Debt} {
			if err := num.CheckNonNegative(v); err != nil {
				return fmt.Errorf("%w: account %q leg %q: %w", ErrInvalidInput, id, l.Market, err)
			}
		}
	}
	smallLeg := false
	if e.cfg.SmallPosition.Sign() > 0 {
		for _, l := range legs {
			if l.Debt.Sign() > 0 && (l.Debt.LessThan(e.cfg.SmallPosition) || l.Value.LessThan(e.cfg.SmallPosition)) {
				smallLeg = true
			}
		}
	}
	x := e.size(c.eq, c.mm, debt, coll, smallLeg)
	if x.Sign() <= 0 {
		pl.Skipped = append(pl.Skipped, Skip{Account: id, Reason: SkipNoDebt})
		return nil
	}
	health := num.DivFloor(c.eq, c.mm, 18)
	sort.SliceStable(legs, func(i, j int) bool {
		if c := legs[i].Debt.Cmp(legs[j].Debt); c != 0 {
			return c > 0
		}
		if legs[i].Market != legs[j].Market {
			return legs[i].Market < legs[j].Market
		}
		if c := legs[i].Size.Cmp(legs[j].Size); c != 0 {
			return c > 0
		}
		return legs[i].Value.GreaterThan(legs[j].Value)
	})
	left := x
	planned, skipped := false, false
	for _, l := range legs {
		if left.Sign() <= 0 {
			break
		}
		if l.Debt.Sign() <= 0 || l.Size.Sign() <= 0 {
			continue
		}
		xi := num.MinOf(left, l.Debt)
		if xi.LessThan(e.cfg.Dust) { // no dusty auction: raise to the dust (or the whole leg)
			xi = num.MinOf(e.cfg.Dust, l.Debt)
		}
		if l.Debt.Sub(xi).LessThan(e.cfg.Dust) {
			xi = l.Debt
		}
		o, reason := e.order(fit, id, l, xi, health)
		if reason != "" {
			pl.Skipped = append(pl.Skipped, Skip{Account: id, Market: l.Market, Reason: reason})
			skipped = true
			continue
		}
		fit.take(o)
		pl.Orders = append(pl.Orders, o)
		left = left.Sub(o.Debt)
		planned = true
	}
	if !planned && !skipped {
		pl.Skipped = append(pl.Skipped, Skip{Account: id, Reason: SkipNoDebt})
	}
	return nil
}

// size returns the debt to close for one account (see Plan).
func (e *Engine) size(eq, mm, debt, coll decimal.Decimal, smallLeg bool) decimal.Decimal {
	if debt.Sign() <= 0 {
		return decimal.Zero
	}
	cfg := e.cfg
	tm := cfg.TargetHealth.Mul(mm)
	den := tm.Sub(cfg.cost.Mul(debt))
	x := debt
	if den.Sign() > 0 {
		x = num.MinOf(debt, num.DivCeil(debt.Mul(tm.Sub(eq)), den, cfg.DebtScale))
	}
	full := smallLeg || eq.LessThan(cfg.FullCloseHealth.Mul(mm)) ||
		(cfg.SmallPosition.Sign() > 0 && (debt.LessThan(cfg.SmallPosition) || coll.LessThan(cfg.SmallPosition)))
	if !full {
		x = num.MinOf(x, debt.Mul(cfg.CloseFactor).RoundFloor(cfg.DebtScale))
	}
	if x.LessThan(cfg.Dust) {
		x = num.MinOf(cfg.Dust, debt)
	}
	if debt.Sub(x).LessThan(cfg.Dust) {
		x = debt
	}
	return x
}

// order sizes one leg's order under the caps and throttles, or says why not.
func (e *Engine) order(fit *fitter, id string, l Position, xi, health decimal.Decimal) (Order, SkipReason) {
	cfg := e.cfg
	tab := xi.Mul(cfg.chop).RoundCeil(cfg.DebtScale)
	if room, capped := fit.room(l.Market); capped && tab.GreaterThan(room) {
		xi = num.DivFloor(room, cfg.chop, cfg.DebtScale)
		tab = xi.Mul(cfg.chop).RoundCeil(cfg.DebtScale)
		if tab.GreaterThan(room) { // rounding: step one unit down
			xi = xi.Sub(decimal.New(1, -cfg.DebtScale))
			tab = xi.Mul(cfg.chop).RoundCeil(cfg.DebtScale)
		}
		if xi.Sign() <= 0 || xi.LessThan(cfg.Dust) || (xi.LessThan(l.Debt) && l.Debt.Sub(xi).LessThan(cfg.Dust)) {
			return Order{}, SkipCap
		}
	}
	if !fit.throttleAllows(tab) {
		return Order{}, SkipThrottle
	}
	full := xi.Equal(l.Debt)
	lot := l.Size
	if !full {
		lot = num.DivFloor(l.Size.Mul(xi), l.Debt, cfg.LotScale)
	}
	if lot.Sign() <= 0 {
		return Order{}, SkipDust
	}
	return Order{Account: id, Market: l.Market, Health: health, Debt: xi, Lot: lot, Tab: tab,
		Penalty: tab.Sub(xi), Bonus: xi.Mul(cfg.LiquidatorBonus).RoundFloor(cfg.DebtScale), Full: full}, ""
}
