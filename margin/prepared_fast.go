package margin

import (
	"math"
	"math/bits"
)

// The fast lane: the lane (prepared_lane.go) with everything that depends
// only on the position worked out at Prepare time. A position expects its
// market's mark at its entry's exponent (a coarser mark is scaled to it),
// so its tier table, its PnL scaling and a bound nMax on the notional
// coefficient are fixed in advance: when n = |size × contract| × mark ≤
// nMax, no figure of the position exceeds L = 2^62 / (2·positions + 2) and
// no step can overflow, and the sums of the account (wallet, PnL, initial,
// maintenance, free collateral) cannot either. Risk then values a position
// with one overflow check. Anything else (a finer mark, n above the bound)
// sends the whole account to the lane, which checks every step, and from
// there to the kernel path: the answer is the same on all three, exactly.

// fastPos is a prepared position on the fast lane.
type fastPos struct {
	qc   int64  // signed size × contract size at 10^qE
	e    int64  // entry at 10^pE
	nMax uint64 // n ≤ nMax: nothing overflows (see above)
	t    *laneTable
	idx  int32 // the market's index in Marks
	pE   int32 // the mark's expected exponent (the entry's)
	pnlK int32 // PnL at 10^(qE+pE) → money scale: × 10^−pnlK, or ⌊/ 10^pnlK⌋
	sE   int32 // the compact form's size exponent (Prepared.sM)
}

// fastLimit is L for an account of n positions.
func fastLimit(n int) uint64 { return (uint64(1) << 62) / (2*uint64(n) + 2) }

// prepareFast compiles a lane position for the fast lane; ok = false
// leaves it to the lane. The mark is expected at the entry's exponent,
// trailing zeros dropped (an entry kept to 12 places by ApplyFill is
// usually on a coarser grid): a coarser mark is scaled to it, a finer one
// takes the lane. Not finer than needed: every digit of exponent costs a
// digit of headroom below the overflow bound.
func prepareFast(lp *lanePos, lanes []laneTable, idx int, scale int32, limit uint64) (fastPos, bool) {
	if !lp.ok {
		return fastPos{}, false
	}
	e, eE := stripZeros(lp.e, lp.eE)
	j := -int64(lp.qE) - int64(eE)
	if j < 0 || j >= laneExps || !lanes[j].ok {
		return fastPos{}, false
	}
	t := &lanes[j]
	fp := fastPos{qc: lp.qc, e: e, t: t, idx: int32(idx), pE: eE}
	nMax := uint64(math.MaxInt64 - 1)
	// Maintenance: |n × mmr − cum| ≤ raw, and raw × 10^−mmK ≤ L (a
	// division only makes it smaller).
	raw := limit
	if t.mmK < 0 {
		raw = limit / uint64(pow10i[-t.mmK])
	}
	for i := range t.tiers {
		x := &t.tiers[i]
		c := absU(x.cum)
		if c >= raw {
			return fastPos{}, false
		}
		if x.mmr > 0 {
			nMax = min(nMax, (raw-c)/uint64(x.mmr))
		}
		if x.levDen > 0 {
			// n × levMul must fit 64 bits, and ⌈n × levMul / levDen⌉ ≤ L.
			nMax = min(nMax, math.MaxUint64/x.levMul)
			if hi, lo := bits.Mul64(limit, x.levDen); hi < x.levMul {
				q, _ := bits.Div64(hi, lo, x.levMul)
				nMax = min(nMax, q)
			}
		} else if x.imr > 0 {
			nMax = min(nMax, raw/uint64(x.imr))
		}
	}
	// PnL: |qc × (p − e)| < max(n, |qc| × e); × 10^−pnlK ≤ L.
	pnlK := -int64(scale) - (int64(lp.qE) + int64(eE))
	if pnlK > 18 || pnlK < -18 {
		return fastPos{}, false
	}
	fp.pnlK = int32(pnlK)
	rawP := limit
	if pnlK < 0 {
		rawP = limit / uint64(pow10i[-pnlK])
	}
	if hi, lo := bits.Mul64(absU(lp.qc), uint64(e)); hi != 0 || lo > rawP {
		return fastPos{}, false
	}
	fp.nMax = min(nMax, rawP)
	return fp, true
}

// riskFast is Risk on the fast lane: every position on it (fast), the
// wallet ws at the money scale, no collateral. ok = false leaves the work
// to the lane.
func riskFast(fast []fastPos, ws int64, scale int32, m *Marks, r *PreparedRisk) bool {
	var pnl, im, mm int64
	above := false
	for i := range fast {
		fp := &fast[i]
		mp := &m.price[fp.idx]
		if !mp.lok {
			return false
		}
		pr := uint64(mp.ln)
		if mp.lE != fp.pE {
			k := int64(mp.lE) - int64(fp.pE)
			if k < 0 || k > 18 {
				return false
			}
			hi, lo := bits.Mul64(pr, uint64(pow10i[k]))
			if hi != 0 || lo > math.MaxInt64 {
				return false
			}
			pr = lo
		}
		hi, lo := bits.Mul64(absU(fp.qc), pr)
		if hi != 0 || lo > fp.nMax {
			return false
		}
		n := int64(lo)
		t := fp.t
		tiers := t.tiers
		k := 0
		for k < len(tiers) && n >= tiers[k].lim {
			k++
		}
		if k == len(tiers) {
			k, above = len(tiers)-1, true
		}
		x := &tiers[k]
		raw := n*x.mmr - x.cum
		if t.mmK <= 0 {
			mm += raw * pow10i[-t.mmK]
		} else {
			mm += divScale(raw, pow10i[t.mmK], true)
		}
		if x.levDen > 0 {
			v := uint64(n) * x.levMul
			q := v / x.levDen
			if q*x.levDen != v {
				q++
			}
			im += int64(q)
		} else {
			raw = n * x.imr
			if t.mmK <= 0 {
				im += raw * pow10i[-t.mmK]
			} else {
				im += divScale(raw, pow10i[t.mmK], true)
			}
		}
		v := fp.qc * (int64(pr) - fp.e)
		if fp.pnlK <= 0 {
			pnl += v * pow10i[-fp.pnlK]
		} else {
			pnl += divScale(v, pow10i[fp.pnlK], false)
		}
	}
	eq := ws + pnl
	free := eq - im
	e := -scale
	r.mustReduce = above
	r.eq.f.M, r.eq.f.E = eq, e
	r.im.f.M, r.im.f.E = im, e
	r.mm.f.M, r.mm.f.E = mm, e
	r.free.f.M, r.free.f.E = free, e
	r.liq = mm > 0 && eq < mm
	r.initColl = free >= 0
	return true
}

// prepareFast puts the account on the fast lane when it has no collateral,
// its wallet is within L and every position compiles.
func (f *prepFull) prepareFast(scale int32) {
	limit := fastLimit(len(f.pos))
	if len(f.cols) > 0 || !f.wsOK || absU(f.ws) > limit {
		return
	}
	fast := make([]fastPos, len(f.pos))
	for i := range f.pos {
		fp, ok := prepareFast(&f.pos[i].lane, f.pos[i].m.lanes, int(f.pos[i].idx), scale, limit)
		if !ok {
			return
		}
		fast[i] = fp
	}
	f.fast, f.fastOK = fast, true
}

// stripZeros returns m × 10^e with the trailing zeros of m moved into the
// exponent, up to exponent 0 (the same value, exactly).
func stripZeros(m int64, e int32) (int64, int32) {
	for e < 0 && m != 0 && m%10 == 0 {
		m, e = m/10, e+1
	}
	return m, e
}
