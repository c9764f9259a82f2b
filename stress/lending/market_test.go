package lending

import (
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/testkit"
)

var d = testkit.D

// The market: 194 at midnight, −43% a day later; the OSM lags by up to two
// hours; congestion peaks during the crash. (Moved from examples/lending.)
func TestMarket(t *testing.T) {
	m, err := NewMarket(Start, OpenPrice, d("0.43"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		at         time.Duration
		spot, osm  string
		congestion int
	}{
		{0, "194", "194", 0},
		{90 * time.Minute, "192.12305", "194", 0},     // 194 × (1 − 0.43 × 0.09 × 90/360)
		{24 * time.Hour, "110.58", "113.91679999", 0}, // OSM = spot at 23:00, the 2/3 step rounded down
		{48 * time.Hour, "110.58", "110.58", 0},
		{12 * time.Hour, "144.3651", "153.1242", 10000}, // OSM = spot at 11:00 = 194 × (1 − 0.43 × 0.49)
	}
	for _, tc := range tests {
		now := Start.Add(tc.at)
		if got := m.Spot(now); !got.Equal(d(tc.spot)) {
			t.Errorf("spot at %s = %s, want %s", tc.at, got, tc.spot)
		}
		if got := m.OSM(now); !got.Equal(d(tc.osm)) {
			t.Errorf("OSM at %s = %s, want %s", tc.at, got, tc.osm)
		}
		if got := m.CongestionBP(now); got != tc.congestion {
			t.Errorf("congestion at %s = %d, want %d", tc.at, got, tc.congestion)
		}
	}
}

// The model's OSM, built from oracle.Aggregator and oracle.Delayed (hop one
// hour, primed on the first tick), is the market's closed-form OSM at
// every minute of the Black Thursday replay: MakerDAO's OSM publishes the
// price of the start of the previous hour.
func TestModelOSMIsMarketOSM(t *testing.T) {
	g := BlackThursday{}
	m, err := g.Market()
	if err != nil {
		t.Fatal(err)
	}
	model, err := New(Config{Borrowers: 5}, 1)
	if err != nil {
		t.Fatal(err)
	}
	sc, err := g.Scenario(1)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for {
		tk, ok, err := sc.Next()
		if err != nil || !ok {
			break
		}
		if err := model.Step(tk); err != nil {
			t.Fatal(err)
		}
		osm, ok := model.OSM()
		if !ok || !osm.Equal(m.OSM(tk.Time)) {
			t.Fatalf("tick %d: model OSM %s (%v), market OSM %s", tk.Seq, osm, ok, m.OSM(tk.Time))
		}
		n++
	}
	if n != 4321 {
		t.Fatalf("%d ticks, want 72 h of minutes + 1 = 4321", n)
	}
}

// Bad markets are refused.
func TestNewMarketRefuses(t *testing.T) {
	for name, depth := range map[string]string{"zero": "0", "negative": "-0.1", "too deep": "0.96", "too fine": "0.123456789"} {
		if _, err := NewMarket(Start, OpenPrice, d(depth)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if _, err := NewMarket(Start, OpenPrice, decimal.New(1, -2000000000)); err == nil {
		t.Error("an absurd exponent: no error")
	}
}
