package margin

import "github.com/failsafe-fi/failsafe/internal/fixed"

// The compact form of a Prepared account: one position, on the fast lane
// at Prepare time (no collateral, the wallet at the money scale within the
// fast lane's bound, a cross linear position on the mark basis with no
// chosen leverage, its numbers on the lane's grids). That is the common
// account of a venue with one market, and it is kept in one object with
// no slice and no decimal: the fast lane's position inline, the wallet at
// the money scale, the size's coefficient and exponent.
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
// written to pp (the caller's, so nothing escapes to the heap).
func (p *Prepared) expand(pp *prepPos) prepFull {
	fp := &p.one
	mk := p.c.order[fp.idx]
	scale := p.c.scale
	// pnlK = −scale − (qE + pE), so the size × contract size is at 10^qE.
	qE := -scale - fp.pnlK - fp.pE
	*pp = prepPos{
		lane: lanePos{ok: true, qc: fp.qc, qE: qE, e: fp.e, eE: fp.pE},
		idx:  fp.idx, m: mk, fast: mk.fast != nil,
		q: fixed.Num{M: p.sM, E: fp.sE}, e: fixed.Num{M: fp.e, E: fp.pE},
	}
	w := fixed.Num{M: p.ws, E: -scale}
	return prepFull{wfx: w, wfit: true, ws: p.ws, wsOK: true, fastOK: false}
}
