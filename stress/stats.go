package stress

import (
	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
)

// ReportScale is the number of decimal places of the statistics that are
// computed rather than read off a scenario: means and expected shortfalls
// (rounded up: a risk figure never reads smaller than the data), standard
// errors (rounded up), proportions (to the nearest, with their intervals
// rounded outward). Quantiles are scenarios' own values, exact.
const ReportScale = 6

// Estimate is a statistic of an amount over the scenarios with its 95%
// confidence interval [Lo, Hi] and standard error SE.
//
// Methods: a quantile (VaR, LaR) is the nearest-rank order statistic
// (Hyndman and Fan's definition 1) and its interval the distribution-free
// order-statistic interval (Conover §3.2); its SE is the interval's width
// over 2 × 1.96. An expected shortfall is the mean of the scenarios beyond
// the quantile (Acerbi and Tasche, "On the coherence of expected
// shortfall", 2002) and its SE the large-sample one of Manistre and
// Hancock ("Variance of the CTE estimator", North American Actuarial
// Journal 9(2), 2005): √((s² + p·(ES − VaR)²) / w), w the scenarios in the
// tail and s² their variance; its interval is ES ± 1.96 SE.
type Estimate struct {
	// Value is the estimate.
	Value decimal.Decimal `json:"value"`
	// Lo and Hi bound the 95% confidence interval.
	Lo decimal.Decimal `json:"lo"`
	Hi decimal.Decimal `json:"hi"`
	// SE is the standard error (0 when Open).
	SE decimal.Decimal `json:"se"`
	// Open is true when the sample is too small for a 95% interval: the
	// interval reaches beyond the highest (or lowest) scenario, or the
	// tail holds fewer than two scenarios. Lo and Hi are then the most the
	// sample can say, and SE is 0. Run more scenarios.
	Open bool `json:"open"`
}

// Proportion is the share of scenarios in which something happened, with
// its Wilson score 95% confidence interval [Lo, Hi] and its standard error
// √(P(1−P)/n), as fractions of 1 to ReportScale places.
type Proportion struct {
	// Count is the number of scenarios in which it happened, of Of.
	Count int `json:"count"`
	Of    int `json:"of"`
	// P is Count/Of, rounded to the nearest.
	P decimal.Decimal `json:"p"`
	// Lo (rounded down) and Hi (rounded up) bound the 95% interval.
	Lo decimal.Decimal `json:"lo"`
	Hi decimal.Decimal `json:"hi"`
	// SE is the standard error, rounded up.
	SE decimal.Decimal `json:"se"`
}

// Worst names the scenario with the most bad debt (the lowest index of
// equals), so it can be replayed alone.
type Worst struct {
	Index   int             `json:"index"`
	Seed    int64           `json:"seed"`
	BadDebt decimal.Decimal `json:"bad_debt"`
}

// Stats are the statistics of one cell of a run over all its scenarios.
type Stats struct {
	// Scenarios is the number of scenarios aggregated.
	Scenarios int `json:"scenarios"`
	// Ticks and Liquidations are summed over the scenarios.
	Ticks        int64 `json:"ticks"`
	Liquidations int64 `json:"liquidations"`
	// MeanBadDebt and MeanLiquidated are means per scenario, rounded up.
	MeanBadDebt    decimal.Decimal `json:"mean_bad_debt"`
	MeanLiquidated decimal.Decimal `json:"mean_liquidated"`
	// VaR95 and VaR99 are the 95th and 99th percentiles of bad debt: the
	// insolvent debt no liquidation recovered (Gauntlet's VaR, "the 95th
	// percentile net insolvent debt amount": risk.gauntlet.network/faq).
	VaR95 Estimate `json:"var95"`
	VaR99 Estimate `json:"var99"`
	// ES95 and ES99 are the expected shortfalls: the mean bad debt of the
	// scenarios beyond VaR95 and VaR99.
	ES95 Estimate `json:"es95"`
	ES99 Estimate `json:"es99"`
	// LaR95 is the 95th percentile of the value liquidated (Gauntlet's
	// liquidations at risk).
	LaR95 Estimate `json:"lar95"`
	// BadDebt is the share of scenarios with any bad debt, FundExhausted
	// the share in which the insurance fund ran dry, LossSocialised the
	// share in which a loss was passed on to other users.
	BadDebt        Proportion `json:"p_bad_debt"`
	FundExhausted  Proportion `json:"p_fund_exhausted"`
	LossSocialised Proportion `json:"p_loss_socialised"`
	// Socialised and Uncovered are the losses summed over the scenarios.
	Socialised decimal.Decimal `json:"socialised"`
	Uncovered  decimal.Decimal `json:"uncovered"`
	// Worst is the scenario with the most bad debt.
	Worst Worst `json:"worst"`
}

// stats computes the statistics of t, a tally of all n scenarios of a run
// with base seed (n ≥ 1).
func (t *tally) stats(seed int64) Stats {
	n := t.n
	bad, liq := t.bad.sorted(), t.liq.sorted()
	s := Stats{
		Scenarios:      n,
		Ticks:          t.ticks,
		Liquidations:   t.liquidations,
		MeanBadDebt:    num.Div(t.badDebt, decimal.NewFromInt(int64(n)), ReportScale, num.Ceil),
		MeanLiquidated: num.Div(t.liquidated, decimal.NewFromInt(int64(n)), ReportScale, num.Ceil),
		VaR95:          quantile(bad, n, level95),
		VaR99:          quantile(bad, n, level99),
		ES95:           shortfall(bad, n, level95),
		ES99:           shortfall(bad, n, level99),
		LaR95:          quantile(liq, n, level95),
		BadDebt:        proportion(t.withBadDebt, n),
		FundExhausted:  proportion(t.exhausted, n),
		LossSocialised: proportion(t.lossSocialised, n),
		Socialised:     t.socialised,
		Uncovered:      t.uncovered,
	}
	if len(bad) > 0 {
		s.Worst = Worst{Index: bad[0].Index, Seed: SeedFor(seed, bad[0].Index), BadDebt: bad[0].Value}
	}
	return s
}

// rank returns x₍r₎, the r-th smallest of n values, from desc (the tail,
// highest first), clamping r to [1, n]; ok is false if r was clamped.
func rank(desc []entry, n, r int) (v decimal.Decimal, ok bool) {
	ok = r >= 1 && r <= n
	r = min(max(r, 1), n)
	return desc[n-r].Value, ok
}

// quantile is the pct-quantile of the n values whose tail is desc, with
// its order-statistic interval.
func quantile(desc []entry, n, pct int) Estimate {
	v, _ := rank(desc, n, quantileRank(n, pct))
	l, h := orderCI(n, pct)
	lo, okLo := rank(desc, n, l)
	hi, okHi := rank(desc, n, h)
	e := Estimate{Value: v, Lo: lo, Hi: hi, SE: decimal.Zero, Open: !okLo || !okHi}
	if !e.Open {
		e.SE = num.Div(hi.Sub(lo), z95.Add(z95), ReportScale, num.Ceil)
	}
	return e
}

// shortfall is the expected shortfall beyond the pct-quantile: the mean of
// the w = n − ⌈np⌉ highest values (⌊n(1−p)⌋ of them), with the Manistre–
// Hancock standard error. With no value beyond the quantile it is the
// highest value, Open.
func shortfall(desc []entry, n, pct int) Estimate {
	k := quantileRank(n, pct)
	w := n - k
	if w < 1 {
		top := desc[0].Value
		return Estimate{Value: top, Lo: top, Hi: top, SE: decimal.Zero, Open: true}
	}
	var s1, s2 decimal.Decimal
	for _, e := range desc[:w] {
		s1 = s1.Add(e.Value)
		s2 = s2.Add(e.Value.Mul(e.Value))
	}
	ww := decimal.NewFromInt(int64(w))
	es := num.Div(s1, ww, ReportScale, num.Ceil)
	if w < 2 {
		return Estimate{Value: es, Lo: es, Hi: es, SE: decimal.Zero, Open: true}
	}
	v, _ := rank(desc, n, k)
	// s² = (w·S2 − S1²) / (w(w−1)); (ES − VaR)² = (S1 − w·VaR)² / w².
	s2tail := num.Div(ww.Mul(s2).Sub(s1.Mul(s1)), ww.Mul(ww.Sub(decimal.NewFromInt(1))), statScale, num.Ceil)
	d := s1.Sub(ww.Mul(v))
	gap := num.Div(d.Mul(d).Mul(decimal.New(int64(pct), -2)), ww.Mul(ww), statScale, num.Ceil)
	se := sqrt(num.Div(s2tail.Add(gap), ww, statScale, num.Ceil), statScale, num.Ceil)
	half := num.Round(z95.Mul(se), ReportScale, num.Ceil)
	return Estimate{
		Value: es,
		Lo:    num.MaxOf(es.Sub(half), decimal.Zero),
		Hi:    es.Add(half),
		SE:    num.Round(se, ReportScale, num.Ceil),
	}
}

// proportion is k of n with its Wilson interval and standard error.
func proportion(k, n int) Proportion {
	lo, hi := wilson(k, n, ReportScale)
	return Proportion{
		Count: k, Of: n,
		P:  num.Div(decimal.NewFromInt(int64(k)), decimal.NewFromInt(int64(n)), ReportScale, num.HalfEven),
		Lo: lo, Hi: hi,
		SE: propSE(k, n, ReportScale),
	}
}
