package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

// drawConfig draws a small random venue: crash path (depth, length,
// recovery, noise, where the bad quotes fall), account book (seed, size),
// keepers (number, capital, how often they are online) and fund.
func drawConfig(t *rapid.T) Config {
	return Config{
		Seed:          rapid.Int64Range(1, 1<<40).Draw(t, "seed"),
		Accounts:      rapid.IntRange(1, 40).Draw(t, "accounts"),
		Crash:         decimal.New(int64(rapid.IntRange(-60, 90).Draw(t, "crash%")), -2),
		Recovery:      decimal.New(int64(rapid.IntRange(-1, 100).Draw(t, "recovery%")), -2),
		CrashMinutes:  rapid.IntRange(1, 12).Draw(t, "minutes"),
		NoiseBP:       rapid.IntRange(-1, 150).Draw(t, "noiseBP"),
		Keepers:       rapid.IntRange(1, 5).Draw(t, "keepers"),
		KeeperCapital: decimal.New(rapid.Int64Range(200_000, 20_000_000).Draw(t, "capital"), 0),
		KeeperOnline:  rapid.IntRange(20, 100).Draw(t, "online%"),
		InsuranceFund: decimal.New(rapid.Int64Range(-1, 300_000).Draw(t, "fund"), 0),
		SpikeAt:       rapid.IntRange(1, 80).Draw(t, "spikeAt"),
		SpikeTicks:    rapid.IntRange(-1, 8).Draw(t, "spikeTicks"),
		StaleAt:       rapid.IntRange(1, 80).Draw(t, "staleAt"),
		StaleTicks:    rapid.IntRange(-1, 40).Draw(t, "staleTicks"),
		Strict:        true,
	}
}

// The whole wired stack conserves value: for random crash paths, books and
// keepers, Σ account balances + insurance fund + fees + keeper profits
// equals the starting total to the smallest unit (the socialised loss is a
// transfer between account balances, so it appears on both sides and
// cancels), the backstop's journal shows exactly the socialised loss the
// run reports, and once the run settles no account is below maintenance.
// The same run with a failover to a standby at a random tick prints the
// same story.
func TestEndToEndConservation(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		cfg := drawConfig(t)
		var out bytes.Buffer
		r, err := Run(cfg, &out)
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
		// A standby taking over from the packages' snapshots at a random
		// tick continues exactly where the primary stopped.
		cfg.FailoverAt = rapid.IntRange(1, 200).Draw(t, "failoverAt")
		var standby bytes.Buffer
		if _, err := Run(cfg, &standby); err != nil {
			t.Fatalf("Run with failover: %v", err)
		}
		if standby.String() != out.String() {
			t.Fatalf("failover at tick %d changed the run", cfg.FailoverAt)
		}
		v := r.venue
		mark := r.FinalMark
		balances := v.mm.value(mark)
		for i := range v.traders {
			balances = balances.Add(v.traders[i].value(mark))
		}
		capital := decimal.Zero
		for i := range v.keepers {
			capital = capital.Add(v.keepers[i].capital)
		}
		start := r.ValueStart.Sub(capital) // keepers' capital is counted in their profits' base
		end := balances.Add(r.FundAfter).Add(v.fees).Add(r.KeeperProfit)
		if !end.Equal(start) {
			t.Fatalf("Σ balances %s + fund %s + fees %s + keeper profit %s = %s, want %s (diff %s)",
				balances, r.FundAfter, v.fees, r.KeeperProfit, end, start, end.Sub(start))
		}
		// Keepers are hedged arbitrageurs: each one ends with at least its
		// capital, and their profit is exactly discounts plus rewards.
		for i := range v.keepers {
			if k := &v.keepers[i]; k.value(mark).LessThan(k.capital) || !k.size.IsZero() {
				t.Fatalf("%s ends with %s of %s capital, holding %s", k.id, k.value(mark), k.capital, k.size)
			}
		}
		if !r.KeeperProfit.Equal(r.KeeperDiscounts.Add(r.KeeperRewards)) || r.KeeperDiscounts.IsNegative() {
			t.Fatalf("keeper profit %s ≠ discounts %s + rewards %s", r.KeeperProfit, r.KeeperDiscounts, r.KeeperRewards)
		}
		haircuts := decimal.Zero
		for _, e := range v.journal.Entries() {
			if strings.HasPrefix(e.From, "haircut:") {
				haircuts = haircuts.Add(e.Amount)
			}
		}
		if !haircuts.Equal(r.SocialisedLoss) {
			t.Fatalf("journal haircuts %s, reported socialised loss %s", haircuts, r.SocialisedLoss)
		}
		if !r.BadDebt.Equal(r.FundDrawn.Add(r.DeleveragedLoss).Add(r.SocialisedLoss).Add(r.Uncovered)) {
			t.Fatalf("bad debt %s ≠ fund %s + adl %s + social %s + uncovered %s",
				r.BadDebt, r.FundDrawn, r.DeleveragedLoss, r.SocialisedLoss, r.Uncovered)
		}
		n, err := v.liquidatable(time.Date(2026, 3, 12, 12, 0, 0, 0, time.UTC).Add(time.Duration(r.Ticks) * Tick))
		if err != nil {
			t.Fatal(err)
		}
		if !r.Settled || len(v.house.Active()) != 0 || len(v.holes) != 0 || v.stats.below != 0 {
			t.Fatalf("run stopped unsettled after %d ticks: settled %v, %d auctions, %d holes, %d below maintenance at the last scan",
				r.Ticks, r.Settled, len(v.house.Active()), len(v.holes), v.stats.below)
		}
		if n != 0 || r.LiquidatableAtEnd != 0 {
			t.Fatalf("%d accounts below maintenance after settling (%d ticks)", n, r.Ticks)
		}
		for i := range v.traders {
			if tr := &v.traders[i]; tr.hole.IsPositive() || tr.auction != 0 {
				t.Fatalf("%s left with hole %s, auction %d", tr.acct.ID, tr.hole, tr.auction)
			}
		}
	})
}
