package perp

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"

	"github.com/failsafe-fi/failsafe/oracle"
)

// Funding is zero-sum at every settlement and the venue conserves value
// across it: for random books, crashes (falls and squeezes) and funding
// intervals, after every tick the per-tick Check holds (Σ sizes = 0, value
// = the opening's to the smallest unit), and at every tick that settled
// funding the payers paid exactly what the receivers received and the
// traders', market maker's and keepers' net funding sum to zero. The
// market maker's depth is cut to 20,000 a tick so that a small book
// drains it and the premium, and so the rate, is not zero.
//
// Mutations seen failing: payFunding not booking the market maker's
// payment (`v.mm.cash = last.Wallet` removed: Check reports the value off
// by the market maker's funding); payFunding adding f.Total twice to paid
// (the paid ≠ received check).
func TestFundingZeroSumAndConserved(t *testing.T) {
	saved := bookDepth
	bookDepth = 20_000
	defer func() { bookDepth = saved }()
	rapid.Check(t, func(t *rapid.T) {
		cfg := Config{
			Accounts:       rapid.IntRange(5, 60).Draw(t, "accounts"),
			Keepers:        rapid.IntRange(1, 4).Draw(t, "keepers"),
			FundingMinutes: 3 * rapid.IntRange(1, 5).Draw(t, "funding/3min"),
			Crash: Crash{
				Depth:   decimal.New(int64(rapid.IntRange(-40, 60).Draw(t, "crash%")), -2),
				Minutes: rapid.IntRange(1, 10).Draw(t, "minutes"),
			},
		}
		if cfg.Crash.Depth.IsZero() {
			cfg.Crash.Depth = decimal.New(35, -2)
		}
		seed := rapid.Int64Range(1, 1<<40).Draw(t, "seed")
		m, err := New(cfg, seed)
		if err != nil {
			t.Fatal(err)
		}
		prev := m.v.funding.snapshot()
		for _, tk := range crashTicks(t, cfg, seed) {
			if err := m.Step(tk); err != nil {
				t.Fatalf("tick %d: %v", tk.Seq, err)
			}
			if err := m.Check(); err != nil {
				t.Fatalf("tick %d: %v", tk.Seq, err)
			}
			now := m.v.funding.snapshot()
			if now.Settlements != prev.Settlements {
				paid, received := now.Paid.Sub(prev.Paid), now.Received.Sub(prev.Received)
				net := now.Traders.Sub(prev.Traders).Add(now.MarketMaker.Sub(prev.MarketMaker)).Add(now.Keepers.Sub(prev.Keepers))
				if !paid.Equal(received) || !net.IsZero() || paid.IsNegative() {
					t.Fatalf("tick %d: settlement %d paid %s, received %s, net %s", tk.Seq, now.Settlements, paid, received, net)
				}
			}
			prev = now
		}
		if prev.Settlements == 0 {
			t.Fatalf("no settlement in %d-minute intervals over the crash", cfg.FundingMinutes)
		}
	})
}

// The default crash (the cascade's venue) settles funding once, at minute
// 15, and it is paid: the liquidations drain the market maker's bids, its
// ask falls below the index, the premium is negative and the shorts pay
// the longs; paid equals received and the groups net to zero.
func TestDefaultCrashPaysFunding(t *testing.T) {
	r, err := run(Config{}, 1, 0, false)
	if err != nil {
		t.Fatal(err)
	}
	f := r.rep.Funding
	if f.Settlements < 1 || !f.Paid.IsPositive() || !f.Paid.Equal(f.Received) ||
		!f.Traders.Add(f.MarketMaker).Add(f.Keepers).IsZero() || !f.PremiumMin.IsNegative() || f.RateMin.IsPositive() || f.Interval != 15*time.Minute {
		t.Fatalf("funding %+v", f)
	}
}

// RestoreModel refuses a malformed funding state (ErrSnapshot), and the
// good one restores.
func TestRestoreRefusesBadFunding(t *testing.T) {
	cfg := Config{Accounts: 60, FundingMinutes: 3}
	ticks := crashTicks(t, cfg, 3)
	m, err := New(cfg, 3)
	if err != nil {
		t.Fatal(err)
	}
	for _, tk := range ticks[:80] {
		if err := m.Step(tk); err != nil {
			t.Fatal(err)
		}
	}
	good := mustSnapshot(m)
	if good.Venue.Funding.Settlements == 0 {
		t.Fatal("no settlement to corrupt")
	}
	if _, err := RestoreModel(cfg, good); err != nil {
		t.Fatalf("the good snapshot: %v", err)
	}
	cent := decimal.New(1, -2)
	cases := []struct {
		name   string
		mutate func(*FundingStateSnapshot)
	}{
		{"paid is not received", func(f *FundingStateSnapshot) { f.Paid = f.Paid.Add(cent) }},
		{"the groups do not net to zero", func(f *FundingStateSnapshot) { f.Traders = f.Traders.Add(cent) }},
		{"negative paid and received", func(f *FundingStateSnapshot) { f.Paid, f.Received = cent.Neg(), cent.Neg() }},
		{"an absurd exponent", func(f *FundingStateSnapshot) { f.Keepers = decimal.New(1, 1<<30) }},
		{"negative settlements", func(f *FundingStateSnapshot) { f.Settlements = -1 }},
		{"more settlements than samples", func(f *FundingStateSnapshot) { f.Settlements = f.Samples + 1 }},
		{"settlements without a last rate", func(f *FundingStateSnapshot) { f.Sampler.HasLast = false; f.Sampler.Last = oracle.FundingRate{} }},
		{"a rate beyond the cap", func(f *FundingStateSnapshot) { f.RateMax = decimal.New(1, 0) }},
		{"rates out of order", func(f *FundingStateSnapshot) { f.RateMin = f.RateMax.Add(cent) }},
		{"a premium below -1", func(f *FundingStateSnapshot) { f.PremiumMin = decimal.New(-2, 0) }},
		{"no next funding time once opened", func(f *FundingStateSnapshot) { f.Next = time.Time{} }},
		{"the next funding time at the last input", func(f *FundingStateSnapshot) { f.Next = f.Sampler.Time }},
		{"the next funding time past one interval", func(f *FundingStateSnapshot) { f.Next = f.Next.Add(time.Hour) }},
		{"a negative last price", func(f *FundingStateSnapshot) { f.Last = cent.Neg() }},
		{"a negative mark gap", func(f *FundingStateSnapshot) { f.MarkGap = cent.Neg() }},
		{"a basis sample after the mark's last input", func(f *FundingStateSnapshot) {
			f.Mark.Samples = append(f.Mark.Samples, oracle.BasisSample{Time: f.Mark.Time.Add(time.Hour), Basis: cent})
		}},
		{"a sample the oracle refuses", func(f *FundingStateSnapshot) {
			f.Sampler.Samples = append(f.Sampler.Samples, oracle.PremiumSample{Time: f.Sampler.Time.Add(time.Second), Premium: decimal.New(11, 0)})
			f.Sampler.Time = f.Sampler.Time.Add(time.Second)
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			raw, err := json.Marshal(good)
			if err != nil {
				t.Fatal(err)
			}
			var s ModelSnapshot
			if err := json.Unmarshal(raw, &s); err != nil {
				t.Fatal(err)
			}
			c.mutate(&s.Venue.Funding)
			if _, err := RestoreModel(cfg, s); !errors.Is(err, ErrSnapshot) {
				t.Fatalf("RestoreModel = %v, want an error wrapping ErrSnapshot", err)
			}
		})
	}
}
