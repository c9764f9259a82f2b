package portfolio

import (
	"testing"

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"

	"github.com/failsafe-fi/failsafe/internal/testkit"
)

// TestCheckOrderFavourableLimit: an order the check refuses at the mark
// is still refused at an absurdly favourable limit — an option bought
// far below its mark or sold far above it, a future bought far below the
// price or sold far above it. The what-if account books the order at the
// worse of its limit and the mark (Binance's "open loss", no credit for a
// favourable price). Review of issue 17: CheckOrder booked the limit, so
// the after-account showed the gap as instant profit and the order was
// accepted. Mutation seen failing: CheckOrder booking o.Price (the old
// path).
func TestCheckOrderFavourableLimit(t *testing.T) {
	e, m := hedgeEngine(t)
	a, err := e.Arrays(propNow, m, "C100")
	if err != nil {
		t.Fatal(err)
	}
	mark := wDec(a.arr[e.instIdx["C100"]].w0).Mul(d("100000")).Round(2) // ≈ 5,700
	cases := []struct {
		name       string
		o          Order
		fair, wild string
	}{
		{"buy calls far below the mark", Order{Instrument: "C100", Size: d("10")}, mark.String(), "0.01"},
		{"sell calls far above the mark", Order{Instrument: "C100", Size: d("-10")}, mark.String(), "1000000"},
		{"buy the perpetual far below the price", Order{Instrument: "PERP", Size: d("10")}, "100000", "1"},
		{"sell the perpetual far above the price", Order{Instrument: "PERP", Size: d("-10")}, "100000", "1000000"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			acct := Account{ID: "a", Wallet: d("1000")}
			o := c.o
			o.Price = d(c.fair)
			fair, err := e.CheckOrder(propNow, acct, o, m)
			if err != nil {
				t.Fatal(err)
			}
			if fair.Accepted {
				t.Fatalf("at the mark: accepted (%+v); the case needs a refusal", fair.After)
			}
			o.Price = d(c.wild)
			wild, err := e.CheckOrder(propNow, acct, o, m)
			if err != nil {
				t.Fatal(err)
			}
			if wild.Accepted {
				t.Fatalf("at %s: accepted, after %+v", c.wild, wild.After)
			}
			// The fair price is the mark rounded to cents: × 10 contracts.
			if wild.After.Equity.Cmp(fair.After.Equity.Add(d("0.1"))) > 0 {
				t.Errorf("equity after at %s: %s above at the mark: %s", c.wild, wild.After.Equity, fair.After.Equity)
			}
		})
	}
}

// TestPropCheckOrderNoLimitCredit: whatever the limit, the account after
// an order is never richer than after the same order at the mark (for an
// option its Black-76 value, for a future the price): a favourable limit
// earns nothing before it fills, so it never turns a refusal into an
// acceptance. Mutation seen failing: booking o.Price (the old path).
func TestPropCheckOrderNoLimitCredit(t *testing.T) {
	e, m := hedgeEngine(t)
	a, err := e.Arrays(propNow, m, "C100")
	if err != nil {
		t.Fatal(err)
	}
	marks := map[string]decimal.Decimal{"C100": wDec(a.arr[e.instIdx["C100"]].w0).Mul(d("100000")), "PERP": d("100000")}
	rapid.Check(t, func(t *rapid.T) {
		id := rapid.SampledFrom([]string{"C100", "PERP"}).Draw(t, "instrument")
		size := testkit.Decimal(1, 100_000, 3).Draw(t, "size")
		if rapid.Bool().Draw(t, "sell") {
			size = size.Neg()
		}
		acct := Account{ID: "a", Wallet: testkit.Decimal(0, 100_000_000, 2).Draw(t, "wallet")}
		at := func(price decimal.Decimal) Decision {
			dec, err := e.CheckOrder(propNow, acct, Order{Instrument: id, Size: size, Price: price}, m)
			if err != nil {
				t.Fatal(err)
			}
			return dec
		}
		fair := at(marks[id].Round(8))
		limit := testkit.Decimal(1, 100_000_000, 2).Draw(t, "limit")
		got := at(limit)
		tol := d("0.01") // the mark rounded to 8 places, × size, rounded at scale 2
		if got.After.Equity.Cmp(fair.After.Equity.Add(tol)) > 0 {
			t.Fatalf("%s %s at %s: equity after %s, at the mark %s", id, size, limit, got.After.Equity, fair.After.Equity)
		}
		if got.Accepted && !fair.Accepted && got.After.Equity.Cmp(fair.After.Equity) > 0 {
			t.Fatalf("%s %s at %s accepted, refused at the mark", id, size, limit)
		}
	})
}
