package margin

import (
	"fmt"
	"math"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/fixed"
	"github.com/failsafe-fi/failsafe/internal/num"
)

// Marks are the prices of one moment, read once from the Calculator's
// PriceSource for every market (and the collateral assets named), checked
// and converted to the fixed-point kernel once, for valuing many Prepared
// accounts. A price the PriceSource refused (an error, ≤ 0, out of range)
// is remembered as refused: every account that needs it gets the error,
// never a stale or default answer (fail closed). Marks are immutable and
// safe for concurrent use.
type Marks struct {
	c      *Calculator
	now    time.Time
	price  []markPrice // by market index (Settings order)
	assets map[string]markPrice
}

type markPrice struct {
	d   decimal.Decimal
	n   fixed.Num
	fit bool // n holds d
	err error
	ln  int64 // the price as ln × 10^lE, lE ≤ 0 (the lane's form)
	lE  int32
	lok bool // ln holds it
}

func readMark(c *Calculator, key string, now time.Time) markPrice {
	p, err := c.price(key, now)
	if err != nil {
		return markPrice{err: err}
	}
	n, ok := fixed.FromDecimal(p)
	return markPrice{d: p, n: n, fit: ok}
}

// Marks reads every market's price, and each named collateral asset's, at
// now. Only a Calculator not built with New is an error here; refused
// prices are reported by Prepared.Risk for the accounts that need them.
func (c *Calculator) Marks(now time.Time, assets ...string) (*Marks, error) {
	if err := c.ready(); err != nil {
		return nil, err
	}
	m := &Marks{c: c, now: now, price: make([]markPrice, len(c.order)), assets: make(map[string]markPrice, len(assets))}
	for i, mk := range c.order {
		mp := readMark(c, mk.id, now)
		if mp.fit && mk.lanes != nil {
			n, ok := mp.n, true
			if n.E > 0 {
				n, ok = fixed.Rescale(n, 0)
			}
			mp.ln, mp.lE = stripZeros(n.M, n.E)
			mp.lok = ok
		}
		m.price[i] = mp
	}
	for _, a := range assets {
		m.assets[a] = readMark(c, a, now)
	}
	return m, nil
}

// Time returns the now the marks were read at.
func (m *Marks) Time() time.Time {
	if m == nil {
		return time.Time{}
	}
	return m.now
}

// Prepared is an account validated once and compiled for one Calculator:
// positions resolved to their markets, sizes, entry prices and leverages
// converted to the fixed-point kernel. Risk on it does no validation, no
// map lookup per position and, on the kernel path, no allocation. It is a
// copy: later changes to the Account do not reach it (prepare again after
// a fill). Immutable and safe for concurrent use.
//
// An account of one position on the fast lane (prepared_fast.go) is kept
// compact, in one 96-byte object: the position inline, no decimal copy
// (the kernel and decimal fallbacks are rebuilt from its integers when a
// mark leaves the fast lane: prepared_one.go). Every other account keeps
// the general form (full).
type Prepared struct {
	c    *Calculator
	id   string
	ws   int64     // compact form: the wallet at the money scale
	one  fastPos   // compact form: the position
	full *prepFull // the general form; nil for the compact one
}

// prepFull is a prepared account in the general form.
type prepFull struct {
	wallet decimal.Decimal
	wfx    fixed.Num
	wfit   bool
	ws     int64 // the wallet at the money scale, when wsOK
	wsOK   bool
	pos    []prepPos
	cols   []prepCol
	fast   []fastPos // every position on the fast lane, when fastOK
	fastOK bool
	one    [1]prepPos // pos of a one-position account
}

type prepPos struct {
	lane     lanePos // first: the lane reads only these fields, idx and m
	idx      int32   // the market's index in Marks
	fast     bool    // q, e and lv fit the kernel and the market has a fast table
	iso      bool    // Position.Isolated
	m        *market
	q, e, lv fixed.Num // the size, entry and leverage, exactly (when p is nil)
	margin   fixed.Num // Position.Margin, exactly (when p is nil)
	p        *Position // the position, when a number does not fit the kernel (nil: rebuilt from them)
}

// isoBelow reports margin + pnl < maintenance for an isolated position.
func (pp *prepPos) isoBelow(pnl, mm fixed.Num) bool {
	if pp.p != nil {
		return isoBelow(pp.p.Margin, pnl, mm)
	}
	if eq, ok := fixed.Add(pp.margin, pnl); ok {
		return fixed.Cmp(eq, mm) < 0
	}
	return pp.margin.Decimal().Add(pnl.Decimal()).Cmp(mm.Decimal()) < 0
}

// position returns the position for the decimal fallback (rebuilt from
// the kernel's numbers, exactly, when it was not kept).
func (pp *prepPos) position() *Position {
	if pp.p != nil {
		return pp.p
	}
	return &Position{Market: pp.m.id, Size: pp.q.Decimal(), EntryPrice: pp.e.Decimal(), Leverage: pp.lv.Decimal(), Isolated: pp.iso, Margin: pp.margin.Decimal()}
}

type prepCol struct {
	asset string
	c     Collateral
	ar    fixed.Num // amount × ratio, exact
	fast  bool
}

// Prepare validates the account (as ValidateAccount) and compiles it.
func (c *Calculator) Prepare(a Account) (*Prepared, error) {
	if err := c.ValidateAccount(a); err != nil {
		return nil, err
	}
	wfx, wfit := fixed.FromDecimal(a.Wallet)
	var ws int64
	wsOK := false
	if wfit && wfx.E >= -c.scale {
		if w, ok := fixed.Rescale(wfx, -c.scale); ok {
			ws, wsOK = w.M, true
		}
	}
	if len(a.Positions) == 1 && wsOK && !hasCollateral(a.Collateral) {
		// The compact form (prepared_one.go) when the position takes the
		// fast lane: one object, nothing else kept.
		limit := fastLimit(1)
		pp := c.preparePos(a.Positions[0])
		if absU(ws) <= limit {
			if one, ok := prepareFast(&pp, c.scale, limit); ok {
				return &Prepared{c: c, id: a.ID, ws: ws, one: one}, nil
			}
		}
	}
	f := &prepFull{wallet: a.Wallet, wfx: wfx, wfit: wfit, ws: ws, wsOK: wsOK}
	if len(a.Positions) == 1 {
		f.pos = f.one[:]
	} else {
		f.pos = make([]prepPos, len(a.Positions))
	}
	for i, pos := range a.Positions {
		f.pos[i] = c.preparePos(pos)
	}
	for _, col := range a.Collateral {
		if col.Amount.IsZero() {
			continue
		}
		pc := prepCol{asset: col.Asset, c: col}
		am, ok1 := fixed.FromDecimal(col.Amount)
		r, ok2 := fixed.FromDecimal(col.Ratio)
		if ok1 && ok2 {
			pc.ar, pc.fast = fixed.Mul(am, r)
		}
		f.cols = append(f.cols, pc)
	}
	f.prepareFast(c.scale)
	return &Prepared{c: c, id: a.ID, full: f}, nil
}

// hasCollateral reports whether any collateral amount is not zero (zero
// amounts are not prepared).
func hasCollateral(cols []Collateral) bool {
	for _, col := range cols {
		if !col.Amount.IsZero() {
			return true
		}
	}
	return false
}

// preparePos compiles a validated position.
func (c *Calculator) preparePos(pos Position) prepPos {
	pp := prepPos{m: c.markets[pos.Market], iso: pos.Isolated}
	pp.idx = int32(pp.m.idx)
	q, ok1 := fixed.FromDecimal(pos.Size)
	e, ok2 := fixed.FromDecimal(pos.EntryPrice)
	lv, ok3 := fixed.FromDecimal(pos.Leverage)
	mg, ok4 := fixed.FromDecimal(pos.Margin)
	pp.q, pp.e, pp.lv, pp.margin = q, e, lv, mg
	if !(ok1 && ok2 && ok3 && ok4) {
		kept := pos // allocated only here
		pp.p = &kept
	}
	pp.fast = ok1 && ok2 && ok3 && pp.m.fast != nil
	pp.lane = prepareLane(pp.m, pos)
	return pp
}

// ID returns the account's ID.
func (p *Prepared) ID() string {
	if p == nil {
		return ""
	}
	return p.id
}

// Assets returns the collateral assets the account needs in its Marks.
func (p *Prepared) Assets() []string {
	if p == nil {
		return nil
	}
	if p.full == nil {
		return []string{} // the compact form holds no collateral
	}
	out := make([]string, len(p.full.cols))
	for i, c := range p.full.cols {
		out[i] = c.asset
	}
	return out
}

// PreparedRisk is Risk's answer for a Prepared account: the predicates
// directly, the figures on demand (as decimals, equal to AccountRisk's),
// so deciding who is liquidatable allocates nothing.
type PreparedRisk struct {
	eq, im, mm, free     sumAcc
	liq, initColl        bool
	isolated, mustReduce bool
}

// Liquidatable is AccountRisk.Liquidatable.
func (r PreparedRisk) Liquidatable() bool { return r.liq }

// InitialCollateralised is AccountRisk.InitialCollateralised.
func (r PreparedRisk) InitialCollateralised() bool { return r.initColl }

// IsolatedLiquidatable is AccountRisk.IsolatedLiquidatable.
func (r PreparedRisk) IsolatedLiquidatable() bool { return r.isolated }

// MustReduce is AccountRisk.MustReduce.
func (r PreparedRisk) MustReduce() bool { return r.mustReduce }

// AccountRisk returns the figures as decimals (this allocates).
func (r PreparedRisk) AccountRisk() AccountRisk {
	return AccountRisk{Equity: r.eq.value(), Initial: r.im.value(), Maintenance: r.mm.value(), FreeCollateral: r.free.value(),
		InitialCollateralised: r.InitialCollateralised(), Liquidatable: r.Liquidatable(), IsolatedLiquidatable: r.isolated, MustReduce: r.mustReduce}
}

// Risk values the prepared account at the marks, exactly as
// Calculator.Risk values the account at the same prices (same rounding,
// in the venue's favour). Errors: marks of another Calculator or nil
// (ErrInvalidInput); a price the marks hold as refused, or a collateral
// asset they lack (ErrPrice). On any error nothing is returned.
func (p *Prepared) Risk(m *Marks) (r PreparedRisk, err error) {
	if p == nil || m == nil || p.c != m.c {
		return PreparedRisk{}, fmt.Errorf("%w: prepared account and marks of different Calculators", ErrInvalidInput)
	}
	f := p.full
	if f == nil {
		one := [1]fastPos{p.one}
		if riskFast(one[:], p.ws, p.c.scale, m, &r) {
			return r, nil
		}
		return p.riskOne(m)
	}
	if f.fastOK && riskFast(f.fast, f.ws, p.c.scale, m, &r) {
		return r, nil
	}
	return f.risk(p.c, m)
}

// risk is Risk on the general form off the fast lane: the lane, else the
// kernel path (decimals where a figure leaves the kernel).
func (f *prepFull) risk(c *Calculator, m *Marks) (PreparedRisk, error) {
	var r PreparedRisk
	if f.riskLane(c.scale, m, &r) {
		return r, nil
	}
	r = PreparedRisk{}
	var col, pnl sumAcc
	scale := c.scale
	for i := range f.cols {
		pc := &f.cols[i]
		mp, ok := m.assets[pc.asset]
		if !ok {
			return PreparedRisk{}, fmt.Errorf("%w: collateral %q: not in the marks", ErrPrice, pc.asset)
		}
		if mp.err != nil {
			return PreparedRisk{}, mp.err
		}
		if pc.fast && mp.fit {
			if v, ok := fixed.MulRound(pc.ar, mp.n, scale, num.Floor); ok {
				col.addFx(v)
				continue
			}
		}
		col.addDec(roundFloor(pc.c.Amount.Mul(mp.d).Mul(pc.c.Ratio), scale))
	}
	for i := range f.pos {
		pp := &f.pos[i]
		mp := &m.price[pp.m.idx]
		if mp.err != nil {
			return PreparedRisk{}, mp.err
		}
		if pp.fast && mp.fit {
			if fv, ok := pp.m.valueFx(pp.q, pp.e, mp.n, pp.lv, scale); ok {
				r.mustReduce = r.mustReduce || fv.above
				if pp.iso {
					r.isolated = r.isolated || (fv.mmnt.M > 0 && pp.isoBelow(fv.pnl, fv.mmnt))
				} else {
					pnl.addFx(fv.pnl)
					r.im.addFx(fv.initial)
					r.mm.addFx(fv.mmnt)
				}
				continue
			}
		}
		pos := pp.position()
		v := pp.m.value(pos, mp.d, scale)
		r.mustReduce = r.mustReduce || v.above
		if pos.Isolated {
			eq := pos.Margin.Add(v.pnl)
			r.isolated = r.isolated || (v.maintenance.Sign() > 0 && eq.Cmp(v.maintenance) < 0)
			continue
		}
		pnl.addDec(v.pnl)
		r.im.addDec(v.initial)
		r.mm.addDec(v.maintenance)
	}
	r.eq = col
	if f.wfit {
		r.eq.addFx(f.wfx)
	} else {
		r.eq.addDec(f.wallet)
	}
	r.eq.addAcc(pnl)
	r.free = r.eq
	r.free.subAcc(r.im)
	r.liq = r.mm.sign() > 0 && r.eq.cmp(r.mm) < 0
	r.initColl = r.free.sign() >= 0
	return r, nil
}

// riskLane is Risk on the lane (prepared_lane.go): every position on it,
// every price on its tick grid, no collateral, nothing overflowing. ok =
// false leaves the work (and any error) to the kernel path.
func (f *prepFull) riskLane(scale int32, m *Marks, r *PreparedRisk) bool {
	if len(f.cols) > 0 || !f.wsOK {
		return false
	}
	var pnl, im, mm int64
	for i := range f.pos {
		pp := &f.pos[i]
		mp := &m.price[pp.idx]
		if !pp.lane.ok || !mp.lok {
			return false
		}
		a, b, c, above, ok := pp.lane.value(pp.m.lanes, mp.ln, mp.lE, scale)
		if !ok {
			return false
		}
		r.mustReduce = r.mustReduce || above
		var ok1, ok2, ok3 bool
		pnl, ok1 = fixed.AddInt(pnl, a)
		im, ok2 = fixed.AddInt(im, b)
		mm, ok3 = fixed.AddInt(mm, c)
		if !(ok1 && ok2 && ok3) {
			return false
		}
	}
	eq, ok1 := fixed.AddInt(f.ws, pnl)
	free, ok2 := fixed.AddInt(eq, -im)
	if !ok1 || !ok2 || im == math.MinInt64 {
		return false
	}
	e := -scale
	r.eq.f, r.im.f, r.mm.f, r.free.f = fixed.Num{M: eq, E: e}, fixed.Num{M: im, E: e}, fixed.Num{M: mm, E: e}, fixed.Num{M: free, E: e}
	r.liq = mm > 0 && eq < mm
	r.initColl = free >= 0
	return true
}
