package portfolio

import (
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/fixed"
	"github.com/failsafe-fi/failsafe/internal/num"
)

// AddOns are the charges and credits applied beyond the worst scenario.
// All are zero (off) by default.
type AddOns struct {
	// ShortOptionMinimum is SPAN's short option minimum per contract, in
	// settlement currency: a group's requirement is at least this ×
	// max(net short call contracts, net short put contracts). Source: CME
	// Group, "CME SPAN Methodology Overview" (short option minimum).
	ShortOptionMinimum decimal.Decimal `json:"short_option_minimum"`
	// InterMonthRate is SPAN's intra-commodity (inter-month) spread charge
	// per unit of underlying spread, in settlement currency: a group's
	// net deltas are summed by expiry (perpetuals as one expiry) and
	// min(Σ long deltas, Σ short deltas) units are charged at this rate,
	// because the scan treats all months as perfectly correlated.
	InterMonthRate decimal.Decimal `json:"inter_month_rate"`
	// InterCommodity are SPAN inter-commodity spread credits between
	// groups.
	InterCommodity []InterCommodity `json:"inter_commodity,omitempty"`
	// Contingency is Deribit's contingency charge per net short option: for
	// each underlying, expiry and strike, calls and puts are netted and
	// each contract net short is charged Contingency × the underlying
	// price (linear) or × one coin (inverse) × ContractSize. Source:
	// Deribit, "Portfolio Margin" (deribit.com/pages/docs/portfoliomargin:
	// "contingency component … per option for all net short options per
	// strike").
	Contingency decimal.Decimal `json:"contingency"`
	// ProductGroups are OCC TIMS product groups: class groups whose gains
	// offset each other's losses at a percentage (ProductGroup). None by
	// default: each group is margined alone.
	ProductGroups []ProductGroup `json:"product_groups,omitempty"`
}

// InterCommodity is a SPAN inter-commodity spread credit: when groups A
// and B carry net deltas of opposite sign, spreads = min(|ΔA|/DeltaA,
// |ΔB|/DeltaB) are formed and each group's scan risk is credited Rate ×
// (spreads × its delta per spread / its |net delta|) of itself. Source:
// CME Group, "CME SPAN Methodology Overview" (inter-commodity spread
// credits: a rate applied to the weighted futures price risk of the
// legs).
type InterCommodity struct {
	// A is the first group's name (Underlying.Group).
	A string `json:"a"`
	// B is the second group's name.
	B string `json:"b"`
	// DeltaA is the delta of one spread's A leg; > 0.
	DeltaA decimal.Decimal `json:"delta_a"`
	// DeltaB is the delta of one spread's B leg; > 0.
	DeltaB decimal.Decimal `json:"delta_b"`
	// Rate is the credit rate, in (0, 1].
	Rate decimal.Decimal `json:"rate"`
}

func (a *AddOns) validate(groups map[string]int) error {
	for _, f := range []struct {
		name string
		v    decimal.Decimal
	}{{"short option minimum", a.ShortOptionMinimum}, {"inter-month rate", a.InterMonthRate}, {"contingency", a.Contingency}} {
		if err := num.CheckNonNegative(f.v); err != nil {
			return fmt.Errorf("%w: add-on %s: %w", ErrInvalidSettings, f.name, err)
		}
	}
	a.InterCommodity = append([]InterCommodity(nil), a.InterCommodity...)
	for i, c := range a.InterCommodity {
		_, okA := groups[c.A]
		_, okB := groups[c.B]
		if !okA || !okB || c.A == c.B {
			return fmt.Errorf("%w: inter-commodity credit %d: groups %q and %q must be two listed groups", ErrInvalidSettings, i, c.A, c.B)
		}
		for _, v := range []decimal.Decimal{c.DeltaA, c.DeltaB, c.Rate} {
			if err := num.CheckPositive(v); err != nil {
				return fmt.Errorf("%w: inter-commodity credit %d: %w", ErrInvalidSettings, i, err)
			}
		}
		if c.Rate.Cmp(decimal.NewFromInt(1)) > 0 {
			return fmt.Errorf("%w: inter-commodity credit %d: rate %s above 1", ErrInvalidSettings, i, c.Rate)
		}
	}
	return nil
}

// groupDeltas are the net deltas (underlying units) of one group by expiry
// (Unix seconds; 0 for perpetuals), in order of first appearance.
type groupDeltas struct {
	expiries []int64
	delta    []decimal.Decimal
	net      decimal.Decimal
}

// deltas computes each group's net delta by expiry, when an add-on needs
// it: futures q (linear) or q / price (inverse, rounded half-even at 16
// places), options q × Black-76 delta at the marks, risk arrays none.
func (a *Arrays) deltas(b *book) []groupDeltas {
	e := a.e
	if e.addOns.InterMonthRate.IsZero() && len(e.addOns.InterCommodity) == 0 {
		return nil
	}
	out := make([]groupDeltas, len(e.groups))
	for _, np := range b.net {
		in := e.insts[np.inst]
		u := b.unders[b.uPos[e.instUnder[np.inst]]].u
		q := np.size.Mul(in.ContractSize)
		var d decimal.Decimal
		switch in.Kind {
		case RiskArray:
			continue
		case Future:
			d = q
			if in.Inverse {
				d = num.Div(q, u.price, wScale, num.HalfEven)
			}
		case Option:
			d = q.Mul(wDec(a.arr[np.inst].delta))
		}
		gd := &out[e.groupOf[u.idx]]
		exp := int64(0)
		if !in.Expiry.IsZero() {
			exp = in.Expiry.Unix()
		}
		found := false
		for i, x := range gd.expiries {
			if x == exp {
				gd.delta[i] = gd.delta[i].Add(d)
				found = true
				break
			}
		}
		if !found {
			gd.expiries = append(gd.expiries, exp)
			gd.delta = append(gd.delta, d)
		}
		gd.net = gd.net.Add(d)
	}
	return out
}

// interMonth is min(Σ long deltas, Σ short deltas) across a group's
// expiries × InterMonthRate, rounded up.
func (e *Engine) interMonth(ds []groupDeltas, g int) decimal.Decimal {
	if ds == nil || e.addOns.InterMonthRate.IsZero() {
		return decimal.Zero
	}
	var long, short decimal.Decimal
	for _, d := range ds[g].delta {
		if d.Sign() > 0 {
			long = long.Add(d)
		} else {
			short = short.Sub(d)
		}
	}
	return num.MulRound(decimal.Min(long, short), e.addOns.InterMonthRate, e.scale, num.Ceil)
}

// interCommodity sets each group's credit (rounded down, at most its scan
// risk in total).
func (e *Engine) interCommodity(groups []GroupResult, ds []groupDeltas) {
	if ds == nil {
		return
	}
	at := func(name string) int {
		for i := range groups {
			if groups[i].Group == name {
				return i
			}
		}
		return -1
	}
	idx := func(name string) int {
		for i, g := range e.groups {
			if g == name {
				return i
			}
		}
		return -1
	}
	for _, c := range e.addOns.InterCommodity {
		ia, ib := at(c.A), at(c.B)
		if ia < 0 || ib < 0 {
			continue
		}
		da, db := ds[idx(c.A)].net, ds[idx(c.B)].net
		if da.Sign() == 0 || db.Sign() == 0 || da.Sign() == db.Sign() {
			continue
		}
		// Spreads = min(|ΔA|/DeltaA, |ΔB|/DeltaB). The side that runs out
		// is wholly spread (fraction 1); the other's fraction is the exact
		// ratio spreads × its delta per spread / its |Δ|, so each credit is
		// one division rounded down.
		aa, ab := da.Abs(), db.Abs()
		num1, den1 := decimal.NewFromInt(1), decimal.NewFromInt(1) // A's fraction
		num2, den2 := decimal.NewFromInt(1), decimal.NewFromInt(1) // B's fraction
		if aa.Mul(c.DeltaB).Cmp(ab.Mul(c.DeltaA)) <= 0 {           // A runs out: spreads = |ΔA|/DeltaA
			num2, den2 = aa.Mul(c.DeltaB), c.DeltaA.Mul(ab)
		} else {
			num1, den1 = ab.Mul(c.DeltaA), c.DeltaB.Mul(aa)
		}
		for _, side := range []struct {
			i        int
			num, den decimal.Decimal
		}{{ia, num1, den1}, {ib, num2, den2}} {
			gr := &groups[side.i]
			credit := num.Div(c.Rate.Mul(gr.ScanRisk).Mul(side.num), side.den, e.scale, num.Floor)
			gr.InterCommodityCredit = decimal.Min(gr.InterCommodityCredit.Add(credit), gr.ScanRisk)
		}
	}
}

// shortOptionMinimum is ShortOptionMinimum × max(net short calls, net
// short puts) of a group, in contracts.
func (e *Engine) shortOptionMinimum(b *book, g int) decimal.Decimal {
	if e.addOns.ShortOptionMinimum.IsZero() {
		return decimal.Zero
	}
	var calls, puts decimal.Decimal
	for _, np := range b.net {
		in := e.insts[np.inst]
		if in.Kind != Option || np.size.Sign() >= 0 || e.groupOf[e.instUnder[np.inst]] != g {
			continue
		}
		if in.Right == Call {
			calls = calls.Sub(np.size)
		} else {
			puts = puts.Sub(np.size)
		}
	}
	return num.MulRound(decimal.Max(calls, puts), e.addOns.ShortOptionMinimum, e.scale, num.Ceil)
}

// contingency is Contingency × Σ over (underlying, expiry, strike) of the
// net short option quantity (calls and puts netted) × the price (linear)
// or 1 (inverse), rounded up.
func (a *Arrays) contingency(b *book) decimal.Decimal {
	e := a.e
	if e.addOns.Contingency.IsZero() {
		return decimal.Zero
	}
	// Net by (underlying, expiry, strike): New numbered the triples
	// (instPrep.contKey), so netting compares ints, in order of first
	// appearance.
	var keys, unders []int
	var nets []xsum // exact, in the kernel while they fit
	for _, np := range b.net {
		in := &e.insts[np.inst]
		if in.Kind != Option {
			continue
		}
		p := &e.prep[np.inst]
		q, ok := fixed.Num{}, false
		if sz, szOK := fixed.FromDecimal(np.size); szOK && p.csOK {
			q, ok = fixed.Mul(sz, p.cs)
		}
		qd := func() decimal.Decimal { return np.size.Mul(in.ContractSize) }
		i := 0
		for i < len(keys) && keys[i] != p.contKey {
			i++
		}
		if i == len(keys) {
			keys = append(keys, p.contKey)
			unders = append(unders, e.instUnder[np.inst])
			nets = append(nets, xsum{})
		}
		nets[i].add(q, ok, qd)
	}
	var total xsum
	for i := range keys {
		x := &nets[i]
		if x.cmp(&xsum{}) >= 0 {
			continue
		}
		x.neg()
		if !b.inverse {
			u := b.unders[b.uPos[unders[i]]].u
			x.mul(u.priceN, u.priceOK, u.price)
		}
		total.addX(x)
	}
	return num.MulRound(total.value(), e.addOns.Contingency, e.scale, num.Ceil)
}
