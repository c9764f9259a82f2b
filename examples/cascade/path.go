package main

import (
	"math/rand"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
	"github.com/failsafe-fi/failsafe/oracle"
)

// sources are the three oracle sources: two exchanges and an on-chain pool.
var sources = []string{"cex-a", "cex-b", "dex-c"}

// Phases of the price path, in ticks.
const (
	warmTicks     = 12 // two calm minutes before the crash
	recoveryTicks = 60 // ten minutes of partial recovery
	calmTicks     = 36 // six minutes at the new level
	settleTicks   = 360
)

// path is the simulated market: the true price at every tick and the three
// sources' quotes of it, one of which spikes and one of which goes stale.
type path struct {
	cfg    Config
	rng    *rand.Rand
	prices []decimal.Decimal // true price per tick of the scripted part
	final  decimal.Decimal   // the price the run settles at
	frozen oracle.Quote      // dex-c's last quote before it went stale
}

// newPath draws the price path: flat, a linear fall of Crash over
// CrashMinutes, a recovery of Recovery × the drop, then flat, each tick
// with ±NoiseBP basis points of noise, rounded to the cent.
func newPath(cfg Config, rng *rand.Rand) *path {
	p := &path{cfg: cfg, rng: rng}
	crashTicks := cfg.CrashMinutes * 6
	one := decimal.New(1, 0)
	low := startPrice.Mul(one.Sub(cfg.Crash))
	p.final = low.Add(startPrice.Sub(low).Mul(cfg.Recovery)).Round(2)
	for k := 0; k < warmTicks; k++ {
		p.prices = append(p.prices, startPrice)
	}
	for j := 1; j <= crashTicks; j++ {
		frac := num.Div(decimal.New(int64(j), 0), decimal.New(int64(crashTicks), 0), 8, num.HalfEven)
		p.prices = append(p.prices, startPrice.Sub(startPrice.Sub(low).Mul(frac)))
	}
	for j := 1; j <= recoveryTicks; j++ {
		frac := num.Div(decimal.New(int64(j), 0), decimal.New(recoveryTicks, 0), 8, num.HalfEven)
		p.prices = append(p.prices, low.Add(p.final.Sub(low).Mul(frac)))
	}
	for k := 0; k < calmTicks; k++ {
		p.prices = append(p.prices, p.final)
	}
	for k := range p.prices {
		if k > 0 && cfg.NoiseBP > 0 {
			bp := int64(rng.Intn(2*cfg.NoiseBP+1) - cfg.NoiseBP)
			p.prices[k] = p.prices[k].Mul(decimal.New(10_000+bp, -4))
		}
		p.prices[k] = p.prices[k].Round(2)
	}
	return p
}

// scripted is the number of ticks of the price path before the settling
// phase (where the price stays at final until every liquidation is done).
func (p *path) scripted() int { return len(p.prices) }

// price returns the true price at tick k.
func (p *path) price(k int) decimal.Decimal {
	if k < len(p.prices) {
		return p.prices[k]
	}
	return p.final
}

// crashTick returns the tick counted from the start of the crash.
func crashTick(k int) int { return k - warmTicks }

// quotes returns the three sources' quotes at tick k: cex-a prints the true
// price, cex-b and dex-c the true price with a basis point or two of their
// own noise. During the spike window cex-b prints a wick at 60% of the
// price; during the stale window dex-c keeps resending its last quote.
func (p *path) quotes(k int, now time.Time) []oracle.Quote {
	truth := p.price(k)
	jitter := func() decimal.Decimal {
		if k >= len(p.prices) {
			return truth
		}
		return truth.Mul(decimal.New(int64(10_000+p.rng.Intn(5)-2), -4)).Round(2)
	}
	a := oracle.Quote{Source: "cex-a", Price: truth, Time: now}
	b := oracle.Quote{Source: "cex-b", Price: jitter(), Time: now}
	c := oracle.Quote{Source: "dex-c", Price: jitter(), Time: now}
	j := crashTick(k)
	if p.cfg.SpikeTicks > 0 && j >= p.cfg.SpikeAt && j < p.cfg.SpikeAt+p.cfg.SpikeTicks {
		b.Price = truth.Mul(decimal.New(6, -1)).Round(2)
	}
	if p.cfg.StaleTicks > 0 && j >= p.cfg.StaleAt && j < p.cfg.StaleAt+p.cfg.StaleTicks {
		if p.frozen.Source == "" {
			p.frozen = oracle.Quote{Source: "dex-c", Price: c.Price, Time: now.Add(-Tick)}
		}
		c = p.frozen
	}
	return []oracle.Quote{a, b, c}
}
