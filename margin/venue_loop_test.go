package margin

import (
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

// TestVenueLoop wires the pieces as a host would at each step: value the
// accounts (Risk), feed the margin-call protocol, pass its reduce-only
// verdict to the pre-trade check, and settle funding zero-sum.
func TestVenueLoop(t *testing.T) {
	mark := d("10000")
	prices := PriceFunc(func(_ time.Time, _ string) (decimal.Decimal, error) { return mark, nil })
	c, err := New(Settings{Markets: []Market{{ID: "BTCUSDT", Tiers: BinanceBTCUSDT20210318(), TakerFee: d("0.0004")}}, Prices: prices, Scale: 2})
	if err != nil {
		t.Fatal(err)
	}
	calls, _ := NewCalls(CryptoVenueCalls())
	accts := []Account{
		{ID: "long", Wallet: d("600"), Positions: []Position{{Market: "BTCUSDT", Size: d("5"), EntryPrice: d("10000")}}},
		{ID: "short", Wallet: d("50000"), Positions: []Position{{Market: "BTCUSDT", Size: d("-5"), EntryPrice: d("10000")}}},
	}
	var events []Event
	step := func(i int, price string) {
		mark = d(price)
		now := callT0.Add(time.Duration(i) * time.Hour)
		f, err := c.FundingPayments("BTCUSDT", mark, d("0.0001"), FundingBook("BTCUSDT", accts))
		if err != nil {
			t.Fatal(err)
		}
		if accts, err = ApplyFunding(accts, f); err != nil {
			t.Fatal(err)
		}
		for _, a := range accts {
			r, err := c.Risk(now, a)
			if err != nil {
				t.Fatal(err)
			}
			_, evs, err := calls.Update(now, a.ID, r, false)
			if err != nil {
				t.Fatal(err)
			}
			events = append(events, evs...)
		}
	}
	step(0, "10000") // long: equity 595 (funding 5 paid), maintenance 200: ratio 0.34
	step(1, "9920")  // equity 590.04 − 400 = 190.04 < maintenance 198.4: walks up to liquidation
	if st, _ := calls.Status("long"); st.State != CallLiquidation {
		t.Fatalf("long: %s", st.State)
	}
	if st, _ := calls.Status("short"); st.State != CallOK {
		t.Fatalf("short: %s", st.State)
	}
	if err := CheckCallEvents(events); err != nil {
		t.Fatal(err)
	}
	// The liquidated account may only reduce.
	ctx := OrderContext{ReduceOnly: calls.ReduceOnly("long")}
	if dec, _ := c.CheckOrderWith(callT0, accts[0], ctx, Order{Market: "BTCUSDT", Size: d("1")}); dec.Reason != ReasonReduceOnly {
		t.Fatalf("grow: %s", dec.Reason)
	}
	if dec, _ := c.CheckOrderWith(callT0, accts[0], ctx, Order{Market: "BTCUSDT", Size: d("-5")}); !dec.Accepted {
		t.Fatalf("close: %s", dec.Reason)
	}
	total := d("50600")
	if !sumWallets(accts).Equal(total) {
		t.Fatalf("funding not zero-sum: wallets %s, want %s", sumWallets(accts), total)
	}
}
