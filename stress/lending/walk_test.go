package lending

import (
	"fmt"
	"math/rand"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/oracle"
	"github.com/failsafe-fi/failsafe/stress"
)

// walk is a tiny seeded random walk for the tests (the real generators
// live in stress): every Step the price moves by a whole number of basis
// points drawn in [−Vol, +Vol] with a downward Drift, three sources quote
// it with a few basis points of noise (one of them, when Spike is set,
// prints a 50% wick now and then), and congestion is drawn in 0–100.
// Integer draws only, so the path is the same on every platform.
type walk struct {
	Ticks int
	Step  time.Duration
	Vol   int64 // basis points per tick
	Drift int64 // basis points per tick, subtracted
	Spike bool
}

func (w walk) Name() string {
	return fmt.Sprintf("walk(%d×%s, vol=%dbp, drift=%dbp)", w.Ticks, w.Step, w.Vol, w.Drift)
}

func (w walk) Scenario(seed int64) (stress.Scenario, error) {
	return &walkPath{w: w, rng: rand.New(rand.NewSource(seed)), price: OpenPrice}, nil
}

type walkPath struct {
	w     walk
	rng   *rand.Rand
	i     int
	price decimal.Decimal
}

func (p *walkPath) Next() (stress.Tick, bool, error) {
	if p.i >= p.w.Ticks {
		return stress.Tick{}, false, nil
	}
	if p.i > 0 {
		bp := p.rng.Int63n(2*p.w.Vol+1) - p.w.Vol - p.w.Drift
		p.price = p.price.Mul(decimal.New(10000+bp, -4)).RoundFloor(Scale)
		if p.price.LessThan(decimal.NewFromInt(1)) {
			p.price = decimal.NewFromInt(1)
		}
	}
	now := Start.Add(time.Duration(p.i) * p.w.Step)
	quotes := make([]oracle.Quote, 0, 3)
	for _, src := range []string{"a", "b", "c"} {
		noise := decimal.New(10000+p.rng.Int63n(11)-5, -4)
		q := p.price.Mul(noise).RoundFloor(Scale)
		if p.w.Spike && src == "c" && p.rng.Intn(20) == 0 {
			q = q.Mul(decimal.New(15, -1)).RoundFloor(Scale)
		}
		quotes = append(quotes, oracle.Quote{Source: src, Price: q, Time: now})
	}
	t := stress.Tick{Seq: p.i, Time: now, Price: p.price, Quotes: quotes, Congestion: p.rng.Intn(101)}
	p.i++
	return t, true, nil
}
