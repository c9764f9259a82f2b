package margin

import (
	"testing"
	"time"
)

// Risk on a prepared 10-position account (benchSetup: Binance BTCUSDT
// tiers, cross) at marks read once. Issue 12 target: ≤ 4× the plain int64
// reference below, 0 allocations.
func BenchmarkPreparedRiskCross10(b *testing.B) {
	c, a := benchSetup(b)
	p, err := c.Prepare(a)
	if err != nil {
		b.Fatal(err)
	}
	m, err := c.Marks(t0)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r, err := p.Risk(m)
		if err != nil || r.Liquidatable() {
			b.Fatal(err)
		}
	}
}

// The same account with averaged entry prices kept to 12 places (as
// ApplyFill keeps them): such a position's PnL does not fit the fast
// lane's int64 bound, so the account is valued on the checked lane — the
// same answer, at the lane's speed.
func BenchmarkPreparedRiskCross10Entry12(b *testing.B) {
	c, a := benchSetup(b)
	for i := range a.Positions {
		a.Positions[i].EntryPrice = a.Positions[i].EntryPrice.Add(d("0.333333333333"))
	}
	p, err := c.Prepare(a)
	if err != nil {
		b.Fatal(err)
	}
	m, err := c.Marks(t0)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := p.Risk(m); err != nil {
			b.Fatal(err)
		}
	}
}

// refTier and refPos are the benchSetup account in plain int64 fixed point:
// sizes in 0.1 units, prices in 0.01, rates in 0.0001, money in 10⁻⁸.
type refTier struct{ cap, mmr, cum, lev int64 } // cap ×10³ (notional units), mmr ×10⁴, cum ×10⁷
type refPos struct{ q, e, p int64 }             // q ×10, e and p ×10²

// refRisk is the same formula as Risk (tier by notional, maintenance =
// notional × rate − cum rounded up, initial = notional / max leverage
// rounded up, PnL = q × (p − e) rounded down, all at 10⁻⁸) written in plain
// int64 with no overflow checks: the floor the kernel path is measured
// against. It returns equity, initial and maintenance ×10⁸. It is, if
// anything, generous to itself: Prepared.Risk also checks every position
// against its overflow bound, flags a notional above the last cap
// (MustReduce), computes free collateral and reads each mark from Marks.
func refRisk(wallet int64, pos []refPos, tiers []refTier) (eq, im, mm int64, liq bool) {
	eq = wallet
	for _, x := range pos {
		q := x.q
		if q < 0 {
			q = -q
		}
		n := q * x.p // ×10³
		t := &tiers[len(tiers)-1]
		for i := range tiers {
			if n <= tiers[i].cap {
				t = &tiers[i]
				break
			}
		}
		mm += (n*t.mmr - t.cum) * 10          // ×10⁷ → ×10⁸, exact
		im += (n*100_000 + t.lev - 1) / t.lev // ×10⁸, ceil
		eq += x.q * (x.p - x.e) * 100_000     // ×10³ → ×10⁸, exact
	}
	return eq, im, mm, mm > 0 && eq < mm
}

func BenchmarkPlainInt64RiskCross10(b *testing.B) {
	wallet, pos, tiers := refSetup(b)
	b.ReportAllocs()
	b.ResetTimer()
	var sink int64
	for i := 0; i < b.N; i++ {
		eq, _, _, liq := refRisk(wallet, pos, tiers)
		if liq {
			b.Fatal("liquidatable")
		}
		sink += eq
	}
	refSink = sink
}

// refSetup converts benchSetup's account to the reference's int64 form and
// checks that the reference gives Risk's figures.
func refSetup(b *testing.B) (int64, []refPos, []refTier) {
	c, a := benchSetup(b)
	var tiers []refTier
	for _, t := range binanceBTC() {
		lev := t.MaxLeverage.IntPart()
		tiers = append(tiers, refTier{cap: t.Cap.Shift(3).IntPart(), mmr: t.MaintenanceRate.Shift(4).IntPart(), lev: lev})
	}
	// cum = floor × (rate − previous rate) + previous cum, ×10⁷.
	for i := 1; i < len(tiers); i++ {
		tiers[i].cum = tiers[i-1].cap*(tiers[i].mmr-tiers[i-1].mmr) + tiers[i-1].cum
	}
	var pos []refPos
	for _, p := range a.Positions {
		mark, err := c.price(p.Market, t0)
		if err != nil {
			b.Fatal(err)
		}
		pos = append(pos, refPos{q: p.Size.Shift(1).IntPart(), e: p.EntryPrice.Shift(2).IntPart(), p: mark.Shift(2).IntPart()})
	}
	wallet := a.Wallet.Shift(8).IntPart()
	// The reference must give Risk's figures.
	r, err := c.Risk(t0, a)
	if err != nil {
		b.Fatal(err)
	}
	eq, im, mm, liq := refRisk(wallet, pos, tiers)
	if eq != r.Equity.Shift(8).IntPart() || im != r.Initial.Shift(8).IntPart() || mm != r.Maintenance.Shift(8).IntPart() || liq != r.Liquidatable {
		b.Fatalf("reference %d %d %d %v, Risk %s %s %s %v", eq, im, mm, liq, r.Equity, r.Initial, r.Maintenance, r.Liquidatable)
	}
	return wallet, pos, tiers
}

// The issue 12 ratio on a shared, noisy machine: prepared Risk and the
// plain int64 reference run interleaved in blocks of 64 calls, so both see
// the same load. Reported: the mean per call of each (ns/prepared,
// ns/plain) and, less sensitive to other processes, the fastest block of
// each (min-ns/prepared, min-ns/plain) and the ratio of those minima
// (target ≤ 4).
func BenchmarkPreparedVsPlainInt64Cross10(b *testing.B) {
	wallet, pos, tiers := refSetup(b)
	c, a := benchSetup(b)
	p, err := c.Prepare(a)
	if err != nil {
		b.Fatal(err)
	}
	m, err := c.Marks(t0)
	if err != nil {
		b.Fatal(err)
	}
	const block = 64
	var tp, tr time.Duration
	minP, minR := time.Duration(1<<62), time.Duration(1<<62)
	var sink int64
	b.ReportAllocs()
	b.ResetTimer()
	for done := 0; done < b.N; done += block {
		s := time.Now()
		for i := 0; i < block; i++ {
			if r, err := p.Risk(m); err != nil || r.Liquidatable() {
				b.Fatal(err)
			}
		}
		mid := time.Now()
		for i := 0; i < block; i++ {
			eq, _, _, liq := refRisk(wallet, pos, tiers)
			if liq {
				b.Fatal("liquidatable")
			}
			sink += eq
		}
		end := time.Now()
		tp += mid.Sub(s)
		tr += end.Sub(mid)
		minP, minR = min(minP, mid.Sub(s)), min(minR, end.Sub(mid))
	}
	refSink = sink
	calls := float64((b.N + block - 1) / block * block)
	b.ReportMetric(float64(tp.Nanoseconds())/calls, "ns/prepared")
	b.ReportMetric(float64(tr.Nanoseconds())/calls, "ns/plain")
	b.ReportMetric(float64(minP.Nanoseconds())/block, "min-ns/prepared")
	b.ReportMetric(float64(minR.Nanoseconds())/block, "min-ns/plain")
	b.ReportMetric(float64(minP)/float64(minR), "ratio")
}

var refSink int64
