package perp

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/stress"
)

// Set parses each documented name into its field; "0" where zero would
// mean the default sets the documented none; an unknown name or a bad
// value is refused and changes nothing.
func TestSet(t *testing.T) {
	for _, c := range []struct {
		name, value string
		want        func(*Config)
	}{
		{"accounts", "2500", func(c *Config) { c.Accounts = 2500 }},
		{"maintenance", "0.05", func(c *Config) { c.MaintenanceRate = d("0.05") }},
		{"leverage", "10", func(c *Config) { c.MaxLeverage = d("10") }},
		{"fund", "250000", func(c *Config) { c.InsuranceFund = d("250000") }},
		{"fund", "0", func(c *Config) { c.InsuranceFund = d("-1") }},
		{"penalty", "0.015", func(c *Config) { c.Penalty = d("0.015") }},
		{"auction-step", "0.02", func(c *Config) { c.AuctionStep = d("0.02") }},
		{"auction-start", "0", func(c *Config) { c.AuctionStart = d("-1") }},
		{"keepers", "3", func(c *Config) { c.Keepers = 3 }},
		{"keeper-capital", "1000000", func(c *Config) { c.KeeperCapital = d("1000000") }},
		{"keeper-online", "50", func(c *Config) { c.KeeperOnline = 50 }},
		{"crash", "-0.3", func(c *Config) { c.Crash.Depth = d("-0.3") }},
		{"recovery", "0", func(c *Config) { c.Crash.Recovery = d("-1") }},
		{"crash-minutes", "5", func(c *Config) { c.Crash.Minutes = 5 }},
		{"noise-bp", "0", func(c *Config) { c.Crash.NoiseBP = -1 }},
		{"settle-ticks", "60", func(c *Config) { c.Crash.SettleTicks = 60 }},
	} {
		t.Run(c.name+"="+c.value, func(t *testing.T) {
			var got, want Config
			if err := got.Set(c.name, c.value); err != nil {
				t.Fatal(err)
			}
			c.want(&want)
			if diff := cmp.Diff(want, got, decimalEqual); diff != "" {
				t.Error(diff)
			}
			if _, err := got.Defaults(); err != nil {
				t.Errorf("a value Set accepted is refused by New: %v", err)
			}
		})
	}
	for _, c := range [][2]string{{"leverage-max", "3"}, {"accounts", "1.5"}, {"fund", "lots"}, {"maintenance", "1e99999999999"},
		{"crash", strings.Repeat("9", 41)}} {
		cfg := Config{Accounts: 7}
		if err := cfg.Set(c[0], c[1]); !errors.Is(err, ErrConfig) || cfg.Accounts != 7 {
			t.Errorf("Set(%q, %q) = %v, config %+v", c[0], c[1], err, cfg)
		}
	}
	if n := len(Parameters()); n != len(params) || !strings.HasPrefix(Parameters()[0], "accounts: ") {
		t.Errorf("Parameters() = %v", Parameters())
	}
}

// New refuses every out-of-range field with ErrConfig; the boundaries
// themselves are accepted.
func TestConfigBounds(t *testing.T) {
	for _, c := range []struct {
		name string
		cfg  Config
		ok   bool
	}{
		{"zero value", Config{}, true},
		{"a million accounts", Config{Accounts: MaxAccounts}, true},
		{"one more", Config{Accounts: MaxAccounts + 1}, false},
		{"negative accounts", Config{Accounts: -1}, false},
		{"maintenance 0.4", Config{MaintenanceRate: d("0.4"), MaxLeverage: d("2")}, true},
		{"maintenance above 0.4", Config{MaintenanceRate: d("0.4001"), MaxLeverage: d("2")}, false},
		{"maintenance × leverage = 1", Config{MaintenanceRate: d("0.05"), MaxLeverage: d("20")}, false},
		{"maintenance × leverage just below 1", Config{MaintenanceRate: d("0.0499"), MaxLeverage: d("20")}, true},
		{"fractional leverage", Config{MaxLeverage: d("2.5")}, false},
		{"leverage 101", Config{MaintenanceRate: d("0.001"), MaxLeverage: d("101")}, false},
		{"penalty below 0.001", Config{Penalty: d("0.0009")}, false},
		{"penalty 0.2", Config{Penalty: d("0.2")}, true},
		{"auction step 0.5", Config{AuctionStep: d("0.5")}, true},
		{"auction step above 0.5", Config{AuctionStep: d("0.5001")}, false},
		{"auction start 0.5", Config{AuctionStart: d("0.5")}, false},
		{"fund finer than a cent", Config{InsuranceFund: d("10.001")}, false},
		{"keepers 101", Config{Keepers: 101}, false},
		{"keeper online 101", Config{KeeperOnline: 101}, false},
		{"keeper capital negative", Config{KeeperCapital: d("-5")}, false},
		{"crash above 0.9", Config{Crash: Crash{Depth: d("0.95")}}, false},
		{"crash too fine", Config{Crash: Crash{Depth: d("0.123456")}}, false},
		{"recovery above 1", Config{Crash: Crash{Recovery: d("1.5")}}, false},
		{"noise 501 bp", Config{Crash: Crash{NoiseBP: 501}}, false},
		{"crash minutes 121", Config{Crash: Crash{Minutes: 121}}, false},
		{"settle ticks 10,001", Config{Crash: Crash{SettleTicks: 10_001}}, false},
		{"absurd exponent", Config{InsuranceFund: decimal.New(1, 1<<30)}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := New(c.cfg, 1)
			if c.ok != (err == nil) || (err != nil && !errors.Is(err, ErrConfig)) {
				t.Errorf("New: %v, want ok=%v", err, c.ok)
			}
		})
	}
}

// The default table is the cascade's; a higher maintenance rate moves
// every tier by the same amount, and a lower max leverage caps every tier.
func TestTiers(t *testing.T) {
	def, err := Config{}.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	base := tiers(def.Config)
	if !base[0].MaintenanceRate.Equal(d("0.03")) || !base[0].MaxLeverage.Equal(d("20")) || !base[9].MaintenanceRate.Equal(d("0.5")) {
		t.Fatalf("default table changed: %+v", base)
	}
	s, err := Config{MaintenanceRate: d("0.05"), MaxLeverage: d("10")}.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	for i, tr := range tiers(s.Config) {
		if !tr.MaintenanceRate.Equal(base[i].MaintenanceRate.Add(d("0.02"))) || tr.MaxLeverage.GreaterThan(d("10")) ||
			tr.MaxLeverage.Mul(tr.MaintenanceRate).GreaterThan(d("1")) {
			t.Errorf("tier %d: %+v", i, tr)
		}
	}
}

// Bad ticks are refused with ErrTick and change nothing.
func TestStepRefusesBadTicks(t *testing.T) {
	gen, err := DefaultCrash(Config{Accounts: 10})
	if err != nil {
		t.Fatal(err)
	}
	sc, _ := gen.Scenario(1)
	m, err := New(Config{Accounts: 10}, 1)
	if err != nil {
		t.Fatal(err)
	}
	first, _, _ := sc.Next()
	if err := m.Step(first); err != nil {
		t.Fatal(err)
	}
	next, _, _ := sc.Next()
	for name, bad := range map[string]func(tk *stress.Tick){
		"congestion 101": func(tk *stress.Tick) { tk.Congestion = 101 },
		"congestion -1":  func(tk *stress.Tick) { tk.Congestion = -1 },
		"zero price":     func(tk *stress.Tick) { tk.Price = decimal.Zero },
		"back in time":   func(tk *stress.Tick) { tk.Time = first.Time.Add(-Interval) },
		"negative price": func(tk *stress.Tick) { tk.Price = d("-1") },
	} {
		tk := next
		bad(&tk)
		if err := m.Step(tk); !errors.Is(err, ErrTick) {
			t.Errorf("%s: %v", name, err)
		}
		if m.Outcome().Ticks != 1 {
			t.Errorf("%s changed the model", name)
		}
	}
	if err := m.Step(next); err != nil {
		t.Fatal(err)
	}
}
