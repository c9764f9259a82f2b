package liquidation

import (
	"fmt"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
)

// Target: exponential curve price at t = 3,600 s ≤ 5 µs (issue 5).
func BenchmarkExponentialPrice3600(b *testing.B) {
	c, _ := NewExponentialDecrease(d("0.999230132966"))
	top := d("1234.56")
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		_ = c.Price(top, time.Hour)
	}
}

func BenchmarkStairstepPrice3600(b *testing.B) {
	c, _ := NewStairstepExponentialDecrease(d("0.99"), 90*time.Second)
	top := d("1234.56")
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		_ = c.Price(top, time.Hour)
	}
}

func BenchmarkLinearPrice(b *testing.B) {
	c, _ := NewLinearDecrease(time.Hour)
	top := d("1234.56")
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		_ = c.Price(top, 1234*time.Second)
	}
}

// Target: a take ≤ 10 µs (issue 5). Partial takes from one large auction
// priced by the exponential curve 10 minutes in.
func BenchmarkTake(b *testing.B) {
	c, _ := NewExponentialDecrease(d("0.999230132966"))
	h, _ := NewDutchHouse(DutchSettings{Curve: c, Buf: d("1.2"), Tail: 24 * time.Hour, Cusp: d("0.01"),
		Chop: d("1.13"), Dust: d("100")})
	k, _ := h.Kick(t0, KickParams{Tab: d("1000000000000"), Lot: d("100000000000"), Owner: "o", Price: d("1850.25")})
	now := t0.Add(10 * time.Minute)
	p := TakeParams{ID: k.ID, Keeper: "k", MaxLot: d("0.5"), MaxPrice: d("100000")}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if r, err := h.Take(now, p); err != nil || r.Refusal != "" {
			b.Fatal(err, r.Refusal)
		}
	}
}

// plan100kBook is 100,000 two-leg accounts, exactly 1% liquidatable, and
// the engine BenchmarkPlan100k plans them with.
func plan100kBook() ([]Account, *Engine) {
	accts := make([]Account, 100_000)
	for i := range accts {
		eq := decimal.NewFromInt(int64(150 + i%50))
		if i%100 == 0 { // exactly 1% liquidatable: equity 50..99 < maintenance 100
			eq = decimal.NewFromInt(int64(50 + (i/100)%50))
		}
		accts[i] = StaticAccount{ID: fmt.Sprintf("acct-%06d", i), EquityValue: eq, MaintenanceValue: decimal.NewFromInt(100),
			DebtValue: decimal.NewFromInt(1000), CollateralValue: eq.Add(decimal.NewFromInt(1000)),
			Legs: []Position{{Market: "ETH", Size: d("0.5"), Value: d("900"), Debt: d("600")},
				{Market: "BTC", Size: d("0.01"), Value: d("250"), Debt: d("400")}}}
	}
	e, _ := NewEngine(EngineSettings{Penalty: d("0.13"), LiquidatorBonus: d("0.05"), Dust: d("10"),
		GlobalCap: d("100000000"), MarketCaps: map[string]decimal.Decimal{"ETH": d("50000000"), "BTC": d("50000000")},
		Window: time.Hour, MaxCount: 5000, MaxNotional: d("100000000")})
	return accts, e
}

// Target: planning over 100,000 accounts with 1% liquidatable ≤ 300 ms
// (issue 5). BenchmarkPlan100k/new is Engine.Plan; /old is planReference,
// the issue-10 Plan (decimal validation, decimal comparator) kept below,
// measured in the same run (issue 12).
func BenchmarkPlan100k(b *testing.B) {
	accts, e := plan100kBook()
	for _, v := range []struct {
		name string
		plan func(time.Time, []Account) (Plan, error)
	}{{"old", func(now time.Time, a []Account) (Plan, error) { return planReference(e, now, a) }}, {"new", e.Plan}} {
		b.Run(v.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				p, err := v.plan(t0, accts)
				if err != nil || len(p.Orders)+len(p.Skipped) < len(accts)/100 {
					b.Fatal(err, len(p.Orders), len(p.Skipped))
				}
			}
		})
	}
}

// planReference is Engine.Plan as it was before issue 12: every account
// validated in decimal (readAccountDecimal) and the candidates sorted by a
// comparator that makes two decimal multiplications per comparison
// (lessHealthDecimal). It is the reference of the benchmark and of
// TestPlanOrderIsTheDecimalOrder.
func planReference(e *Engine, now time.Time, accounts []Account) (Plan, error) {
	if err := e.clock.check(now); err != nil {
		return Plan{}, err
	}
	cands := make([]candidate, 0, len(accounts)/64+1)
	seen := make(map[string]struct{}, len(accounts))
	for i, a := range accounts {
		c, err := readAccountDecimal(i, a)
		if err != nil {
			return Plan{}, err
		}
		if _, dup := seen[c.id]; dup {
			return Plan{}, fmt.Errorf("%w: account %q: duplicate ID", ErrInvalidInput, c.id)
		}
		seen[c.id] = struct{}{}
		if c.liquidatable() || c.reduce.Sign() > 0 {
			if num.Check(c.debt.Mul(e.cfg.chop)) != nil {
				return Plan{}, fmt.Errorf("%w: account %q: debt with the penalty beyond the supported range", ErrInvalidInput, c.id)
			}
			cands = append(cands, c)
		}
	}
	sort.Slice(cands, func(i, j int) bool { return lessHealthDecimal(cands[i], cands[j]) })
	pl := Plan{Time: now, Orders: []Order{}, Skipped: []Skip{}}
	fit := e.newFitter(now)
	for _, c := range cands {
		e.planAccount(&pl, fit, c)
	}
	return pl, nil
}

// lessHealthDecimal is the pre-issue-12 comparator, verbatim.
func lessHealthDecimal(ci, cj candidate) bool {
	if zi, zj := ci.mm.Sign() == 0, cj.mm.Sign() == 0; zi != zj {
		return zj // zero maintenance (no health) sorts last
	} else if !zi {
		l, r := ci.eq.Mul(cj.mm), cj.eq.Mul(ci.mm)
		if c := l.Cmp(r); c != 0 {
			return c < 0
		}
	}
	return ci.id < cj.id
}

// readAccountDecimal is the pre-issue-12 readAccount (every check and the
// leg-debt sum in decimal), verbatim but for setting liq.
func readAccountDecimal(i int, a Account) (c candidate, err error) {
	// The account's name is built only for an error: Plan reads every
	// account of a venue on every call.
	named := false
	name := func() string {
		if named {
			return strconv.Quote(c.id)
		}
		return "#" + strconv.Itoa(i)
	}
	if isNil(a) {
		return c, fmt.Errorf("%w: account %s: nil", ErrInvalidInput, name())
	}
	defer func() {
		if r := recover(); r != nil {
			c, err = candidate{}, fmt.Errorf("%w: account %s: method panicked", ErrInvalidInput, name())
		}
	}()
	c.id = a.AccountID()
	if c.id == "" {
		return c, fmt.Errorf("%w: account %s: empty ID", ErrInvalidInput, name())
	}
	named = true
	c.eq, c.mm, c.debt, c.coll = a.Equity(), a.Maintenance(), a.Debt(), a.Collateral()
	if err := num.Check(c.eq); err != nil {
		return c, fmt.Errorf("%w: account %s: equity: %w", ErrInvalidInput, name(), err)
	}
	for _, f := range []struct {
		what string
		v    decimal.Decimal
	}{{"maintenance", c.mm}, {"debt", c.debt}, {"collateral", c.coll}} {
		if err := num.CheckNonNegative(f.v); err != nil {
			return c, fmt.Errorf("%w: account %s: %s: %w", ErrInvalidInput, name(), f.what, err)
		}
	}
	c.reduce = decimal.Zero
	if r, ok := a.(Reducer); ok {
		c.reduce = r.MustReduce()
		if err := num.CheckNonNegative(c.reduce); err != nil {
			return c, fmt.Errorf("%w: account %s: must reduce: %w", ErrInvalidInput, name(), err)
		}
	}
	legs := a.Positions()
	sum := decimal.Zero
	for k, l := range legs {
		if l.Market == "" {
			return c, fmt.Errorf("%w: account %s: leg with an empty market", ErrInvalidInput, name())
		}
		for _, f := range []struct {
			what string
			v    decimal.Decimal
		}{{"size", l.Size}, {"value", l.Value}, {"debt", l.Debt}} {
			if err := num.CheckNonNegative(f.v); err != nil {
				return c, fmt.Errorf("%w: account %s: leg %q %s: %w", ErrInvalidInput, name(), l.Market, f.what, err)
			}
		}
		if k == 0 {
			sum = l.Debt // no addition for the usual one-leg account: Plan reads every account
		} else {
			sum = sum.Add(l.Debt)
		}
	}
	if !sum.Equal(c.debt) {
		return c, fmt.Errorf("%w: account %s: legs' debts sum to %s, Debt() is %s", ErrInvalidInput, name(), sum, c.debt)
	}
	c.liq = c.mm.Sign() > 0 && c.eq.LessThan(c.mm)
	if c.liquidatable() || c.reduce.Sign() > 0 {
		c.legs = append([]Position(nil), legs...) // a copy: the host's slice may change
	}
	return c, nil
}
