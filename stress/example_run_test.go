package stress_test

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/stress"
)

// falling is a generator for the examples: ten ticks from 100, each a
// seeded fall of 0 to 19.
type falling struct{}

func (falling) Name() string { return "falling(10 ticks, 0–19 a tick)" }

func (falling) Scenario(seed int64) (stress.Scenario, error) {
	return &fallPath{rng: rand.New(rand.NewPCG(uint64(seed), 1)), price: decimal.NewFromInt(100)}, nil
}

type fallPath struct {
	rng   *rand.Rand
	seq   int
	price decimal.Decimal
}

func (p *fallPath) Next() (stress.Tick, bool, error) {
	if p.seq == 10 {
		return stress.Tick{}, false, nil
	}
	if p.seq > 0 {
		p.price = decimal.Max(p.price.Sub(decimal.NewFromInt(p.rng.Int64N(20))), decimal.NewFromInt(1))
	}
	t := stress.Tick{Seq: p.seq, Time: time.Unix(int64(p.seq)*60, 0).UTC(), Price: p.price}
	p.seq++
	return t, true, nil
}

// loan is a model for the examples: one loan of 70 against one unit of
// collateral, liquidated at the first price at or below 80 (the price is
// what the collateral fetches); what it does not repay is bad debt, paid
// by a fund and then socialised. Conservation: repaid + bad debt = debt.
type loan struct {
	debt, fund, repaid decimal.Decimal
	out                stress.Outcome
}

func newLoan(fund int64) stress.Factory {
	return func(int64) (stress.Model, error) {
		f := decimal.NewFromInt(fund)
		return &loan{debt: decimal.NewFromInt(70), fund: f, out: stress.Outcome{FundStart: f, FundEnd: f, FundMin: f}}, nil
	}
}

func (l *loan) Step(t stress.Tick) error {
	l.out.Ticks++
	if l.out.Liquidations > 0 || t.Price.GreaterThan(decimal.NewFromInt(80)) {
		return nil
	}
	l.out.Liquidations, l.out.Liquidated = 1, l.debt
	l.repaid = decimal.Min(t.Price, l.debt)
	bad := l.debt.Sub(l.repaid)
	l.out.BadDebt = bad
	cover := decimal.Min(bad, l.fund)
	l.fund = l.fund.Sub(cover)
	l.out.Socialised = bad.Sub(cover)
	l.out.FundExhausted = bad.IsPositive() && l.fund.IsZero()
	l.out.FundEnd, l.out.FundMin = l.fund, l.fund
	return nil
}

func (l *loan) Check() error {
	if l.out.Liquidations > 0 && !l.repaid.Add(l.out.BadDebt).Equal(l.debt) {
		return fmt.Errorf("%w: repaid + bad debt ≠ debt", stress.ErrNotConserved)
	}
	return nil
}

func (l *loan) Outcome() stress.Outcome { return l.out }

// Run a model through 2,000 seeded scenarios and read the answer.
func ExampleRun() {
	res, err := stress.Run(context.Background(), falling{}, newLoan(5), stress.Options{Model: "loan", Scenarios: 2000, Seed: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	rep, _ := res.Report()
	s := rep.Cells[0].Stats
	fmt.Println(rep.Sentence())
	fmt.Printf("VaR95 %s, ES95 %s ± %s\n", s.VaR95.Value, s.ES95.Value, s.ES95.SE.Round(2))
	// Output:
	// The insurance fund ran dry in 6.6% of 2,000 scenarios (95% CI 5.5%–7.8%); VaR99 of bad debt 7.00 (95% CI 7.00–7.00).
	// VaR95 5, ES95 6.16 ± 0.14
}

// Split a run into shards (one per machine), write each partial, read
// them back and merge: the report is the single run's, byte for byte.
func ExampleMerge() {
	o := stress.Options{Model: "loan", Scenarios: 500, Seed: 7}
	var parts []*stress.Result
	for i := range 3 {
		o.Shard = stress.Shard{Index: i, Count: 3}
		part, _ := stress.Run(context.Background(), falling{}, newLoan(5), o)
		var file bytes.Buffer
		_ = part.WritePartial(&file)
		back, err := stress.ReadPartial(&file)
		if err != nil {
			fmt.Println(err)
			return
		}
		parts = append(parts, back)
	}
	merged, _ := stress.Merge(parts...)
	o.Shard = stress.Shard{}
	single, _ := stress.Run(context.Background(), falling{}, newLoan(5), o)
	a, b := text(merged), text(single)
	fmt.Println(bytes.Equal(a, b))
	// Output: true
}

func text(r *stress.Result) []byte {
	rep, _ := r.Report()
	var b bytes.Buffer
	_ = rep.WriteText(&b)
	return b.Bytes()
}

// Sweep the fund over the same scenarios (common random numbers).
func ExampleSweep() {
	build := func(ss []stress.Setting) (stress.Factory, error) {
		var fund int64
		_, err := fmt.Sscan(ss[0].Value, &fund)
		return newLoan(fund), err
	}
	res, err := stress.Sweep(context.Background(), falling{}, build,
		[]stress.Axis{{Name: "fund", Values: []string{"0", "5", "20"}}}, stress.Options{Scenarios: 2000, Seed: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	rep, _ := res.Report()
	for _, c := range rep.Cells {
		fmt.Printf("fund %s: P(fund exhausted) %s, P(loss socialised) %s\n", c.Params[0].Value, c.Stats.FundExhausted.P, c.Stats.LossSocialised.P)
	}
	// Output:
	// fund 0: P(fund exhausted) 0.2235, P(loss socialised) 0.2235
	// fund 5: P(fund exhausted) 0.066, P(loss socialised) 0.0385
	// fund 20: P(fund exhausted) 0, P(loss socialised) 0
}

// A shard as a batch scheduler's array index gives it.
func ExampleParseShard() {
	s, _ := stress.ParseShard("2/8")
	from, to := s.Range(1000)
	fmt.Println(s, from, to)
	// Output: 2/8 250 375
}
