package num_test

import (
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
)

func ExampleDiv() {
	one, three := decimal.NewFromInt(1), decimal.NewFromInt(3)
	fmt.Println(num.Div(one, three, 2, num.Ceil), num.Div(one, three, 2, num.Floor))
	// Output: 0.34 0.33
}

func ExampleProRata() {
	shares, _ := num.ProRata(decimal.NewFromInt(100),
		[]decimal.Decimal{decimal.NewFromInt(1), decimal.NewFromInt(1), decimal.NewFromInt(1)}, 2)
	fmt.Println(shares)
	// Output: [33.34 33.33 33.33]
}
