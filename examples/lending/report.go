package main

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/examples/internal/textout"
	"github.com/failsafe-fi/failsafe/stress/lending"
)

// money formats d with places decimals and thousands separators.
func money(d decimal.Decimal, places int32) string {
	s := d.StringFixed(places)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	intPart, frac := s, ""
	if i := strings.IndexByte(s, '.'); i >= 0 {
		intPart, frac = s[:i], s[i:]
	}
	var b strings.Builder
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String() + frac
	}
	return b.String() + frac
}

// clock formats a simulated time as day and UTC time of day.
func clock(t time.Time) string {
	d := t.Sub(lending.Start)
	return fmt.Sprintf("%s %02d:%02d", []string{"Thu", "Fri", "Sat", "Sun"}[int(d/(24*time.Hour))%4], t.Hour(), t.Minute())
}

var story = []string{
	"On 12 March 2020 ETH fell about 43% in a day (from about $194 to $111) while the Ethereum network was so congested " +
		"that gas prices spiked and many transactions, keepers' bids and even Maker's oracle updates, did not land in time. " +
		"MakerDAO sold the collateral of unsafe vaults in English auctions (the Flipper): keepers raised DAI bids, each bid " +
		"giving the others a fixed time to answer. Bots whose transactions did land won auctions with bids of zero DAI: " +
		"$8.32M of ETH, 36% of the day's liquidations, by White Rabbit's analysis and R. Greenfield's (\"How Maker DAO " +
		"Could've Minimized the Harm of Black Thursday\"). Those vault owners lost all their collateral, and Maker was left " +
		"with about 5.67M DAI of bad debt by the same analyses (the press put it at $4-4.5M), covered by minting and " +
		"auctioning new MKR from 19 March.",
	"Maker's answer, Liquidations 2.0 (MIP45, 2021), replaced them with Dutch auctions (the Clipper): the price starts " +
		"above the oracle and falls on a curve, and whoever's transaction lands first buys, at once, at the current " +
		"price. A late keeper pays less; nobody can win the lot for nothing while it is still worth something.",
	"This program replays such a crash on an Aave-style pool five times, on the same borrowers, keepers and network: " +
		"English auctions without a reserve, English auctions with a reserve price, Dutch auctions, and the two ways " +
		"Aave and Compound liquidate instead of auctions: Aave's fixed spread (a liquidator repays debt and takes " +
		"collateral at the oracle price plus a bonus) and Compound III's absorb (the protocol takes the account over " +
		"and sells its collateral at a fixed discount to the oracle price).",
}

// report writes the narrative of a Result.
func report(w io.Writer, r Result) error {
	pool, err := lending.Config{}.Resolved()
	if err != nil {
		return err
	}
	o := textout.New(w)
	title := fmt.Sprintf("Black Thursday, replayed: a lending pool in a %s%% ETH crash (seed %d)", r.Config.Depth.Shift(2).String(), r.Config.Seed)
	o.Printf("%s\n%s\n\n", title, strings.Repeat("=", len([]rune(title))))
	for _, p := range story {
		o.Printf("%s\n\n", textout.Wrap(p, 100))
	}
	o.Printf("The pool: %d borrowers, %s ETH supplied (%s DAI at $%s), %s DAI borrowed.\n", r.Borrowers,
		money(r.Collateral, 2), money(r.Collateral.Mul(r.OpenSpot), 0), r.OpenSpot.StringFixed(2), money(r.Debt, 0))
	o.Printf("ETH reserve (Aave v3 WETH): LTV %s%%, liquidation threshold %s%%, bonus %s%%; close factor 50%% (100%% below\n"+
		"health 0.95); dust %s DAI. The protocol sees Maker's OSM price: hourly, one hour late.\n",
		pool.LTV.Shift(2), pool.LiquidationThreshold.Shift(2), pool.LiquidationBonus.Sub(decimal.NewFromInt(1)).Shift(2), money(pool.Dust, 0))
	o.Printf("Keepers: keeper-1 … keeper-%d bid or buy at spot less 3–8%%, with 1.5–4M DAI each, when their transactions\n"+
		"land; zero-bot's always land: it bids the least an English auction accepts (while that is below 80%% of\n"+
		"spot) and buys Dutch lots only at 20%% below spot.\n\n", r.Config.Keepers)

	m, err := lending.NewMarket(lending.Start, lending.OpenPrice, r.Config.Depth)
	if err != nil {
		return err
	}
	o.Printf("%-10s %9s %9s %11s\n", "time (UTC)", "spot", "OSM", "congestion")
	for h := 0; h <= 24; h += 2 {
		t := lending.Start.Add(time.Duration(h) * time.Hour)
		o.Printf("%-10s %9s %9s %10d%%\n", clock(t), m.Spot(t).StringFixed(2), m.OSM(t).StringFixed(2), m.CongestionBP(t)/100)
	}
	o.Printf("\n")

	for _, run := range r.Runs {
		reportRun(o, run, r.Config.Verbose)
	}
	reportFixed(o, r.FixedSpread, r.Config.Verbose)
	reportFixed(o, r.Absorb, r.Config.Verbose)

	o.Printf("Comparison (DAI)\n----------------\n")
	o.Printf("%-42s %8s %5s %5s %7s %12s %12s %11s %11s %11s\n", "mechanism", "auctions", "open", "zero", "minutes", "tab", "recovered", "shortfall", "bad debt", "ETH sold")
	for _, run := range r.Runs {
		o.Printf("%-42s %8d %5d %5d %7d %12s %12s %11s %11s %11s\n", run.Name, run.Auctions, run.Open, run.ZeroBids, run.MeanMinutes, money(run.Tab, 0),
			money(run.Recovered, 0), money(run.Shortfall, 0), money(run.BadDebt, 0), money(run.Sold, 2))
	}
	fs, ab := r.FixedSpread, r.Absorb
	for _, run := range []RunResult{fs, ab} {
		o.Printf("%-42s %8d %5d %5d %7d %12s %12s %11s %11s %11s\n", run.Name, run.Auctions, run.Open, run.WriteOffs, run.MeanMinutes, money(run.Tab, 0),
			money(run.Recovered, 0), money(run.Shortfall, 0), money(run.BadDebt, 0), money(run.Sold, 2))
	}
	o.Printf("(shortfall: tab left unpaid, debt and bonus; bad debt: the debt part alone, max(0, debt − recovered) per auction;\n" +
		"fixed spread: liquidations, not auctions; its \"zero\" column counts debts written off, its tab is debt repaid + written off;\n" +
		"absorb: absorbs, their tab the debt + what was credited to the borrower, their bad debt all of it left unpaid;\n" +
		"\"open\" absorbs still hold collateral nobody bought)\n")
	for _, run := range r.Runs {
		if run.Open > 0 {
			o.Printf("(%s: %d auctions still open after %s, their tab of %s DAI neither recovered nor lost yet:\n"+
				"its shortfall and bad debt count settled auctions only)\n", run.Name, run.Open, lending.ReplayLength, money(run.OpenTab, 0))
		}
	}
	if len(r.Runs) == 3 {
		nr, rs, du := r.Runs[0], r.Runs[1], r.Runs[2]
		o.Printf("\nBad debt (debt never repaid): English without a reserve %s DAI; with a reserve %s DAI; Dutch %s DAI.\n\n",
			money(nr.BadDebt, 2), money(rs.BadDebt, 2), money(du.BadDebt, 2))
		o.Printf("%s\n", textout.Wrap(fmt.Sprintf("Without a reserve, %d of %d English auctions settled below 1%% of their tab: "+
			"the zero-bid bot's transactions landed and nobody else's did within the ten minutes a bid gives. "+
			"With a reserve the least acceptable first bid is the reserve itself, so no auction sold for nothing "+
			"(%d had to restart for want of any bid) and bad debt fell to %s DAI. "+
			"Dutch auctions cannot be won for nothing either; they left %s DAI of bad debt and took %d minutes on "+
			"average against %d for English ones with a reserve. %s",
			nr.ZeroBids, nr.Auctions, rs.Resets, money(rs.BadDebt, 0), money(du.BadDebt, 0), du.MeanMinutes, rs.MeanMinutes,
			dutchVersusReserve(du, rs)), 100))
		if fs.Auctions == 0 {
			return o.Err()
		}
		o.Printf("\n%s\n", textout.Wrap(fmt.Sprintf("The fixed spread (Aave) auctions nothing: it left %s DAI of bad debt. "+
			"It needs no bid window and no curve, but it prices the collateral at the oracle: while the hour-old OSM price stood "+
			"above the market, a bonus of %s%% did not cover the gap and no keeper liquidated; the first liquidation came at %s, "+
			"when the oracle had caught up, and %d borrowers were by then so far under water that their last collateral did not "+
			"cover the debt left, which was written off.", money(fs.BadDebt, 0), pool.LiquidationBonus.Sub(decimal.NewFromInt(1)).Shift(2), firstLiquidation(fs), fs.WriteOffs), 100))
		o.Printf("\n%s\n", textout.Wrap(fmt.Sprintf("Compound III's absorb needs no liquidator capital: the protocol takes every "+
			"liquidatable account over at once, %d of them, and left %s DAI of bad debt on the collateral it sold. But it sells at "+
			"a fixed discount to the same oracle: %s%% here (store-front factor %s × the %s%% penalty), less than any keeper "+
			"asked, so collateral sold only while the oracle stood below the market, and %d absorbs still held %s ETH "+
			"nobody would buy when the run ended.", ab.Auctions, money(ab.BadDebt, 0),
			pool.StoreFrontPriceFactor.Mul(pool.LiquidationBonus.Sub(decimal.NewFromInt(1))).Shift(2), pool.StoreFrontPriceFactor,
			pool.LiquidationBonus.Sub(decimal.NewFromInt(1)).Shift(2), ab.Open, money(ab.Lot.Sub(ab.Sold), 2)), 100))
	}
	return o.Err()
}

// dutchVersusReserve explains the Dutch run's bad debt against the
// English run with a reserve, whichever came out lower on this seed.
func dutchVersusReserve(du, rs RunResult) string {
	if du.BadDebt.GreaterThan(rs.BadDebt) {
		return "Here the reserve did better: the Dutch price must come down from 120% of an hour-old oracle " +
			"price, and in a falling market the collateral is worth less by the time a keeper's limit is reached. " +
			"A lower start (buf) or a steeper curve trades that time for a deeper discount."
	}
	return "Here the Dutch curve did at least as well as the reserve: keepers bought as soon as the price met " +
		"their limit, without waiting out a bid window in a falling market."
}

// reportRun writes one replay: its totals, the worst auctions, who ended
// up with the value, and the conservation lines.
func reportRun(o *textout.Writer, run RunResult, verbose bool) {
	o.Printf("%s\n%s\n", run.Name, strings.Repeat("-", len([]rune(run.Name))))
	o.Printf("%d auctions (%d resets), peak %d borrowers liquidatable at once; %d settled below 1%% of their tab;\n"+
		"%d minutes from kick to settlement on average; the run ended %s.\n",
		run.Auctions, run.Resets, run.PeakLiquidatable, run.ZeroBids, run.MeanMinutes, clock(run.Ended))
	if run.Open > 0 {
		o.Printf("%d auctions were still open when the run stopped (%s ETH, tab %s DAI).\n", run.Open, money(run.OpenLot, 2), money(run.OpenTab, 0))
	}
	worst := listed(run.Records, verbose, func(a AuctionRecord) decimal.Decimal { return a.Shortfall })
	if n := len(worst); n > 0 {
		if verbose {
			o.Printf("Every auction:\n")
		} else {
			o.Printf("Worst auctions by shortfall (tab left unpaid):\n")
		}
		o.Printf("  %4s %-9s %-7s %-7s %9s %9s %11s %11s %11s %11s %s\n", "id", "owner", "kicked", "settled", "lot ETH", "sold ETH", "tab", "recovered", "shortfall", "bad debt", "winner")
		for _, a := range worst[:n] {
			ended := "open"
			if !a.Open {
				ended = clock(a.Ended)[4:]
			}
			o.Printf("  %4d %-9s %-7s %-7s %9s %9s %11s %11s %11s %11s %s\n", a.ID, a.Owner, clock(a.Kicked)[4:], ended,
				money(a.Lot, 2), money(a.Sold, 2), money(a.Tab, 2), money(a.Recovered, 2), money(a.Shortfall, 2), money(a.BadDebt, 2), a.Winner)
		}
	}
	o.Printf("Conservation, to 10⁻⁸:\n")
	o.Printf("  every auction: collateral sold + returned = lot; DAI recovered + shortfall = tab (%d of %d settled)\n", run.Auctions-run.Open, run.Auctions)
	o.Printf("  collateral: sold %s + returned %s = lot %s ETH\n", run.Sold.StringFixed(lending.Scale), run.Returned.StringFixed(lending.Scale), run.Sold.Add(run.Returned).StringFixed(lending.Scale))
	o.Printf("  tabs:       recovered %s + shortfall %s = tab %s DAI (bad debt, the debt part: %s)\n", run.Recovered.StringFixed(lending.Scale),
		run.Shortfall.StringFixed(lending.Scale), run.Recovered.Add(run.Shortfall).StringFixed(lending.Scale), run.BadDebt.StringFixed(lending.Scale))
	o.Printf("  ETH:        borrowers' %s at start = %s at end + %s sold\n", run.EthStart.StringFixed(lending.Scale), run.EthEnd.StringFixed(lending.Scale), run.Sold.StringFixed(lending.Scale))
	o.Printf("  DAI:        debt %s + bonuses %s = debt left %s + recovered %s + shortfall %s\n", run.DebtStart.StringFixed(lending.Scale),
		run.Tab.Sub(run.DebtClosed).StringFixed(lending.Scale), run.DebtEnd.StringFixed(lending.Scale), run.Recovered.StringFixed(lending.Scale), run.Shortfall.StringFixed(lending.Scale))
	o.Printf("  total value, start → end (all ETH valued at the final spot, so nothing moves but ownership):\n")
	for _, h := range run.Holders {
		if h.Start.IsZero() && h.End.IsZero() {
			continue
		}
		o.Printf("    %-28s %18s → %18s  %17s\n", h.Name, money(h.Start, lending.Scale), money(h.End, lending.Scale), money(h.End.Sub(h.Start), lending.Scale))
	}
	o.Printf("    %-28s %18s → %18s  %17s\n", "total", money(run.ValueStart, lending.Scale), money(run.ValueEnd, lending.Scale), money(run.ValueEnd.Sub(run.ValueStart), lending.Scale))
	o.Printf("    (a change compares with holding the same ETH to the end: borrowers whose ETH was sold early\n" +
		"    escaped part of the fall, which the DEX buyers took; the pool's change is bonuses charged − shortfall − rewards)\n")
	o.Printf("  keeper rewards paid by the pool: %s DAI\n\n", money(run.Rewards, 2))
}

// firstLiquidation names when a run's first liquidation happened.
func firstLiquidation(run RunResult) string {
	for _, a := range run.Records {
		if !a.WriteOff {
			return clock(a.Kicked)
		}
	}
	return "no time (none happened)"
}

// reportFixed writes the fixed-spread replay: its totals, the largest
// liquidations and write-offs, and the conservation lines.
func reportFixed(o *textout.Writer, run RunResult, verbose bool) {
	o.Printf("%s\n%s\n", run.Name, strings.Repeat("-", len([]rune(run.Name))))
	if run.Mechanism == lending.Absorb {
		o.Printf("%d absorbs, peak %d borrowers liquidatable at once; %d still hold collateral nobody bought (%s ETH);\n"+
			"the run ended %s.\n", run.Auctions, run.PeakLiquidatable, run.Open, money(run.Lot.Sub(run.Sold), 2), clock(run.Ended))
	} else {
		o.Printf("%d liquidations (liquidationCall), peak %d borrowers liquidatable at once; %d debts written off when a\n"+
			"borrower's last collateral went (Aave v3.3 burns them as deficit); protocol fees sold for %s DAI; the run ended %s.\n",
			run.Auctions, run.PeakLiquidatable, run.WriteOffs, money(run.Fees, 2), clock(run.Ended))
	}
	worst := listed(run.Records, verbose, func(a AuctionRecord) decimal.Decimal { return a.BadDebt })
	if n := len(worst); n > 0 {
		if verbose {
			o.Printf("Every liquidation and write-off:\n")
		} else {
			o.Printf("Largest bad debts:\n")
		}
		o.Printf("  %4s %-9s %-7s %9s %9s %9s %12s %11s %11s %s\n", "id", "owner", "at", "spot", "OSM", "ETH", "debt", "repaid", "bad debt", "by")
		for _, a := range worst[:n] {
			o.Printf("  %4d %-9s %-7s %9s %9s %9s %12s %11s %11s %s\n", a.ID, a.Owner, clock(a.Kicked)[4:], a.KickSpot.StringFixed(2),
				a.KickOSM.StringFixed(2), money(a.Lot, 2), money(a.Debt, 2), money(a.Recovered, 2), money(a.BadDebt, 2), a.Winner)
		}
	}
	o.Printf("Conservation, to 10⁻⁸:\n")
	if run.Mechanism == lending.Absorb {
		o.Printf("  ETH:        borrowers' %s at start = %s at end + %s seized (%s sold, %s unsold)\n", run.EthStart.StringFixed(lending.Scale),
			run.EthEnd.StringFixed(lending.Scale), run.Lot.StringFixed(lending.Scale), run.DEXEth.StringFixed(lending.Scale), run.Lot.Sub(run.DEXEth).StringFixed(lending.Scale))
	} else {
		o.Printf("  ETH:        borrowers' %s at start = %s at end + %s sold\n", run.EthStart.StringFixed(lending.Scale), run.EthEnd.StringFixed(lending.Scale), run.Sold.StringFixed(lending.Scale))
		o.Printf("  DAI:        debt %s = debt left %s + repaid %s + written off %s\n", run.DebtStart.StringFixed(lending.Scale),
			run.DebtEnd.StringFixed(lending.Scale), run.Recovered.StringFixed(lending.Scale), run.Shortfall.StringFixed(lending.Scale))
	}
	o.Printf("  total value, start → end (all ETH valued at the final spot):\n")
	for _, h := range run.Holders {
		if h.Start.IsZero() && h.End.IsZero() {
			continue
		}
		o.Printf("    %-28s %18s → %18s  %17s\n", h.Name, money(h.Start, lending.Scale), money(h.End, lending.Scale), money(h.End.Sub(h.Start), lending.Scale))
	}
	o.Printf("    %-28s %18s → %18s  %17s\n\n", "total", money(run.ValueStart, lending.Scale), money(run.ValueEnd, lending.Scale), money(run.ValueEnd.Sub(run.ValueStart), lending.Scale))
}

// listed returns the records a report lists: every one by ID when verbose,
// else the five largest by the measure (ties in ID order, as recorded).
func listed(records []AuctionRecord, verbose bool, measure func(AuctionRecord) decimal.Decimal) []AuctionRecord {
	out := append([]AuctionRecord(nil), records...)
	if verbose {
		sort.SliceStable(out, func(i, j int) bool { return out[i].ID < out[j].ID })
		return out
	}
	sort.SliceStable(out, func(i, j int) bool { return measure(out[i]).GreaterThan(measure(out[j])) })
	return out[:min(5, len(out))]
}
