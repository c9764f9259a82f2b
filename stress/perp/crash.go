package perp

import (
	"fmt"
	"math/rand"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
	"github.com/failsafe-fi/failsafe/oracle"
	"github.com/failsafe-fi/failsafe/stress"
)

// sources are the three oracle sources: two exchanges and an on-chain pool.
var sources = []string{"cex-a", "cex-b", "dex-c"}

// Sources returns the names of the venue's oracle sources, sorted: a
// tick's quotes must come from these (a tick without quotes is quoted by
// all of them at its price).
func Sources() []string { return append([]string(nil), sources...) }

// OpenPrice is the default crash's price before it starts.
var OpenPrice = decimal.New(30_000, 0)

// Start is the default crash's opening time; tick k is at Start + k ×
// Interval.
var Start = time.Date(2026, 3, 12, 12, 0, 0, 0, time.UTC)

// Phases of the default crash, in ticks.
const (
	// WarmTicks are the two calm minutes before the crash.
	WarmTicks     = 12
	recoveryTicks = 60 // ten minutes of partial recovery
	calmTicks     = 36 // six minutes at the new level
)

// CrashPath is one draw of the default crash: the true price at every
// tick and the three sources' quotes of it, one of which spikes and one of
// which goes stale. It is a stress.Scenario. Not safe for concurrent use.
type CrashPath struct {
	c      Crash
	rng    *rand.Rand
	prices []decimal.Decimal // true price per tick of the scripted part
	final  decimal.Decimal   // the price the path settles at
	frozen oracle.Quote      // dex-c's last quote before it went stale
	k      int               // the next tick
}

// newPath draws the price path: flat, a linear fall of Depth over
// Minutes, a recovery of Recovery × the drop, then flat, each tick with
// ±NoiseBP basis points of noise, rounded to the cent.
func newPath(c Crash, rng *rand.Rand) *CrashPath {
	p := &CrashPath{c: c, rng: rng}
	startPrice := OpenPrice
	crashTicks := c.Minutes * 6
	one := decimal.New(1, 0)
	low := startPrice.Mul(one.Sub(c.Depth))
	p.final = low.Add(startPrice.Sub(low).Mul(c.Recovery)).Round(2)
	for k := 0; k < WarmTicks; k++ {
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
		if k > 0 && c.NoiseBP > 0 {
			bp := int64(rng.Intn(2*c.NoiseBP+1) - c.NoiseBP)
			p.prices[k] = p.prices[k].Mul(decimal.New(10_000+bp, -4))
		}
		p.prices[k] = p.prices[k].Round(2)
	}
	return p
}

// Scripted is the number of ticks of the price path before the settling
// ticks (where the price stays at the final price).
func (p *CrashPath) Scripted() int { return len(p.prices) }

// Len is the number of ticks the path yields: Scripted + SettleTicks.
func (p *CrashPath) Len() int { return len(p.prices) + p.c.SettleTicks }

// price returns the true price at tick k.
func (p *CrashPath) price(k int) decimal.Decimal {
	if k < len(p.prices) {
		return p.prices[k]
	}
	return p.final
}

// CrashTick returns tick k counted from the start of the crash.
func CrashTick(k int) int { return k - WarmTicks }

// quotes returns the three sources' quotes at tick k: cex-a prints the true
// price, cex-b and dex-c the true price with a basis point or two of their
// own noise. During the spike window cex-b prints a wick at 60% of the
// price; during the stale window dex-c keeps resending its last quote.
func (p *CrashPath) quotes(k int, now time.Time) []oracle.Quote {
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
	j := CrashTick(k)
	if p.c.SpikeTicks > 0 && j >= p.c.SpikeAt && j < p.c.SpikeAt+p.c.SpikeTicks {
		b.Price = truth.Mul(decimal.New(6, -1)).Round(2)
	}
	if p.c.StaleTicks > 0 && j >= p.c.StaleAt && j < p.c.StaleAt+p.c.StaleTicks {
		if p.frozen.Source == "" {
			p.frozen = oracle.Quote{Source: "dex-c", Price: c.Price, Time: now.Add(-Interval)}
		}
		c = p.frozen
	}
	return []oracle.Quote{a, b, c}
}

// Next returns the next tick of the path (stress.Scenario).
func (p *CrashPath) Next() (stress.Tick, bool, error) {
	if p.k >= p.Len() {
		return stress.Tick{}, false, nil
	}
	k := p.k
	p.k++
	now := Start.Add(time.Duration(k) * Interval)
	return stress.Tick{Seq: k, Time: now, Price: p.price(k), Quotes: p.quotes(k, now)}, true, nil
}

// crashGen is the default crash as a stress.Generator.
type crashGen struct{ c Crash }

// DefaultCrash returns the venue's default scenario as a stress.Generator:
// examples/cascade's scripted flash crash (a reconstruction of no one
// event: a linear fall of cfg.Crash.Depth over Crash.Minutes from 30,000,
// a partial recovery, a wick on cex-b, dex-c stale), each seed drawing its
// own noise. With the defaults it has 168 ticks of 10 seconds.
func DefaultCrash(cfg Config) (stress.Generator, error) {
	c, err := cfg.Crash.withDefaults()
	if err != nil {
		return nil, err
	}
	return crashGen{c: c}, nil
}

// Name says what the generator draws.
func (g crashGen) Name() string {
	return fmt.Sprintf("perp default crash (depth %s over %d min, recovery %s, noise %d bp)", g.c.Depth, g.c.Minutes, g.c.Recovery, g.c.NoiseBP)
}

// Scenario draws the path for seed.
func (g crashGen) Scenario(seed int64) (stress.Scenario, error) {
	return newPath(g.c, rand.New(rand.NewSource(seed))), nil
}
