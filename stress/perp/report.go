package perp

import (
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/backstop"
	"github.com/failsafe-fi/failsafe/breaker"
	"github.com/failsafe-fi/failsafe/oracle"
)

// stats are the venue's running totals.
type stats struct {
	auctions, takes, redos, claims, deleveraged        int
	book, bookRestored, bookFills, toAuction, backstop int             // book liquidations opened, restored by the book, fills; handed to an auction, positions taken over
	bookSold, bookNotional, bookFees, backstopSize     decimal.Decimal // contracts and notional the book took, clearance fees paid into the fund, contracts taken over
	backstopLoss                                       decimal.Decimal // Σ what the takeovers cost the market maker at the mark (negative: earned)
	warnings, calls, calledAccounts, recovered         int             // margin-call protocol: warnings and calls issued, accounts called, accounts that recovered after a call without liquidation
	below                                              int             // accounts below maintenance and not yet in auction at the last valued tick
	sold, proceeds, penalties, rewards                 decimal.Decimal
	edge, penaltyDue                                   decimal.Decimal // keepers' hedged profit Σ lot × mark − paid; Σ penalties of the orders
	badDebt, fundDrawn, adlDrawn, socialised, residual decimal.Decimal
	adlSize, liquidated                                decimal.Decimal
	refused                                            map[oracle.Reason]int
	noPrice, held, limits, pauses                      int
	mostWaiting                                        int // most accounts one plan left waiting for cap or throttle room
	fundMin                                            decimal.Decimal
	exhausted                                          bool
}

// Activity is what the venue did since the host last asked (Interval): a
// narrator's minute.
type Activity struct {
	Kicks, Takes, Claims int             // auctions started, keeper takes, losses sent to the waterfall
	Book                 int             // liquidations through the order book opened
	Calls                int             // margin calls issued
	BookSold             decimal.Decimal // contracts the book took
	Waiting              int             // accounts the last plan left waiting for cap or throttle room
	Sold, Proceeds       decimal.Decimal // contracts sold in auctions and what keepers paid
	Losses               decimal.Decimal // Σ losses sent to the waterfall
	Fund, ADL, Social    decimal.Decimal // drawn from the fund, deleveraged, socialised
	Uncovered            decimal.Decimal // left uncovered
}

// Interval returns the activity since the previous call (or the opening)
// and starts a new interval.
func (v *Venue) Interval() Activity {
	a := v.minute
	v.minute = Activity{}
	return a
}

// Totals are the venue's running figures after the last tick, cheap to
// read every tick (nothing here scans the book).
type Totals struct {
	Accounts       int                 // traders seeded
	Auctions       int                 // Dutch auctions started (what the book handed over of a long)
	Book           int                 // liquidations through the order book opened
	TakenOver      int                 // positions the market maker took over at their bankruptcy price
	MarginCalls    int                 // margin calls issued
	InCalls        int                 // accounts in the margin-call protocol now (not ok)
	Takes, Redos   int                 // keeper takes and auction resets
	Shortfalls     int                 // losses sent to the waterfall
	Below          int                 // accounts the last scan found below maintenance and not in auction
	Running        int                 // auctions running
	Pauses         int                 // times the breaker paused
	BadDebt        decimal.Decimal     // Σ losses sent to the waterfall
	FundDrawn      decimal.Decimal     // drawn from the insurance fund
	Fund           decimal.Decimal     // the insurance fund's balance
	Mark           decimal.Decimal     // the feed's last good price (zero before the first)
	Feed           oracle.Status       // the feed's status
	Breaker        breaker.MarketState // the market breaker's state as last observed
	Refused        map[string]int      // quotes refused by the oracle, by reason (a copy)
	Acted          bool                // the last tick had a fresh mark and the breaker let liquidations run
	Held           bool                // the breaker held liquidations (limit state or pause)
	Stale          bool                // no fresh mark, or a source refused as stale
	PenaltiesDue   decimal.Decimal     // Σ the orders' penalties
	Penalties      decimal.Decimal     // penalties paid into the fund
	KeeperRewards  decimal.Decimal     // kick and redo incentives paid from the fee pool
	AuctionsActive []uint64            // the running auctions' IDs, oldest first
	Fundings       int                 // funding times settled
	FundingPaid    decimal.Decimal     // Σ funding paid (= received)
}

// Totals returns the running figures.
func (v *Venue) Totals() Totals {
	s := v.stats
	feed := v.feed.Snapshot()
	active := v.house.Active()
	t := Totals{Accounts: len(v.traders), Auctions: s.auctions, Book: s.book, TakenOver: s.backstop, MarginCalls: s.calls, InCalls: v.calls.Len(), Takes: s.takes, Redos: s.redos,
		Shortfalls: s.claims, Below: s.below, Running: len(active), Pauses: s.pauses, BadDebt: s.badDebt, FundDrawn: s.fundDrawn,
		Fund: v.fundBalance(), Mark: feed.Price, Feed: feed.Status, Breaker: v.log.state, Refused: map[string]int{},
		Acted: v.log.acted, Held: v.log.state == breaker.Limit || v.log.state == breaker.Paused, Stale: v.log.stale(),
		PenaltiesDue: s.penaltyDue, Penalties: s.penalties, KeeperRewards: s.rewards, AuctionsActive: active,
		Fundings: v.funding.settlements, FundingPaid: v.funding.paid}
	for r, n := range s.refused {
		t.Refused[r.String()] = n
	}
	return t
}

// Report carries the venue's figures for a final table. It scans the
// book: read it once, at the end.
type Report struct {
	Accounts            int             // traders seeded
	Liquidations        int             // liquidations through the order book opened (every liquidation starts there)
	BookRestored        int             // of which the book's fills restored the account to maintenance
	BookFills           int             // fills of the book's immediate-or-cancel orders
	BookSold            decimal.Decimal // contracts the book took (longs sold and shorts bought back)
	BookNotional        decimal.Decimal // Σ size × price of those fills
	ClearanceFees       decimal.Decimal // clearance fees the fills paid into the fund
	Auctions            int             // Dutch auctions started: what the book handed over of a long
	TakenOver           int             // positions the book handed over that the market maker took over at their bankruptcy price
	TakenOverSize       decimal.Decimal // contracts taken over
	TakeoverLoss        decimal.Decimal // what the takeovers cost the market maker, valued at the mark (negative: it earned)
	MostHeldBack        int             // most liquidatable accounts one plan left waiting for cap or throttle room
	Warnings            int             // margin-ratio warnings issued (over 70%)
	MarginCalls         int             // margin calls issued (over 80%)
	CalledAccounts      int             // distinct accounts that had a margin call
	Recovered           int             // of which came back to ok without being liquidated
	AccountsLiquidated  int             // distinct accounts liquidated
	Takes, Redos        int             // keeper takes and auction resets
	CollateralSold      decimal.Decimal // contracts (BTC) sold in auctions
	AuctionProceeds     decimal.Decimal // Σ paid by keepers
	Penalties           decimal.Decimal // liquidation penalties paid into the fund
	PenaltiesDue        decimal.Decimal // Σ the orders' penalties; the rest was not earned (recovered last, never from a negative balance)
	KeeperRewards       decimal.Decimal // kick and redo incentives paid from the fee pool
	KeeperDiscounts     decimal.Decimal // Σ lot × mark − price paid: what the keepers earned hedging their takes at the mark
	KeeperProfit        decimal.Decimal // keepers' value at the end − their capital (= discounts + rewards)
	Shortfalls          int             // losses sent to the waterfall
	BadDebt             decimal.Decimal // Σ those losses: unrecovered debt (a penalty is never part of it)
	ByLeverage          []LeverageRow   // liquidations and bad debt by seeded leverage
	FundBefore          decimal.Decimal // insurance fund at the opening
	FundAfter           decimal.Decimal // and now
	FundDrawn           decimal.Decimal // drawn by the waterfall
	DeleveragedAccounts int             // distinct accounts auto-deleveraged
	DeleveragedSize     decimal.Decimal // contracts they closed
	DeleveragedLoss     decimal.Decimal // loss absorbed by deleveraging
	SocialisedLoss      decimal.Decimal // haircut of winners' profits
	Uncovered           decimal.Decimal // loss no layer could absorb (still owed by the defaulters)
	QuotesRefused       map[string]int  // by reason ("stale", "outlier", …)
	NoPriceTicks        int             // ticks without a fresh mark
	HeldTicks           int             // ticks the breaker held (limit beyond band or pause)
	Limits, Pauses      int             // times the breaker entered limit state / paused
	ValueStart          decimal.Decimal // Σ of every ledger entry at the opening
	ValueEnd            decimal.Decimal // and now: equal to the unit
	Before, After       Holdings        // the entries at the opening (opening price) and now (final mark)
	LiquidatableAtEnd   int             // accounts below maintenance now
	FinalMark           decimal.Decimal
	Funding             FundingReport // funding settled between positions (funding.go)
}

// FundingReport is the funding the venue settled: dYdX v4's rule on the
// premium of the market maker's book, every Config.FundingMinutes.
type FundingReport struct {
	Settlements, Samples   int             // funding times settled, premium samples taken
	Paid, Received         decimal.Decimal // Σ paid by payers, Σ received by receivers: equal (zero-sum to the unit)
	Traders                decimal.Decimal // Σ net funding the traders received (negative: paid)
	MarketMaker, Keepers   decimal.Decimal // and the market maker and the keepers; the three sum to zero
	RateMin, RateMax       decimal.Decimal // the settled 8-hour rates' range
	PremiumMin, PremiumMax decimal.Decimal // the premium samples' range
	Pending                int             // samples of the interval not yet settled
	Interval               time.Duration   // the funding interval
	Mark                   decimal.Decimal // Binance's mark (oracle.Mark) at the last priced tick: reported, drives nothing
	MarkGap                decimal.Decimal // the largest |mark − index| / index over the run
}

// Conserved reports whether value at the end equals value at the start.
func (r Report) Conserved() bool { return r.ValueStart.Equal(r.ValueEnd) }

// LeverageRow is one leverage band of the report: how many accounts were
// seeded and liquidated in it, how many were left with bad debt, and how
// much.
type LeverageRow struct {
	Label                           string // e.g. "16–20×"
	Min, Max                        int64  // leverage range, inclusive
	Accounts, Liquidated, Shortfall int
	BadDebt                         decimal.Decimal
}

// Holdings is the value of each kind of ledger entry at one mark.
type Holdings struct {
	Traders, MarketMaker, Keepers, FeePool, Fund decimal.Decimal
}

// Total is the sum of the entries.
func (h Holdings) Total() decimal.Decimal {
	return h.Traders.Add(h.MarketMaker).Add(h.Keepers).Add(h.FeePool).Add(h.Fund)
}

// Report returns the figures at now (the time of the last tick).
func (v *Venue) Report(now time.Time) (Report, error) {
	s := v.stats
	res := Report{Accounts: len(v.traders), FundBefore: v.before.Fund, ValueStart: v.valueStart, Before: v.before}
	res.Liquidations, res.BookRestored, res.BookFills = s.book, s.bookRestored, s.bookFills
	res.BookSold, res.BookNotional, res.ClearanceFees = s.bookSold, s.bookNotional, s.bookFees
	res.TakenOver, res.TakenOverSize, res.TakeoverLoss = s.backstop, s.backstopSize, s.backstopLoss
	res.MostHeldBack = s.mostWaiting
	res.Warnings, res.MarginCalls, res.CalledAccounts, res.Recovered = s.warnings, s.calls, s.calledAccounts, s.recovered
	res.Auctions, res.Takes, res.Redos = s.auctions, s.takes, s.redos
	res.CollateralSold, res.AuctionProceeds, res.Penalties, res.KeeperRewards = s.sold, s.proceeds, s.penalties, s.rewards
	res.PenaltiesDue, res.KeeperDiscounts = s.penaltyDue, s.edge
	res.ByLeverage = v.byLeverage()
	res.Shortfalls, res.BadDebt, res.FundDrawn = s.claims, s.badDebt, s.fundDrawn
	res.DeleveragedAccounts, res.DeleveragedSize, res.DeleveragedLoss = s.deleveraged, s.adlSize, s.adlDrawn
	res.SocialisedLoss, res.Uncovered = s.socialised, s.residual
	res.NoPriceTicks, res.HeldTicks, res.Limits, res.Pauses = s.noPrice, s.held, s.limits, s.pauses
	res.FundAfter, res.ValueEnd = v.fundBalance(), v.holdings(v.open).Total()
	res.QuotesRefused = map[string]int{}
	for reason, n := range s.refused {
		res.QuotesRefused[reason.String()] = n
	}
	res.FinalMark = v.feed.Snapshot().Price
	fs := v.funding.snapshot()
	res.Funding = FundingReport{Settlements: fs.Settlements, Samples: fs.Samples, Paid: fs.Paid, Received: fs.Received,
		Traders: fs.Traders, MarketMaker: fs.MarketMaker, Keepers: fs.Keepers, RateMin: fs.RateMin, RateMax: fs.RateMax,
		PremiumMin: fs.PremiumMin, PremiumMax: fs.PremiumMax, Pending: len(fs.Sampler.Samples), Interval: v.funding.every,
		Mark: fs.MarkPrice, MarkGap: fs.MarkGap}
	res.After = v.holdings(res.FinalMark)
	res.KeeperProfit = decimal.Zero
	for i := range v.keepers {
		res.KeeperProfit = res.KeeperProfit.Add(v.keepers[i].value(res.FinalMark).Sub(v.keepers[i].capital))
	}
	for i := range v.traders {
		if v.traders[i].liquidated {
			res.AccountsLiquidated++
		}
	}
	n, err := v.liquidatable(now)
	if err != nil {
		return res, err
	}
	res.LiquidatableAtEnd = n
	return res, nil
}

// byLeverage splits the liquidations and the bad debt by the leverage the
// accounts were seeded with (capped by their tier), to show where the
// losses come from: the thinner the margin, the sooner a gap in the price
// runs through it.
func (v *Venue) byLeverage() []LeverageRow {
	rows := []LeverageRow{
		{Label: "2–5×", Min: 1, Max: 5}, {Label: "6–10×", Min: 6, Max: 10},
		{Label: "11–15×", Min: 11, Max: 15}, {Label: "16–20×", Min: 16, Max: 20},
	}
	for i := range rows {
		rows[i].BadDebt = decimal.Zero
	}
	for i := range v.traders {
		t := &v.traders[i]
		for j := range rows {
			r := &rows[j]
			if t.leverage < r.Min || t.leverage > r.Max {
				continue
			}
			r.Accounts++
			if t.liquidated {
				r.Liquidated++
			}
			if t.badDebt.Sign() > 0 {
				r.Shortfall++
				r.BadDebt = r.BadDebt.Add(t.badDebt.Decimal())
			}
		}
	}
	return rows
}

// note adds a waterfall allocation to the totals and reports the first
// draw on each layer.
func (v *Venue) note(a backstop.Allocation) {
	s, m := &v.stats, &v.minute
	s.badDebt, m.Losses, m.Claims = s.badDebt.Add(a.Loss), m.Losses.Add(a.Loss), m.Claims+1
	for _, d := range a.Draws {
		if !d.Drawn.IsPositive() {
			continue
		}
		switch {
		case strings.HasPrefix(d.Layer, "insurance:"):
			s.fundDrawn, m.Fund = s.fundDrawn.Add(d.Drawn), m.Fund.Add(d.Drawn)
		case d.Layer == "adl":
			s.adlDrawn, m.ADL = s.adlDrawn.Add(d.Drawn), m.ADL.Add(d.Drawn)
		default:
			s.socialised, m.Social = s.socialised.Add(d.Drawn), m.Social.Add(d.Drawn)
		}
		v.log.layer(d, a.Loss)
	}
	s.residual, m.Uncovered = s.residual.Add(a.Residual), m.Uncovered.Add(a.Residual)
}
