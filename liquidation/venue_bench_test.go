package liquidation

import (
	"fmt"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

// The benchmarks below feed the desk and the engine what the perp venue
// (stress/perp) does in a crash: one-position accounts in one market whose
// tiers are the venue's margin table up to the position's own (its
// riskTiers, stress/perp/book.go: maintenance = notional × rate − amount,
// the amount Binance's cumulative "maintenance amount", cum_k = cum_{k−1} +
// floor_k × (rate_k − rate_{k−1})), a 0.01 tick and a 0.001 step, cents of
// quote and the 13% penalty as the clearance fee; and a Plan over the
// accounts below maintenance only, one leg each.

// venueTiers is stress/perp's default margin table (tiers in
// stress/perp/venue.go) as RiskTiers.
func venueTiers() []RiskTier {
	rows := []struct {
		floor, cap int64
		rate       string
	}{{0, 50_000, "0.03"}, {50_000, 250_000, "0.035"}, {250_000, 1_000_000, "0.04"}, {1_000_000, 10_000_000, "0.05"},
		{10_000_000, 20_000_000, "0.075"}, {20_000_000, 50_000_000, "0.1"}, {50_000_000, 100_000_000, "0.125"},
		{100_000_000, 200_000_000, "0.15"}, {200_000_000, 300_000_000, "0.25"}, {300_000_000, 500_000_000, "0.5"}}
	out := make([]RiskTier, len(rows))
	cum := decimal.Zero
	for i, r := range rows {
		rate := d(r.rate)
		if i > 0 {
			cum = cum.Add(decimal.New(r.floor, 0).Mul(rate.Sub(out[i-1].MaintenanceRate)))
		}
		out[i] = RiskTier{MaxNotional: decimal.New(r.cap, 0), MaintenanceRate: rate, MaintenanceAmount: cum}
	}
	return out
}

// venueBookCase is one account of the venue's crash: a long (short when
// i is odd) of 0.5 to 60 BTC at a mark of 61,234.56, with equity 60% of
// its maintenance (below it, so Start opens a liquidation), and the market
// with the tiers up to the position's own, as stress/perp passes it.
func venueBookCase(i int, tiers []RiskTier) (BookAccount, []BookMarket) {
	mark := d("61234.56")
	size := decimal.New(int64(500+(i*7919)%59_500), -3) // 0.5 .. 60 BTC, on the 0.001 step
	notional := size.Mul(mark)
	k := 0
	for k < len(tiers)-1 && notional.GreaterThan(tiers[k].MaxNotional) {
		k++
	}
	m := BookMarket{Market: "BTC-PERP", Oracle: mark, Tiers: tiers[:k+1], Tick: d("0.01"), Step: d("0.001")}
	equity := m.positionMaintenance(size).Mul(d("0.6")).RoundFloor(2)
	if i%2 == 1 {
		size = size.Neg()
	}
	acct := BookAccount{ID: fmt.Sprintf("acct-%06d", i), Collateral: equity.Sub(size.Mul(mark)),
		Positions: []BookPosition{{Market: "BTC-PERP", Size: size}}}
	return acct, []BookMarket{m}
}

func venueBookSettings() BookSettings {
	return BookSettings{Limit: LimitBankruptcy, FeeRate: d("0.13"), QuoteScale: 2,
		Fallbacks: []Fallback{FallbackAuction, FallbackBackstop}}
}

// BenchmarkBookStartVenue is one Start (read the account and its market,
// open the liquidation, plan the first order) per op, on the venue's kind
// of account; a fresh desk every 1,024 accounts (outside the timer).
func BenchmarkBookStartVenue(b *testing.B) {
	const n = 1024
	tiers := venueTiers()
	accts, mkts := make([]BookAccount, n), make([][]BookMarket, n)
	for i := range accts {
		accts[i], mkts[i] = venueBookCase(i, tiers)
	}
	desk, _ := NewBookDesk(venueBookSettings())
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if i%n == 0 && i > 0 {
			b.StopTimer()
			desk, _ = NewBookDesk(venueBookSettings())
			b.StartTimer()
		}
		step, err := desk.Start(bookT0, BookStartParams{Account: accts[i%n], Markets: mkts[i%n]})
		if err != nil || step.Status != BookOrdering {
			b.Fatal(err, step.Status)
		}
	}
}

// BenchmarkBookLiquidateVenue is one whole book liquidation per op, as the
// venue drives it: Start, then while an order is out, fill it whole at its
// limit and call Next (advance → nextOrder down the tiers), until the
// account is restored or handed over.
func BenchmarkBookLiquidateVenue(b *testing.B) {
	const n = 1024
	tiers := venueTiers()
	accts, mkts := make([]BookAccount, n), make([][]BookMarket, n)
	for i := range accts {
		accts[i], mkts[i] = venueBookCase(i, tiers)
	}
	desk, _ := NewBookDesk(venueBookSettings())
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		a := accts[i%n]
		step, err := desk.Start(bookT0, BookStartParams{Account: a, Markets: mkts[i%n]})
		for err == nil && step.Status == BookOrdering {
			o := step.Order
			if _, err = desk.Fill(bookT0, BookFillParams{Account: a.ID, Size: o.Size, Price: o.Limit}); err != nil {
				break
			}
			step, err = desk.Next(bookT0, BookNextParams{Account: a.ID})
		}
		if err != nil || step.Status == BookOrdering {
			b.Fatal(err)
		}
	}
}

// BenchmarkPlanVenue is Engine.Plan over what the venue passes it each
// tick of a crash: only the accounts below maintenance (here 512), one
// leg each, under the venue's kind of caps and throttle.
func BenchmarkPlanVenue(b *testing.B) {
	const n = 512
	accts := make([]Account, n)
	for i := range accts {
		mm := decimal.New(int64(1500+(i*7919)%180_000), -2)
		eq := mm.Mul(decimal.New(int64(10+i%80), -2)).RoundFloor(2)
		debt := decimal.New(int64(30_000+(i*104_729)%3_000_000), -2)
		accts[i] = StaticAccount{ID: fmt.Sprintf("acct-%06d", i), EquityValue: eq, MaintenanceValue: mm,
			DebtValue: debt, CollateralValue: debt.Add(eq),
			Legs: []Position{{Market: "BTC-PERP", Size: decimal.New(int64(1+(i*31)%60_000), -3), Value: debt.Add(eq), Debt: debt}}}
	}
	e, err := NewEngine(EngineSettings{Penalty: d("0.13"), Dust: d("10"), DebtScale: 2, LotScale: 3,
		GlobalCap: d("80000000"), MarketCaps: map[string]decimal.Decimal{"BTC-PERP": d("80000000")},
		Window: time.Minute, MaxCount: 4000, MaxNotional: d("80000000")})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		p, err := e.Plan(t0, accts)
		if err != nil || len(p.Orders) == 0 {
			b.Fatal(err, len(p.Orders), len(p.Skipped))
		}
	}
}
