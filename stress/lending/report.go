package lending

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"
)

// AuctionRecord is one liquidation from start to end: an auction from kick
// to settlement, or a fixed-spread liquidation (which starts and ends in
// one call: Kicked = Ended, Tab = Debt).
type AuctionRecord struct {
	ID       uint64          // the house's auction ID, or the model's for a fixed-spread liquidation
	Owner    string          // the borrower liquidated
	Kicked   time.Time       // when it started
	Ended    time.Time       // when it settled (zero while open)
	KickSpot decimal.Decimal // market price at kick
	KickOSM  decimal.Decimal // the protocol's (OSM) price at kick
	Debt     decimal.Decimal // debt closed (the tab without the bonus)
	Lot      decimal.Decimal // ETH for sale (fixed spread: ETH seized, fee included)
	Tab      decimal.Decimal // DAI to raise: debt × bonus (fixed spread: the debt)
	// Sold, Returned, Recovered and Shortfall are the settlement's
	// collateral sold and returned, DAI recovered and tab left unpaid.
	Sold, Returned, Recovered, Shortfall decimal.Decimal
	// BadDebt is the part of the shortfall that is debt, not bonus:
	// max(0, Debt − Recovered). The pool lent it and never got it back.
	BadDebt decimal.Decimal
	// Fee is the protocol's fee (fixed spread: its share of the bonus
	// collateral, in DAI once sold).
	Fee decimal.Decimal
	// Rewards are the keeper incentives the pool paid (Dutch kick/redo).
	Rewards decimal.Decimal
	// Winner is the keeper who won (English), made the last take (Dutch)
	// or liquidated (fixed spread; "pool" for a bad-debt write-off).
	Winner string
	// Resets counts English restarts or Dutch redos.
	Resets int
	// Open is true when the run ended before the auction did.
	Open bool
	// WriteOff marks the write-off of a borrower's debt left without
	// collateral (fixed spread; Aave v3.3 _burnBadDebt): no liquidation,
	// all bad debt.
	WriteOff bool

	done bool
}

// Holder is one party's value at the start and now, in DAI with every ETH
// valued at the current spot price.
type Holder struct {
	Name       string
	Start, End decimal.Decimal
}

// Report is the detail of one run: every liquidation, the totals, and the
// conservation lines, for a narrative (examples/lending prints it).
type Report struct {
	// Mechanism is the liquidation mechanism.
	Mechanism Mechanism
	// Records are the liquidations, by ID.
	Records []AuctionRecord
	// Auctions counts the liquidations begun; Open those still running;
	// WriteOffs the debts written off (fixed spread), which are records too.
	Auctions, Open, WriteOffs int
	// ZeroBids counts liquidations that settled for less than 1% of their tab.
	ZeroBids int
	// Resets counts English restarts or Dutch redos.
	Resets int
	// Totals over every liquidation: Shortfall is the tab left unpaid (debt
	// and bonus), BadDebt only its debt part (Σ max(0, debt − recovered)),
	// DebtClosed the debt taken over from borrowers. Sold, Returned,
	// Recovered, Shortfall and BadDebt count settled liquidations only.
	Lot, Sold, Returned, Tab, Recovered, Shortfall, BadDebt, DebtClosed decimal.Decimal
	// Fees are the protocol fees of fixed-spread liquidations, in DAI.
	Fees decimal.Decimal
	// OpenLot and OpenTab are what open auctions were given.
	OpenLot, OpenTab decimal.Decimal
	// Rewards are the keeper incentives the pool paid.
	Rewards decimal.Decimal
	// EthStart and EthEnd are the borrowers' collateral; DebtStart and
	// DebtEnd their debt.
	EthStart, EthEnd, DebtStart, DebtEnd decimal.Decimal
	// DEXEth is the ETH keepers (and the pool, for fees) sold on the market.
	DEXEth decimal.Decimal
	// Holders is who held the value, start and now, ETH at the current spot.
	Holders []Holder
	// ValueStart and ValueEnd are Σ Holders; equal when nothing was lost.
	ValueStart, ValueEnd decimal.Decimal
	// MeanMinutes is the mean time from start to settlement of the settled
	// liquidations, in whole minutes (rounded down).
	MeanMinutes int64
	// PeakLiquidatable is the most borrowers liquidatable at one look.
	PeakLiquidatable int
	// Ended is the last tick's time.
	Ended time.Time
	// Surplus is the surplus buffer's story.
	Surplus SurplusReport
}

// SurplusReport is the surplus buffer's story, in DAI.
type SurplusReport struct {
	// Start, End and Min are the buffer at the first tick, now, and at
	// its lowest.
	Start, End, Min decimal.Decimal
	// Income is what liquidations paid in (penalties recovered beyond the
	// debt, protocol fees, Compound sale surpluses); Losses what was
	// covered (bad debt, keeper incentives); Socialised the part of the
	// losses a debt auction (Flop) took because the buffer was empty.
	Income, Losses, Socialised decimal.Decimal
	// Exhausted is true once a loss found the buffer empty or emptied it.
	Exhausted bool
}

// Report totals the run so far and proves its conservation lines:
//
//	per liquidation: sold + returned = lot, recovered + shortfall = tab, 0 ≤ bad debt ≤ shortfall
//	ETH:  borrowers' ETH at start = now + sold + still in auctions
//	DAI:  debt at start + bonuses = debt now + recovered + shortfall + open tabs
//	value: Σ holders at start = Σ holders now (ETH at the current spot)
//
// An error wraps stress.ErrNotConserved (see Check).
func (m *Model) Report() (Report, error) {
	z := decimal.Zero
	r := Report{Mechanism: m.cfg.Mechanism, Records: m.sortedRecords(), Lot: z, Sold: z, Returned: z, Tab: z, Recovered: z, Shortfall: z,
		BadDebt: z, DebtClosed: z, Fees: z, OpenLot: z, OpenTab: z, Rewards: m.rewards, EthStart: m.ethStart, EthEnd: z,
		DebtStart: m.debtStart, DebtEnd: z, DEXEth: m.dexETH, PeakLiquidatable: m.peakLiquidatable, Ended: m.now}
	r.Auctions = len(r.Records)
	for _, a := range r.Records {
		if a.WriteOff {
			r.WriteOffs++
			r.Auctions--
		}
	}
	var minutes int64
	for i := range r.Records {
		a := &r.Records[i]
		a.Open = !a.done
		r.Lot, r.Tab, r.DebtClosed = r.Lot.Add(a.Lot), r.Tab.Add(a.Tab), r.DebtClosed.Add(a.Debt)
		r.Resets += a.Resets
		if a.Open {
			r.Open++
			r.OpenLot, r.OpenTab = r.OpenLot.Add(a.Lot), r.OpenTab.Add(a.Tab)
			continue
		}
		if !a.Sold.Add(a.Returned).Equal(a.Lot) || !a.Recovered.Add(a.Shortfall).Equal(a.Tab) {
			return r, notConserved("liquidation %d: sold %s + returned %s vs lot %s; recovered %s + shortfall %s vs tab %s",
				a.ID, a.Sold, a.Returned, a.Lot, a.Recovered, a.Shortfall, a.Tab)
		}
		if a.BadDebt.Sign() < 0 || a.BadDebt.GreaterThan(a.Shortfall) {
			return r, notConserved("liquidation %d: bad debt %s outside [0, shortfall %s]", a.ID, a.BadDebt, a.Shortfall)
		}
		if !a.WriteOff {
			minutes += int64(a.Ended.Sub(a.Kicked) / time.Minute)
		}
		r.Sold, r.Returned = r.Sold.Add(a.Sold), r.Returned.Add(a.Returned)
		r.Recovered, r.Shortfall, r.BadDebt = r.Recovered.Add(a.Recovered), r.Shortfall.Add(a.Shortfall), r.BadDebt.Add(a.BadDebt)
		r.Fees = r.Fees.Add(a.Fee)
		if !a.WriteOff && a.Recovered.Mul(decimal.NewFromInt(100)).LessThan(a.Tab) {
			r.ZeroBids++
		}
	}
	if settled := int64(r.Auctions - r.Open); settled > 0 { // write-offs excluded
		r.MeanMinutes = minutes / settled
	}
	borrowerCash := z
	for _, b := range m.book {
		r.EthEnd, r.DebtEnd = r.EthEnd.Add(b.eth), r.DebtEnd.Add(b.dai)
		borrowerCash = borrowerCash.Add(b.cash)
	}
	openLot, openTab, _, err := m.mech.open(m.now)
	if err != nil {
		return r, err
	}
	p := m.spot
	keepEnd := z
	for _, k := range m.keepers {
		keepEnd = keepEnd.Add(k.cash)
	}
	r.Holders = []Holder{
		{Name: "borrowers (ETH − debt)", Start: m.ethStart.Mul(p).Sub(m.debtStart), End: r.EthEnd.Mul(p).Sub(r.DebtEnd).Add(borrowerCash)},
		{Name: "pool (claims + cash)", Start: m.debtStart, End: r.DebtEnd.Add(m.poolCash).Add(openTab)},
		{Name: "keepers (DAI)", Start: m.cashStart, End: keepEnd},
		{Name: "DEX buyers of the ETH", Start: z, End: m.dexETH.Mul(p).Add(m.dexDAI)},
		{Name: "open auctions (ETH − tab)", Start: z, End: openLot.Mul(p).Sub(openTab)},
	}
	r.ValueStart, r.ValueEnd = z, z
	for _, h := range r.Holders {
		r.ValueStart, r.ValueEnd = r.ValueStart.Add(h.Start), r.ValueEnd.Add(h.End)
	}
	f := m.fund
	r.Surplus = SurplusReport{Start: f.start, End: f.balance(), Min: f.min, Income: f.income, Losses: f.losses,
		Socialised: f.flop.minted, Exhausted: f.exhausted}
	if err := m.conserved(r.EthEnd, r.DebtEnd, openLot, openTab); err != nil {
		return r, err
	}
	if !r.ValueStart.Equal(r.ValueEnd) {
		return r, notConserved("value: start %s ≠ now %s", r.ValueStart, r.ValueEnd)
	}
	return r, nil
}

// conserved proves the ledger lines with the borrowers' ETH and debt now
// and open auctions' remaining lot and tab from the houses themselves:
//
//	ETH:   borrowers' ETH at start = now + in open auctions + sold on the DEX
//	debt:  debt at start + bonuses = debt now + recovered + shortfall + open tabs
//	cash:  pool + keepers + DEX + borrowers = keepers' DAI at start
//	pool:  pool cash = recovered + fees − keeper rewards − paid to borrowers
//	fund:  buffer = start + income − (losses − socialised − uncovered)
//
// The value line (Σ holders at start = now, ETH at the current spot) is
// the ETH line times the price plus the cash line, so it holds when they
// do; Report checks it too.
func (m *Model) conserved(eth, debt, openLot, openTab decimal.Decimal) error {
	if !m.ethStart.Equal(eth.Add(openLot).Add(m.dexETH)) {
		return notConserved("ETH: borrowers' %s at start ≠ %s now + %s in auctions + %s sold", m.ethStart, eth, openLot, m.dexETH)
	}
	if !m.debtStart.Add(m.bonuses).Equal(debt.Add(m.recovered).Add(m.shortfall).Add(openTab)) {
		return notConserved("DAI: debt %s + bonuses %s ≠ debt %s + recovered %s + shortfall %s + open tabs %s",
			m.debtStart, m.bonuses, debt, m.recovered, m.shortfall, openTab)
	}
	var all summer // the book first: keepers' DAI may be finer than the kernel takes
	for _, b := range m.book {
		all.add(b.cash)
	}
	all.add(m.poolCash)
	all.add(m.dexDAI)
	for _, k := range m.keepers {
		all.add(k.cash)
	}
	cash := all.sum()
	if !cash.Equal(m.cashStart) {
		return notConserved("DAI cash: pool %s + keepers + DEX %s = %s ≠ keepers' %s at start", m.poolCash, m.dexDAI, cash, m.cashStart)
	}
	if !m.poolCash.Equal(m.recovered.Add(m.feeDAI).Sub(m.rewards).Sub(m.paidOut)) {
		return notConserved("pool cash %s ≠ recovered %s + fees %s − rewards %s − paid to borrowers %s", m.poolCash, m.recovered, m.feeDAI, m.rewards, m.paidOut)
	}
	if err := m.fund.check(); err != nil {
		return notConserved("%s", err)
	}
	return nil
}

func notConserved(format string, args ...any) error {
	return fmt.Errorf("%w: lending: "+format, append([]any{errNotConserved}, args...)...)
}

// Check implements stress.Model: the liquidation engine's and the auction
// house's invariants, then every line of Report — ETH, debt, DAI cash,
// value and the surplus buffer — to the last 10⁻⁸, with auctions still
// open counted at what their houses hold. An error wraps
// stress.ErrNotConserved (or the package's sentinel whose invariant
// failed).
func (m *Model) Check() error {
	if err := m.engine.CheckInvariants(); err != nil {
		return fmt.Errorf("%w: %w", errNotConserved, err)
	}
	if err := m.mech.check(); err != nil {
		return fmt.Errorf("%w: %w", errNotConserved, err)
	}
	var eth, debt summer
	for _, b := range m.book {
		eth.add(b.eth)
		debt.add(b.dai)
	}
	openLot, openTab, _, err := m.mech.open(m.now)
	if err != nil {
		return err
	}
	return m.conserved(eth.sum(), debt.sum(), openLot, openTab)
}
