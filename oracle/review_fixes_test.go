package oracle

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

// Malformed snapshots a restore must refuse (review of issue 15): each was
// accepted, then left the type stuck (every later input ErrOutOfOrder) or
// unable to write its own snapshot (json.Marshal fails on a year past
// 9999), or carried a last rate no settlement can produce.
func TestRestoreRefusesMalformedSnapshots(t *testing.T) {
	s := BinanceFunding("BTCUSDT", d("0.004875"))
	f, err := NewFunding(s)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Sample(t0, d("0.001")); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.Settle(t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	settled := f.Snapshot() // a last rate, no samples
	year9000 := time.Date(9000, 1, 1, 0, 0, 0, 0, time.UTC)
	unwritable := time.Unix(1<<40, 0).UTC()
	for _, c := range []struct {
		name string
		snap FundingSnapshot
	}{
		{"year 9000 and nothing else", FundingSnapshot{Time: year9000}},
		{"Unix(1<<40) and nothing else", FundingSnapshot{Time: unwritable}},
		{"last input long after the last settlement", func() FundingSnapshot { v := settled; v.Time = year9000; return v }()},
		{"paid against the rate's sign", func() FundingSnapshot { v := settled; v.Last.Paid = v.Last.Rate.Neg(); return v }()},
		{"uncapped differs, not capped", func() FundingSnapshot { v := settled; v.Last.Uncapped = d("5"); return v }()},
		{"capped, equal to uncapped", func() FundingSnapshot { v := settled; v.Last.Capped = true; return v }()},
	} {
		t.Run(c.name, func(t *testing.T) {
			g, err := RestoreFunding(s, c.snap)
			if !errors.Is(err, ErrInvalidSnapshot) {
				if err == nil {
					_, jerr := json.Marshal(g.Snapshot())
					t.Errorf("restored (then Sample: %v; Marshal: %v), want ErrInvalidSnapshot", g.Sample(t0.Add(2*time.Hour), decimal.Zero), jerr)
					return
				}
				t.Errorf("err = %v, want ErrInvalidSnapshot", err)
			}
		})
	}
	if _, err := RestoreFunding(s, settled); err != nil {
		t.Errorf("a real snapshot: %v", err)
	}
	ms := MarkSettings{Market: "BTCUSDT", Scale: 2}
	for _, c := range []struct {
		name string
		snap MarkSnapshot
	}{
		{"mark: year 9000 and no sample", MarkSnapshot{Time: year9000}},
		{"mark: Unix(1<<40) and no sample", MarkSnapshot{Time: unwritable}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if m, err := RestoreMark(ms, c.snap); !errors.Is(err, ErrInvalidSnapshot) {
				if err == nil {
					_, jerr := json.Marshal(m.Snapshot())
					t.Errorf("restored (Marshal: %v), want ErrInvalidSnapshot", jerr)
					return
				}
				t.Errorf("err = %v, want ErrInvalidSnapshot", err)
			}
		})
	}
}

// A zero ImpactNotional (the settings' zero value) is refused, not priced
// from the top of the book: dYdX refuses a liquidity tier with a zero
// impact notional (types.LiquidityTier.Validate, ErrImpactNotionalIsZero)
// and Binance's is 200 × max leverage (ImpactNotional).
func TestBookPremiumZeroNotionalRefused(t *testing.T) {
	bids, asks := lv("101", "1", "100.9", "1"), lv("101.1", "5")
	for _, c := range []struct {
		name     string
		notional decimal.Decimal
		ok       bool
	}{
		{"zero value", decimal.Decimal{}, false},
		{"explicit zero", d("0"), false},
		{"negative", d("-1"), false},
		{"positive", d("50"), true},
	} {
		for _, thin := range []ThinBook{ThinRefuse, ThinSideNeutral} {
			got, err := PremiumSettings{ImpactNotional: c.notional, Scale: 8, Thin: thin}.Sample(d("100"), bids, asks)
			if c.ok != (err == nil) || (err != nil && !errors.Is(err, ErrInvalidInput)) {
				t.Errorf("%s, thin rule %d: %+v, %v; want ok=%v or ErrInvalidInput", c.name, thin, got, err, c.ok)
			}
		}
	}
}
