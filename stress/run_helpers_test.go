package stress

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
)

// walk is a test generator: a seeded random walk of ticks steps from 100,
// each a sum of four uniform moves of ±2.5% (a rough bell) and, one tick
// in jumpEvery, a crash of up to 30%. Integer draws only, to the cent.
type walk struct {
	ticks, jumpEvery int
}

func (w walk) Name() string { return fmt.Sprintf("walk(%d ticks)", w.ticks) }

func (w walk) Scenario(seed int64) (Scenario, error) {
	return &walkPath{w: w, rng: rand.New(rand.NewPCG(uint64(seed), 0x5eed)), price: decimal.NewFromInt(100)}, nil
}

type walkPath struct {
	w     walk
	rng   *rand.Rand
	seq   int
	price decimal.Decimal
}

var t0 = time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC)

func (p *walkPath) Next() (Tick, bool, error) {
	if p.seq >= p.w.ticks {
		return Tick{}, false, nil
	}
	if p.seq > 0 {
		bps := int64(0)
		for range 4 {
			bps += p.rng.Int64N(501) - 250
		}
		if p.w.jumpEvery > 0 && p.rng.IntN(p.w.jumpEvery) == 0 {
			bps -= p.rng.Int64N(3001)
		}
		p.price = num.Round(p.price.Mul(decimal.New(10_000+bps, -4)), 2, num.Floor)
		if p.price.Cmp(decimal.New(1, -2)) < 0 {
			p.price = decimal.New(1, -2)
		}
	}
	t := Tick{Seq: p.seq, Time: t0.Add(time.Duration(p.seq) * time.Minute), Price: p.price}
	p.seq++
	return t, true, nil
}

// book is a test model: accounts long at the first price with leverage
// up to maxLev, liquidated at the tick's price once equity falls below
// maintenance; a shortfall is paid by the fund, the rest socialised. Its
// ledger: open margins + fund + wallets + market + socialised is constant.
type book struct {
	fund0, fund, fundMin        decimal.Decimal
	wallets, market, socialised decimal.Decimal
	total0                      decimal.Decimal
	accounts                    []acct
	out                         Outcome
	mm                          decimal.Decimal
	entry                       decimal.Decimal
	leak                        bool // add one cent from nowhere at tick 3
}

type acct struct {
	margin, qty decimal.Decimal
	open        bool
}

// bookFactory builds books of n accounts with leverage drawn up to maxLev
// (an integer), maintenance rate mm and fund; leakSeeds lists the seeds
// whose model leaks one cent.
func bookFactory(n, maxLev int, mm, fund string, leakSeeds ...int64) Factory {
	return func(seed int64) (Model, error) {
		rng := rand.New(rand.NewPCG(uint64(seed), 0xb00c))
		b := &book{fund0: decimal.RequireFromString(fund), mm: decimal.RequireFromString(mm)}
		b.fund, b.fundMin = b.fund0, b.fund0
		b.out.FundStart = b.fund0
		for range n {
			m := decimal.NewFromInt(100 + rng.Int64N(900))
			lev := decimal.NewFromInt(1 + rng.Int64N(int64(maxLev)))
			b.accounts = append(b.accounts, acct{margin: m, qty: m.Mul(lev), open: true}) // qty priced at entry 1 unit = 1 (scaled below)
		}
		for _, s := range leakSeeds {
			b.leak = b.leak || s == seed
		}
		b.total0 = b.sum()
		return b, nil
	}
}

func (b *book) sum() decimal.Decimal {
	s := b.fund.Add(b.wallets).Add(b.market).Add(b.socialised)
	for _, a := range b.accounts {
		if a.open {
			s = s.Add(a.margin)
		}
	}
	return s
}

func (b *book) Step(t Tick) error {
	if t.Seq == 0 {
		b.entry = t.Price
		// qty was a notional in quote units: make it a size at the entry.
		for i := range b.accounts {
			b.accounts[i].qty = num.Div(b.accounts[i].qty, b.entry, 6, num.Floor)
		}
	}
	if b.leak && t.Seq == 3 {
		b.fund = b.fund.Add(decimal.New(1, -2))
	}
	b.out.Ticks++
	for i := range b.accounts {
		a := &b.accounts[i]
		if !a.open {
			continue
		}
		pnl := num.MulRound(a.qty, t.Price.Sub(b.entry), 2, num.Floor)
		equity := a.margin.Add(pnl)
		if equity.Cmp(num.MulRound(a.qty.Mul(t.Price), b.mm, 2, num.Ceil)) >= 0 {
			continue
		}
		a.open = false
		b.market = b.market.Sub(pnl)
		b.out.Liquidations++
		b.out.Liquidated = b.out.Liquidated.Add(num.MulRound(a.qty, t.Price, 2, num.Floor))
		if equity.Sign() >= 0 {
			fee := num.MinOf(equity, num.MulRound(a.qty.Mul(t.Price), decimal.New(1, -2), 2, num.Ceil))
			b.fund = b.fund.Add(fee)
			b.wallets = b.wallets.Add(equity.Sub(fee))
			continue
		}
		short := equity.Neg()
		b.out.BadDebt = b.out.BadDebt.Add(short)
		cover := num.MinOf(short, b.fund)
		b.fund = b.fund.Sub(cover)
		if rest := short.Sub(cover); rest.Sign() > 0 {
			b.socialised = b.socialised.Sub(rest)
			b.out.Socialised = b.out.Socialised.Add(rest)
		}
		if b.fund.Sign() == 0 {
			b.out.FundExhausted = true
		}
		b.fundMin = num.MinOf(b.fundMin, b.fund)
	}
	return nil
}

func (b *book) Check() error {
	if s := b.sum(); !s.Equal(b.total0) {
		return fmt.Errorf("%w: ledger sums to %s, started at %s", ErrNotConserved, s, b.total0)
	}
	return nil
}

func (b *book) Outcome() Outcome {
	o := b.out
	o.FundEnd, o.FundMin = b.fund, b.fundMin
	return o
}
