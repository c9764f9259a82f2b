package margin

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
	"github.com/failsafe-fi/failsafe/internal/testkit"
)

var d = testkit.D

var t0 = time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)

func dp(s string) *decimal.Decimal { x := d(s); return &x }

// Binance USDⓈ-M BTCUSDT brackets as published (first tiers).
func binanceBTC() []Tier {
	return []Tier{
		{Floor: d("0"), Cap: d("50000"), MaintenanceRate: d("0.004"), MaxLeverage: d("125")},
		{Floor: d("50000"), Cap: d("250000"), MaintenanceRate: d("0.005"), MaxLeverage: d("100")},
		{Floor: d("250000"), Cap: d("1000000"), MaintenanceRate: d("0.01"), MaxLeverage: d("50")},
		{Floor: d("1000000"), Cap: d("10000000"), MaintenanceRate: d("0.025"), MaxLeverage: d("20")},
	}
}

// Bybit tiers from the issue: 0–1,000 at 2%, … 3,000–4,000 at 3.5%.
func bybitTiers() []Tier {
	return []Tier{
		{Floor: d("0"), Cap: d("1000"), MaintenanceRate: d("0.02"), InitialRate: d("0.04")},
		{Floor: d("1000"), Cap: d("2000"), MaintenanceRate: d("0.025"), InitialRate: d("0.05")},
		{Floor: d("2000"), Cap: d("3000"), MaintenanceRate: d("0.03"), InitialRate: d("0.06")},
		{Floor: d("3000"), Cap: d("4000"), MaintenanceRate: d("0.035"), InitialRate: d("0.07")},
	}
}

func TestBinanceCumRecursion(t *testing.T) {
	// Binance "Leverage and Margin": cum₃ = 250,000 × (1% − 0.5%) + 50 = 1,300.
	s, err := NewSchedule(Marginal, binanceBTC())
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []string{"0", "50", "1300", "16300"} {
		if got, err := s.Cum(i); err != nil || !got.Equal(d(want)) {
			t.Errorf("cum[%d] = %s, want %s", i, got, want)
		}
	}
	// Continuity at 50,000: 50,000 × 0.4% = 50,000 × 0.5% − 50 = 200.
	mm, err := s.Maintenance(d("50000"))
	if err != nil || !mm.Equal(d("200")) {
		t.Fatalf("maintenance at 50,000 = %s, %v; want 200", mm, err)
	}
	below := d("50000").Mul(d("0.004"))
	if !below.Equal(mm) {
		t.Fatalf("tier 1 at its cap %s != tier 2 at its floor %s", below, mm)
	}
	// Binance docs example: BTCUSDT MM = notional × 2.5% − 16,300.
	mm, _ = s.Maintenance(d("3500032.458"))
	if want := d("3500032.458").Mul(d("0.025")).Sub(d("16300")); !mm.Equal(want) {
		t.Fatalf("tier 4 = %s, want %s", mm, want)
	}
}

func TestGivenCumContradictingRecursionRefused(t *testing.T) {
	tiers := binanceBTC()
	tiers[2].Cum = dp("1250") // Binance publishes 1,300
	if _, err := NewSchedule(Marginal, tiers); !errors.Is(err, ErrInvalidTiers) {
		t.Fatalf("err = %v, want ErrInvalidTiers", err)
	}
	tiers[2].Cum = dp("1300")
	if _, err := NewSchedule(Marginal, tiers); err != nil {
		t.Fatalf("published cum refused: %v", err)
	}
}

func TestBybitTieredMaintenance(t *testing.T) {
	// Bybit tiered maintenance: value 3,500 → 3,500 × 3.5% − 30 = 92.5.
	s, err := NewSchedule(Marginal, bybitTiers())
	if err != nil {
		t.Fatal(err)
	}
	mm, err := s.Maintenance(d("3500"))
	if err != nil || !mm.Equal(d("92.5")) {
		t.Fatalf("maintenance(3,500) = %s, %v; want 92.5", mm, err)
	}
	// Above the last cap the last tier is continued (fail closed):
	// 4,000.01 × 3.5% − 30 = 110.00035.
	if mm, err := s.Maintenance(d("4000.01")); err != nil || !mm.Equal(d("110.00035")) {
		t.Fatalf("above last cap: %s, %v; want 110.00035 (last tier continued)", mm, err)
	}
	if _, err := s.TierIndex(d("4000.01")); !errors.Is(err, ErrAboveLastCap) {
		t.Fatalf("TierIndex above last cap: err = %v", err)
	}
}

func TestBitMEXRiskLimitSteps(t *testing.T) {
	// BitMEX "Risk Limits Examples": base 200 XBT, step 150, 0.50% / 1.00%;
	// a 230 XBT position is one step up: 1.00% / 1.50%.
	tiers, err := RiskLimitTiers(d("200"), d("150"), d("0.005"), d("0.01"), 3)
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewSchedule(Step, tiers)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name           string
		notional       string
		mmRate, imRate string
	}{
		{"180 XBT base", "180", "0.005", "0.01"},
		{"230 XBT one step", "230", "0.01", "0.015"},
		{"200 XBT is already a step (< 200 is base)", "200", "0.01", "0.015"},
		{"600 XBT three steps", "600", "0.02", "0.025"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			n := d(tc.notional)
			mm, err := s.Maintenance(n)
			if err != nil {
				t.Fatal(err)
			}
			im, _ := s.Initial(n, 8)
			if !mm.Equal(n.Mul(d(tc.mmRate))) || !im.Equal(n.Mul(d(tc.imRate))) {
				t.Fatalf("mm %s im %s, want rates %s / %s", mm, im, tc.mmRate, tc.imRate)
			}
		})
	}
}

func newCalc(t testing.TB, prices StaticPrices, markets ...Market) *Calculator {
	t.Helper()
	c, err := New(Settings{Markets: markets, Prices: prices})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestLiquidationPricesWorkedExamples(t *testing.T) {
	flat := func(mmr, imr string) []Tier {
		return []Tier{{Floor: d("0"), Cap: d("1000000000"), MaintenanceRate: d(mmr), InitialRate: d(imr)}}
	}
	tests := []struct {
		name          string
		market        Market
		acct          Account
		mark          string
		liq, bankrupt string
	}{
		{
			// Binance one-way isolated: WB 1,000, 1 BTC at 10,000, MMR 0.4%, cum 0:
			// (1,000 − 10,000) / (0.004 − 1) = 9,036.1445… rounded up to the tick.
			name:   "Binance isolated long (published 9,036.14; venue-favour tick rounding 9,036.15)",
			market: Market{ID: "BTCUSDT", Tiers: flat("0.004", "0.008"), TickSize: d("0.01")},
			acct:   Account{Positions: []Position{{Market: "BTCUSDT", Size: d("1"), EntryPrice: d("10000"), Isolated: true, Margin: d("1000")}}},
			mark:   "10000", liq: "9036.15", bankrupt: "9000",
		},
		{
			// (1,000 + 10,000) / (0.004 + 1) = 10,956.1752… rounded down to the tick.
			name:   "Binance isolated short (published 10,956.18; venue-favour 10,956.17)",
			market: Market{ID: "BTCUSDT", Tiers: flat("0.004", "0.008"), TickSize: d("0.01")},
			acct:   Account{Positions: []Position{{Market: "BTCUSDT", Size: d("-1"), EntryPrice: d("10000"), Isolated: true, Margin: d("1000")}}},
			mark:   "10000", liq: "10956.17", bankrupt: "11000",
		},
		{
			// Bybit "Liquidation Price (USDT Contract)": 20,000 × (1 − 2% + 0.5%) = 19,700.
			name:   "Bybit isolated long 50x",
			market: Market{ID: "BTCUSDT", Basis: EntryValue, Tiers: flat("0.005", "0.02")},
			acct:   Account{Positions: []Position{{Market: "BTCUSDT", Size: d("1"), EntryPrice: d("20000"), Isolated: true, Margin: d("400")}}},
			mark:   "20000", liq: "19700", bankrupt: "19600",
		},
		{
			// Bybit "Bankruptcy Price (USDT Contract)": 10,000 × (1 − 2%) = 9,800.
			name:   "Bybit isolated long 50x bankruptcy",
			market: Market{ID: "BTCUSDT", Basis: EntryValue, Tiers: flat("0.005", "0.02")},
			acct:   Account{Positions: []Position{{Market: "BTCUSDT", Size: d("1"), EntryPrice: d("10000"), Isolated: true, Margin: d("200")}}},
			mark:   "10000", liq: "9850", bankrupt: "9800",
		},
		{
			// BitMEX linear cross: wallet 10,000, long 20 at 1,000, maintenance 1%
			// of entry value (200) → 510; equity zero → 500.
			name:   "BitMEX linear cross",
			market: Market{ID: "ETHUSDT", Basis: EntryValue, Tiers: flat("0.01", "0.02")},
			acct:   Account{Wallet: d("10000"), Positions: []Position{{Market: "ETHUSDT", Size: d("20"), EntryPrice: d("1000")}}},
			mark:   "1000", liq: "510", bankrupt: "500",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := newCalc(t, StaticPrices{tc.market.ID: d(tc.mark)}, tc.market)
			got, err := c.LiquidationPrices(t0, tc.acct, tc.market.ID)
			if err != nil {
				t.Fatal(err)
			}
			want := PositionPrices{
				Liquidation: TriggerPrice{Status: PriceFound, Price: d(tc.liq)},
				Bankruptcy:  TriggerPrice{Status: PriceFound, Price: d(tc.bankrupt)},
			}
			if diff := cmp.Diff(want, got, testkit.EquateDecimals); diff != "" {
				t.Fatalf("(-want +got)\n%s", diff)
			}
		})
	}
}

func TestBinancePublishedFiguresAreNearestRounding(t *testing.T) {
	// Binance displays the exact root rounded to nearest; we round toward
	// the venue. With a fine tick the exact roots round (half-even) to the
	// published 9,036.14 and 10,956.18.
	m := Market{ID: "BTCUSDT", Tiers: []Tier{{Floor: d("0"), Cap: d("1000000"), MaintenanceRate: d("0.004"), InitialRate: d("0.008")}}, TickSize: d("0.00000001")}
	c := newCalc(t, StaticPrices{"BTCUSDT": d("10000")}, m)
	for _, tc := range []struct{ size, want string }{{"1", "9036.14"}, {"-1", "10956.18"}} {
		a := Account{Positions: []Position{{Market: "BTCUSDT", Size: d(tc.size), EntryPrice: d("10000"), Isolated: true, Margin: d("1000")}}}
		got, err := c.liquidationPrice(t0, a, "BTCUSDT")
		if err != nil {
			t.Fatal(err)
		}
		if r := num.Round(got.Price, 2, num.HalfEven); !r.Equal(d(tc.want)) {
			t.Errorf("size %s: %s rounds to %s, want published %s", tc.size, got.Price, r, tc.want)
		}
	}
}
