package lending

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// The zero Config is the pool of examples/lending, every default as its
// field's doc comment says.
func TestConfigDefaults(t *testing.T) {
	got, err := Config{}.Resolved()
	if err != nil {
		t.Fatal(err)
	}
	want := Config{Mechanism: Dutch, Borrowers: 200, Keepers: 5, KeeperCapital: d("1500000"), LTV: d("0.805"),
		LiquidationThreshold: d("0.83"), LiquidationBonus: d("1.05"), CloseFactor: d("0.5"), Dust: d("5000"), Reserve: d("0.8"),
		EnglishBeg: d("0.03"), EnglishTTL: 10 * time.Minute, EnglishTau: 6 * time.Hour, DutchBuf: d("1.2"), DutchCut: d("0.99"),
		DutchStep: 90 * time.Second, DutchTail: 2 * time.Hour, DutchCusp: d("0.45"), DutchTip: d("100"), DutchChip: d("0.001"),
		ProtocolFee: d("0.1"), StoreFrontPriceFactor: d("0.5"), Surplus: d("500000")}
	if diff := cmp.Diff(want, got, decCmp); diff != "" {
		t.Errorf("defaults (-want +got):\n%s", diff)
	}
	if got, _ := (Config{NoSurplus: true}).Resolved(); !got.Surplus.IsZero() {
		t.Errorf("NoSurplus: surplus %s", got.Surplus)
	}
}

// Every sweep parameter sets its field; Parameters lists them all.
func TestSetEveryParameter(t *testing.T) {
	tests := []struct {
		name, value string
		get         func(Config) string
	}{
		{"mechanism", "fixed-spread", func(c Config) string { return string(c.Mechanism) }},
		{"borrowers", "1000", func(c Config) string { return itoa(c.Borrowers) }},
		{"keepers", "7", func(c Config) string { return itoa(c.Keepers) }},
		{"keeper-capital", "250000", func(c Config) string { return c.KeeperCapital.String() }},
		{"ltv", "0.7", func(c Config) string { return c.LTV.String() }},
		{"liquidation-threshold", "0.9", func(c Config) string { return c.LiquidationThreshold.String() }},
		{"liquidation-bonus", "1.1", func(c Config) string { return c.LiquidationBonus.String() }},
		{"close-factor", "1", func(c Config) string { return c.CloseFactor.String() }},
		{"dust", "10000", func(c Config) string { return c.Dust.String() }},
		{"reserve", "0.9", func(c Config) string { return c.Reserve.String() }},
		{"english-beg", "0.05", func(c Config) string { return c.EnglishBeg.String() }},
		{"english-ttl", "3h", func(c Config) string { return c.EnglishTTL.String() }},
		{"english-tau", "48h", func(c Config) string { return c.EnglishTau.String() }},
		{"dutch-buf", "1.1", func(c Config) string { return c.DutchBuf.String() }},
		{"dutch-cut", "0.98", func(c Config) string { return c.DutchCut.String() }},
		{"dutch-step", "60s", func(c Config) string { return c.DutchStep.String() }},
		{"dutch-tail", "1h", func(c Config) string { return c.DutchTail.String() }},
		{"dutch-cusp", "0.4", func(c Config) string { return c.DutchCusp.String() }},
		{"dutch-tip", "50", func(c Config) string { return c.DutchTip.String() }},
		{"dutch-chip", "0.002", func(c Config) string { return c.DutchChip.String() }},
		{"protocol-fee", "0.2", func(c Config) string { return c.ProtocolFee.String() }},
		{"store-front", "0.6", func(c Config) string { return c.StoreFrontPriceFactor.String() }},
		{"surplus", "2000000", func(c Config) string { return c.Surplus.String() }},
	}
	if len(tests) != len(Parameters()) {
		t.Fatalf("%d parameters tested, Parameters lists %d: %v", len(tests), len(Parameters()), Parameters())
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var c Config
			if err := c.Set(tc.name, tc.value); err != nil {
				t.Fatal(err)
			}
			want := tc.value
			if dur, err := time.ParseDuration(tc.value); err == nil {
				want = dur.String()
			}
			if got := tc.get(c); got != want {
				t.Errorf("%s = %s, want %s", tc.name, got, want)
			}
		})
	}
	var c Config
	if err := c.Set("surplus", "0"); err != nil || !c.NoSurplus {
		t.Errorf(`Set("surplus", "0"): %v, NoSurplus %v`, err, c.NoSurplus)
	}
	if r, _ := c.Resolved(); !r.Surplus.IsZero() {
		t.Errorf("an emptied buffer resolves to %s", r.Surplus)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// Bad values are refused with ErrInvalidConfig, naming the problem, and
// leave the Config unchanged.
func TestSetRefuses(t *testing.T) {
	tests := []struct{ name, param, value, want string }{
		{"unknown parameter", "leverage", "3", "unknown parameter"},
		{"unknown mechanism", "mechanism", "batch", "unknown"},
		{"not an integer", "borrowers", "many", "not an integer"},
		{"too many borrowers", "borrowers", "5001", "Borrowers"},
		{"no keepers", "keepers", "-1", "Keepers"},
		{"not a decimal", "ltv", "high", "not a number"},
		{"absurd exponent", "dust", "1e-2000000000", "dust"},
		{"too long", "dust", "1111111111111111111111111111111111111111111", "characters"},
		{"LTV above the threshold", "ltv", "0.9", "above the liquidation threshold"},
		{"threshold × bonus above 1", "liquidation-bonus", "1.3", "exceeds 1"},
		{"bonus of 1", "liquidation-bonus", "1", "LiquidationBonus"},
		{"bonus too fine", "liquidation-bonus", "1.00001", "places"},
		{"threshold of 1", "liquidation-threshold", "1", "LiquidationThreshold"},
		{"not a duration", "dutch-step", "soon", "not a duration"},
		{"step too long", "dutch-step", "2h", "DutchStep"},
		{"tau shorter than ttl", "english-tau", "5m", "EnglishTau"},
		{"cut of 1", "dutch-cut", "1", "DutchCut"},
		{"negative surplus", "surplus", "-1", "Surplus"},
		{"protocol fee above 1", "protocol-fee", "1.5", "ProtocolFee"},
		{"store front of 0 (the default)", "store-front", "-0.1", "StoreFrontPriceFactor"},
		// clip.sol: a dust-sized lot's penalty must pay the keeper's tip and chip.
		{"Clipper incentives above the dust penalty", "dutch-tip", "1000", "must exceed"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := Config{Borrowers: 17}
			before := c
			err := c.Set(tc.param, tc.value)
			if !errors.Is(err, ErrInvalidConfig) || !contains(err.Error(), tc.want) {
				t.Fatalf("Set(%q, %q) = %v, want ErrInvalidConfig with %q", tc.param, tc.value, err, tc.want)
			}
			if diff := cmp.Diff(before, c, decCmp); diff != "" {
				t.Errorf("a refused Set changed the config:\n%s", diff)
			}
		})
	}
	if _, err := New(Config{Borrowers: -3}, 1); !errors.Is(err, ErrInvalidConfig) {
		t.Errorf("New with -3 borrowers: %v", err)
	}
	if _, err := Factory(Config{Mechanism: "auction"}); !errors.Is(err, ErrInvalidConfig) {
		t.Errorf("Factory with an unknown mechanism: %v", err)
	}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }
