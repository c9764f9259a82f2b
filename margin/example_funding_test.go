package margin_test

import (
	"fmt"

	"github.com/failsafe-fi/failsafe/margin"
)

// One funding interval of BTCUSDT at a +0.01% rate, valued at the mark
// 10,000 (Binance: funding amount = nominal value × rate): the longs pay
// the shorts. The exact 3.003 is rounded down to 3.00 (Total) and each
// side splits it by largest remainder: the longs' floored shares 1.99 and
// 1.00 leave one cent, which goes to alice (cut-off remainder 0.008 vs
// bob's 0.002), so the payments sum to zero exactly.
func ExampleCalculator_FundingPayments() {
	calc, err := margin.New(margin.Settings{
		Markets: []margin.Market{{ID: "BTCUSDT", Tiers: margin.BinanceBTCUSDT20210318()}},
		Prices:  margin.StaticPrices{"BTCUSDT": dec("10000")},
		Scale:   2,
	})
	if err != nil {
		panic(err)
	}
	f, err := calc.FundingPayments("BTCUSDT", dec("10000"), dec("0.0001"), []margin.FundingPosition{
		{Account: "carol", Size: dec("-1.001")},
		{Account: "alice", Size: dec("2")},
		{Account: "bob", Size: dec("1.003")},
		{Account: "dave", Size: dec("-1.001")},
		{Account: "erin", Size: dec("-1.001")},
	})
	if err != nil {
		panic(err)
	}
	fmt.Println("longs pay:", f.LongsPay, "total:", f.Total)
	for _, p := range f.Payments {
		fmt.Printf("%-6s %6s\n", p.Account, p.Amount.StringFixed(2))
	}
	fmt.Println("zero-sum:", margin.CheckFunding(f) == nil)
	// Output:
	// longs pay: true total: 3
	// alice   -2.00
	// bob     -1.00
	// carol    1.00
	// dave     1.00
	// erin     1.00
	// zero-sum: true
}
