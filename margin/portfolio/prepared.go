package portfolio

import (
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/fixed"
)

// instPrep is what an option's valuation needs that depends on the
// instrument alone, computed once by New: the logarithm of the strike and
// the strike in the kernel, and the key contingency nets by. Every value
// is the one the valuation computed before it was cached (same function,
// same input), so results are unchanged bit for bit.
type instPrep struct {
	lnStrike int64     // ln(strike) at 16 places (kern.lnDec)
	lnBad    bool      // lnDec overflowed: the valuation refuses (ErrRange)
	strike   fixed.Num // the strike, when it fits an int64 coefficient
	strikeOK bool
	contKey  int       // index of (underlying, expiry, strike) among the options; −1 otherwise
	cs       fixed.Num // the contract size, when it fits
	csOK     bool
}

// prepare fills e.prep for every instrument.
func (e *Engine) prepare() {
	e.prep = make([]instPrep, len(e.insts))
	keys := map[string]int{}
	for i, in := range e.insts {
		p := &e.prep[i]
		p.contKey = -1
		p.cs, p.csOK = fixed.FromDecimal(in.ContractSize)
		if in.Kind != Option {
			continue
		}
		var k kern
		p.lnStrike = k.lnDec(in.Strike)
		p.lnBad = k.bad
		p.strike, p.strikeOK = fixed.FromDecimal(in.Strike)
		// The strike is validated (num.Check), so String is bounded; it
		// prints equal decimals alike ("1e5" and "100000.00" as "100000").
		key := decimal.NewFromInt(int64(e.instUnder[i])).String() + "|" + decimal.NewFromInt(in.Expiry.Unix()).String() + "|" + in.Strike.String()
		c, ok := keys[key]
		if !ok {
			c = len(keys)
			keys[key] = c
		}
		p.contKey = c
	}
}

// expiryState is what the valuations of one Arrays share per expiry: the
// time to expiry now and after the look-ahead, their square roots,
// discount factors and the vol-shock factor. Computed on first use.
type expiryState struct {
	unix        int64
	years0      int64 // years to expiry at now
	sqrt0, df0  int64
	years1      int64 // after the grid's look-ahead
	sqrt1, df1  int64
	shockFactor int64 // the vega power rule's factor at years1 (−1 when off)
	bad         bool  // the kernel overflowed: valuations at this expiry refuse
}

// expiry returns the shared state of an expiry, computing it on first use.
func (a *Arrays) expiry(t time.Time) *expiryState {
	exp := t.Unix()
	for i := range a.exps {
		if a.exps[i].unix == exp {
			return &a.exps[i]
		}
	}
	e := a.e
	var k kern
	es := expiryState{unix: exp}
	es.years0 = yearsTo(a.now, t, 0)
	es.sqrt0 = k.sqrt(es.years0)
	es.df0 = wOne
	if a.rate != 0 {
		es.df0 = k.exp(-k.mul(a.rate, es.years0))
	}
	es.years1, es.sqrt1, es.df1 = es.years0, es.sqrt0, es.df0
	if la := e.grid.LookAheadSeconds; la > 0 {
		es.years1 = yearsTo(a.now, t, la)
		es.sqrt1 = k.sqrt(es.years1)
		if a.rate != 0 {
			es.df1 = k.exp(-k.mul(a.rate, es.years1))
		}
	}
	es.shockFactor = e.shockFactor(&k, es.years1)
	es.bad = k.bad
	a.exps = append(a.exps, es)
	return &a.exps[len(a.exps)-1]
}
