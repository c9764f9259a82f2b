package margin

import (
	"math"
	"math/bits"

	"github.com/failsafe-fi/failsafe/internal/fixed"
)

// The fast lane: the lane (prepared_lane.go) with everything that depends
// only on the position worked out at Prepare time. A position expects its
// market's mark at its entry's exponent (a coarser mark is scaled to it),
// so its tier table, its PnL scaling and a bound nMax on the notional
// coefficient are fixed in advance: when n = |size × contract| × mark ≤
// nMax, no figure of the position exceeds L = 2^62 / (2·positions + 2) and
// no step can overflow, and the sums of the account (wallet, PnL, initial,
// maintenance, free collateral) cannot either. Risk then values a position
// with one overflow check. A chosen leverage and an isolated position
// (its margin against its own maintenance) are on the fast lane too, not
// on the lane: a mark the fast lane refuses sends such an account to the
// kernel path. Anything else (a finer mark, n above the bound)
// sends the whole account to the lane, which checks every step, and from
// there to the kernel path: the answer is the same on all three, exactly.

// fastPos is a prepared position on the fast lane: 56 bytes.
type fastPos struct {
	qc     int64  // signed size × contract size at 10^qE
	e      int64  // entry at 10^pE
	nMax   uint64 // n ≤ nMax: nothing overflows (see above)
	t      *laneTable
	margin int64  // an isolated position's margin at the money scale
	idx    int32  // the market's index in Marks
	levDen uint32 // a chosen leverage (0: none): initial ≥ ⌈n × 10^levA / levDen⌉
	pE     int8   // the mark's expected exponent (the entry's), −29 … 0
	pnlK   int8   // PnL at 10^(qE+pE) → money scale: × 10^−pnlK, or ⌊/ 10^pnlK⌋
	levA   int8   // 0 … 18
	iso    bool   // isolated: valued against margin, outside the account's sums
}

// fastLimit is L for an account of n positions.
func fastLimit(n int) uint64 { return (uint64(1) << 62) / (2*uint64(n) + 2) }

// prepareFast compiles a prepared position for the fast lane; ok = false
// leaves it to the lane (or, with a chosen leverage or isolated, to the
// kernel). The mark is expected at the entry's exponent,
// trailing zeros dropped (an entry kept to 12 places by ApplyFill is
// usually on a coarser grid): a coarser mark is scaled to it, a finer one
// takes the lane. Not finer than needed: every digit of exponent costs a
// digit of headroom below the overflow bound.
//
// A chosen leverage lev = levM × 10^levE raises the initial requirement to
// ⌈notional / lev⌉ at the money scale, that is ⌈n × 10^a / levM⌉ with a =
// nE + scale − levE (the tiers' own leverage, buildLanes): the fast lane
// takes it when 0 ≤ a ≤ 18 and levM fits 32 bits, and bounds n so that
// the product n × 10^a fits 64 bits. The quotient needs no bound of its
// own: lev ≥ 1 (ValidateAccount), so it is at most ⌈n × 10^(nE+scale)⌉,
// which the PnL bound (n ≤ rawP) keeps within L. An isolated position
// needs its margin at the money scale within L: margin + PnL then cannot
// overflow.
func prepareFast(pp *prepPos, scale int32, limit uint64) (fastPos, bool) {
	lp := &pp.lane
	if !lp.nums || pp.p != nil { // pp.p: the leverage or the margin does not fit the kernel
		return fastPos{}, false
	}
	lanes := pp.m.lanes
	e, eE := stripZeros(lp.e, lp.eE)
	j := -int64(lp.qE) - int64(eE)
	if j < 0 || j >= laneExps || !lanes[j].ok {
		return fastPos{}, false
	}
	t := &lanes[j]
	fp := fastPos{qc: lp.qc, e: e, t: t, idx: pp.idx, pE: int8(eE)}
	nMax := uint64(math.MaxInt64 - 1)
	if pp.lv.M != 0 {
		a := -j + int64(scale) - int64(pp.lv.E)
		if a < 0 || a > 18 || pp.lv.M > math.MaxUint32 {
			return fastPos{}, false
		}
		nMax = min(nMax, math.MaxUint64/uint64(pow10i[a]))
		fp.levDen, fp.levA = uint32(pp.lv.M), int8(a)
	}
	if pp.iso {
		mg, ok := fixed.Rescale(pp.margin, -scale) // refused when finer than the money scale
		if !ok || absU(mg.M) > limit {
			return fastPos{}, false
		}
		fp.margin, fp.iso = mg.M, true
	}
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
	fp.pnlK = int8(pnlK)
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
	above, isolated := false, false
	for i := range fast {
		fp := &fast[i]
		mp := &m.price[fp.idx]
		if !mp.lok {
			return false
		}
		pr := uint64(mp.ln)
		if mp.lE != int32(fp.pE) {
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
		var mmP, imP, pnlP int64
		if t.mmK <= 0 {
			mmP = raw * pow10i[-t.mmK]
		} else {
			mmP = divScale(raw, pow10i[t.mmK], true)
		}
		v := fp.qc * (int64(pr) - fp.e)
		if fp.pnlK <= 0 {
			pnlP = v * pow10i[-fp.pnlK]
		} else {
			pnlP = divScale(v, pow10i[fp.pnlK], false)
		}
		if fp.iso { // its own margin against its own maintenance, outside the sums
			isolated = isolated || (mmP > 0 && fp.margin+pnlP < mmP)
			continue
		}
		if x.levDen > 0 {
			v := uint64(n) * x.levMul
			q := v / x.levDen
			if q*x.levDen != v {
				q++
			}
			imP = int64(q)
		} else {
			raw = n * x.imr
			if t.mmK <= 0 {
				imP = raw * pow10i[-t.mmK]
			} else {
				imP = divScale(raw, pow10i[t.mmK], true)
			}
		}
		if fp.levDen > 0 { // the chosen leverage's floor
			v := uint64(n) * uint64(pow10i[fp.levA])
			den := uint64(fp.levDen)
			q := v / den
			if q*den != v {
				q++
			}
			imP = max(imP, int64(q))
		}
		pnl += pnlP
		im += imP
		mm += mmP
	}
	eq := ws + pnl
	free := eq - im
	e := -scale
	r.mustReduce, r.isolated = above, isolated
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
		fp, ok := prepareFast(&f.pos[i], scale, limit)
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
