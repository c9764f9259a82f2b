package liquidation

import (
	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/fixed"
	"github.com/failsafe-fi/failsafe/internal/num"
)

// The book desk's tier arithmetic in the library's fixed-point kernel
// (internal/fixed). Every figure here is the exact product, sum or
// comparison the decimal code in book_math.go and book.go makes, with the
// same exponent (a product's is the sum of its factors', a sum's the
// smaller of its terms'), so the decimal handed back — built with dec, zero
// included — is the one the decimal path would have built, digit and
// exponent. Any operand beyond 18 coefficient digits, or any step the
// kernel reports it cannot make exactly, sends the caller back to the
// decimal path: the kernel changes the cost, never an answer
// (TestBookKernelIsTheDecimalPath).

// dec returns n as a decimal with exactly its coefficient and exponent.
// (fixed.Num.Decimal returns decimal.Zero for a zero, whose exponent is 0;
// the decimal path keeps the exponent of a zero it computes.)
func dec(n fixed.Num) decimal.Decimal { return decimal.New(n.M, n.E) }

// absNum returns |a|.
func absNum(a fixed.Num) (fixed.Num, bool) {
	if a.M < 0 {
		return fixed.Neg(a)
	}
	return a, true
}

// tierIndexNum is tierIndex of a notional in the kernel; ok is false when
// a cap it must compare with does not fit it.
func tierIndexNum(tiers []RiskTier, notional fixed.Num) (int, bool) {
	for i, t := range tiers {
		c, ok := fixed.FromDecimal(t.MaxNotional)
		if !ok {
			return 0, false
		}
		if fixed.Cmp(notional, c) <= 0 {
			return i, true
		}
	}
	return len(tiers), true
}

// maintenanceNum is maintenanceOf in the kernel: notional × rate − amount
// of its tier (the last above the last cap), zero for a zero notional.
func maintenanceNum(tiers []RiskTier, notional fixed.Num) (fixed.Num, bool) {
	if notional.M == 0 {
		return fixed.Num{}, true // maintenanceOf returns decimal.Zero (exponent 0)
	}
	i, ok := tierIndexNum(tiers, notional)
	if !ok {
		return fixed.Num{}, false
	}
	t := tiers[min(i, len(tiers)-1)]
	rate, ok1 := fixed.FromDecimal(t.MaintenanceRate)
	amount, ok2 := fixed.FromDecimal(t.MaintenanceAmount)
	if !ok1 || !ok2 {
		return fixed.Num{}, false
	}
	p, ok := fixed.Mul(notional, rate)
	if !ok {
		return fixed.Num{}, false
	}
	return fixed.Sub(p, amount)
}

// notionalNum is |size| × oracle in the kernel.
func notionalNum(size decimal.Decimal, oracle fixed.Num) (fixed.Num, bool) {
	s, ok := fixed.FromDecimal(size)
	if !ok {
		return fixed.Num{}, false
	}
	if s, ok = absNum(s); !ok {
		return fixed.Num{}, false
	}
	return fixed.Mul(s, oracle)
}

// positionMaintenanceNum is positionMaintenance in the kernel.
func (m BookMarket) positionMaintenanceNum(size decimal.Decimal) (fixed.Num, bool) {
	o, ok := fixed.FromDecimal(m.Oracle)
	if !ok {
		return fixed.Num{}, false
	}
	n, ok := notionalNum(size, o)
	if !ok {
		return fixed.Num{}, false
	}
	return maintenanceNum(m.Tiers, n)
}

// equityNum is bookState.equity in the kernel: collateral + Σ size ×
// oracle, added in position order as the decimal path does.
func (st *bookState) equityNum() (fixed.Num, bool) {
	e, ok := fixed.FromDecimal(st.collateral)
	if !ok {
		return fixed.Num{}, false
	}
	for _, p := range st.positions {
		s, ok1 := fixed.FromDecimal(p.Size)
		o, ok2 := fixed.FromDecimal(st.markets[p.Market].Oracle)
		if !ok1 || !ok2 {
			return fixed.Num{}, false
		}
		v, ok := fixed.Mul(s, o)
		if !ok {
			return fixed.Num{}, false
		}
		if e, ok = fixed.Add(e, v); !ok {
			return fixed.Num{}, false
		}
	}
	return e, true
}

// maintenanceNum is bookState.maintenance in the kernel: Σ PMMR from zero,
// in position order.
func (st *bookState) maintenanceNum() (fixed.Num, bool) {
	var m fixed.Num // zero at exponent 0, as decimal.Zero
	for _, p := range st.positions {
		pm, ok := st.markets[p.Market].positionMaintenanceNum(p.Size)
		if !ok {
			return fixed.Num{}, false
		}
		if m, ok = fixed.Add(m, pm); !ok {
			return fixed.Num{}, false
		}
	}
	return m, true
}

// compliantNum is bookState.compliant in the kernel: equity ≥ maintenance,
// compared exactly; ok is false when either does not fit.
func (st *bookState) compliantNum() (compliant, ok bool) {
	e, ok1 := st.equityNum()
	m, ok2 := st.maintenanceNum()
	if !ok1 || !ok2 {
		return false, false
	}
	return fixed.Cmp(e, m) >= 0, true
}

// worstNum is bookState.worst in the kernel: the open position with the
// largest maintenance, ties to the first in ascending market order.
func (st *bookState) worstNum() (string, bool) {
	best, bestMM := "", fixed.Num{}
	for _, p := range st.positions {
		if p.Size.IsZero() {
			continue
		}
		mm, ok := st.markets[p.Market].positionMaintenanceNum(p.Size)
		if !ok {
			return "", false
		}
		if best == "" || fixed.Cmp(mm, bestMM) > 0 {
			best, bestMM = p.Market, mm
		}
	}
	return best, true
}

// orderFigures are nextOrder's figures of the worst position, in the
// kernel: the inputs read once, then every product, sum and quotient
// nextOrder and bankruptcyQuote make, in their order and at their scales.
type orderFigures struct {
	size, absSize, oracle, step, tick, fee fixed.Num
	notional, equity, maintenance          fixed.Num
	tiers                                  []RiskTier
	ok                                     bool // every step so far was exact
}

// num runs one kernel step and records whether it was exact.
func (f *orderFigures) num(n fixed.Num, ok bool) fixed.Num {
	f.ok = f.ok && ok
	return n
}

// keepAt is BookMarket.keepAt: ⌊cap_j / (oracle × step)⌋ × step.
func (f *orderFigures) keepAt(j int) fixed.Num {
	unit := f.num(fixed.Mul(f.oracle, f.step))
	c := f.num(fixed.FromDecimal(f.tiers[j].MaxNotional))
	if !f.ok || unit.M == 0 {
		f.ok = false
		return fixed.Num{}
	}
	return f.num(fixed.Mul(f.num(fixed.Div(c, unit, 0, num.Floor)), f.step))
}

// pm is positionMaintenance of a size ≥ 0 already in the kernel.
func (f *orderFigures) pm(absSize fixed.Num) fixed.Num {
	if !f.ok {
		return fixed.Num{}
	}
	return f.num(maintenanceNum(f.tiers, f.num(fixed.Mul(absSize, f.oracle))))
}

// nextOrderNum is nextOrder's arithmetic in the kernel for market (the
// worst position) under LimitBankruptcy. fits is false when a figure left
// the kernel: the caller then plans in decimal. Otherwise o and ok are
// nextOrder's answer, the decimals built with dec (same coefficient and
// exponent; TestBookOrderKernelIsTheDecimalPath).
func nextOrderNum(st *bookState, c bookConfig, seq int, market string) (o BookOrder, ok, fits bool) {
	m := st.markets[market]
	size := st.size(market)
	f := orderFigures{tiers: m.Tiers, ok: true}
	f.size = f.num(fixed.FromDecimal(size))
	f.oracle = f.num(fixed.FromDecimal(m.Oracle))
	f.step = f.num(fixed.FromDecimal(m.Step))
	f.tick = f.num(fixed.FromDecimal(m.Tick))
	f.fee = f.num(fixed.FromDecimal(c.FeeRate))
	f.absSize = f.num(absNum(f.size))
	f.notional = f.num(fixed.Mul(f.absSize, f.oracle))
	f.equity = f.num(st.equityNum())
	f.maintenance = f.num(st.maintenanceNum())
	if !f.ok {
		return BookOrder{}, false, false
	}
	from, ok := tierIndexNum(m.Tiers, f.notional)
	if !ok {
		return BookOrder{}, false, false
	}
	keep, to := fixed.Num{}, 0 // decimal.Zero
	pmSize := f.pm(f.absSize)
	if from > 0 && !(c.TakeOverAfterStep && seq > 1) {
		others := f.num(fixed.Sub(f.maintenance, pmSize))
		to, keep = from-1, f.keepAt(from-1)
		for j := from - 1; j >= 0 && f.ok; j-- {
			k := f.keepAt(j)
			fee := f.num(fixed.Mul(f.num(fixed.Mul(f.num(fixed.Sub(f.absSize, k)), f.oracle)), f.fee))
			lhs := f.num(fixed.Sub(f.equity, fee))
			rhs := f.num(fixed.Add(others, f.pm(k)))
			if f.ok && fixed.Cmp(lhs, rhs) >= 0 {
				to, keep = j, k
				break
			}
		}
	}
	q := f.num(fixed.Sub(f.absSize, keep))
	delta, side := q, Buy
	if f.size.M > 0 {
		delta, side = f.num(fixed.Neg(q)), Sell
	}
	// bankruptcyQuote: −DNNV − ⌊TNC × |DMMR| / TMMR⌋ at the quote scale.
	dnnv := f.num(fixed.Mul(delta, f.oracle))
	after := f.num(fixed.Add(f.size, delta))
	pmAfter := f.pm(f.num(absNum(after)))
	dmmr := f.num(absNum(f.num(fixed.Sub(pmAfter, pmSize))))
	if !f.ok || f.maintenance.M == 0 {
		return BookOrder{}, false, false
	}
	share := f.num(fixed.MulDivRound(f.equity, dmmr, f.maintenance, c.scale, num.Floor)) // the product in 128 bits
	quote := f.num(fixed.Sub(f.num(fixed.Neg(dnnv)), share))
	// limitOf: the quote per unit of |Delta| × tick, rounded against the trade.
	per := f.num(fixed.Mul(q, f.tick))
	if !f.ok || per.M == 0 {
		return BookOrder{}, false, false
	}
	var ticks fixed.Num
	if side == Sell {
		ticks = f.num(fixed.Div(quote, per, 0, num.Ceil))
		if fixed.Cmp(ticks, fixed.Num{M: 1}) < 0 {
			ticks = fixed.Num{M: 1} // decimal.NewFromInt(1)
		}
	} else {
		ticks = f.num(fixed.Div(f.num(fixed.Neg(quote)), per, 0, num.Floor))
	}
	bp := f.num(fixed.Mul(ticks, f.tick))
	if !f.ok {
		return BookOrder{}, false, false
	}
	if side == Buy && ticks.M <= 0 {
		return BookOrder{}, false, true // no positive price closes it
	}
	limit := dec(bp)
	if num.Check(limit) != nil {
		return BookOrder{}, false, true // no book trades beyond 36 integer digits: hand it over (fail closed)
	}
	return BookOrder{Seq: seq, Market: market, Side: side, Size: dec(q), Limit: limit, Bankruptcy: limit, Quote: dec(quote),
		FromTier: from, ToTier: to, Close: keep.M == 0, TimeInForce: tif(c.FillOrKill), Filled: decimal.Zero}, true, true
}

// splitNum is Fill's arithmetic in the kernel: the order's bankruptcy
// quote apportioned to a fill of delta (signed, canonical) at price
// (canonical) — ⌈Quote × f / Size⌉ at the quote scale, from the filled
// size before to after — and its split (splitAt). ok is false when a
// figure leaves the kernel; the caller then computes it in decimal.
func splitNum(o *BookOrder, delta, price, feeRate decimal.Decimal, toFund bool, scale int32) (FillSplit, bool) {
	k := kvs{ok: true}
	q, size, filled, d, px, fee := k.of(o.Quote), k.of(o.Size), k.of(o.Filled), k.of(delta), k.of(price), k.of(feeRate)
	if !k.ok || size.n.M == 0 {
		return FillSplit{}, false
	}
	upTo := func(f fixed.Num) fixed.Num { return k.step(fixed.MulDivRound(q.n, f, size.n, scale, num.Ceil)) }
	after := k.step(fixed.Add(filled.n, k.step(absNum(d.n))))
	bq := k.step(fixed.Sub(upTo(after), upTo(filled.n)))
	proceeds := k.step(fixed.Mul(k.step(fixed.Neg(d.n)), px.n))
	surplus := k.step(fixed.Sub(proceeds, bq))
	if !k.ok {
		return FillSplit{}, false
	}
	s := FillSplit{Proceeds: dec(proceeds), Bankruptcy: dec(bq), Surplus: dec(surplus)}
	if surplus.Sign() <= 0 {
		s.Fee, s.Fund, s.Kept = decimal.Zero, s.Surplus, decimal.Zero
		return s, true
	}
	// Fee = min(⌈|Proceeds| × rate⌉, Surplus), as num.MulRound and num.MinOf.
	cut := minKV(kv{n: k.step(roundedProduct(k.step(absNum(proceeds)), fee.n, scale, num.Ceil))}, kv{n: surplus, src: s.Surplus, has: true})
	rest := k.step(fixed.Sub(surplus, cut.n))
	if !k.ok {
		return FillSplit{}, false
	}
	s.Fee = cut.dec()
	if toFund {
		s.Fund, s.Kept = dec(rest), decimal.Zero
	} else {
		s.Fund, s.Kept = decimal.Zero, dec(rest)
	}
	return s, true
}

// addOf is a + b, in the kernel when it fits (subOf is a − b).
func addOf(a, b decimal.Decimal) decimal.Decimal {
	k := kvs{ok: true}
	x, y := k.of(a), k.of(b)
	if k.ok {
		if s, ok := fixed.Add(x.n, y.n); ok {
			return dec(s)
		}
	}
	return a.Add(b)
}

// bankruptcyQuoteNum is bankruptcyQuote in the kernel: −DNNV − ⌊TNC ×
// |DMMR| / TMMR⌋ at scale, the product in 128 bits.
func bankruptcyQuoteNum(in CloseInput, scale int32) (fixed.Num, bool) {
	k := kvs{ok: true}
	pos, d, eq, mm, o := k.of(in.Position), k.of(in.Delta), k.of(in.Equity), k.of(in.Maintenance), k.of(in.Market.Oracle)
	if !k.ok || mm.n.M == 0 {
		return fixed.Num{}, false
	}
	pmOf := func(size fixed.Num) fixed.Num { // positionMaintenance: maintenanceOf(|size| × oracle)
		n := k.step(fixed.Mul(k.step(absNum(size)), o.n))
		if !k.ok {
			return fixed.Num{}
		}
		return k.step(maintenanceNum(in.Market.Tiers, n))
	}
	dnnv := k.step(fixed.Mul(d.n, o.n))
	dmmr := k.step(fixed.Sub(pmOf(k.step(fixed.Add(pos.n, d.n))), pmOf(pos.n)))
	share := k.step(fixed.MulDivRound(eq.n, k.step(absNum(dmmr)), mm.n, scale, num.Floor))
	q := k.step(fixed.Sub(k.step(fixed.Neg(dnnv)), share))
	return q, k.ok
}

// limitOfNum is limitOf in the kernel; fits is false when a figure left
// it.
func limitOfNum(in CloseInput, b fixed.Num) (price fixed.Num, ok, fits bool) {
	k := kvs{ok: true}
	d, tick := k.of(in.Delta), k.of(in.Market.Tick)
	per := k.step(fixed.Mul(k.step(absNum(d.n)), tick.n))
	if !k.ok || per.M == 0 {
		return fixed.Num{}, false, false
	}
	var ticks fixed.Num
	if d.n.M < 0 { // sell |Delta| for at least b
		ticks = k.step(fixed.Div(b, per, 0, num.Ceil))
		if fixed.Cmp(ticks, fixed.Num{M: 1}) < 0 {
			ticks = fixed.Num{M: 1} // decimal.NewFromInt(1)
		}
	} else { // buy |Delta| paying at most −b
		ticks = k.step(fixed.Div(k.step(fixed.Neg(b)), per, 0, num.Floor))
	}
	price = k.step(fixed.Mul(ticks, tick.n))
	return price, d.n.M < 0 || ticks.M > 0, k.ok
}
