package perp

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
	"github.com/failsafe-fi/failsafe/margin"
)

// keeper is a simulated liquidation bot: an arbitrageur with finite cash.
// It buys auction contracts outright (paying the full price, so it never
// needs margin) only when the Dutch price is at or below the mark less its
// required discount, as much as its cash allows, and at once sells what it
// bought to the market maker at the mark. It never carries inventory, so
// its profit is lot × (mark − price) ≥ 0 on every take plus the kick and
// redo rewards; its cash limits the size of one take.
type keeper struct {
	id string
	book
	capital  decimal.Decimal // cash at the start
	discount decimal.Decimal // takes when price ≤ mark × (1 − discount)
}

// seed fills the book at now (the feed must already have a price): Accounts
// traders of mixed side, leverage, size and margin mode, each initially
// collateralised at the start price; the market maker on the other side of
// every position so that Σ sizes = 0; the keepers; the insurance fund.
func (v *Venue) seed(now time.Time) error {
	r := v.rng
	table := tiers(v.cfg.Config)
	sched, err := margin.NewSchedule(margin.Marginal, table)
	if err != nil {
		return err
	}
	levs := []int64{2, 3, 3, 5, 5, 5, 10, 10, 10, 15, 20, 20, 25, 50}
	levDecs := make([]decimal.Decimal, len(levs))
	for i, l := range levs {
		levDecs[i] = decimal.New(l, 0)
	}
	bases := []int64{1_000, 2_500, 5_000, 10_000, 10_000, 25_000, 50_000, 100_000, 250_000, 500_000}
	v.traders = make([]trader, 0, v.cfg.Accounts)
	for i := 0; i < v.cfg.Accounts; i++ {
		long := r.Intn(100) < 70
		isolated := r.Intn(100) < 40
		notional := decimal.New(bases[r.Intn(len(bases))]*int64(100+r.Intn(100)), -2)
		entry := v.open.Mul(decimal.New(int64(10_000+r.Intn(81)-40), -4)).Round(2) // ±0.4%
		size := num.DivFloor(notional, entry, 3)
		if size.IsZero() {
			size = sizeUnit
		}
		lev := levDecs[r.Intn(len(levs))] // shared: a decimal is never changed in place
		tier, err := sched.TierIndex(size.Mul(entry))
		if err != nil {
			return err
		}
		if tierMax := table[tier].MaxLeverage; lev.GreaterThan(tierMax) {
			lev = tierMax
		}
		initial := num.DivCeil(size.Mul(entry), lev, 2)
		extra := initial.Mul(decimal.New(int64(r.Intn(51)), -2)).RoundDown(2)
		if !long {
			size = size.Neg()
		}
		pos := margin.Position{Market: Market, Size: size, EntryPrice: entry, Leverage: lev}
		acct := margin.Account{ID: traderID(i), Wallet: initial.Add(extra), Positions: []margin.Position{pos}}
		if isolated {
			acct.Positions[0].Isolated, acct.Positions[0].Margin, acct.Wallet = true, initial, extra
		}
		if err := v.topUp(&acct, now); err != nil {
			return err
		}
		if _, err := v.calc.Prepare(acct); err != nil { // validated as a venue does on a fill; the scan prepares it again when it must value it
			return err
		}
		t, err := ledgerOf(i, acct, !long, lev.IntPart())
		if err != nil {
			return err
		}
		v.traders = append(v.traders, t)
		v.mm.size = v.mm.size.Sub(size) // the market maker took the other side at the same entry
		v.mm.cost = v.mm.cost.Sub(size.Mul(entry))
	}
	v.mm.cash = decimal.New(50_000_000, 0)
	v.watch = nil // the next scan builds the watchlist from the seeded book

	weights, total := make([]int64, v.cfg.Keepers), int64(0)
	for i := range weights {
		weights[i] = int64(1 + r.Intn(4))
		total += weights[i]
	}
	left := v.cfg.KeeperCapital
	for i, w := range weights {
		c := num.DivFloor(v.cfg.KeeperCapital.Mul(decimal.New(w, 0)), decimal.New(total, 0), 2)
		if i == len(weights)-1 {
			c = left
		}
		left = left.Sub(c)
		v.keepers = append(v.keepers, keeper{id: fmt.Sprintf("keeper-%d", i+1), book: book{cash: c}, capital: c,
			discount: decimal.New(int64(10+r.Intn(71)), -4)}) // 0.1%–0.8% below the oracle
	}
	if v.cfg.InsuranceFund.IsPositive() {
		_, err := v.fund.Deposit(now, "seed/initial-capital", Fund, v.cfg.InsuranceFund, "treasury", "initial capital")
		return err
	}
	return nil
}

// topUp adds margin to a freshly seeded account until it meets its initial
// requirement at the current mark (entries differ slightly from the mark).
func (v *Venue) topUp(a *margin.Account, now time.Time) error {
	s, err := v.calc.Summary(now, *a)
	if err != nil {
		return err
	}
	if p := &a.Positions[0]; p.Isolated {
		if ps := s.Positions[0]; ps.Equity.LessThan(ps.Initial) {
			p.Margin = p.Margin.Add(ps.Initial.Sub(ps.Equity)).RoundUp(2)
		}
		return nil
	}
	if !s.InitialCollateralised {
		a.Wallet = a.Wallet.Add(s.Initial.Sub(s.Equity)).RoundUp(2)
	}
	return nil
}
