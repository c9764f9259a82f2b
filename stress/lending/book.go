package lending

import (
	"fmt"
	"math/rand"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
	"github.com/failsafe-fi/failsafe/liquidation"
	"github.com/failsafe-fi/failsafe/margin"
)

// borrower is one account of the pool: ETH supplied, DAI borrowed.
type borrower struct {
	id       string
	eth      decimal.Decimal
	dai      decimal.Decimal
	cash     decimal.Decimal // DAI paid to the borrower (a Compound absorb's surplus credit)
	auctions int             // auctions of this borrower's collateral still running

	// safeAbove caches, for the eth and dai it was computed from, a price
	// at or above which the borrower is surely not liquidatable; see safe.
	safeAbove, safeEth, safeDai decimal.Decimal
	safeOK                      bool
}

// safeMargin is added to the debt before the safe price is computed: it
// covers the units margin.Lending's rounding of the collateral's value
// (down, to 10⁻⁸, twice) can take off.
var safeMargin = decimal.New(1, -6)

// safe reports whether the borrower is surely not liquidatable at price
// with liquidation threshold thr: eth × price × thr ≥ debt + safeMargin,
// through the cached price ⌈(debt + margin) / (eth × thr)⌉. A false is
// no verdict: the caller asks margin.Lending.
func (b *borrower) safe(price, thr decimal.Decimal) bool {
	if b.eth.Sign() <= 0 {
		return false
	}
	if !b.safeOK || !b.safeEth.Equal(b.eth) || !b.safeDai.Equal(b.dai) {
		b.safeAbove = num.DivCeil(b.dai.Add(safeMargin), b.eth.Mul(thr), Scale)
		b.safeEth, b.safeDai, b.safeOK = b.eth, b.dai, true
	}
	return !price.LessThan(b.safeAbove)
}

// account is the borrower as margin.Lending reads it.
func (b *borrower) account() margin.LendingAccount {
	return margin.LendingAccount{
		Supplied: []margin.Balance{{Asset: "ETH", Amount: b.eth}},
		Borrowed: []margin.Balance{{Asset: "DAI", Amount: b.dai}},
	}
}

// lendingView adapts a lending health to the liquidation engine's Account.
// Equity is the threshold-weighted collateral and Maintenance the debt, so
// the engine's health Equity/Maintenance is exactly the Aave health factor
// Σ collateral × threshold / debt, and "Equity < Maintenance" is exactly
// margin's Health.Liquidatable. The one leg is the ETH collateral securing
// the whole DAI debt.
type lendingView struct {
	id  string
	eth decimal.Decimal
	h   margin.Health
}

func (v lendingView) AccountID() string            { return v.id }
func (v lendingView) Equity() decimal.Decimal      { return v.h.LiquidationCollateral }
func (v lendingView) Maintenance() decimal.Decimal { return v.h.Debt }
func (v lendingView) Debt() decimal.Decimal        { return v.h.Debt }
func (v lendingView) Collateral() decimal.Decimal  { return v.h.Collateral }
func (v lendingView) Positions() []liquidation.Position {
	return []liquidation.Position{{Market: "ETH", Size: v.eth, Value: v.h.Collateral, Debt: v.h.Debt}}
}

// views values every indebted borrower at the protocol's price and returns
// the engine's view of each, in book order, and how many are liquidatable.
//
// A borrower with an auction still running is counted but not offered to
// the engine: like an Aave liquidation, one liquidation completes — and
// returns the collateral the tab did not need — before the next is sized.
// (A proportional lot leaves the health factor unchanged, so without this
// rule the close factor would be re-applied every few minutes.)
//
// Borrowers surely safe at price (borrower.safe, threshold thr) are left
// out: they would give the engine nothing to plan and count as not
// liquidatable. A zero price values everyone.
func views(l *margin.Lending, book []*borrower, now time.Time, price, thr decimal.Decimal) ([]liquidation.Account, int, error) {
	out := make([]liquidation.Account, 0, len(book))
	liq := 0
	for _, b := range book {
		if b.dai.Sign() == 0 || (price.Sign() > 0 && b.safe(price, thr)) {
			continue
		}
		h, err := l.Health(now, b.account())
		if err != nil {
			return nil, 0, fmt.Errorf("health of %s: %w", b.id, err)
		}
		if err := margin.CheckHealth(h); err != nil {
			return nil, 0, err
		}
		if h.Liquidatable {
			liq++
		}
		if b.auctions > 0 {
			continue
		}
		out = append(out, lendingView{id: b.id, eth: b.eth, h: h})
	}
	return out, liq, nil
}

// sizes are the rough collateral sizes, in ETH, a borrower draws from
// (a few whales, many small vaults); each is then scaled by 1.00–1.99.
var sizes = []int64{80, 100, 120, 150, 200, 250, 300, 400, 500, 700, 1000, 1500, 2500}

// newBook draws n borrowers from rng: collateral from sizes, and a debt
// giving an opening health factor between 1.04 and 2.54 — skewed toward
// the low end, as borrowers lever up in a bull market — never above the
// LTV borrow limit and never below twice the dust. Integer arithmetic for
// the draws, so the book is the same on every platform.
func newBook(rng *rand.Rand, c Config, price decimal.Decimal) []*borrower {
	book := make([]*borrower, c.Borrowers)
	for i := range book {
		eth := decimal.NewFromInt(sizes[rng.Intn(len(sizes))] * int64(100+rng.Intn(100))).Shift(-2)
		u := int64(rng.Intn(1000))
		hf := decimal.NewFromInt(1040 + u*u*1500/1000/1000).Shift(-3) // 1.040 … 2.538
		limit := eth.Mul(price).Mul(c.LTV).RoundFloor(Scale)
		debt := num.DivFloor(eth.Mul(price).Mul(c.LiquidationThreshold), hf, 0)
		debt = num.MaxOf(num.MinOf(debt, limit.RoundFloor(0)), c.Dust.Add(c.Dust))
		book[i] = &borrower{id: fmt.Sprintf("vault-%03d", i+1), eth: eth, dai: debt, cash: decimal.Zero}
	}
	return book
}

// keeper is a liquidation bot with DAI capital. Ordinary keepers bid, take
// or liquidate at the spot price less their required discount, when their
// transactions land; the zero-bid bot pays any gas, so its transactions
// always land, and it bids the least an auction accepts.
type keeper struct {
	id       string
	discount decimal.Decimal // required discount to spot, e.g. 0.05
	cash     decimal.Decimal // DAI
	congest  int64           // landing chance per tick under full congestion, basis points
	zeroBot  bool
	locked   decimal.Decimal // DAI locked in leading English bids
}

// landNormal is the chance, in basis points, that an ordinary keeper's
// transactions land in a tick of a calm network: half the time.
const landNormal = 5000

// newKeepers draws n ordinary keepers and adds the zero-bid bot last.
func newKeepers(rng *rand.Rand, c Config) []*keeper {
	ks := make([]*keeper, 0, c.Keepers+1)
	for i := 0; i < c.Keepers; i++ {
		disc := decimal.NewFromInt(int64(3 + rng.Intn(6))).Shift(-2)         // 3%–8%
		units := decimal.NewFromInt(int64(1500 + rng.Intn(2500)))            // capital 1–2.67 × KeeperCapital
		cash := num.DivFloor(c.KeeperCapital.Mul(units), dec("1500"), Scale) // 1.5M–4M DAI by default
		congest := int64(50 + rng.Intn(250))                                 // 0.5%–3% a tick
		ks = append(ks, &keeper{id: fmt.Sprintf("keeper-%d", i+1), discount: disc, cash: cash, congest: congest,
			locked: decimal.Zero})
	}
	return append(ks, &keeper{id: "zero-bot", discount: dec("0.2"), cash: c.KeeperCapital.Add(c.KeeperCapital),
		congest: 10000, zeroBot: true, locked: decimal.Zero})
}

// lands draws, for every keeper in order, whether its transactions land
// this tick at congestion c (basis points): an ordinary keeper lands with
// chance (landNormal × (10,000 − c) + congest × c) / 10,000, the bot
// always. One rng draw per keeper per tick, in keeper order, so every
// mechanism run on one seed sees the same network.
func lands(rng *rand.Rand, ks []*keeper, c int64, out []bool) {
	for i, k := range ks {
		p := (landNormal*(10000-c) + k.congest*c) / 10000
		if k.zeroBot {
			p = 10000
		}
		out[i] = int64(rng.Intn(10000)) < p
	}
}
