package margin

import (
	"math"
	"math/bits"

	"github.com/failsafe-fi/failsafe/internal/fixed"
)

// The lane: Prepared.Risk's plain-integer path. A linear market's tier
// table is rescaled once (in New) to every exponent a notional may take,
// 10⁰ to 10⁻²⁹ (size × contract size × mark); a prepared position keeps
// its size and entry as int64 with their exponents, a Marks its prices. Risk then
// values a position with a handful of overflow-checked int64 operations
// and sums at the money scale, exactly as the kernel path (the property
// test compares every figure with Risk). Anything off the grid, any
// overflow and isolated positions take the kernel path instead.

const laneExps = 30 // notional exponents 0 … −29

type laneTier struct {
	cap      int64 // at the notional exponent; MaxInt64 when beyond int64
	lim      int64 // the tier holds n < lim (cap, or cap + 1 where the cap itself belongs to it)
	mmr, imr int64 // at the table's rate exponent
	cum      int64 // at notional exponent + rate exponent
	levMul   uint64
	levDen   uint64 // im = ⌈n × levMul / levDen⌉ when levDen > 0
}

type laneTable struct {
	ok    bool
	tiers []laneTier
	mmK   int32 // mm at 10^(nE+rE) → money scale: divide by 10^mmK (> 0) or multiply by 10^−mmK
	marg  bool  // Marginal rule
}

// buildLanes fills m.lanes (one table per size exponent).
func buildLanes(m *market, scale int32) {
	if m.fast == nil {
		return
	}
	rE := int32(0)
	for _, t := range m.fast {
		rE = min(rE, t.mmr.E)
		if !t.useLev {
			rE = min(rE, t.imr.E)
		}
	}
	m.lanes = make([]laneTable, laneExps)
	for j := range m.lanes {
		nE := int32(-j)
		lt := laneTable{ok: true, marg: m.sched.rule == Marginal, tiers: make([]laneTier, len(m.fast))}
		lt.mmK = -scale - (nE + rE)
		if lt.mmK > 18 || lt.mmK < -18 {
			continue
		}
		for i, t := range m.fast {
			var x laneTier
			if t.cap.E < nE {
				lt.ok = false
				break
			}
			if c, ok := fixed.Rescale(t.cap, nE); ok {
				x.cap = c.M
			} else {
				x.cap = math.MaxInt64
			}
			r, ok1 := fixed.Rescale(t.mmr, rE)
			cum, ok2 := fixed.Rescale(t.cum, nE+rE)
			if t.cum.M == 0 {
				cum, ok2 = fixed.Num{}, true
			}
			x.mmr, x.cum = r.M, cum.M
			ok3 := true
			if t.useLev {
				// ⌈n·10^nE / lev⌉ at 10^−scale = ⌈n·10^(nE+scale−levE) / levM⌉
				a := int64(nE) + int64(scale) - int64(t.lev.E)
				if a >= 0 {
					p, ok := fixed.Pow10(a)
					x.levMul, x.levDen, ok3 = p, uint64(t.lev.M), ok
				} else {
					p, ok := fixed.Pow10(-a)
					hi, lo := bits.Mul64(uint64(t.lev.M), p)
					x.levMul, x.levDen, ok3 = 1, lo, ok && hi == 0
				}
			} else {
				im, ok := fixed.Rescale(t.imr, rE)
				x.imr, ok3 = im.M, ok
			}
			if !(ok1 && ok2 && ok3) {
				lt.ok = false
				break
			}
			x.lim = x.cap
			if (lt.marg || i == len(m.fast)-1) && x.cap < math.MaxInt64 {
				x.lim++
			}
			lt.tiers[i] = x
		}
		m.lanes[j] = lt
	}
}

// lanePos is a prepared position on the lane (its market's tables are
// market.lanes).
type lanePos struct {
	qc   int64 // signed size × contract size at 10^qE
	e    int64 // entry at 10^eE
	qE   int32
	eE   int32
	ok   bool // on the lane: nums, cross, no chosen leverage
	nums bool // qc and e hold the position (the fast lane's start)
}

func prepareLane(m *market, p Position) lanePos {
	if m.lanes == nil || m.basis != MarkValue {
		return lanePos{}
	}
	q, ok1 := fixed.FromDecimal(p.Size)
	e, ok2 := fixed.FromDecimal(p.EntryPrice)
	if !ok1 || !ok2 {
		return lanePos{}
	}
	q, ok := fixed.Mul(q, m.csFx)
	if ok && q.E > 0 {
		q, ok = fixed.Rescale(q, 0)
	}
	if ok && e.E > 0 {
		e, ok = fixed.Rescale(e, 0)
	}
	if !ok {
		return lanePos{}
	}
	return lanePos{ok: !p.Isolated && p.Leverage.IsZero(), nums: true, qc: q.M, qE: q.E, e: e.M, eE: e.E}
}

func absU(x int64) uint64 {
	if x < 0 {
		return uint64(-x)
	}
	return uint64(x)
}

// mulPos returns a × b for a, b ≥ 0, or ok = false.
func mulPos(a, b int64) (int64, bool) {
	hi, lo := bits.Mul64(uint64(a), uint64(b))
	return int64(lo), hi == 0 && lo <= math.MaxInt64
}

// pow10i holds 10^0 … 10^18 as int64.
var pow10i = func() (t [19]int64) {
	t[0] = 1
	for i := 1; i < len(t); i++ {
		t[i] = t[i-1] * 10
	}
	return
}()

// mul64 returns a × b or ok = false (small enough to inline).
func mul64(a, b int64) (int64, bool) {
	ua, ub := uint64(a), uint64(b)
	if a < 0 {
		ua = -ua
	}
	if b < 0 {
		ub = -ub
	}
	hi, lo := bits.Mul64(ua, ub)
	if (a < 0) != (b < 0) {
		return -int64(lo), hi == 0 && lo <= 1<<63
	}
	return int64(lo), hi == 0 && lo < 1<<63
}

// divScale divides x by d (a power of ten) rounding up (ceil) or down:
// the lane's step from a finer exponent to the money scale.
func divScale(x, d int64, ceil bool) int64 {
	q, r := x/d, x%d
	switch {
	case ceil && r > 0:
		q++
	case !ceil && r < 0:
		q--
	}
	return q
}

// value values a lane position in a market with tables lanes at a mark
// pM × 10^pE (pE ≤ 0): pnl, initial and maintenance at the money scale,
// and whether the notional is above the last cap. ok = false sends the
// account to the kernel path.
func (lp *lanePos) value(lanes []laneTable, pM int64, pE int32, scale int32) (pnl, im, mm int64, above, ok bool) {
	j := -(int64(lp.qE) + int64(pE))
	if j < 0 || j >= laneExps || !lanes[j].ok {
		return
	}
	t := &lanes[j]
	hi, lo := bits.Mul64(absU(lp.qc), uint64(pM))
	if hi != 0 || lo >= math.MaxInt64 {
		return
	}
	n := int64(lo)
	last := len(t.tiers) - 1
	idx := -1
	for i := range t.tiers {
		c := t.tiers[i].cap
		if n < c || (n == c && (t.marg || i == last)) {
			idx = i
			break
		}
	}
	if idx < 0 {
		idx, above = last, true
	}
	x := &t.tiers[idx]
	raw, ok := mulPos(n, x.mmr)
	if !ok {
		return
	}
	if raw, ok = fixed.AddInt(raw, -x.cum); !ok {
		return
	}
	if t.mmK <= 0 { // toScale, written out so it inlines
		if mm, ok = mul64(raw, pow10i[-t.mmK]); !ok {
			return
		}
	} else {
		mm = divScale(raw, pow10i[t.mmK], true)
	}
	if x.levDen > 0 {
		h, l := bits.Mul64(uint64(n), x.levMul)
		var q, r uint64
		switch {
		case h == 0: // the common case: a 64-bit division
			q, r = l/x.levDen, l%x.levDen
		case h < x.levDen:
			q, r = bits.Div64(h, l, x.levDen)
		default:
			return 0, 0, 0, false, false
		}
		if r > 0 {
			q++
		}
		if q > math.MaxInt64 {
			return 0, 0, 0, false, false
		}
		im = int64(q)
	} else {
		if raw, ok = mulPos(n, x.imr); !ok {
			return
		}
		if t.mmK <= 0 {
			if im, ok = mul64(raw, pow10i[-t.mmK]); !ok {
				return
			}
		} else {
			im = divScale(raw, pow10i[t.mmK], true)
		}
	}
	// PnL = qc × (p − e) at the finer of the two price exponents.
	p, e, dE := pM, lp.e, pE
	if pE < lp.eE {
		k, _ := fixed.Pow10(int64(lp.eE - pE))
		if k > math.MaxInt64 {
			return 0, 0, 0, false, false
		}
		if e, ok = mul64(e, int64(k)); !ok {
			return
		}
	} else if pE > lp.eE {
		k, _ := fixed.Pow10(int64(pE - lp.eE))
		if k > math.MaxInt64 {
			return 0, 0, 0, false, false
		}
		if p, ok = mul64(p, int64(k)); !ok {
			return
		}
		dE = lp.eE
	}
	if raw, ok = mul64(lp.qc, p-e); !ok { // p, e > 0: p − e cannot overflow
		return
	}
	pnlK := -scale - (lp.qE + dE)
	if pnlK > 18 || pnlK < -18 {
		return 0, 0, 0, false, false
	}
	if pnlK <= 0 {
		if pnl, ok = mul64(raw, pow10i[-pnlK]); !ok {
			return
		}
	} else {
		pnl = divScale(raw, pow10i[pnlK], false)
	}
	return pnl, im, mm, above, true
}
