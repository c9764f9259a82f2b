package liquidation

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/failsafe-fi/failsafe/internal/testkit"
)

// The anchors below are dYdX v4's own test tables, read from
// dydxprotocol/v4-chain protocol/x/clob/keeper/liquidations_test.go at
// commit 84d4664 (2026-03-04): TestGetBankruptcyPriceInQuoteQuantums,
// TestGetFillablePrice, TestGetLiquidationInsuranceFundDelta. Their
// markets (testutil constants): BTC at $50,000 and ETH at $3,000, both
// BtcUsd/EthUsd_20PercentInitial_10PercentMaintenance (one liquidity tier,
// maintenance 10%); USDC quantums are 10⁻⁶ (QuoteScale 6); a quantum price
// of p quote quantums per base quantum is $100·p per BTC (atomic resolution
// −8) and $1000·p per ETH (−9). LiquidationsConfig_Default: fee 5,000 ppm,
// BA 1,000,000 ppm, SMMR 100,000 ppm.

// dydxMarket is a one-tier 10%-maintenance market at oracle, with a fine
// tick so dYdX's exact rationals come out unrounded.
func dydxMarket(name, oracle string) BookMarket {
	return BookMarket{Market: name, Oracle: d(oracle), Tick: d("0.00000001"), Step: d("0.00000001"),
		Tiers: []RiskTier{{MaxNotional: d("1000000000000"), MaintenanceRate: d("0.1")}}}
}

// dydxClose builds the CloseInput of closing delta of the position in
// market m of an account holding quote collateral and the given positions
// (market → size), computing TNC and TMMR as dYdX does.
func dydxClose(m string, delta, collateral string, pos map[string]string) CloseInput {
	markets := map[string]BookMarket{"BTC": dydxMarket("BTC", "50000"), "ETH": dydxMarket("ETH", "3000")}
	tnc, tmmr := d(collateral), d("0")
	for name, size := range pos {
		mk := markets[name]
		tnc = tnc.Add(d(size).Mul(mk.Oracle))
		tmmr = tmmr.Add(mk.positionMaintenance(d(size)))
	}
	return CloseInput{Market: markets[m], Position: d(pos[m]), Delta: d(delta), Equity: tnc, Maintenance: tmmr, QuoteScale: 6}
}

func TestBankruptcyQuoteDydxV4(t *testing.T) {
	long, short := map[string]string{"BTC": "0.1"}, map[string]string{"BTC": "-0.1"}
	for name, tc := range map[string]struct {
		in   CloseInput
		want string
	}{
		// TestGetBankruptcyPriceInQuoteQuantums, case by case ($ = 10⁶ quantums).
		"fully closing long below maintenance: 4,501,000,000":   {dydxClose("BTC", "-0.1", "-4501", long), "4501"},
		"fully closing short below maintenance: -5,499,000,000": {dydxClose("BTC", "0.1", "5499", short), "-5499"},
		"fully closing long at bankruptcy: 5,000,000,000":       {dydxClose("BTC", "-0.1", "-5000", long), "5000"},
		"partially closing long at bankruptcy: 2,500,000,000":   {dydxClose("BTC", "-0.05", "-5000", long), "2500"},
		"partially closing short at bankruptcy: -2,500,000,000": {dydxClose("BTC", "0.05", "5000", short), "-2500"},
		"fully closing short at bankruptcy: -5,000,000,000":     {dydxClose("BTC", "0.1", "5000", short), "-5000"},
		"fully closing long below bankruptcy: 5,100,000,000":    {dydxClose("BTC", "-0.1", "-5100", long), "5100"},
		"fully closing short below bankruptcy: -4,900,000,000":  {dydxClose("BTC", "0.1", "4900", short), "-4900"},
		"multiple longs, closing 0.1 ETH: 294,000,000": {
			dydxClose("ETH", "-0.1", "-490", map[string]string{"BTC": "0.004", "ETH": "0.1"}), "294"},
		"multiple shorts, closing 0.1 ETH: -306,000,000": {
			dydxClose("ETH", "0.1", "510", map[string]string{"BTC": "-0.004", "ETH": "-0.1"}), "-306"},
		"long and short, closing the 0.1 ETH short: -306,000,000": {
			dydxClose("ETH", "0.1", "110", map[string]string{"BTC": "0.004", "ETH": "-0.1"}), "-306"},
		"rounds up for a partial long close: 2,776 (from 2,775.11)": {
			dydxClose("BTC", "-0.00021347", "-13", map[string]string{"BTC": "1"}), "0.002776"},
		"rounds up for a partial short close: -2,775 (from -2,775.11)": {
			dydxClose("BTC", "0.00021347", "13", map[string]string{"BTC": "-1"}), "-0.002775"},
		"long that cannot be liquidated at a loss: -1,000,000": {
			dydxClose("BTC", "-1", "1", map[string]string{"BTC": "1"}), "-1"},
	} {
		t.Run(name, func(t *testing.T) {
			got, err := BankruptcyQuote(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if !got.Equal(d(tc.want)) {
				t.Fatalf("bankruptcy quote %s, want %s", got, tc.want)
			}
		})
	}
	for name, delta := range map[string]string{"zero delta": "0", "same sign": "0.1", "beyond the position": "-0.10000001"} {
		t.Run("refuses "+name, func(t *testing.T) {
			if _, err := BankruptcyQuote(dydxClose("BTC", delta, "-4501", long)); !errors.Is(err, ErrInvalidInput) {
				t.Fatalf("err %v, want ErrInvalidInput (dYdX ErrInvalidPerpetualPositionSizeDelta)", err)
			}
		})
	}
}

func TestFillablePriceDydxV4(t *testing.T) {
	long, short := map[string]string{"BTC": "0.1"}, map[string]string{"BTC": "-0.1"}
	def := FillableSettings{}
	for name, tc := range map[string]struct {
		in   CloseInput
		f    FillableSettings
		want string
	}{
		// TestGetFillablePrice, case by case (expected quantum price × 100 for BTC, × 1000 for ETH).
		"long slightly below maintenance: 49_999/100":      {dydxClose("BTC", "-0.1", "-4501", long), def, "49999"},
		"long, bankruptcyAdjustmentPpm 2_000_000":          {dydxClose("BTC", "-0.1", "-4501", long), FillableSettings{BankruptcyAdjustment: d("2")}, "49998"},
		"long, spreadToMaintenanceMarginRatioPpm 200_000":  {dydxClose("BTC", "-0.1", "-4501", long), FillableSettings{SpreadToMaintenance: d("0.2")}, "49998"},
		"short slightly below maintenance: 50_001/100":     {dydxClose("BTC", "0.1", "5499", short), def, "50001"},
		"short, bankruptcyAdjustmentPpm 2_000_000":         {dydxClose("BTC", "0.1", "5499", short), FillableSettings{BankruptcyAdjustment: d("2")}, "50002"},
		"short, spreadToMaintenanceMarginRatioPpm 200_000": {dydxClose("BTC", "0.1", "5499", short), FillableSettings{SpreadToMaintenance: d("0.2")}, "50002"},
		"long at the bankruptcy price: 495/1":              {dydxClose("BTC", "-0.1", "-5000", long), def, "49500"},
		"long at bankruptcy, closing half: 495/1":          {dydxClose("BTC", "-0.05", "-5000", long), def, "49500"},
		"short at the bankruptcy price: 505/1":             {dydxClose("BTC", "0.1", "5000", short), def, "50500"},
		"long below the bankruptcy price: 495/1":           {dydxClose("BTC", "-0.1", "-5500", long), def, "49500"},
		"short below the bankruptcy price: 505/1":          {dydxClose("BTC", "0.1", "4500", short), def, "50500"},
		"multiple longs, 0.1 ETH: 372/125": {
			dydxClose("ETH", "-0.1", "-490", map[string]string{"BTC": "0.004", "ETH": "0.1"}), def, "2976"},
		"bankruptcyAdjustmentPpm max uint32: 495/1": {
			dydxClose("BTC", "-0.1", "-4501", long), FillableSettings{BankruptcyAdjustment: d("4294.967295")}, "49500"},
		"spreadToMaintenanceMarginRatioPpm 1: 4_999_999_999/10_000_000": {
			dydxClose("BTC", "-0.1", "-4501", long), FillableSettings{SpreadToMaintenance: d("0.000001")}, "49999.99999"},
		"spreadToMaintenanceMarginRatioPpm one million: 49_990/100": {
			dydxClose("BTC", "-0.1", "-4501", long), FillableSettings{SpreadToMaintenance: d("1")}, "49990"},
	} {
		t.Run(name, func(t *testing.T) {
			got, err := FillablePrice(tc.in, tc.f)
			if err != nil {
				t.Fatal(err)
			}
			if !got.Equal(d(tc.want)) {
				t.Fatalf("fillable price %s, want %s", got, tc.want)
			}
		})
	}
}

// TestFillablePriceTickRounding: ConvertFillablePriceToSubticks rounds a
// sell that closes a long up and a buy that closes a short down, to a
// whole tick, and never below one tick.
func TestFillablePriceTickRounding(t *testing.T) {
	in := dydxClose("BTC", "-0.1", "-4501", map[string]string{"BTC": "0.1"})
	in.Market.Tick = d("0.4")
	got, _ := FillablePrice(in, FillableSettings{SpreadToMaintenance: d("0.000001")})
	if want := d("50000"); !got.Equal(want) { // 49999.99999 rounded up to a multiple of 0.4
		t.Fatalf("long: %s, want %s", got, want)
	}
	in = dydxClose("BTC", "0.1", "5499", map[string]string{"BTC": "-0.1"})
	in.Market.Tick = d("0.4")
	got, _ = FillablePrice(in, FillableSettings{})
	if want := d("50000.8"); !got.Equal(want) { // 50001 rounded down to a multiple of 0.4
		t.Fatalf("short: %s, want %s", got, want)
	}
	in = dydxClose("BTC", "-0.1", "-5000", map[string]string{"BTC": "0.1"})
	in.Market.Oracle, in.Market.Tick = d("0.5"), d("1") // a price below one tick is one tick
	if got, _ = FillablePrice(in, FillableSettings{SpreadToMaintenance: d("1")}); !got.Equal(d("1")) {
		t.Fatalf("floor: %s, want one tick", got)
	}
}

func TestSplitFillDydxV4InsuranceFundDelta(t *testing.T) {
	long, short := map[string]string{"BTC": "0.1"}, map[string]string{"BTC": "-0.1"}
	for name, tc := range map[string]struct {
		in          CloseInput
		price, rate string
		want        string // GetLiquidationInsuranceFundDelta in $
	}{
		// TestGetLiquidationInsuranceFundDelta, case by case (price = subticks / 10⁶ $/BTC).
		"long 10% above bankruptcy pays max fee: 28_050_000":                   {dydxClose("BTC", "-0.1", "-5100", long), "56100", "0.005", "28.05"},
		"long 10% above bankruptcy, MaxLiquidationFeePpm 25_000: 140_250_000":  {dydxClose("BTC", "-0.1", "-5100", long), "56100", "0.025", "140.25"},
		"long 10% above bankruptcy, fee one million: 510_000_000":              {dydxClose("BTC", "-0.1", "-5100", long), "56100", "1", "510"},
		"short 10% above bankruptcy pays max fee: 22_050_000":                  {dydxClose("BTC", "0.1", "4900", short), "44100", "0.005", "22.05"},
		"short 10% above bankruptcy, MaxLiquidationFeePpm 25_000: 110_250_000": {dydxClose("BTC", "0.1", "4900", short), "44100", "0.025", "110.25"},
		"short 10% above bankruptcy, fee one million: 490_000_000":             {dydxClose("BTC", "0.1", "4900", short), "44100", "1", "490"},
		"long 0.1% above bankruptcy pays less than max: 5_100_000":             {dydxClose("BTC", "-0.1", "-5100", long), "51051", "0.005", "5.1"},
		"short 0.1% above bankruptcy pays less than max: 4_900_000":            {dydxClose("BTC", "0.1", "4900", short), "48951", "0.005", "4.9"},
		"long at the bankruptcy price: 0":                                      {dydxClose("BTC", "-0.1", "-5100", long), "51000", "0.005", "0"},
		"short at the bankruptcy price: 0":                                     {dydxClose("BTC", "0.1", "4900", short), "49000", "0.005", "0"},
		"long 1% below bankruptcy, the fund covers: -51_000_000":               {dydxClose("BTC", "-0.1", "-5100", long), "50490", "0.005", "-51"},
		"short 1% below bankruptcy, the fund covers: -49_000_000":              {dydxClose("BTC", "0.1", "4900", short), "49490", "0.005", "-49"},
	} {
		t.Run(name, func(t *testing.T) {
			for _, toFund := range []bool{false, true} {
				s, err := SplitFill(tc.in, d(tc.price), d(tc.rate), toFund)
				if err != nil {
					t.Fatal(err)
				}
				if err := CheckFillSplit(s); err != nil {
					t.Fatal(err)
				}
				if !toFund && !s.FundDelta().Equal(d(tc.want)) {
					t.Fatalf("fund delta %s, want %s (split %+v)", s.FundDelta(), tc.want, s)
				}
				if toFund && s.Surplus.Sign() > 0 && !s.FundDelta().Equal(s.Surplus) {
					t.Fatalf("takeover: fund delta %s, want everything above bankruptcy %s", s.FundDelta(), s.Surplus)
				}
			}
		})
	}
}

// TestSplitFillConservesDydxExample: the first dYdX case spelled out.
// Proceeds 5,610 − bankruptcy 5,100 = 510 above bankruptcy: 28.05 fee to
// the fund, 481.95 kept; as a takeover (Binance, Bybit) the 481.95 goes to
// the fund instead.
func TestSplitFillConservesDydxExample(t *testing.T) {
	in := dydxClose("BTC", "-0.1", "-5100", map[string]string{"BTC": "0.1"})
	got, _ := SplitFill(in, d("56100"), d("0.005"), false)
	want := FillSplit{Proceeds: d("5610"), Bankruptcy: d("5100"), Surplus: d("510"), Fee: d("28.05"), Fund: d("0"), Kept: d("481.95")}
	if diff := cmp.Diff(want, got, testkit.EquateDecimals); diff != "" {
		t.Fatal(diff)
	}
	got, _ = SplitFill(in, d("56100"), d("0.005"), true)
	want.Fund, want.Kept = d("481.95"), d("0")
	if diff := cmp.Diff(want, got, testkit.EquateDecimals); diff != "" {
		t.Fatal(diff)
	}
}
