package margin

import "github.com/failsafe-fi/failsafe/internal/fixed"

// The compact form of a Prepared account: one position, on the fast lane
// at Prepare time (no collateral, the wallet at the money scale within the
// fast lane's bound, a linear position on the mark basis, cross or
// isolated, with or without a chosen leverage, its numbers on the lane's
// grids). That is the common account of a venue with one market (the
// reference perp venue's, stress/perp), and it is kept in one 96-byte
// object with no slice and no decimal: the fast lane's position inline
// and the wallet at the money scale.
//
// Risk values it on the fast lane. When a mark leaves the fast lane (a
// mark finer than the entry's grid, a notional beyond its bound), the
// general form is rebuilt on the stack from those integers (expand) and
// valued as any other prepared account: on the lane, else in the kernel,
// else in decimals. Every number rebuilt has the value the account had
// (the wallet at the money scale, the entry without trailing zeros), so
// the answer is the same on every path, exactly (the property
// TestPropPreparedOneEqualsRisk compares it with Calculator.Risk).

// riskOne is Risk on the compact form when the fast lane refused it.
func (p *Prepared) riskOne(m *Marks) (PreparedRisk, error) {
	var pos [1]prepPos
	f := p.expand(&pos[0])
	f.pos = pos[:]
	return f.risk(p.c, m)
}

// expand returns the general form of a compact account, its position
// written to pp (the caller's, so nothing escapes to the heap). Every
// number has the value Prepare was given: the size is qc / contract size
// (qc = size × contract size exactly, so the division is exact), the
// leverage levM × 10^(nE + scale − levA), the margin and the wallet at
// the money scale, the entry without trailing zeros.
func (p *Prepared) expand(pp *prepPos) prepFull {
	fp := &p.one
	mk := p.c.order[fp.idx]
	scale := p.c.scale
	pE := int32(fp.pE)
	// pnlK = −scale − (qE + pE), so the size × contract size is at 10^qE.
	qE := -scale - int32(fp.pnlK) - pE
	*pp = prepPos{
		lane: lanePos{ok: fp.levDen == 0 && !fp.iso, nums: true, qc: fp.qc, qE: qE, e: fp.e, eE: pE},
		idx:  fp.idx, m: mk, fast: true, iso: fp.iso,
		q: fixed.Num{M: fp.qc / mk.csFx.M, E: qE - mk.csFx.E}, e: fixed.Num{M: fp.e, E: pE},
	}
	if fp.levDen > 0 {
		pp.lv = fixed.Num{M: int64(fp.levDen), E: qE + pE + scale - int32(fp.levA)}
	}
	if fp.iso {
		pp.margin = fixed.Num{M: fp.margin, E: -scale}
	}
	w := fixed.Num{M: p.ws, E: -scale}
	return prepFull{wfx: w, wfit: true, ws: p.ws, wsOK: true}
}
