package main

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
	"github.com/failsafe-fi/failsafe/stress"
)

// The toy model: a leveraged book of longs and an insurance fund, small
// enough to read in one sitting, so the harness runs (and its tests pass)
// without the reference venues. It is a stress.Model like any other.

// toyConfig is the toy model's parameters; the zero value is refused
// (use defaultToy).
type toyConfig struct {
	// Accounts is the number of traders, 1 to 10,000. Default 200.
	Accounts int
	// Leverage is the most leverage a trader may take, 1 to 100; each
	// draws hers uniformly from 1 to it, in tenths. Default 10.
	Leverage decimal.Decimal
	// Maintenance is the maintenance margin as a fraction of the
	// account's initial margin (1/its leverage × notional), in (0, 1): a
	// position whose equity falls below Maintenance/leverage × notional is
	// liquidated, so a 10× account at 0.5 at 5% of its notional. Default 0.5.
	Maintenance decimal.Decimal
	// Fund is the insurance fund at the start, ≥ 0. Default 20,000.
	Fund decimal.Decimal
	// Penalty is the liquidation penalty, a rate of the notional paid to
	// the fund from what equity remains, in [0, 1). Default 0.01.
	Penalty decimal.Decimal
}

// defaultToy is the toy model's default configuration.
func defaultToy() toyConfig {
	return toyConfig{Accounts: 200, Leverage: decimal.NewFromInt(10), Maintenance: decimal.New(5, -1),
		Fund: decimal.NewFromInt(20_000), Penalty: decimal.New(1, -2)}
}

// toyParams are the names toyConfig.Set accepts.
var toyParams = []string{"accounts", "fund", "leverage", "maintenance", "penalty"}

// Set sets the parameter name (one of toyParams) from its text, checked.
func (c *toyConfig) Set(name, value string) error {
	if name == "accounts" {
		n, err := strconv.Atoi(value)
		if err != nil || n < 1 || n > 10_000 {
			return fmt.Errorf("accounts %q: want 1 to 10,000", value)
		}
		c.Accounts = n
		return nil
	}
	switch name {
	case "leverage", "maintenance", "fund", "penalty":
	default:
		return fmt.Errorf("unknown parameter %q (the toy model has %s)", name, strings.Join(toyParams, ", "))
	}
	d, err := decimal.NewFromString(value)
	if err == nil {
		err = num.Check(d)
	}
	if err != nil {
		return fmt.Errorf("%s %q: not a decimal in range", name, value)
	}
	in := func(lo, hi string, loOpen, hiOpen bool) bool {
		a, b := d.Cmp(decimal.RequireFromString(lo)), d.Cmp(decimal.RequireFromString(hi))
		return (a > 0 || (a == 0 && !loOpen)) && (b < 0 || (b == 0 && !hiOpen))
	}
	switch {
	case name == "leverage" && in("1", "100", false, false):
		c.Leverage = d
	case name == "maintenance" && in("0", "1", true, true):
		c.Maintenance = d
	case name == "fund" && in("0", "1000000000000", false, false):
		c.Fund = d
	case name == "penalty" && in("0", "1", false, true):
		c.Penalty = d
	default:
		return fmt.Errorf("%s %s out of range", name, value)
	}
	return nil
}

// toy is one scenario's book.
type toy struct {
	cfg        toyConfig
	accts      []toyAcct
	entry      decimal.Decimal
	next       int // accts[next:] are open, sorted by liquidation price, highest first
	fund       decimal.Decimal
	wallets    decimal.Decimal // what liquidated traders got back
	market     decimal.Decimal // the counterparties: they pay the longs' profit, take their loss
	socialised decimal.Decimal // other users' share of uncovered losses (≤ 0)
	total0     decimal.Decimal
	out        stress.Outcome
}

type toyAcct struct {
	margin, notional, size decimal.Decimal
	mmr                    decimal.Decimal // maintenance rate of the notional
	liq                    decimal.Decimal // liquidation price, to the cent, rounded up
	open                   bool
}

// newToy builds the book for seed: margins of 1,000 to 10,000 and
// leverage drawn in tenths from 1 to cfg.Leverage.
func newToy(cfg toyConfig, seed int64) (*toy, error) {
	if cfg.Accounts < 1 || cfg.Leverage.Cmp(decimal.NewFromInt(1)) < 0 {
		return nil, fmt.Errorf("toy: zero configuration (start from defaultToy)")
	}
	rng := rand.New(rand.NewPCG(uint64(seed), 0x70f))
	t := &toy{cfg: cfg, fund: cfg.Fund}
	tenths := cfg.Leverage.Shift(1).IntPart() - 10 // leverage above 1, in tenths
	for range cfg.Accounts {
		m := decimal.NewFromInt(1_000 + rng.Int64N(9_001))
		lev := decimal.New(10+rng.Int64N(tenths+1), -1)
		mmr := num.Div(cfg.Maintenance, lev, 6, num.Ceil)
		t.accts = append(t.accts, toyAcct{margin: m, notional: m.Mul(lev), mmr: mmr, open: true})
	}
	t.out.FundStart, t.out.FundEnd, t.out.FundMin = cfg.Fund, cfg.Fund, cfg.Fund
	t.total0 = t.sum()
	return t, nil
}

// sum is the book's ledger: open margins, fund, wallets, market and the
// socialised share. No step changes it.
func (t *toy) sum() decimal.Decimal {
	s := t.fund.Add(t.wallets).Add(t.market).Add(t.socialised)
	for _, a := range t.accts {
		if a.open {
			s = s.Add(a.margin)
		}
	}
	return s
}

// Step opens the positions at the first price, then liquidates every long
// whose liquidation price the tick's price has reached: the price at which
// equity, margin + size × (price − entry), falls to the maintenance
// margin, mmr × size × price, i.e. (size × entry − margin) / (size ×
// (1 − mmr)), rounded up to the cent (in the venue's favour). What equity
// is left pays the penalty to the fund and the rest back to the trader; a
// shortfall is bad debt, paid by the fund and, once it is empty,
// socialised. Amounts to the cent: losses and the penalty rounded up,
// profits down. The book is sorted by liquidation price, so a tick costs
// only the accounts it liquidates.
func (t *toy) Step(tk stress.Tick) error {
	if tk.Seq == 0 {
		t.open(tk.Price)
	}
	t.out.Ticks++
	for ; t.next < len(t.accts) && t.accts[t.next].liq.Cmp(tk.Price) >= 0; t.next++ {
		t.liquidate(&t.accts[t.next], tk.Price)
	}
	t.out.FundEnd = t.fund
	return nil
}

// open sizes every position at the entry price and sorts the book by
// liquidation price.
func (t *toy) open(entry decimal.Decimal) {
	t.entry = entry
	one := decimal.NewFromInt(1)
	for i := range t.accts {
		a := &t.accts[i]
		a.size = num.Div(a.notional, entry, 8, num.Floor)
		a.liq = num.Div(a.size.Mul(entry).Sub(a.margin), a.size.Mul(one.Sub(a.mmr)), 2, num.Ceil)
	}
	sort.SliceStable(t.accts, func(i, j int) bool { return t.accts[i].liq.Cmp(t.accts[j].liq) > 0 })
}

// liquidate closes a at price.
func (t *toy) liquidate(a *toyAcct, price decimal.Decimal) {
	notional := num.MulRound(a.size, price, 2, num.Floor)
	pnl := num.MulRound(a.size, price.Sub(t.entry), 2, num.Floor)
	equity := a.margin.Add(pnl)
	a.open = false
	t.market = t.market.Sub(pnl)
	t.out.Liquidations++
	t.out.Liquidated = t.out.Liquidated.Add(notional)
	if equity.Sign() >= 0 {
		fee := num.MinOf(equity, num.MulRound(notional, t.cfg.Penalty, 2, num.Ceil))
		t.fund = t.fund.Add(fee)
		t.wallets = t.wallets.Add(equity.Sub(fee))
		return
	}
	short := equity.Neg()
	t.out.BadDebt = t.out.BadDebt.Add(short)
	cover := num.MinOf(short, t.fund)
	t.fund = t.fund.Sub(cover)
	if rest := short.Sub(cover); rest.Sign() > 0 {
		t.socialised = t.socialised.Sub(rest)
		t.out.Socialised = t.out.Socialised.Add(rest)
		t.out.FundExhausted = true
	}
	if t.fund.Sign() == 0 {
		t.out.FundExhausted = true
	}
	t.out.FundMin = num.MinOf(t.out.FundMin, t.fund)
}

// Check proves the ledger still sums to what it started with, to the cent.
func (t *toy) Check() error {
	if s := t.sum(); !s.Equal(t.total0) {
		return fmt.Errorf("%w: toy ledger sums to %s, started at %s", stress.ErrNotConserved, s.StringFixed(2), t.total0.StringFixed(2))
	}
	return nil
}

// Outcome reports the measures so far.
func (t *toy) Outcome() stress.Outcome { return t.out }

// toyWalk is the toy's scenarios: hourly prices from 100 for a week (168
// ticks), each hour a sum of four uniform moves of ±0.5% and, one hour in
// 200, a crash of up to 25%. Integer draws only, prices to the cent, so
// every machine draws the same path.
type toyWalk struct{}

// Name says what is drawn.
func (toyWalk) Name() string { return "toy-walk(168 h, 4×±0.5%/h, crash ≤25% 1 h in 200)" }

// Scenario returns the path for seed.
func (toyWalk) Scenario(seed int64) (stress.Scenario, error) {
	return &walkPath{rng: rand.New(rand.NewPCG(uint64(seed), 0x3a1c)), price: decimal.NewFromInt(100)}, nil
}

type walkPath struct {
	rng   *rand.Rand
	seq   int
	price decimal.Decimal
}

var walkStart = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// Next returns the next hour's tick.
func (p *walkPath) Next() (stress.Tick, bool, error) {
	if p.seq >= 168 {
		return stress.Tick{}, false, nil
	}
	if p.seq > 0 {
		bps := int64(0)
		for range 4 {
			bps += p.rng.Int64N(101) - 50
		}
		if p.rng.IntN(200) == 0 {
			bps -= p.rng.Int64N(2_501)
		}
		p.price = num.MaxOf(num.Round(p.price.Mul(decimal.New(10_000+bps, -4)), 2, num.Floor), decimal.New(1, -2))
	}
	tk := stress.Tick{Seq: p.seq, Time: walkStart.Add(time.Duration(p.seq) * time.Hour), Price: p.price}
	p.seq++
	return tk, true, nil
}
