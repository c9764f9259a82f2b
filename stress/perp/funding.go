package perp

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/fixed"
	"github.com/failsafe-fi/failsafe/internal/num"
	"github.com/failsafe-fi/failsafe/margin"
	"github.com/failsafe-fi/failsafe/oracle"
)

// Funding. The venue's own market is its market maker's book, and the
// premium is read from it every tick (oracle.PremiumSettings.Sample: the
// impact bid and ask of ImpactNotional against the index, the oracle
// price), sampled into an oracle.Funding with dYdX v4's preset
// (oracle.DYDXFunding: an 8-hour rate, the mean of the samples padded to
// 60, F = P + 0, capped at 600% × (initial − maintenance), ppm toward
// zero) and settled between every position (traders, keepers, the market
// maker) with margin.FundingPayments and margin.ApplyFunding: zero-sum to
// the unit of the margin calculator's scale (8 places), largest remainder.
//
// The interval. dYdX v4 pays hourly (funding-tick 3600 s); the default
// crash lasts 28 minutes and would never pay. oracle.Funding pays
// Rate × Interval / RatePeriod exactly only for a ratio that ends in
// decimal, and 10 s / 8 h = 1/2880 does not, so a pro-rata payment every
// tick is not available. The venue settles every Config.FundingMinutes,
// by default 15 minutes, 8 h / 32 (dYdX's 8-hour rate pro-rated as
// funding.GetFundingIndexDelta does: × elapsed / 28,800 s): the longest
// interval dividing dYdX's rate period exactly under which the default
// crash pays (once, at minute 15). It is the venue's choice, not a
// venue's published interval.
//
// The book the premium sees. The market maker quotes bookSpread either
// side of its mid for bookDepth of notional a tick; a symmetric quote
// around the index has the index between bid and ask, so its premium is
// zero by construction (Binance's formula counts only an impact bid above
// the index or an impact ask below it). What makes a perpetual trade at a
// discount in a crash is the flow the book absorbed: at the end of a tick
// the market maker re-centres its quotes against the inventory the
// liquidations sold it (an inventory skew: mid = index × (1 − 2 ×
// bookSpread × k), k = (bought − sold) / bookDepth in [−1, 1]), and each
// side holds what the tick left of its depth (bookDepth − what the
// liquidations took on that side). Having bought more than half its depth,
// its ask lies below the index and the premium is negative: shorts pay
// longs. A side drained below the impact notional counts as absent
// (dYdX's "impact bid is zero, return 0 premium by definition",
// oracle.ThinSideNeutral). The skew is this venue's model of a market
// maker, not a published rule; fills during the tick are at the quote
// around the mark (book.go).
var (
	// impactNotional: Binance's impact margin notional, 200 USDT × the
	// venue's 20× (oracle.ImpactNotional's worked example gives 4,000).
	impactMargin = decimal.New(200, 0)
	// fundingPriceScale: the premium's places, dYdX's ppm.
	fundingPriceScale int32 = 6
)

// MarketMakerID and keeper IDs name the books in a funding settlement
// (traders are acct-NNNNN).
const marketMakerID = "market-maker"

// fundingState is the venue's funding: the oracle's sampler, the next
// funding time and the running totals.
type fundingState struct {
	f       *oracle.Funding
	premium oracle.PremiumSettings
	next    time.Time     // the next funding time; zero before the opening
	every   time.Duration // the funding interval (Config.FundingMinutes)

	bought, sold decimal.Decimal // notional the market maker bought and sold through the book this tick (not state: reset every tick)

	settlements         int
	paid, received      decimal.Decimal // Σ paid by payers, Σ received by receivers (equal)
	traders, mm, keeper decimal.Decimal // Σ net received by each group (sum zero)
	rateMin, rateMax    decimal.Decimal // of the settled 8-hour rates
	premMin, premMax    decimal.Decimal // of the premium samples
	samples             int

	// The mark (oracle.Mark, Binance's median of three): reported, not
	// used for margin (see markTick).
	mark      *oracle.Mark
	last      decimal.Decimal // the last fill price of the book; zero before the first fill
	markPrice decimal.Decimal // the mark at the last priced tick; zero before
	markGap   decimal.Decimal // the largest |mark − index| / index seen, 6 places, rounded up
}

// fundingSettings are the venue's funding settings for cfg: dYdX v4's
// preset with Interval cfg.FundingMinutes, the cap from the first margin tier
// (initial 1 / MaxLeverage, rounded up to 8 places; a tier whose initial
// margin equals its maintenance gets the cap of initial = 2 ×
// maintenance, since FundingCap refuses a zero cap).
func fundingSettings(cfg Config) (oracle.FundingSettings, oracle.PremiumSettings, error) {
	t := tiers(cfg)[0]
	initial := num.DivCeil(decimal.New(1, 0), t.MaxLeverage, 8)
	if initial.LessThanOrEqual(t.MaintenanceRate) {
		initial = t.MaintenanceRate.Mul(decimal.New(2, 0))
	}
	capRate, err := oracle.FundingCap(decimal.New(6, 0), initial, t.MaintenanceRate)
	if err != nil {
		return oracle.FundingSettings{}, oracle.PremiumSettings{}, err
	}
	s := oracle.DYDXFunding(Market, decimal.Zero, capRate.Truncate(fundingPriceScale))
	s.Interval = time.Duration(cfg.FundingMinutes) * time.Minute
	imn, err := oracle.ImpactNotional(impactMargin, decimal.New(20, 0))
	if err != nil {
		return oracle.FundingSettings{}, oracle.PremiumSettings{}, err
	}
	p := oracle.PremiumSettings{ImpactNotional: imn, Scale: fundingPriceScale, Rounding: oracle.RoundTowardZero, Thin: oracle.ThinSideNeutral}
	return s, p, nil
}

// newFunding returns the venue's funding state with no samples.
func newFunding(cfg Config) (fundingState, error) {
	s, p, err := fundingSettings(cfg)
	if err != nil {
		return fundingState{}, err
	}
	f, err := oracle.NewFunding(s)
	if err != nil {
		return fundingState{}, err
	}
	z := decimal.Zero
	mk, err := oracle.NewMark(markSettings(s.Interval))
	if err != nil {
		return fundingState{}, err
	}
	return fundingState{f: f, premium: p, every: s.Interval, mark: mk, last: decimal.Zero, markPrice: decimal.Zero, markGap: decimal.Zero, bought: z, sold: z, paid: z, received: z, traders: z, mm: z, keeper: z,
		rateMin: z, rateMax: z, premMin: z, premMax: z}, nil
}

// bookFlow records a fill of the market maker's book: q contracts at
// price, bought by the market maker when buy.
func (fs *fundingState) bookFlow(buy bool, q, price decimal.Decimal) {
	fs.last = price
	if buy {
		fs.bought = fs.bought.Add(q.Mul(price))
	} else {
		fs.sold = fs.sold.Add(q.Mul(price))
	}
}

// fundingTick samples the premium of the market maker's book at the end
// of the tick and settles at a funding time. A tick without a price
// samples nothing and settles at the next priced tick.
func (v *Venue) fundingTick(now time.Time) error {
	fs := &v.funding
	defer func() { fs.bought, fs.sold = decimal.Zero, decimal.Zero }()
	index, err := v.mark(now)
	if err != nil {
		return nil // no price: nothing to sample (the recorder counted it)
	}
	prem, bid, ask, err := v.bookPremium(index)
	if err != nil {
		return err
	}
	if err := fs.f.Sample(now, prem); err != nil {
		return err
	}
	if fs.samples == 0 || prem.LessThan(fs.premMin) {
		fs.premMin = prem
	}
	if fs.samples == 0 || prem.GreaterThan(fs.premMax) {
		fs.premMax = prem
	}
	fs.samples++
	if !now.Before(fs.next) {
		rate, _, err := fs.f.Settle(now)
		if err != nil {
			return err
		}
		fs.next = now.UTC().Add(fs.every)
		if err := v.payFunding(rate, index); err != nil {
			return err
		}
	}
	return fs.markTick(now, index, bid, ask)
}

// markSettings are Binance's mark settings (oracle.BinanceMark) for the
// venue's funding interval, in cents.
func markSettings(interval time.Duration) oracle.MarkSettings {
	s := oracle.BinanceMark(Market, interval)
	s.Scale = 2
	return s
}

// markTick observes the basis of the market maker's end-of-tick quotes
// and computes Binance's mark: the median of the index × (1 + the last
// funding rate × the time to the next funding / the interval), the index
// plus the 30-second moving basis, and the book's last fill price (the
// index before the first fill). The mark is reported (Report.Funding:
// the final mark and its largest gap to the index); it drives nothing:
// margin, liquidation and PnL value at the index, as before.
func (fs *fundingState) markTick(now time.Time, index, bid, ask decimal.Decimal) error {
	if err := fs.mark.ObserveBasis(now, bid, ask, index); err != nil {
		return fmt.Errorf("mark: %w", err)
	}
	in := oracle.MarkInputs{Index: index, Last: fs.last, NextFunding: fs.next}
	if !in.Last.IsPositive() {
		in.Last = index
	}
	if in.NextFunding.Before(now) {
		in.NextFunding = now
	}
	if r, ok := fs.f.Last(); ok {
		in.FundingRate = r.Paid
	}
	p, err := fs.mark.Price(now, in)
	if err != nil {
		return fmt.Errorf("mark: %w", err)
	}
	fs.markPrice = p.Price
	if gap := num.DivCeil(p.Price.Sub(index).Abs(), index, 6); gap.GreaterThan(fs.markGap) {
		fs.markGap = gap
	}
	return nil
}

// bookPremium is the premium of the market maker's book at the end of the
// tick against index (see the package's funding note above).
func (v *Venue) bookPremium(index decimal.Decimal) (premium, bid, ask decimal.Decimal, err error) {
	fs := &v.funding
	depth := v.set.depth
	one := decimal.New(1, 0)
	k := num.MaxOf(num.MinOf(num.Div(fs.bought.Sub(fs.sold), depth, 6, num.Trunc), one), one.Neg())
	mid := index.Mul(one.Sub(bookSpread.Mul(decimal.New(2, 0)).Mul(k)))
	bid = num.MulRound(mid, one.Sub(bookSpread), 2, num.Floor)
	ask = num.MulRound(mid, one.Add(bookSpread), 2, num.Ceil)
	side := func(left, px decimal.Decimal) []oracle.Level {
		if q := num.DivFloor(num.MaxOf(left, decimal.Zero), px, 3); q.IsPositive() {
			return []oracle.Level{{Price: px, Size: q}}
		}
		return nil
	}
	s, err := fs.premium.Sample(index, side(depth.Sub(fs.bought), bid), side(depth.Sub(fs.sold), ask))
	if err != nil {
		return decimal.Zero, bid, ask, fmt.Errorf("funding premium: %w", err)
	}
	return s.Premium, bid, ask, nil
}

// payFunding settles rate (its Paid, the rate for this interval) on every
// position at the index (dYdX v4 values funding at the oracle price):
// margin.FundingPayments splits it zero-sum, margin.ApplyFunding books it
// to the wallets — the traders' wallets, and the market maker's and
// keepers' cash shown to it as accounts of their own.
func (v *Venue) payFunding(rate oracle.FundingRate, index decimal.Decimal) error {
	fs := &v.funding
	accts := make([]margin.Account, 0, len(v.traders)+len(v.keepers)+1)
	var book []margin.FundingPosition
	for i := range v.traders {
		t := &v.traders[i]
		accts = append(accts, margin.Account{ID: t.id(), Wallet: t.wallet.Decimal()})
		if s := t.sizeDec(); !s.IsZero() {
			book = append(book, margin.FundingPosition{Account: t.id(), Size: s})
		}
	}
	for i := range v.keepers {
		k := &v.keepers[i]
		accts = append(accts, margin.Account{ID: k.id, Wallet: k.cash})
		if !k.size.IsZero() {
			book = append(book, margin.FundingPosition{Account: k.id, Size: k.size})
		}
	}
	accts = append(accts, margin.Account{ID: marketMakerID, Wallet: v.mm.cash})
	if !v.mm.size.IsZero() {
		book = append(book, margin.FundingPosition{Account: marketMakerID, Size: v.mm.size})
	}
	f, err := v.calc.FundingPayments(Market, index, rate.Paid, book)
	if err != nil {
		return fmt.Errorf("funding: %w", err)
	}
	after, err := margin.ApplyFunding(accts, f)
	if err != nil {
		return fmt.Errorf("funding: %w", err)
	}
	// The new wallets in the kernel, every one checked before any is
	// written (a wallet the ledger cannot hold changes nothing).
	wallets := make([]fixed.Num, len(v.traders))
	for i := range v.traders {
		t := &v.traders[i]
		if after[i].Wallet.Equal(accts[i].Wallet) {
			wallets[i] = t.wallet
			continue
		}
		w, err := t.toNum("funding", after[i].Wallet)
		if err != nil {
			return err
		}
		wallets[i] = trim(w)
	}
	for i := range v.traders {
		if t := &v.traders[i]; !after[i].Wallet.Equal(accts[i].Wallet) {
			fs.traders = fs.traders.Add(after[i].Wallet.Sub(accts[i].Wallet))
			t.changed()
			t.wallet = wallets[i]
			v.touch(t)
		}
	}
	n := len(v.traders)
	for i := range v.keepers {
		k := &v.keepers[i]
		fs.keeper = fs.keeper.Add(after[n+i].Wallet.Sub(k.cash))
		k.cash = after[n+i].Wallet
	}
	last := after[len(after)-1]
	fs.mm = fs.mm.Add(last.Wallet.Sub(v.mm.cash))
	v.mm.cash = last.Wallet
	fs.paid, fs.received = fs.paid.Add(f.Total), fs.received.Add(f.Total)
	if fs.settlements == 0 || rate.Rate.LessThan(fs.rateMin) {
		fs.rateMin = rate.Rate
	}
	if fs.settlements == 0 || rate.Rate.GreaterThan(fs.rateMax) {
		fs.rateMax = rate.Rate
	}
	fs.settlements++
	return nil
}

// FundingStateSnapshot is the venue's funding state between ticks: the
// oracle.Funding's samples and last rate, the next funding time and the
// running totals (see Totals). The tick's book flow is not in it: every
// tick starts it at zero.
type FundingStateSnapshot struct {
	// Sampler is the oracle.Funding's own snapshot.
	Sampler oracle.FundingSnapshot `json:"sampler"`
	// Next is the next funding time (UTC); zero before the opening.
	Next time.Time `json:"next"`
	// Settlements is the number of funding times settled; Samples the
	// premium samples taken.
	Settlements int `json:"settlements"`
	Samples     int `json:"samples"`
	// Paid is Σ what payers paid, Received Σ what receivers received:
	// equal, as every settlement is zero-sum.
	Paid     decimal.Decimal `json:"paid"`
	Received decimal.Decimal `json:"received"`
	// Traders, MarketMaker and Keepers are Σ the net funding each group
	// received (negative: paid); they sum to zero.
	Traders     decimal.Decimal `json:"traders"`
	MarketMaker decimal.Decimal `json:"market_maker"`
	Keepers     decimal.Decimal `json:"keepers"`
	// RateMin and RateMax bound the settled 8-hour rates; PremiumMin and
	// PremiumMax the samples (all zero before the first).
	RateMin    decimal.Decimal `json:"rate_min"`
	RateMax    decimal.Decimal `json:"rate_max"`
	PremiumMin decimal.Decimal `json:"premium_min"`
	PremiumMax decimal.Decimal `json:"premium_max"`
	// Mark is the oracle.Mark's basis window; Last the book's last fill
	// price (zero before the first); MarkPrice the mark at the last
	// priced tick (zero before); MarkGap the largest |mark − index| /
	// index seen.
	Mark      oracle.MarkSnapshot `json:"mark"`
	Last      decimal.Decimal     `json:"last"`
	MarkPrice decimal.Decimal     `json:"mark_price"`
	MarkGap   decimal.Decimal     `json:"mark_gap"`
}

// snapshot returns the funding state.
func (fs *fundingState) snapshot() FundingStateSnapshot {
	return FundingStateSnapshot{Sampler: fs.f.Snapshot(), Next: fs.next.UTC(), Settlements: fs.settlements, Samples: fs.samples,
		Paid: fs.paid, Received: fs.received, Traders: fs.traders, MarketMaker: fs.mm, Keepers: fs.keeper,
		RateMin: fs.rateMin, RateMax: fs.rateMax, PremiumMin: fs.premMin, PremiumMax: fs.premMax,
		Mark: fs.mark.Snapshot(), Last: fs.last, MarkPrice: fs.markPrice, MarkGap: fs.markGap}
}

// restoreFunding validates s against cfg's settings and rebuilds the
// state: the sampler through oracle.RestoreFunding, every total a
// supported decimal, Paid = Received ≥ 0, the groups summing to zero,
// the ranges ordered and within the cap (premiums within [−1, 10]),
// nothing settled or sampled without a count, and Next zero exactly
// before the opening, UTC, after the last sample and at most one interval
// after the last settlement. Errors wrap ErrSnapshot.
func restoreFunding(cfg Config, opened bool, s FundingStateSnapshot) (fundingState, error) {
	bad := func(format string, a ...any) (fundingState, error) {
		return fundingState{}, fmt.Errorf("%w: funding: %s", ErrSnapshot, fmt.Sprintf(format, a...))
	}
	fs, err := newFunding(cfg)
	if err != nil {
		return fundingState{}, err
	}
	if fs.f, err = oracle.RestoreFunding(fs.f.Settings(), s.Sampler); err != nil {
		return bad("%v", err)
	}
	for _, d := range []decimal.Decimal{s.Paid, s.Received, s.Traders, s.MarketMaker, s.Keepers, s.RateMin, s.RateMax, s.PremiumMin, s.PremiumMax} {
		if err := num.Check(d); err != nil {
			return bad("a total: %v", err)
		}
	}
	for _, d := range []decimal.Decimal{s.Last, s.MarkPrice, s.MarkGap} {
		if err := num.CheckNonNegative(d); err != nil {
			return bad("the last price, the mark or its gap: %v", err)
		}
	}
	if fs.mark, err = oracle.RestoreMark(fs.mark.Settings(), s.Mark); err != nil {
		return bad("mark: %v", err)
	}
	if s.Settlements < 0 || s.Samples < 0 || s.Settlements > s.Samples {
		return bad("%d settlements of %d samples", s.Settlements, s.Samples)
	}
	if s.Paid.IsNegative() || !s.Paid.Equal(s.Received) {
		return bad("paid %s, received %s: not zero-sum", s.Paid, s.Received)
	}
	if !s.Traders.Add(s.MarketMaker).Add(s.Keepers).IsZero() {
		return bad("the groups' net funding sums to %s, not zero", s.Traders.Add(s.MarketMaker).Add(s.Keepers))
	}
	capRate := fs.f.Settings().Cap
	if s.RateMin.GreaterThan(s.RateMax) || s.RateMin.Abs().GreaterThan(capRate) || s.RateMax.Abs().GreaterThan(capRate) ||
		s.PremiumMin.GreaterThan(s.PremiumMax) || s.PremiumMin.LessThan(decimal.New(-1, 0)) || s.PremiumMax.GreaterThan(decimal.New(oracle.MaxFundingCap, 0)) {
		return bad("rates [%s, %s] or premiums [%s, %s] out of order or beyond the cap %s", s.RateMin, s.RateMax, s.PremiumMin, s.PremiumMax, capRate)
	}
	if s.Settlements == 0 && !(s.Paid.IsZero() && s.Traders.IsZero() && s.MarketMaker.IsZero() && s.RateMin.IsZero() && s.RateMax.IsZero()) {
		return bad("totals without a settlement")
	}
	if s.Samples == 0 && !(s.PremiumMin.IsZero() && s.PremiumMax.IsZero()) {
		return bad("premiums without a sample")
	}
	if last, ok := fs.f.Last(); ok != (s.Settlements > 0) {
		return bad("%d settlements, the sampler's last rate present: %t", s.Settlements, ok)
	} else if ok && (s.Next.After(last.Time.Add(fs.every)) || !s.Next.After(last.Time)) {
		return bad("next funding time %s not within one interval after the last, %s", s.Next, last.Time)
	}
	if s.Next.IsZero() == opened || s.Next.Location() != time.UTC || opened && !s.Next.After(s.Sampler.Time) {
		return bad("next funding time %s (opened %t, last input %s)", s.Next, opened, s.Sampler.Time)
	}
	fs.next, fs.settlements, fs.samples = s.Next, s.Settlements, s.Samples
	fs.paid, fs.received, fs.traders, fs.mm, fs.keeper = s.Paid, s.Received, s.Traders, s.MarketMaker, s.Keepers
	fs.rateMin, fs.rateMax, fs.premMin, fs.premMax = s.RateMin, s.RateMax, s.PremiumMin, s.PremiumMax
	fs.last, fs.markPrice, fs.markGap = s.Last, s.MarkPrice, s.MarkGap
	return fs, nil
}
