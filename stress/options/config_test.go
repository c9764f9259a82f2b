package options

import (
	"errors"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
)

// TestConfigRefused: every out-of-range field is refused by New with
// ErrConfig, before any state is built.
func TestConfigRefused(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  Config
	}{
		{"accounts above the bound", Config{Accounts: MaxAccounts + 1}},
		{"negative accounts", Config{Accounts: -1}},
		{"unknown preset", Config{Preset: "tims"}},
		{"short share above 1", Config{ShortShare: d("1.01")}},
		{"short share finer than 2 places", Config{ShortShare: d("0.555")}},
		{"headroom above 10", Config{Headroom: d("11")}},
		{"fund finer than cents", Config{InsuranceFund: d("1000.001")}},
		{"penalty above 0.2", Config{Penalty: d("0.3")}},
		{"negative vol", Config{Vol: d("-0.5")}},
		{"vol above 3", Config{Vol: d("3.5")}},
		{"vol beta above 10", Config{VolBeta: d("11")}},
		{"absurd exponent", Config{InsuranceFund: decimal.New(1, 2147483000)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := New(tc.cfg, 1); !errors.Is(err, ErrConfig) {
				t.Fatalf("New: %v, want ErrConfig", err)
			}
		})
	}
}

// TestSetEveryParameter: every listed parameter parses and leaves a Config
// New accepts; an unknown one and an unparsable value change nothing.
func TestSetEveryParameter(t *testing.T) {
	values := map[string]string{"accounts": "20", "preset": "span", "short-share": "0", "headroom": "0.25", "fund": "0",
		"penalty": "0.01", "vol": "0.8", "vol-beta": "0", "crash": "0.5", "recovery": "0", "crash-minutes": "5", "noise-bp": "0"}
	for _, p := range Parameters() {
		name, _, _ := strings.Cut(p, ":")
		v, ok := values[name]
		if !ok {
			t.Fatalf("parameter %q has no test value", name)
		}
		var cfg Config
		if err := cfg.Set(name, v); err != nil {
			t.Fatalf("Set(%q, %q): %v", name, v, err)
		}
		if _, err := New(cfg, 1); err != nil {
			t.Fatalf("%s=%s: New: %v", name, v, err)
		}
		if _, err := DefaultCrash(cfg); err != nil {
			t.Fatalf("%s=%s: DefaultCrash: %v", name, v, err)
		}
	}
	cfg := Config{Accounts: 7}
	for _, bad := range [][2]string{{"leverage", "5"}, {"accounts", "x"}, {"fund", "1e"}} {
		if err := cfg.Set(bad[0], bad[1]); !errors.Is(err, ErrConfig) || cfg.Accounts != 7 {
			t.Fatalf("Set(%q, %q): %v, cfg %+v", bad[0], bad[1], err, cfg)
		}
	}
}
