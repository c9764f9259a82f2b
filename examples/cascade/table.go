package main

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
)

// printTable writes the final table: what the cascade liquidated, who paid
// for the losses, and the conservation line.
func printTable(w io.Writer, r Result) {
	reasons := make([]string, 0, len(r.QuotesRefused))
	for reason := range r.QuotesRefused {
		reasons = append(reasons, reason)
	}
	sort.Strings(reasons)
	refused := make([]string, 0, len(reasons))
	for _, reason := range reasons {
		refused = append(refused, fmt.Sprintf("%d %s", r.QuotesRefused[reason], reason))
	}
	row := func(label, value string) { fmt.Fprintf(w, "  %-28s %24s\n", label, value) }
	fmt.Fprintf(w, "\nsettled after %d ticks (%s simulated), final mark %s\n\n", r.Ticks, (Tick * time.Duration(r.Ticks)).String(), money(r.FinalMark))
	row("quotes refused by oracle", strings.Join(refused, ", "))
	row("ticks without a fresh mark", fmt.Sprint(r.NoPriceTicks))
	row("breaker limit / pause", fmt.Sprintf("%d / %d (%d ticks held)", r.Limits, r.Pauses, r.HeldTicks))
	row("margin calls (ratio > 80%)", fmt.Sprintf("%d to %d accounts (%d warnings)", r.MarginCalls, r.CalledAccounts, r.Warnings))
	row("  recovered before liquidation", fmt.Sprint(r.Recovered))
	f := r.Funding
	row("funding settlements", fmt.Sprintf("%d every %s (%d premium samples)", f.Settlements, f.Interval, f.Samples))
	row("  paid / received", fmt.Sprintf("%s / %s (net %s)", money(f.Paid), money(f.Received), money(f.Received.Sub(f.Paid))))
	row("  traders / MM / keepers", fmt.Sprintf("%s / %s / %s", money(f.Traders), money(f.MarketMaker), money(f.Keepers)))
	row("  8h rate / premium range", fmt.Sprintf("[%s, %s] / [%s, %s]", f.RateMin, f.RateMax, f.PremiumMin, f.PremiumMax))
	row("  mark / widest gap to index", fmt.Sprintf("%s / %s%%", money(f.Mark), f.MarkGap.Shift(2)))
	row("liquidations (order book)", fmt.Sprintf("%d (%d accounts)", r.Liquidations, r.AccountsLiquidated))
	row("  book fills", fmt.Sprintf("%d: %s BTC, %s", r.BookFills, r.BookSold.StringFixed(3), money(r.BookNotional)))
	row("  restored by the book", fmt.Sprint(r.BookRestored))
	row("  clearance fees to the fund", money(r.ClearanceFees))
	row("  to Dutch auctions (longs)", fmt.Sprintf("%d (%d takes, %d resets)", r.Auctions, r.Takes, r.Redos))
	row("  taken over at bankruptcy", fmt.Sprintf("%d (%s BTC; MM lost %s)", r.TakenOver, r.TakenOverSize.StringFixed(3), money(r.TakeoverLoss)))
	row("  most waiting (caps/throttle)", fmt.Sprint(r.MostHeldBack))
	row("collateral sold", r.CollateralSold.StringFixed(3)+" BTC")
	row("auction proceeds", money(r.AuctionProceeds))
	row("penalties to the fund", fmt.Sprintf("%s of %s due", money(r.Penalties), money(r.PenaltiesDue)))
	row("keeper profit", money(r.KeeperProfit))
	row("  discounts (hedged at mark)", money(r.KeeperDiscounts))
	row("  kick/reset rewards", money(r.KeeperRewards))
	row("bad debt (unrecovered debt)", fmt.Sprintf("%s (%d shortfalls)", money(r.BadDebt), r.Shortfalls))
	for _, b := range r.ByLeverage {
		row("  accounts at "+b.Label, fmt.Sprintf("%d liquidated, %d with bad debt: %s", b.Liquidated, b.Shortfall, money(b.BadDebt)))
	}
	if wt := r.WorstTick; wt.BadDebt.IsPositive() {
		row("  worst tick", fmt.Sprintf("t+%s: %s", clock(wt.At), money(wt.BadDebt)))
	}
	row("insurance fund before", money(r.FundBefore))
	row("insurance fund drawn", money(r.FundDrawn))
	row("insurance fund after", money(r.FundAfter))
	row("deleveraged accounts", fmt.Sprintf("%d (%s BTC, %s)", r.DeleveragedAccounts, r.DeleveragedSize.StringFixed(3), money(r.DeleveragedLoss)))
	row("socialised loss", money(r.SocialisedLoss))
	row("uncovered", money(r.Uncovered))
	row("below maintenance at end", fmt.Sprint(r.LiquidatableAtEnd))
	fmt.Fprintf(w, "\n  Bad debt is the debt the auctions did not recover. A penalty they did\n  not recover (%s here) is not earned, and never socialised.\n",
		money(r.PenaltiesDue.Sub(r.Penalties)))
	if wt := r.WorstTick; wt.BadDebt.IsPositive() && !wt.From.IsZero() {
		fmt.Fprintf(w, "  The worst tick, t+%s, follows %d ticks without liquidations (breaker or\n  stale oracle) in which the mark moved %s → %s (%s%%).\n",
			clock(wt.At), wt.Held, money(wt.From), money(wt.To), num.Div(wt.To.Sub(wt.From).Shift(2), wt.From, 1, num.HalfEven).StringFixed(1))
	}
	if r.Uncovered.IsPositive() {
		fmt.Fprintf(w, "  Uncovered: %s is still owed by the defaulters. Deleveraging ran out of\n  profitable opposite positions and whatever profit the winners had left\n  was haircut in full; the house market maker, the other side of the rest,\n  is not an ADL candidate in this venue.\n",
			money(r.Uncovered))
	}
	fmt.Fprintf(w, "\n  %-28s %24s %24s\n", "where the value is", "at the start", "at the end")
	for _, e := range []struct {
		name       string
		start, end decimal.Decimal
	}{
		{"traders", r.Before.Traders, r.After.Traders},
		{"market maker", r.Before.MarketMaker, r.After.MarketMaker},
		{"keepers", r.Before.Keepers, r.After.Keepers},
		{"fee pool", r.Before.FeePool, r.After.FeePool},
		{"insurance fund", r.Before.Fund, r.After.Fund},
		{"total", r.Before.Total(), r.After.Total()},
	} {
		fmt.Fprintf(w, "  %-28s %24s %24s\n", e.name, money(e.start), money(e.end))
	}
	verdict := "conserved to the smallest unit"
	if !r.Conserved() {
		verdict = "NOT CONSERVED"
	}
	fmt.Fprintf(w, "\nconservation: start %s, end %s, difference %s: %s\n",
		r.ValueStart.StringFixed(8), r.ValueEnd.StringFixed(8), r.ValueEnd.Sub(r.ValueStart).StringFixed(8), verdict)
}

// clock renders a duration since the crash started as mm:ss.
func clock(d time.Duration) string {
	return fmt.Sprintf("%02d:%02d", int(d.Minutes()), int(d.Seconds())%60)
}
