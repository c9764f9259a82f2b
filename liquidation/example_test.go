package liquidation_test

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/liquidation"
)

var (
	dec   = decimal.RequireFromString
	start = time.Date(2020, 3, 12, 12, 0, 0, 0, time.UTC)
)

// The three curves of dss abaci.sol at the numbers of its own tests
// (src/test/abaci.t.sol: linear tau 3,600 s; stair-step cut 0.99 every 90 s;
// continuous cut 0.999230132966, a half-life of 900 s). Prices are rounded
// down at 27 places, as Maker's rmul; printed here to 2 places.
func ExampleCurve() {
	linear, _ := liquidation.NewLinearDecrease(time.Hour)
	stairs, _ := liquidation.NewStairstepExponentialDecrease(dec("0.99"), 90*time.Second)
	expo, _ := liquidation.NewExponentialDecrease(dec("0.999230132966"))
	top := dec("1000")
	for _, s := range []int{0, 360, 900, 3600} {
		at := time.Duration(s) * time.Second
		fmt.Printf("t=%4ds linear %s  stairs %s  exp %s\n", s,
			linear.Price(top, at).StringFixed(2), stairs.Price(top, at).StringFixed(2), expo.Price(top, at).StringFixed(2))
	}
	// Output:
	// t=   0s linear 1000.00  stairs 1000.00  exp 1000.00
	// t= 360s linear 900.00  stairs 960.60  exp 757.86
	// t= 900s linear 750.00  stairs 904.38  exp 500.00
	// t=3600s linear 0.00  stairs 668.97  exp 62.50
}

// A Dutch auction (Maker Clipper): kick, a partial take, the rest taken
// once the price has fallen; the settlement reports the shortfall.
func ExampleDutchHouse() {
	curve, _ := liquidation.NewLinearDecrease(time.Hour)
	h, _ := liquidation.NewDutchHouse(liquidation.DutchSettings{
		Market: "ETH-A", Curve: curve, Buf: dec("1.2"), Tail: 2 * time.Hour, Cusp: dec("0.5"),
		Chop: dec("1.1"), Dust: dec("100"), Tip: dec("5"), Chip: dec("0.01"),
	})
	k, _ := h.Kick(start, liquidation.KickParams{Tab: dec("1100"), Lot: dec("10"), Owner: "vault-7",
		Keeper: "kicker", Price: dec("100"), Penalty: dec("100")})
	fmt.Println("auction", k.ID, "top", k.Top, "kick reward", k.Reward)

	r, _ := h.Take(start.Add(6*time.Minute), liquidation.TakeParams{ID: k.ID, Keeper: "alice", MaxLot: dec("5"), MaxPrice: dec("110")})
	fmt.Println("alice buys", r.Lot, "at", r.Price, "paying", r.Paid, "tab left", r.TabLeft)

	r, _ = h.Take(start.Add(12*time.Minute), liquidation.TakeParams{ID: k.ID, Keeper: "bob", MaxLot: dec("10"), MaxPrice: dec("100")})
	s := r.Settlement
	fmt.Println("bob buys", r.Lot, "at", r.Price, "paying", r.Paid)
	fmt.Println("sold", s.CollateralSold, "returned", s.CollateralReturned, "recovered", s.DebtRecovered,
		"penalty", s.Penalty, "rewards", s.KeeperRewards, "shortfall", s.Shortfall)
	// Output:
	// auction 1 top 120 kick reward 16
	// alice buys 5 at 108 paying 540 tab left 560
	// bob buys 5 at 96 paying 480
	// sold 10 returned 0 recovered 1020 penalty 20 rewards 16 shortfall 80
}

// An English auction (Maker Flipper / Kava) with a reserve: forward bids
// up to the tab, one reverse bid on the lot, settlement after the end.
// The reserve is 0.8 × the oracle price 100 = 80 per unit, so the first bid
// must be at least min(tab 1,000, lot 10 × 80) = 800 (a 12 March 2020 zero
// bid is refused). The next reverse bid may offer at most 9.5 × (1 − 5%) =
// 9.025; the last bid at 2 h moves the end to 2 h + 3 h (Flipper ttl).
func ExampleEnglishHouse() {
	h, _ := liquidation.NewEnglishHouse(liquidation.EnglishSettings{Market: "ETH-A", ReserveRatio: dec("0.8")})
	id, _, _ := h.Kick(start, liquidation.AuctionParams{Tab: dec("1000"), Lot: dec("10"), Owner: "vault-7", Price: dec("100")})
	if _, err := h.Bid(start, id, "zero", dec("1")); err != nil {
		fmt.Println(err)
	}
	h.Bid(start, id, "alice", dec("800"))
	h.Bid(start.Add(time.Hour), id, "bob", dec("1000"))
	h.BidLot(start.Add(2*time.Hour), id, "alice", dec("9.5"))
	st, _ := h.Status(start.Add(2*time.Hour), id)
	fmt.Println("ends", st.End.Sub(start), "next lot at most", st.MaxLot)
	r, _ := h.Settle(st.End, id)
	fmt.Println("winner", r.Winner, "sold", r.Settlement.CollateralSold, "returned", r.Settlement.CollateralReturned,
		"recovered", r.Settlement.DebtRecovered)
	// Output:
	// liquidation: bid too low: bid 1, minimum 800
	// ends 5h0m0s next lot at most 9.025
	// winner alice sold 9.5 returned 0.5 recovered 1000
}

// A sealed-bid batch auction: one uniform price, pro rata at the margin.
// A's 105 fills first; B and C both bid the clearing price 100 for the 6
// units left and share them 4 : 2 by size (largest remainder); everyone pays
// 100. The tab 900 is raised and the 100 above it goes to the owner.
func ExampleBatchHouse() {
	h, _ := liquidation.NewBatchHouse(liquidation.BatchSettings{Market: "ETH-A", ReserveRatio: dec("0.8")})
	id, _, _ := h.Open(start, liquidation.AuctionParams{Tab: dec("900"), Lot: dec("10"), Owner: "vault-7", Price: dec("100")},
		start.Add(10*time.Minute))
	h.Bid(start, id, "A", dec("4"), dec("105"))
	h.Bid(start, id, "B", dec("6"), dec("100"))
	h.Bid(start, id, "C", dec("3"), dec("100"))
	h.Bid(start, id, "D", dec("5"), dec("90"))
	r, _ := h.Clear(start.Add(10*time.Minute), id)
	fmt.Println("clearing price", r.ClearingPrice)
	for _, f := range r.Fills {
		fmt.Println(f.Bidder, "filled", f.Filled, "pays", f.Paid)
	}
	fmt.Println("recovered", r.Settlement.DebtRecovered, "surplus to owner", r.Settlement.Surplus)
	// Output:
	// clearing price 100
	// A filled 4 pays 400
	// B filled 4 pays 400
	// C filled 2 pays 200
	// D filled 0 pays 0
	// recovered 900 surplus to owner 100
}

// The engine plans worst-first under a per-market cap (Maker hole); the
// host commits what it executes and releases debt as auctions pay it.
func ExampleEngine() {
	e, _ := liquidation.NewEngine(liquidation.EngineSettings{
		Penalty: dec("0.1"), Dust: dec("50"),
		MarketCaps: map[string]decimal.Decimal{"ETH": dec("500")},
	})
	accounts := []liquidation.Account{
		liquidation.StaticAccount{ID: "healthy", EquityValue: dec("300"), MaintenanceValue: dec("200"), DebtValue: dec("1000"),
			Legs: []liquidation.Position{{Market: "ETH", Size: dec("10"), Debt: dec("1000")}}},
		liquidation.StaticAccount{ID: "mild", EquityValue: dec("192"), MaintenanceValue: dec("200"), DebtValue: dec("1000"),
			Legs: []liquidation.Position{{Market: "ETH", Size: dec("10"), Debt: dec("1000")}}},
		liquidation.StaticAccount{ID: "deep", EquityValue: dec("150"), MaintenanceValue: dec("200"), DebtValue: dec("1000"),
			Legs: []liquidation.Position{{Market: "ETH", Size: dec("10"), Debt: dec("1000")}}},
	}
	plan, _ := e.Plan(start, accounts)
	for _, o := range plan.Orders {
		fmt.Println(o.Account, "health", o.Health, "close", o.Debt, "auction lot", o.Lot, "tab", o.Tab)
	}
	for _, s := range plan.Skipped {
		fmt.Println("skipped", s.Account, s.Reason)
	}
	e.Commit(start, plan.Orders)
	fmt.Println("ETH under auction", e.MarketDebtUnderAuction("ETH"))
	// Output:
	// deep health 0.75 close 454.545454545454545454 auction lot 4.545454545454545454 tab 500
	// skipped mild cap
	// ETH under auction 500
}

// MakerDAO's ETH-A Clipper (dated preset): a 10 ETH vault kicked at an
// oracle price of 2,000 starts at 2,200 (buf 110%) and falls 1% every 90 s
// (2,200 × 0.99^10 = 1,989.64 at 900 s). After 79 steps the price is
// 45.2% of top; after 80 steps (7,200 s) 44.75%, below cusp 45%, so it
// needs a redo before tail would ask for one. Keeper reward on kick: 250 +
// 0.1% × tab; chost = dust × chop = 7,500 × 1.13.
func ExampleMakerETHAClipper() {
	h, err := liquidation.NewDutchHouse(liquidation.MakerETHAClipper())
	if err != nil {
		fmt.Println(err)
		return
	}
	k, _ := h.Kick(start, liquidation.KickParams{Tab: dec("16950"), Lot: dec("10"), Owner: "vault", Price: dec("2000"), Penalty: dec("1950")})
	fmt.Println("top", k.Top, "reward", k.Reward, "chost", h.Chost())
	for _, s := range []int{89, 90, 900, 7199, 7200} {
		st, _ := h.Status(start.Add(time.Duration(s)*time.Second), k.ID)
		fmt.Printf("t=%4ds price %s needs redo %v\n", s, st.Price.StringFixed(2), st.NeedsRedo)
	}
	// Output:
	// top 2200 reward 266.95 chost 8475
	// t=  89s price 2200.00 needs redo false
	// t=  90s price 2178.00 needs redo false
	// t= 900s price 1989.64 needs redo false
	// t=7199s price 994.50 needs redo false
	// t=7200s price 984.55 needs redo true
}

// MakerDAO's Dog for ETH-A (dated preset): a vault below its liquidation
// ratio is liquidated whole, tab = debt × 1.13.
func ExampleMakerETHADog() {
	e, _ := liquidation.NewEngine(liquidation.MakerETHADog())
	vault := liquidation.StaticAccount{ID: "vault", EquityValue: dec("4000"), MaintenanceValue: dec("7500"), DebtValue: dec("15000"),
		CollateralValue: dec("19000"), Legs: []liquidation.Position{{Market: "ETH-A", Size: dec("10"), Value: dec("19000"), Debt: dec("15000")}}}
	p, _ := e.Plan(start, []liquidation.Account{vault})
	o := p.Orders[0]
	fmt.Println("debt", o.Debt, "lot", o.Lot, "tab", o.Tab, "full", o.Full)
	// Output:
	// debt 15000 lot 10 tab 16950 full true
}

// Aave v3.3's close factor (dated preset): at a health factor above 0.95
// a liquidation closes at most half the debt; at exactly 0.95 (Aave's
// `healthFactor > CLOSE_FACTOR_HF_THRESHOLD ? 50% : 100%`) all of it.
func ExampleAaveV3Engine() {
	e, _ := liquidation.NewEngine(liquidation.AaveV3Engine())
	for _, hf := range []string{"0.96", "0.95"} {
		a := liquidation.StaticAccount{ID: "user", EquityValue: dec(hf).Mul(dec("10000")), MaintenanceValue: dec("10000"),
			DebtValue: dec("10000"), CollateralValue: dec("12000"),
			Legs: []liquidation.Position{{Market: "WETH", Size: dec("4"), Value: dec("12000"), Debt: dec("10000")}}}
		p, _ := e.Plan(start, []liquidation.Account{a})
		fmt.Printf("health %s: closes %s of 10000\n", hf, p.Orders[0].Debt.StringFixed(2))
	}
	// Output:
	// health 0.96: closes 5000.00 of 10000
	// health 0.95: closes 10000.00 of 10000
}

// A kick delivered twice — a retried request, or the host's input log
// replayed on a standby restored from a snapshot — starts one auction: the
// repeat returns the first result. The same key with another lot is
// refused.
func ExampleKickParams_idempotent() {
	curve, _ := liquidation.NewLinearDecrease(time.Hour)
	house, _ := liquidation.NewDutchHouse(liquidation.DutchSettings{Market: "ETH", Curve: curve, Buf: dec("1.2"),
		Tail: 2 * time.Hour, Cusp: dec("0.5"), Chop: dec("1.1")})
	kick := liquidation.KickParams{Tab: dec("1100"), Lot: dec("1"), Owner: "alice", Price: dec("1500"), Key: "log-000042"}
	first, _ := house.Kick(start, kick)
	standby, _ := liquidation.RestoreDutchHouse(liquidation.DutchSettings{Market: "ETH", Curve: curve, Buf: dec("1.2"),
		Tail: 2 * time.Hour, Cusp: dec("0.5"), Chop: dec("1.1")}, house.Snapshot())
	again, _ := standby.Kick(start, kick) // replayed on the standby
	fmt.Println("auction", first.ID, "then", again.ID, "- running on the standby:", len(standby.Active()))
	kick.Lot = dec("2")
	_, err := standby.Kick(start, kick)
	fmt.Println(err)
	// Output:
	// auction 1 then 1 - running on the standby: 1
	// liquidation: idempotency key reused with a different input: key "log-000042" was used for a kick with other parameters
}

// Fixed-spread liquidation, the lending way: Aave v3.3's liquidationCall
// (the v3.3 features doc's 1,200 $ collateral / 900 $ debt position at a
// health factor of 0.96, small enough for a 100% close factor) and
// Compound III's store-front price (comet's own quote test: 200 USDC buy
// 1.25 COMP at a 20% discount).
func ExampleLiquidationCall() {
	r, _ := liquidation.LiquidationCall(liquidation.AaveLiquidation{
		DebtToCover: dec("900"), ReserveDebt: dec("900"), CollateralBalance: dec("1200"), TotalDebtBase: dec("900"),
		DebtPrice: dec("1"), CollateralPrice: dec("1"), DebtDecimals: 6, CollateralDecimals: 18,
		HealthFactor: dec("0.96"), LiquidationBonus: dec("1.05"), ProtocolFee: dec("0.1"),
		MinBaseMaxCloseFactorThreshold: dec("1000")})
	fmt.Println("repaid", r.DebtRepaid, "liquidator gets", r.CollateralToLiquidator, "protocol fee", r.ProtocolFee)
	q, _ := liquidation.QuoteCollateral(liquidation.CompoundQuote{BaseAmount: dec("200"), BasePrice: dec("1"),
		AssetPrice: dec("200"), StoreFrontPriceFactor: dec("0.5"), LiquidationFactor: dec("0.6"), AssetDecimals: 18})
	fmt.Println("200 USDC buy", q, "COMP")
	// Output:
	// repaid 900 liquidator gets 940.5 protocol fee 4.5
	// 200 USDC buy 1.25 COMP
}
