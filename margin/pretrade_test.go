package margin

import (
	"errors"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

func linearMarket(id string) Market {
	return Market{ID: id, Tiers: bybitTiers(), TickSize: d("0.01"), LotSize: d("0.001")}
}

func TestApplyFillFlipAndAverages(t *testing.T) {
	c := newCalc(t, StaticPrices{"X": d("100")}, linearMarket("X"))
	a := Account{Wallet: d("1000"), Positions: []Position{{Market: "X", Size: d("2"), EntryPrice: d("100")}}}
	tests := []struct {
		name              string
		size, price       string
		wantSize, wantEnt string
		wantWallet        string
	}{
		{"add long averages entry", "1", "103", "3", "101", "1000"},
		{"reduce realises pnl", "-1", "110", "1", "100", "1010"},
		{"close realises all", "-2", "90", "0", "0", "980"},
		{"flip long to short opens the rest at the fill", "-5", "110", "-3", "110", "1020"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := c.ApplyFill(a, Order{Market: "X", Size: d(tc.size)}, d(tc.price))
			if err != nil {
				t.Fatal(err)
			}
			if !r.Position.Size.Equal(d(tc.wantSize)) || !r.Position.EntryPrice.Equal(d(tc.wantEnt)) || !r.Account.Wallet.Equal(d(tc.wantWallet)) {
				t.Fatalf("got size %s entry %s wallet %s", r.Position.Size, r.Position.EntryPrice, r.Account.Wallet)
			}
			if !a.Positions[0].Size.Equal(d("2")) {
				t.Fatal("input account modified")
			}
		})
	}
}

func TestCheckOrderFlipUsesResultingPosition(t *testing.T) {
	// A long of 2 at 100 with wallet 20: selling 4 flips to a short of 2;
	// the requirement is that of the resulting short, not of the order (4).
	c := newCalc(t, StaticPrices{"X": d("100")}, linearMarket("X"))
	a := Account{Wallet: d("20"), Positions: []Position{{Market: "X", Size: d("2"), EntryPrice: d("100")}}}
	dec, err := c.CheckOrder(t0, a, Order{Market: "X", Size: d("-4")})
	if err != nil {
		t.Fatal(err)
	}
	if !dec.Accepted || !dec.Fill.Position.Size.Equal(d("-2")) || !dec.After.Initial.Equal(d("8")) {
		t.Fatalf("decision %+v, position %s, initial %s", dec.Reason, dec.Fill.Position.Size, dec.After.Initial)
	}
}

func TestCheckOrderDYDXRule(t *testing.T) {
	// Below initial (wallet 5 < 8 initial for 2 at 100 at 4%): only changes
	// that do not increase risk are allowed.
	c := newCalc(t, StaticPrices{"X": d("100")}, linearMarket("X"))
	a := Account{Wallet: d("5"), Positions: []Position{{Market: "X", Size: d("2"), EntryPrice: d("100")}}}
	tests := []struct {
		name string
		size string
		want Reason
	}{
		{"reduce at mark is allowed", "-1", ReasonCollateralised},
		{"small reduce is not riskier", "-0.1", ReasonNotRiskier},
		{"increase is refused", "0.1", ReasonStillUndercollateralised},
		{"flip to a larger short is refused", "-5", ReasonStillUndercollateralised},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dec, err := c.CheckOrder(t0, a, Order{Market: "X", Size: d(tc.size)})
			if err != nil {
				t.Fatal(err)
			}
			if dec.Reason != tc.want {
				t.Fatalf("reason %v, want %v", dec.Reason, tc.want)
			}
		})
	}
	// Collateralised account going under is "newly" undercollateralised.
	b := Account{Wallet: d("10")}
	dec, _ := c.CheckOrder(t0, b, Order{Market: "X", Size: d("3")})
	if dec.Reason != ReasonNewlyUndercollateralised {
		t.Fatalf("reason %v", dec.Reason)
	}
	// Beyond the last cap: rejected, fail closed.
	b.Wallet = d("100000")
	dec, _ = c.CheckOrder(t0, b, Order{Market: "X", Size: d("41")})
	if dec.Reason != ReasonAboveLastCap || dec.Accepted {
		t.Fatalf("reason %v", dec.Reason)
	}
}

func TestMaxOrderSize(t *testing.T) {
	c := newCalc(t, StaticPrices{"X": d("100")}, linearMarket("X"))
	tests := []struct {
		name string
		acct Account
		side string
		want string
	}{
		// 10 of equity at 4% initial: 250 notional → 2.5 contracts.
		{"flat account", Account{Wallet: d("10")}, "1", "2.5"},
		// Tiers end at 4,000 notional = 40 contracts.
		{"capped by the last tier", Account{Wallet: d("100000")}, "1", "40"},
		// Short 1 held: buying closes it (1) and opens a long up to 2.5.
		{"closes then flips", Account{Wallet: d("10"), Positions: []Position{{Market: "X", Size: d("-1"), EntryPrice: d("100")}}}, "1", "3.5"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := c.MaxOrderSize(t0, tc.acct, Order{Market: "X", Size: d(tc.side)})
			if err != nil {
				t.Fatal(err)
			}
			if !got.Equal(d(tc.want)) {
				t.Fatalf("max = %s, want %s", got, tc.want)
			}
		})
	}
}

func TestLeverageAboveTierMaximumRefused(t *testing.T) {
	// Binance: at 125x only the first bracket (0 < notional ≤ 50,000) may be
	// held (Binance 2021-03-18 BTCUSDT table).
	m := Market{ID: "BTCUSDT", Tiers: binanceBTC(), LotSize: d("0.001")}
	c := newCalc(t, StaticPrices{"BTCUSDT": d("10000")}, m)
	a := Account{Wallet: d("1000000")}
	ok, _ := c.CheckOrder(t0, a, Order{Market: "BTCUSDT", Size: d("5"), Leverage: d("125")})
	no, _ := c.CheckOrder(t0, a, Order{Market: "BTCUSDT", Size: d("5.001"), Leverage: d("125")})
	if !ok.Accepted || no.Reason != ReasonLeverageTooHigh {
		t.Fatalf("5 BTC: %v, 5.001 BTC: %v", ok.Reason, no.Reason)
	}
	s, _ := NewSchedule(Marginal, binanceBTC())
	if mx, found, _ := s.MaxNotional(d("125")); !found || !mx.Equal(d("50000")) {
		t.Fatalf("max notional at 125x = %s", mx)
	}
	if mx, _, _ := s.MaxNotional(d("20")); !mx.Equal(d("10000000")) {
		t.Fatalf("max notional at 20x = %s", mx)
	}
}

func TestIsolatedFillMovesMargin(t *testing.T) {
	c := newCalc(t, StaticPrices{"X": d("100")}, linearMarket("X"))
	a := Account{Wallet: d("100")}
	r, err := c.ApplyFill(a, Order{Market: "X", Size: d("2"), Isolated: true, Leverage: d("10")}, d("100"))
	if err != nil {
		t.Fatal(err)
	}
	// 200 notional at 10x: 20 moves from the wallet into the position.
	if !r.Position.Margin.Equal(d("20")) || !r.Account.Wallet.Equal(d("80")) {
		t.Fatalf("margin %s wallet %s", r.Position.Margin, r.Account.Wallet)
	}
	// Closing half at 110 releases half the position's equity (20 margin
	// + 20 PnL): 20 to the wallet, which is Binance's rule of half the
	// margin (10) plus the realised PnL (10). Margin 10, wallet 100; the
	// rest (1 at entry 100, PnL 10) keeps equity 20, half of 40.
	r, err = c.ApplyFill(r.Account, Order{Market: "X", Size: d("-1")}, d("110"))
	if err != nil {
		t.Fatal(err)
	}
	if !r.Position.Margin.Equal(d("10")) || !r.Account.Wallet.Equal(d("100")) {
		t.Fatalf("margin %s wallet %s", r.Position.Margin, r.Account.Wallet)
	}
}

func TestBadInput(t *testing.T) {
	c := newCalc(t, StaticPrices{"X": d("100"), "ZERO": d("0")}, linearMarket("X"))
	good := Position{Market: "X", Size: d("1"), EntryPrice: d("100")}
	huge := decimal.New(1, 40)
	tests := []struct {
		name string
		acct Account
		want error
	}{
		{"unknown market", Account{Positions: []Position{{Market: "Y", Size: d("1"), EntryPrice: d("1")}}}, ErrUnknownMarket},
		{"zero size", Account{Positions: []Position{{Market: "X", Size: d("0"), EntryPrice: d("1")}}}, ErrInvalidInput},
		{"zero entry", Account{Positions: []Position{{Market: "X", Size: d("1"), EntryPrice: d("0")}}}, ErrInvalidInput},
		{"negative entry", Account{Positions: []Position{{Market: "X", Size: d("1"), EntryPrice: d("-1")}}}, ErrInvalidInput},
		{"absurd wallet", Account{Wallet: huge}, ErrInvalidInput},
		{"absurd size", Account{Positions: []Position{{Market: "X", Size: huge, EntryPrice: d("1")}}}, ErrInvalidInput},
		{"duplicate market", Account{Positions: []Position{good, good}}, ErrInvalidInput},
		{"cross with margin", Account{Positions: []Position{{Market: "X", Size: d("1"), EntryPrice: d("100"), Margin: d("1")}}}, ErrInvalidInput},
		{"collateral ratio zero", Account{Collateral: []Collateral{{Asset: "X", Amount: d("1"), Ratio: d("0")}}}, ErrInvalidInput},
		{"collateral ratio above one", Account{Collateral: []Collateral{{Asset: "X", Amount: d("1"), Ratio: d("1.01")}}}, ErrInvalidInput},
		{"negative collateral", Account{Collateral: []Collateral{{Asset: "X", Amount: d("-1"), Ratio: d("1")}}}, ErrInvalidInput},
		{"zero price from the source", Account{Collateral: []Collateral{{Asset: "ZERO", Amount: d("1"), Ratio: d("1")}}}, ErrPrice},
		{"missing price", Account{Collateral: []Collateral{{Asset: "NOPE", Amount: d("1"), Ratio: d("1")}}}, ErrPrice},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := c.Summary(t0, tc.acct); !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
		})
	}
	if _, err := c.Requirement("X", d("1"), d("0")); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("zero price: %v", err)
	}
	if _, err := c.LiquidationPrices(t0, Account{}, "X"); !errors.Is(err, ErrNoPosition) {
		t.Errorf("no position: %v", err)
	}
	if _, err := c.CheckOrder(t0, Account{}, Order{Market: "X", Size: d("0")}); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("zero order: %v", err)
	}
}

func TestBrokenTierTables(t *testing.T) {
	ok := bybitTiers
	mut := func(f func([]Tier) []Tier) []Tier { return f(ok()) }
	tests := []struct {
		name  string
		rule  Rule
		tiers []Tier
	}{
		{"empty", Marginal, nil},
		{"first floor not zero", Marginal, mut(func(t []Tier) []Tier { t[0].Floor = d("1"); return t })},
		{"gap between tiers", Marginal, mut(func(t []Tier) []Tier { t[1].Floor = d("1001"); return t })},
		{"caps not increasing", Marginal, mut(func(t []Tier) []Tier { t[2].Cap = d("2000"); return t })},
		{"rate decreasing", Marginal, mut(func(t []Tier) []Tier { t[2].MaintenanceRate = d("0.01"); return t })},
		{"maintenance rate one", Marginal, mut(func(t []Tier) []Tier { t[3].MaintenanceRate = d("1"); t[3].InitialRate = d("1"); return t })},
		{"initial below maintenance", Marginal, mut(func(t []Tier) []Tier { t[0].InitialRate = d("0.01"); return t })},
		{"no initial and no leverage", Marginal, mut(func(t []Tier) []Tier { t[0].InitialRate = decimal.Zero; return t })},
		{"initial rate and leverage both given", Marginal, mut(func(t []Tier) []Tier { t[0].MaxLeverage = d("50"); return t })},
		{"negative rate", Marginal, mut(func(t []Tier) []Tier { t[0].MaintenanceRate = d("-0.01"); return t })},
		// A zero rate would leave a position with negative equity never
		// liquidatable (maintenance 0).
		{"zero maintenance rate", Marginal, mut(func(t []Tier) []Tier { t[0].MaintenanceRate = d("0"); return t })},
		{"given cum contradicts", Marginal, mut(func(t []Tier) []Tier { t[3].Cum = dp("29"); return t })},
		{"step with cum", Step, mut(func(t []Tier) []Tier { t[3].Cum = dp("30"); return t })},
		{"unknown rule", Rule(7), ok()},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := NewSchedule(tc.rule, tc.tiers); !errors.Is(err, ErrInvalidTiers) {
				t.Fatalf("err = %v, want ErrInvalidTiers", err)
			}
		})
	}
}

func TestLending(t *testing.T) {
	prices := StaticPrices{"ETH": d("2500"), "USDC": d("1"), "WBTC": d("50000")}
	reserves := []Reserve{
		{Asset: "ETH", LTV: d("0.75"), LiquidationThreshold: d("0.8"), LiquidationBonus: d("1.05")},
		{Asset: "USDC", LTV: d("0.8"), LiquidationThreshold: d("0.85"), LiquidationBonus: d("1.04")},
	}
	l, err := NewLending(LendingSettings{Reserves: reserves, Prices: prices})
	if err != nil {
		t.Fatal(err)
	}
	// Aave docs: $10,000 collateral at 80% threshold, $6,000 debt → 1.333….
	h, err := l.Health(t0, LendingAccount{Supplied: []Balance{{"ETH", d("4")}}, Borrowed: []Balance{{"USDC", d("6000")}}})
	if err != nil {
		t.Fatal(err)
	}
	if !h.Factor.Equal(d("1.333333333333333333")) || h.Liquidatable || h.Infinite {
		t.Fatalf("health %+v", h)
	}
	if err := CheckHealth(h); err != nil {
		t.Fatal(err)
	}
	// Debt exactly at the threshold value: health 1, not liquidatable.
	h, _ = l.Health(t0, LendingAccount{Supplied: []Balance{{"ETH", d("4")}}, Borrowed: []Balance{{"USDC", d("8000")}}})
	if !h.Factor.Equal(d("1")) || h.Liquidatable {
		t.Fatalf("at threshold: %+v", h)
	}
	h, _ = l.Health(t0, LendingAccount{Supplied: []Balance{{"ETH", d("4")}}, Borrowed: []Balance{{"USDC", d("8000.01")}}})
	if !h.Liquidatable {
		t.Fatalf("past threshold not liquidatable: %+v", h)
	}
	if _, err := l.Health(t0, LendingAccount{Supplied: []Balance{{"WBTC", d("1")}}}); !errors.Is(err, ErrUnknownAsset) {
		t.Fatalf("unknown asset: %v", err)
	}
	if _, err := l.Health(t0, LendingAccount{Supplied: []Balance{{"ETH", d("-1")}}}); !errors.Is(err, ErrInvalidInput) {
		t.Fatalf("negative: %v", err)
	}
	bad := []Reserve{
		{Asset: "A", LTV: d("0.9"), LiquidationThreshold: d("0.8"), LiquidationBonus: d("1.05")},  // ltv > threshold
		{Asset: "A", LTV: d("0.5"), LiquidationThreshold: d("0.8"), LiquidationBonus: d("1")},     // bonus not > 1
		{Asset: "A", LTV: d("0.5"), LiquidationThreshold: d("0.97"), LiquidationBonus: d("1.05")}, // threshold × bonus > 1
		{Asset: "A", LTV: d("0.5"), LiquidationThreshold: d("1"), LiquidationBonus: d("1.05")},    // threshold 1
		{Asset: "", LTV: d("0.5"), LiquidationThreshold: d("0.8"), LiquidationBonus: d("1.05")},   // no name
	}
	for i, r := range bad {
		if _, err := NewLending(LendingSettings{Reserves: []Reserve{r}, Prices: prices}); !errors.Is(err, ErrInvalidSettings) {
			t.Errorf("bad reserve %d accepted: %v", i, err)
		}
	}
}

func TestIsolatedFlipKeepsMode(t *testing.T) {
	c := newCalc(t, StaticPrices{"X": d("100")}, linearMarket("X"))
	a := Account{Wallet: d("100"), Positions: []Position{{Market: "X", Size: d("1"), EntryPrice: d("100"), Isolated: true, Margin: d("10"), Leverage: d("10")}}}
	r, err := c.ApplyFill(a, Order{Market: "X", Size: d("-3")}, d("100"))
	if err != nil {
		t.Fatal(err)
	}
	// The long's 10 returns to the wallet, then the short of 2 (200 at 10x)
	// takes 20 from it.
	if !r.Position.Isolated || !r.Position.Leverage.Equal(d("10")) || !r.Position.Margin.Equal(d("20")) || !r.Account.Wallet.Equal(d("90")) {
		t.Fatalf("position %+v wallet %s", r.Position, r.Account.Wallet)
	}
}

func TestIsolatedOrderCoversOpenLoss(t *testing.T) {
	// Buying 2 isolated at 10x at 100.01 with the mark at 100: the fill
	// funds 20.002 (initial at the fill price) but the position starts 0.02
	// in loss, so its equity at the mark (19.982) is below its initial
	// requirement at the mark (20); the venue moves the 0.018 difference
	// too: 20.02 in all = initial 20 + open loss 0.02 (Binance: order cost
	// = initial margin + open loss). Before this a buy one tick above the
	// mark could never be placed in isolated mode.
	c := newCalc(t, StaticPrices{"X": d("100")}, linearMarket("X"))
	tests := []struct {
		name       string
		wallet     string
		want       Reason
		wantMargin string
	}{
		{"wallet covers it", "1000", ReasonCollateralised, "20.02"},
		{"wallet covers exactly", "20.02", ReasonCollateralised, "20.02"},
		{"wallet one unit short", "20.01999999", ReasonNewlyUndercollateralised, "20.02"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := Account{Wallet: d(tc.wallet)}
			dec, err := c.CheckOrder(t0, a, Order{Market: "X", Size: d("2"), Price: d("100.01"), Isolated: true, Leverage: d("10")})
			if err != nil {
				t.Fatal(err)
			}
			if dec.Reason != tc.want || !dec.Fill.Position.Margin.Equal(d(tc.wantMargin)) {
				t.Fatalf("reason %v margin %s, want %v %s", dec.Reason, dec.Fill.Position.Margin, tc.want, tc.wantMargin)
			}
			if got := dec.Fill.Account.Wallet.Add(dec.Fill.Position.Margin); !got.Equal(a.Wallet) {
				t.Fatalf("wallet + margin %s, want %s", got, a.Wallet)
			}
			if err := CheckSummary(dec.Fill.Account, dec.After); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestOneSettlementAssetPerAccount(t *testing.T) {
	// A USDT-margined and a coin-margined position cannot share a wallet:
	// their PnL is in different assets (Binance keeps USDⓈ-M and COIN-M
	// accounts apart). Before, Summary added 100 USDT to 0.005 BTC.
	inv := Market{ID: "BTCUSD", Kind: Inverse, ContractSize: d("100"), Tiers: []Tier{{Floor: d("0"), Cap: d("100"), MaintenanceRate: d("0.005"), InitialRate: d("0.01")}}}
	c := newCalc(t, StaticPrices{"X": d("100"), "BTCUSD": d("50000"), "ETHUSD": d("2000")}, linearMarket("X"), inv,
		Market{ID: "ETHUSD", Kind: Inverse, ContractSize: d("10"), Tiers: inv.Tiers})
	lin := Position{Market: "X", Size: d("1"), EntryPrice: d("100")}
	btc := Position{Market: "BTCUSD", Size: d("10"), EntryPrice: d("40000")}
	eth := Position{Market: "ETHUSD", Size: d("10"), EntryPrice: d("2000")}
	for _, tc := range []struct {
		name string
		pos  []Position
	}{{"linear and inverse", []Position{lin, btc}}, {"two inverse coins", []Position{btc, eth}}} {
		t.Run(tc.name, func(t *testing.T) {
			a := Account{Wallet: d("1"), Positions: tc.pos}
			if _, err := c.Summary(t0, a); !errors.Is(err, ErrInvalidInput) {
				t.Fatalf("Summary err = %v, want ErrInvalidInput", err)
			}
			a.Positions = tc.pos[:1]
			if _, err := c.ApplyFill(a, Order{Market: tc.pos[1].Market, Size: d("1")}, d("100")); !errors.Is(err, ErrInvalidInput) {
				t.Fatalf("ApplyFill err = %v, want ErrInvalidInput", err)
			}
			if _, err := c.CheckOrder(t0, a, Order{Market: tc.pos[1].Market, Size: d("1")}); !errors.Is(err, ErrInvalidInput) {
				t.Fatalf("CheckOrder err = %v, want ErrInvalidInput", err)
			}
		})
	}
	// Markets naming one Settlement may share an account.
	c = newCalc(t, StaticPrices{"BTCUSD": d("50000"), "BTCUSD_Q": d("50100")}, inv,
		Market{ID: "BTCUSD_Q", Kind: Inverse, Settlement: "BTC", ContractSize: d("100"), Tiers: inv.Tiers})
	if _, err := c.Summary(t0, Account{Positions: []Position{btc, {Market: "BTCUSD_Q", Size: d("1"), EntryPrice: d("50000")}}}); !errors.Is(err, ErrInvalidInput) {
		t.Fatalf("default inverse settlement shared with a named one: %v", err)
	}
	inv.Settlement = "BTC"
	c = newCalc(t, StaticPrices{"BTCUSD": d("50000"), "BTCUSD_Q": d("50100")}, inv,
		Market{ID: "BTCUSD_Q", Kind: Inverse, Settlement: "BTC", ContractSize: d("100"), Tiers: inv.Tiers})
	if _, err := c.Summary(t0, Account{Positions: []Position{btc, {Market: "BTCUSD_Q", Size: d("1"), EntryPrice: d("50000")}}}); err != nil {
		t.Fatalf("two BTC-settled markets refused: %v", err)
	}
}

// MaxOrderSize searches exact lot counts of any size: 10²⁰ contracts in
// lots of 10⁻³⁰ (10⁵⁰ lots) once overflowed an int64 search and answered 0
// for a short that can plainly be closed; then it was refused, and a
// wei-sized lot was searched only up to 2⁵² lots (0.0045 BTC where
// CheckOrder accepts 1 BTC: independent review of issue 10 item 8).
func TestMaxOrderSizeFineLots(t *testing.T) {
	for _, tc := range []struct {
		name    string
		m       Market
		price   string
		a       Account
		atLeast string
	}{
		{"10^50 lots closing a short", Market{ID: "X", Tiers: []Tier{{Floor: d("0"), Cap: d("1e35"), MaintenanceRate: d("0.01"), InitialRate: d("0.02")}}, LotSize: d("1e-30")},
			"1", Account{Wallet: d("1e30"), Positions: []Position{{Market: "X", Size: d("-1e20"), EntryPrice: d("1")}}}, "1e20"},
		{"wei lot on a Binance table", Market{ID: "X", Tiers: BinanceBTCUSDT20210318(), TickSize: d("0.1"), LotSize: d("1e-18")},
			"60000", Account{Wallet: d("12345.678")}, "1"},
	} {
		c := newCalc(t, StaticPrices{"X": d(tc.price)}, tc.m)
		start := time.Now()
		got, err := c.MaxOrderSize(t0, tc.a, Order{Market: "X", Size: d("1")})
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if el := time.Since(start); el > 2*time.Second {
			t.Errorf("%s: took %v", tc.name, el)
		}
		if got.LessThan(d(tc.atLeast)) {
			t.Errorf("%s: MaxOrderSize = %s, want at least %s", tc.name, got, tc.atLeast)
		}
		if dec, err := c.CheckOrder(t0, tc.a, Order{Market: "X", Size: got}); err != nil || !dec.Accepted {
			t.Errorf("%s: CheckOrder(MaxOrderSize = %s) refused: %v %v", tc.name, got, dec, err)
		}
		if dec, err := c.CheckOrder(t0, tc.a, Order{Market: "X", Size: got.Add(tc.m.LotSize)}); err != nil || dec.Accepted {
			t.Errorf("%s: CheckOrder(MaxOrderSize + one lot) accepted: %v %v", tc.name, dec, err)
		}
	}
}

func TestHostScalesBounded(t *testing.T) {
	// A host-supplied scale of a billion places would build a 10^(10^9)
	// quotient: refused (Initial) or clamped (MarginRatio).
	s, _ := NewSchedule(Marginal, bybitTiers())
	if _, err := s.Initial(d("10"), 1_000_000_000); !errors.Is(err, ErrInvalidInput) {
		t.Fatalf("Initial err = %v", err)
	}
	if r, ok := (Summary{Maintenance: d("1"), Equity: d("3")}).MarginRatio(1_000_000_000); !ok || r.Exponent() != -36 {
		t.Fatalf("MarginRatio = %s %v", r, ok)
	}
}

func TestInverseFillsHarmonicEntryAndFlip(t *testing.T) {
	// Coin-margined (1 USD contracts): entries average harmonically,
	// 200 / (100/50,000 + 100/40,000) = 44,444.44…, rounded up for a long
	// at PriceScale 12; a flip realises q·(1/E − 1/P) in coin:
	// 100 × (1/50,000 − 1/40,000) = −0.0005 BTC, and opens the rest at P.
	m := Market{ID: "BTCUSD", Kind: Inverse, Tiers: []Tier{{Floor: d("0"), Cap: d("1000"), MaintenanceRate: d("0.005"), InitialRate: d("0.01")}}}
	c := newCalc(t, StaticPrices{"BTCUSD": d("40000")}, m)
	a := Account{Wallet: d("1"), Positions: []Position{{Market: "BTCUSD", Size: d("100"), EntryPrice: d("50000")}}}
	r, err := c.ApplyFill(a, Order{Market: "BTCUSD", Size: d("100")}, d("40000"))
	if err != nil {
		t.Fatal(err)
	}
	if !r.Position.EntryPrice.Equal(d("44444.444444444445")) {
		t.Fatalf("harmonic entry %s", r.Position.EntryPrice)
	}
	r, err = c.ApplyFill(a, Order{Market: "BTCUSD", Size: d("-300")}, d("40000"))
	if err != nil {
		t.Fatal(err)
	}
	if !r.Realised.Equal(d("-0.0005")) || !r.Account.Wallet.Equal(d("0.9995")) || !r.Position.Size.Equal(d("-200")) || !r.Position.EntryPrice.Equal(d("40000")) {
		t.Fatalf("flip: realised %s wallet %s position %s @ %s", r.Realised, r.Account.Wallet, r.Position.Size, r.Position.EntryPrice)
	}
}

func TestReserveValidationBoundaries(t *testing.T) {
	// Aave v3 ValidationLogic: ltv ≤ threshold and threshold × bonus ≤ 1
	// are inclusive; bonus must exceed 1 (strict).
	tests := []struct {
		name string
		r    Reserve
		ok   bool
	}{
		{"ltv equal to threshold", Reserve{Asset: "A", LTV: d("0.8"), LiquidationThreshold: d("0.8"), LiquidationBonus: d("1.05")}, true},
		{"threshold × bonus exactly 1", Reserve{Asset: "A", LTV: d("0.5"), LiquidationThreshold: d("0.8"), LiquidationBonus: d("1.25")}, true},
		{"threshold × bonus just above 1", Reserve{Asset: "A", LTV: d("0.5"), LiquidationThreshold: d("0.8"), LiquidationBonus: d("1.2501")}, false},
		{"bonus exactly 1", Reserve{Asset: "A", LTV: d("0.5"), LiquidationThreshold: d("0.8"), LiquidationBonus: d("1")}, false},
		{"debt-only asset (threshold 0)", Reserve{Asset: "A"}, true},
		{"debt-only asset with an ltv", Reserve{Asset: "A", LTV: d("0.1")}, false},
		{"absurd bonus", Reserve{Asset: "A", LTV: d("0.5"), LiquidationThreshold: d("0.8"), LiquidationBonus: decimal.New(1, -50)}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := ValidateReserve(tc.r)
			if (err == nil) != tc.ok || (err != nil && !errors.Is(err, ErrInvalidInput)) {
				t.Fatalf("err = %v, want ok=%v", err, tc.ok)
			}
		})
	}
}

func TestNilPriceFuncRefused(t *testing.T) {
	// A nil PriceFunc is a non-nil interface that panics on the first read.
	if _, err := New(Settings{Markets: []Market{linearMarket("X")}, Prices: PriceFunc(nil)}); !errors.Is(err, ErrInvalidSettings) {
		t.Fatalf("New: %v", err)
	}
	if _, err := NewLending(LendingSettings{Reserves: []Reserve{{Asset: "A"}}, Prices: PriceFunc(nil)}); !errors.Is(err, ErrInvalidSettings) {
		t.Fatalf("NewLending: %v", err)
	}
}
