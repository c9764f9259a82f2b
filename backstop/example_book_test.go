package backstop_test

import (
	"fmt"
	"time"

	"github.com/failsafe-fi/failsafe/backstop"
)

// One ranking serves every shortfall of a step: two bankrupt longs are
// deleveraged against the shorts, the second drawing what the first left.
func ExampleADLBook() {
	now := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
	book, _ := backstop.NewADLBook(dec("100"), nil, []backstop.Position{ // nil: BitMEXRank
		{Account: "s1", Size: dec("-2"), EntryPrice: dec("150"), BankruptcyPrice: dec("200")},
		{Account: "s2", Size: dec("-3"), EntryPrice: dec("120"), BankruptcyPrice: dec("180")},
	})
	for i, loss := range []string{"30", "20"} {
		bankrupt := backstop.Position{Account: fmt.Sprintf("bad%d", i), Size: dec("4"), EntryPrice: dec("100"), BankruptcyPrice: dec("110")}
		adl, _ := backstop.NewADLLayer(backstop.ADLSettings{Request: backstop.DeleverageRequest{Bankrupt: bankrupt}, Book: book, SizeUnit: dec("1")})
		_, _, _ = adl.Absorb(now, dec(loss), "shortfall")
		for _, f := range adl.Fills() {
			fmt.Printf("%s: %s closed %s, left %s\n", bankrupt.Account, f.Account, f.Closed, f.After)
		}
	}
	fmt.Println("still in the book:", len(book.Queue(false)))
	// Output:
	// bad0: s1 closed 2, left 0
	// bad0: s2 closed 1, left -2
	// bad1: s2 closed 2, left 0
	// still in the book: 0
}

// A deposit replayed under its idempotency key is counted once.
func ExampleInsuranceFund_Deposit_idempotent() {
	now := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
	fund, _ := backstop.NewInsuranceFund(backstop.FundSettings{Unit: dec("0.01")})
	for range 2 { // the second is a replay from the host's log
		_, _ = fund.Deposit(now, "fees-2026-12-02", "shared", dec("250"), "fees", "daily fees")
	}
	_, err := fund.Deposit(now, "fees-2026-12-02", "shared", dec("300"), "fees", "daily fees")
	bal, _ := fund.Balance("shared")
	fmt.Println(bal, err != nil)
	// Output: 250 true
}
