package breaker

import (
	"encoding/json"
	"time"

	"github.com/shopspring/decimal"
)

// fataler is what testing.T, testing.B and rapid.T share for viaJSON.
type fataler interface {
	Helper()
	Fatal(args ...any)
}

// viaJSON returns snap after a JSON round trip — what a standby node
// receives — failing the test if it does not encode or decode.
func viaJSON[S any](t fataler, snap S) S {
	t.Helper()
	raw, err := json.Marshal(snap)
	if err != nil {
		t.Fatal(err)
	}
	var out S
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// observe calls Market.Observe (one place to adapt if its signature moves).
func observe(m *Market, price decimal.Decimal, now time.Time) (Decision, error) {
	return m.Observe(now, price)
}

// errOf returns the error of a call that also returns its events.
func errOf(_ []Event, err error) error { return err }

// mustBands unwraps LULDBands for a tier known to be valid.
func mustBands(s BandSettings, err error) BandSettings {
	if err != nil {
		panic(err)
	}
	return s
}
