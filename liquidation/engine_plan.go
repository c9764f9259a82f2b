package liquidation

import (
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/fixed"
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
	// Reduce is set when the account was not liquidatable by health and is
	// planned only because its Reducer said it must be reduced now.
	Reduce bool `json:"reduce,omitempty"`
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
	id     string
	eq     decimal.Decimal
	mm     decimal.Decimal
	debt   decimal.Decimal
	coll   decimal.Decimal
	reduce decimal.Decimal // MustReduce (0 when the account does not implement Reducer)
	legs   []Position
	// The sort key, computed once per account: equity and maintenance in
	// the fixed-point kernel when both coefficients fit (fast), so a
	// comparison cross-multiplies machine words and never allocates.
	eqN, mmN fixed.Num
	fast     bool
	liq      bool // Equity < Maintenance with Maintenance > 0
}

// liquidatable reports Equity < Maintenance with Maintenance > 0 (Maker
// Dog bark's "not-unsafe" test ink·spot < art·rate is strict too).
func (c candidate) liquidatable() bool { return c.liq }

// cmpHealth orders two candidates worst health first: equity/maintenance
// ascending, compared exactly by cross-multiplication (E_a·M_b against
// E_b·M_a, both maintenances positive); zero maintenance (no health) last;
// ties by account ID. In the kernel when both keys fit, else in decimal —
// the same order either way (TestPlanOrderIsTheDecimalOrder).
func cmpHealth(a, b *candidate) int {
	if za, zb := a.mm.Sign() == 0, b.mm.Sign() == 0; za != zb {
		if za {
			return 1
		}
		return -1
	} else if !za {
		var c int
		if a.fast && b.fast {
			c = fixed.CmpProducts(a.eqN, b.mmN, b.eqN, a.mmN)
		} else {
			c = a.eq.Mul(b.mm).Cmp(b.eq.Mul(a.mm))
		}
		if c != 0 {
			return c
		}
	}
	return strings.Compare(a.id, b.id)
}

// sortCandidates sorts cands by cmpHealth, moving pointers, not the
// candidates.
func sortCandidates(cands []candidate) []*candidate {
	order := make([]*candidate, len(cands))
	for i := range cands {
		order[i] = &cands[i]
	}
	slices.SortFunc(order, cmpHealth)
	return order
}

// Plan selects the accounts to liquidate — the liquidatable ones (Equity <
// Maintenance, Maintenance > 0) and those whose Reducer says they must be
// reduced now — worst health first (equity/maintenance ascending, compared
// exactly by cross-multiplication; an account with zero maintenance last;
// ties by account ID), sizes each, and fits the orders under the caps and
// throttles as they stand. It changes nothing: the same state and input
// always give the same plan.
//
// Every account is validated before anything is planned, and one bad
// account refuses the whole call (ErrInvalidInput naming the account):
// a nil or typed-nil Account, an empty or duplicate AccountID, an
// out-of-range or negative amount, a leg with an empty market, legs whose debts do not sum exactly to Debt(), a debt whose
// tab (debt × (1 + Penalty)) would leave the supported range, an Account
// method that panics. A refused call changes nothing (Plan never does).
//
// Sizing, per account with equity E, maintenance M, debt D, target health
// T, penalty+bonus cost p (fractions of the debt closed):
//
//	x = D·(T·M − E) / (T·M − p·D), rounded up    (restores E'/M' ≥ T when M
//	                                              falls in proportion to D)
//	x = D                            when T·M ≤ p·D (cannot be restored)
//	x ≤ D × CloseFactor              unless E ≤ FullCloseHealth·M, or D,
//	                                  the collateral, or a leg's debt or
//	                                  value < SmallPosition (then 100%)
//	x ≥ MustReduce                   (a Reducer's floor; not capped by the
//	                                  close factor)
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
	var ids uniqueIDs
	for i, a := range accounts {
		c, err := readAccount(i, a)
		if err != nil {
			return Plan{}, err
		}
		if !ids.add(c.id, len(accounts)) {
			return Plan{}, fmt.Errorf("%w: account %q: duplicate ID", ErrInvalidInput, c.id)
		}
		if c.liquidatable() || c.reduce.Sign() > 0 {
			if num.Check(c.debt.Mul(e.cfg.chop)) != nil { // its tab would be beyond what Commit and the houses accept
				return Plan{}, fmt.Errorf("%w: account %q: debt with the penalty beyond the supported range", ErrInvalidInput, c.id)
			}
			cands = append(cands, c)
		}
	}
	pl := Plan{Time: now, Orders: []Order{}, Skipped: []Skip{}}
	fit := e.newFitter(now)
	for _, c := range sortCandidates(cands) {
		e.planAccount(&pl, fit, *c)
	}
	return pl, nil
}

// uniqueIDs detects a repeated account ID. While the IDs arrive in strictly
// ascending order (a host listing its accounts by ID) none can repeat and
// no hash set is built; at the first ID out of order the IDs so far go
// into a set, which checks the rest. Either way a repeat is reported at
// its second occurrence, as with a set alone.
type uniqueIDs struct {
	ids  []string // the IDs so far, while ascending
	seen map[string]struct{}
}

// add records id and reports false when it was seen before; hint is the
// number of IDs expected.
func (u *uniqueIDs) add(id string, hint int) bool {
	if u.seen == nil {
		if len(u.ids) == 0 || id > u.ids[len(u.ids)-1] {
			if u.ids == nil {
				u.ids = make([]string, 0, hint)
			}
			u.ids = append(u.ids, id)
			return true
		}
		u.seen = make(map[string]struct{}, hint)
		for _, p := range u.ids {
			u.seen[p] = struct{}{}
		}
		u.ids = nil
	}
	n := len(u.seen)
	u.seen[id] = struct{}{}
	return len(u.seen) > n // one hash per ID, not two
}

// readAccount reads and validates the i-th account of a Plan call, calling
// each of its methods once. A panic in a host method is returned as an
// error naming the account (by index when its ID could not be read).
func readAccount(i int, a Account) (c candidate, err error) {
	// The account's name is built only for an error: Plan reads every
	// account of a venue on every call.
	named := false
	name := func() string {
		if named {
			return strconv.Quote(c.id)
		}
		return "#" + strconv.Itoa(i)
	}
	if isNil(a) {
		return c, fmt.Errorf("%w: account %s: nil", ErrInvalidInput, name())
	}
	defer func() {
		if r := recover(); r != nil {
			c, err = candidate{}, fmt.Errorf("%w: account %s: method panicked", ErrInvalidInput, name())
		}
	}()
	c.id = a.AccountID()
	if c.id == "" {
		return c, fmt.Errorf("%w: account %s: empty ID", ErrInvalidInput, name())
	}
	named = true
	c.eq, c.mm, c.debt, c.coll = a.Equity(), a.Maintenance(), a.Debt(), a.Collateral()
	var err1 error
	var eqOK, mmOK, debtOK bool
	var debtN fixed.Num
	if c.eqN, eqOK, err1 = readAmount(c.eq, false); err1 != nil {
		return c, fmt.Errorf("%w: account %s: equity: %w", ErrInvalidInput, name(), err1)
	}
	if c.mmN, mmOK, err1 = readAmount(c.mm, true); err1 != nil {
		return c, fmt.Errorf("%w: account %s: maintenance: %w", ErrInvalidInput, name(), err1)
	}
	if debtN, debtOK, err1 = readAmount(c.debt, true); err1 != nil {
		return c, fmt.Errorf("%w: account %s: debt: %w", ErrInvalidInput, name(), err1)
	}
	if _, _, err1 = readAmount(c.coll, true); err1 != nil {
		return c, fmt.Errorf("%w: account %s: collateral: %w", ErrInvalidInput, name(), err1)
	}
	c.fast = eqOK && mmOK
	if c.fast {
		c.liq = c.mmN.Sign() > 0 && fixed.Cmp(c.eqN, c.mmN) < 0
	} else {
		c.liq = c.mm.Sign() > 0 && c.eq.LessThan(c.mm)
	}
	c.reduce = decimal.Zero
	if r, ok := a.(Reducer); ok {
		c.reduce = r.MustReduce()
		if err := num.CheckNonNegative(c.reduce); err != nil {
			return c, fmt.Errorf("%w: account %s: must reduce: %w", ErrInvalidInput, name(), err)
		}
	}
	legs := a.Positions()
	// The legs' debts are summed in the kernel while they fit, exactly, and
	// in decimal otherwise: the same refusal either way, but no big-number
	// allocation for the usual account.
	sumN, sumOK := fixed.Num{}, debtOK
	for k, l := range legs {
		if l.Market == "" {
			return c, fmt.Errorf("%w: account %s: leg with an empty market", ErrInvalidInput, name())
		}
		for _, f := range []struct {
			what string
			v    decimal.Decimal
		}{{"size", l.Size}, {"value", l.Value}} {
			if _, _, err := readAmount(f.v, true); err != nil {
				return c, fmt.Errorf("%w: account %s: leg %q %s: %w", ErrInvalidInput, name(), l.Market, f.what, err)
			}
		}
		dn, dok, err := readAmount(l.Debt, true)
		if err != nil {
			return c, fmt.Errorf("%w: account %s: leg %q debt: %w", ErrInvalidInput, name(), l.Market, err)
		}
		switch {
		case !sumOK || !dok:
			sumOK = false
		case k == 0:
			sumN = dn
		default:
			sumN, sumOK = fixed.Add(sumN, dn)
		}
	}
	if !sumOK || fixed.Cmp(sumN, debtN) != 0 {
		sum := decimal.Zero // the exact decimal sum: when a value left the kernel, and for the error
		for _, l := range legs {
			sum = sum.Add(l.Debt)
		}
		if !sum.Equal(c.debt) {
			return c, fmt.Errorf("%w: account %s: legs' debts sum to %s, Debt() is %s", ErrInvalidInput, name(), sum, c.debt)
		}
	}
	if c.liquidatable() || c.reduce.Sign() > 0 {
		c.legs = append([]Position(nil), legs...) // a copy: the host's slice may change
	}
	return c, nil
}

// readAmount checks a host decimal as num.Check does (and, with nonNeg,
// its sign as num.CheckNonNegative) and returns it in the kernel when its
// coefficient fits (ok). At most 18 digits at an exponent in [−36, 18] is
// within the range by construction; anything else is left to num.Check,
// so the refusals are exactly num's.
func readAmount(d decimal.Decimal, nonNeg bool) (n fixed.Num, ok bool, err error) {
	n, ok = fixed.FromDecimal(d)
	if !ok || n.E < -num.MaxScale || n.E > num.MaxIntDigits-fixed.MaxDigits {
		if err := num.Check(d); err != nil {
			return n, false, err
		}
	}
	if nonNeg && d.Sign() < 0 {
		return n, false, num.CheckNonNegative(d)
	}
	return n, ok, nil
}

// isNil reports a nil interface or an interface holding a nil pointer,
// map, slice, func or channel (a typed nil, whose methods may panic).
func isNil(a Account) bool { return isNilValue(a) }

// isNilValue reports a nil interface value or one holding a nil pointer,
// map, slice, func or channel.
func isNilValue(a any) bool {
	if a == nil {
		return true
	}
	switch v := reflect.ValueOf(a); v.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Slice, reflect.Func, reflect.Chan, reflect.Interface:
		return v.IsNil()
	}
	return false
}

func (e *Engine) planAccount(pl *Plan, fit *fitter, c candidate) {
	id, debt, coll, legs := c.id, c.debt, c.coll, c.legs
	smallLeg := false
	if e.cfg.SmallPosition.Sign() > 0 {
		for _, l := range legs {
			if l.Debt.Sign() > 0 && (l.Debt.LessThan(e.cfg.SmallPosition) || l.Value.LessThan(e.cfg.SmallPosition)) {
				smallLeg = true
			}
		}
	}
	x := num.MinOf(c.reduce, debt) // must be reduced, not liquidatable: the host's amount only
	if c.liquidatable() {
		x = e.size(c.eq, c.mm, debt, coll, c.reduce, smallLeg)
	}
	if x.Sign() <= 0 {
		pl.Skipped = append(pl.Skipped, Skip{Account: id, Reason: SkipNoDebt})
		return
	}
	health := healthOf(&c) // equity/maintenance rounded down to 18 places; 0 without maintenance
	forced := !c.liquidatable()
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
		o.Reduce = forced
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
}

// size returns the debt to close for one account (see Plan), in the
// fixed-point kernel when every figure fits it (sizeNum), else in decimal.
func (e *Engine) size(eq, mm, debt, coll, reduce decimal.Decimal, smallLeg bool) decimal.Decimal {
	if x, ok := e.sizeNum(eq, mm, debt, coll, reduce, smallLeg); ok {
		return x
	}
	return e.sizeDecimal(eq, mm, debt, coll, reduce, smallLeg)
}

// sizeDecimal is size in decimal.
func (e *Engine) sizeDecimal(eq, mm, debt, coll, reduce decimal.Decimal, smallLeg bool) decimal.Decimal {
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
	// Aave v3 LiquidationLogic: closeFactor = healthFactor >
	// CLOSE_FACTOR_HF_THRESHOLD ? 50% : 100%, so a health factor exactly at
	// the threshold (0.95) is closed in full (E ≤ FullCloseHealth·M here).
	// v3.3 keeps 50% only when the reserve's collateral and debt are both ≥
	// MIN_BASE_MAX_CLOSE_FACTOR_THRESHOLD: below it (strict) 100%.
	full := smallLeg || !eq.GreaterThan(cfg.FullCloseHealth.Mul(mm)) ||
		(cfg.SmallPosition.Sign() > 0 && (debt.LessThan(cfg.SmallPosition) || coll.LessThan(cfg.SmallPosition)))
	if !full {
		x = num.MinOf(x, debt.Mul(cfg.CloseFactor).RoundFloor(cfg.DebtScale))
	}
	if x.LessThan(reduce) { // a Reducer's floor is not capped by the close factor
		x = num.MinOf(reduce, debt)
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
	tab := e.tabOf(xi)           // xi × chop rounded up to DebtScale
	if fit.over(l.Market, tab) { // tab above the room under the caps
		room, _ := fit.room(l.Market)
		xi = num.DivFloor(room, cfg.chop, cfg.DebtScale)
		tab = e.tabOf(xi)
		if tab.GreaterThan(room) { // rounding: step one unit down
			xi = xi.Sub(decimal.New(1, -cfg.DebtScale))
			tab = e.tabOf(xi)
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
		lot = e.lotOf(l, xi) // size × xi / debt rounded down to LotScale
	}
	if lot.Sign() <= 0 {
		return Order{}, SkipDust
	}
	return Order{Account: id, Market: l.Market, Health: health, Debt: xi, Lot: lot, Tab: tab,
		Penalty: subOf(tab, xi), Bonus: e.bonusOf(xi), Full: full}, ""
}
