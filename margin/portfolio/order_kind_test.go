package portfolio

import (
	"errors"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

// TestCheckOrderRefusesRiskArray: a RiskArray carries no premium or entry
// the engine can value, so an order on one is refused. Review of issue 17:
// selling one McMillan SP future array (ContractSize 500) at 410 credited
// 205,000 to a zero wallet as if it were an option premium and was
// accepted against a 10,000 maintenance. Mutation seen failing: the old
// `default:` branch crediting every non-future as a premium.
func TestCheckOrderRefusesRiskArray(t *testing.T) {
	future := ds("0", "0", "3330", "3330", "-3330", "-3330", "6670", "6670", "-6670", "-6670", "10000", "10000", "-10000", "-10000", "7000", "-7000")
	e, err := New(Settings{
		Underlyings: []Underlying{{ID: "SP", ScanAmount: d("20")}},
		Instruments: []Instrument{{ID: "SP-DEC", Underlying: "SP", Kind: RiskArray, ContractSize: d("500"), Array: future}},
		Grid:        SPAN16(d("0.05"), 0),
		Scale:       2,
	})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC)
	m := Marks{Prices: map[string]decimal.Decimal{"SP": d("410")}}
	dec, err := e.CheckOrder(now, Account{ID: "a"}, Order{Instrument: "SP-DEC", Size: d("-1"), Price: d("410")}, m)
	if !errors.Is(err, ErrInvalidInput) {
		t.Fatalf("RiskArray order: err %v, decision accepted %v wallet %s; want ErrInvalidInput", err, dec.Accepted, dec.Account.Wallet)
	}
}

// TestCheckOrderRefusesExpiredOption: a new order on an option at or past
// its expiry is refused with ErrInvalidInput (review of issue 17: it was
// checked at intrinsic value and accepted). Mutation seen failing: the
// expiry check in CheckOrder removed.
func TestCheckOrderRefusesExpiredOption(t *testing.T) {
	e, m := hedgeEngine(t)
	exp := propNow.Add(30 * 24 * time.Hour)
	acct := Account{ID: "a", Wallet: d("1000000")}
	for _, now := range []time.Time{exp, exp.Add(time.Second), exp.Add(24 * time.Hour)} {
		_, err := e.CheckOrder(now, acct, Order{Instrument: "C100", Size: d("1"), Price: d("1")}, m)
		if !errors.Is(err, ErrInvalidInput) {
			t.Errorf("order at %s (expiry %s): err %v, want ErrInvalidInput", now, exp, err)
		}
	}
	// Before expiry the same order is checked, and a future is never expired.
	if _, err := e.CheckOrder(exp.Add(-time.Minute), acct, Order{Instrument: "C100", Size: d("1"), Price: d("1")}, m); err != nil {
		t.Errorf("order a minute before expiry: %v", err)
	}
	if _, err := e.CheckOrder(exp.Add(time.Hour), acct, Order{Instrument: "PERP", Size: d("1"), Price: d("100000")}, m); err != nil {
		t.Errorf("perpetual after the option's expiry: %v", err)
	}
}
