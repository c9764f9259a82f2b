package portfolio

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
)

func TestPresetShapes(t *testing.T) {
	span := SPAN16(d("0.05"), 86400)
	if len(span.Scenarios) != 16 || span.Scenarios[14].Steps != 6 || !span.Scenarios[15].Coverage.Equal(d("0.35")) {
		t.Errorf("SPAN16: %d scenarios, extreme %+v", len(span.Scenarios), span.Scenarios[14])
	}
	der := DeribitPM(DeribitBTCShock(), d("0.5"))
	if len(der.Scenarios) != 27+8 || der.Denominator != 4 || der.Scenarios[0].Steps != -4 || der.Scenarios[26].Steps != 4 {
		t.Errorf("DeribitPM: %d scenarios", len(der.Scenarios))
	}
	tims := TIMS(10)
	if len(tims.Scenarios) != 10 || tims.Scenarios[0].Steps != -9 || tims.Scenarios[9].Steps != 9 || tims.Denominator != 9 {
		t.Errorf("TIMS(10): %+v", tims)
	}
	for _, g := range []Grid{span, der, tims} {
		if err := g.validate(); err != nil {
			t.Errorf("%s: %v", g.Name, err)
		}
	}
}

// TestVegaPowerRule checks Deribit's shock size against a decimal
// reference: σ·(1 + 0.5·(30/days)^p) up (p = 0.30 up to 30 days, 0.13
// beyond), σ·(1 − 0.25·(30/days)^p) down, up-shocked at least 0.5.
func TestVegaPowerRule(t *testing.T) {
	e, err := New(Settings{Underlyings: []Underlying{{ID: "BTC", ScanFraction: d("0.16")}}, Grid: DeribitPM(DeribitBTCShock(), d("0.5"))})
	if err != nil {
		t.Fatal(err)
	}
	ref := func(sig decimal.Decimal, days int64, shock string, up bool) decimal.Decimal {
		p := d("0.3")
		if days > 30 {
			p = d("0.13")
		}
		ln, _ := num.Div(decimal.NewFromInt(30), decimal.NewFromInt(days), 30, num.HalfEven).Ln(30)
		f, _ := ln.Mul(p).ExpTaylor(30)
		if up {
			return decimal.Max(sig.Mul(decimal.NewFromInt(1).Add(d(shock).Mul(f))), d("0.5"))
		}
		return sig.Mul(decimal.NewFromInt(1).Sub(d(shock).Mul(f)))
	}
	for _, days := range []int64{1, 7, 15, 30, 60, 365} {
		for _, s := range []string{"0.3", "0.6", "1.2"} {
			var k kern
			sig := d(s)
			years := yearsTo(propNow, propNow.Add(time.Duration(days)*24*time.Hour), 0)
			got := e.shocked(&k, mustW(sig), years)
			if k.bad {
				t.Fatal("kernel overflow")
			}
			for i, want := range []decimal.Decimal{sig, ref(sig, days, "0.5", true), ref(sig, days, "0.25", false)} {
				if diff := wDec(got[i]).Sub(want).Abs(); diff.Cmp(d("1e-13")) > 0 {
					t.Errorf("σ %s, %d days, state %d: %s, want %s", s, days, i, wDec(got[i]), want.Round(16))
				}
			}
		}
	}
}

// TestVegaPowerMinDays: with a 7-day floor, a 1-day option is shocked as
// a 7-day one. Mutation seen failing: the floor ignored in shocked.
func TestVegaPowerMinDays(t *testing.T) {
	shock := DeribitBTCShock()
	shock.MinDays = d("7")
	e, err := New(Settings{Underlyings: []Underlying{{ID: "BTC", ScanFraction: d("0.16")}}, Grid: DeribitPM(shock, d("0.5"))})
	if err != nil {
		t.Fatal(err)
	}
	var k kern
	day := yearsTo(propNow, propNow.Add(24*time.Hour), 0)
	week := yearsTo(propNow, propNow.Add(7*24*time.Hour), 0)
	if a, b := e.shocked(&k, mustW(d("0.6")), day), e.shocked(&k, mustW(d("0.6")), week); a != b {
		t.Errorf("1 day %v, 7 days %v", a, b)
	}
}

// TestContingencyDeribitExample reproduces the example of Deribit's
// portfolio margin page (deribit.com/pages/docs/portfoliomargin): "you
// have a position in strike X, call +10 and put −20, your net short
// position on strike X is −10, thus 10 × 0.01 BTC extra margin".
func TestContingencyDeribitExample(t *testing.T) {
	exp := propNow.Add(30 * 24 * time.Hour)
	e, err := New(Settings{
		Underlyings: []Underlying{{ID: "BTC", ScanFraction: d("0.1")}},
		Instruments: []Instrument{
			{ID: "C", Underlying: "BTC", Kind: Option, Right: Call, Strike: d("10000"), Expiry: exp, ContractSize: d("1"), Inverse: true},
			{ID: "P", Underlying: "BTC", Kind: Option, Right: Put, Strike: d("10000"), Expiry: exp, ContractSize: d("1"), Inverse: true},
		},
		Grid:   DeribitPM(VolShock{}, d("1")),
		AddOns: AddOns{Contingency: d("0.01")},
	})
	if err != nil {
		t.Fatal(err)
	}
	m := Marks{Prices: map[string]decimal.Decimal{"BTC": d("10000")}, Vols: map[string]decimal.Decimal{"C": d("0.8"), "P": d("0.8")}}
	r, err := e.Requirement(propNow, []Position{{Instrument: "C", Size: d("10")}, {Instrument: "P", Size: d("-20")}}, m)
	if err != nil {
		t.Fatal(err)
	}
	if !r.Contingency.Equal(d("0.1")) {
		t.Errorf("contingency %s BTC, want 0.1", r.Contingency)
	}
	if err := CheckResult(r); err != nil {
		t.Error(err)
	}
}

func TestNewRefuses(t *testing.T) {
	exp := propNow.Add(time.Hour)
	good := func() Settings {
		return Settings{
			Underlyings: []Underlying{{ID: "BTC", ScanFraction: d("0.16")}},
			Instruments: []Instrument{{ID: "C", Underlying: "BTC", Kind: Option, Right: Call, Strike: d("1"), Expiry: exp, ContractSize: d("1")}},
			Grid:        TIMS(10),
		}
	}
	if _, err := New(good()); err != nil {
		t.Fatal(err)
	}
	for name, mut := range map[string]func(*Settings){
		"zero grid":               func(s *Settings) { s.Grid = Grid{} },
		"no underlyings":          func(s *Settings) { s.Underlyings = nil },
		"both scan kinds":         func(s *Settings) { s.Underlyings[0].ScanAmount = d("100") },
		"duplicate instrument":    func(s *Settings) { s.Instruments = append(s.Instruments, s.Instruments[0]) },
		"unknown underlying":      func(s *Settings) { s.Instruments[0].Underlying = "ETH" },
		"option without expiry":   func(s *Settings) { s.Instruments[0].Expiry = time.Time{} },
		"zero contract size":      func(s *Settings) { s.Instruments[0].ContractSize = decimal.Zero },
		"risk array wrong length": func(s *Settings) { s.Instruments[0].Kind = RiskArray },
		"coverage above 1":        func(s *Settings) { s.Grid.Scenarios[0].Coverage = d("1.5") },
		"shift to zero":           func(s *Settings) { s.Grid.Scenarios[0].Shift = d("-1") },
		"initial factor below 1":  func(s *Settings) { s.InitialFactor = d("0.5") },
		"scale 19":                func(s *Settings) { s.Scale = 19 },
		"credit unknown group": func(s *Settings) {
			s.AddOns.InterCommodity = []InterCommodity{{A: "BTC", B: "X", DeltaA: d("1"), DeltaB: d("1"), Rate: d("0.5")}}
		},
		"absurd vol shock": func(s *Settings) { s.Grid.VolShock.Up = decimal.New(1, 1<<30) },
	} {
		t.Run(name, func(t *testing.T) {
			s := good()
			mut(&s)
			if _, err := New(s); !errors.Is(err, ErrInvalidSettings) {
				t.Fatalf("err = %v, want ErrInvalidSettings", err)
			}
		})
	}
}

func TestRequirementRefuses(t *testing.T) {
	e := propEngine(t, false)
	m := propMarks(e)
	ok := []Position{{Instrument: "BTC-30D-100-call", Size: d("-1")}}
	if _, err := e.Requirement(propNow, ok, m); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		now  time.Time
		book []Position
		m    func(Marks) Marks
		want error
	}{
		{"zero time", time.Time{}, ok, nil, ErrInvalidInput},
		{"unknown instrument", propNow, []Position{{Instrument: "X", Size: d("1")}}, nil, ErrUnknownInstrument},
		{"zero size", propNow, []Position{{Instrument: "BTC-PERP", Size: d("0"), Entry: d("1")}}, nil, ErrInvalidInput},
		{"future without entry", propNow, []Position{{Instrument: "BTC-PERP", Size: d("1")}}, nil, ErrInvalidInput},
		{"missing price", propNow, ok, func(m Marks) Marks { return Marks{Vols: m.Vols} }, ErrMissingMark},
		{"missing vol", propNow, ok, func(m Marks) Marks { return Marks{Prices: m.Prices} }, ErrMissingMark},
		{"negative price", propNow, ok, func(m Marks) Marks {
			return Marks{Prices: map[string]decimal.Decimal{"BTC": d("-1")}, Vols: m.Vols}
		}, ErrInvalidInput},
		{"vol above max", propNow, ok, func(m Marks) Marks {
			return Marks{Prices: m.Prices, Vols: map[string]decimal.Decimal{"BTC-30D-100-call": d("11")}}
		}, ErrInvalidInput},
		{"absurd size", propNow, []Position{{Instrument: "BTC-30D-100-call", Size: decimal.New(1, 1<<30)}}, nil, ErrInvalidInput},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			mm := m
			if c.m != nil {
				mm = c.m(m)
			}
			if _, err := e.Requirement(c.now, c.book, mm); !errors.Is(err, c.want) {
				t.Fatalf("err = %v, want %v", err, c.want)
			}
		})
	}
}

// TestLookAheadIsTheta: with SPAN's look-ahead of one day and no price or
// volatility move, a long option's scenario loss is one day of time decay,
// −Theta/365 from Black76, to second order. Mutation seen failing: valuing
// scenarios at the base time (look-ahead ignored in Arrays.value).
func TestLookAheadIsTheta(t *testing.T) {
	exp := propNow.Add(20 * 24 * time.Hour)
	for _, r := range []Right{Call, Put} {
		e, err := New(Settings{
			Underlyings: []Underlying{{ID: "BTC", ScanFraction: d("0.1")}},
			Instruments: []Instrument{{ID: "O", Underlying: "BTC", Kind: Option, Right: r, Strike: d("105000"), Expiry: exp, ContractSize: d("1")}},
			Grid:        Grid{Denominator: 1, Scenarios: []Scenario{{Name: "unchanged"}}, LookAheadSeconds: 86400},
			Scale:       8,
		})
		if err != nil {
			t.Fatal(err)
		}
		m := Marks{Prices: map[string]decimal.Decimal{"BTC": d("100000")}, Vols: map[string]decimal.Decimal{"O": d("0.6")}}
		res, err := e.Requirement(propNow, []Position{{Instrument: "O", Size: d("1")}}, m)
		if err != nil {
			t.Fatal(err)
		}
		v, err := Black76(OptionInput{Right: r, Forward: d("100000"), Strike: d("105000"), Vol: d("0.6"), Years: num.Div(d("20"), d("365"), 16, num.HalfEven)})
		if err != nil {
			t.Fatal(err)
		}
		oneDay := num.Div(v.Theta.Neg(), d("365"), 8, num.HalfEven)
		if diff := res.Losses[0].Sub(oneDay).Abs(); diff.Cmp(oneDay.Abs().Mul(d("0.03"))) > 0 {
			t.Errorf("%s: one-day loss %s, −Θ/365 = %s", r, res.Losses[0], oneDay)
		}
	}
}

// TestTIMSPointsBounded: TIMS with points outside [2, 1000] returns a grid
// New refuses (a clear ErrInvalidSettings naming the count), without
// allocating per point. Review of issue 17: TIMS(1<<40) allocated until
// the runtime aborted, and TIMS(1) silently became TIMS(2). Mutation seen
// failing: the old clamp of points < 2 to 2 and no upper bound.
func TestTIMSPointsBounded(t *testing.T) {
	for _, p := range []int64{-5, 0, 1, maxScenarios + 1, 1 << 40} {
		g := TIMS(p)
		if len(g.Scenarios) != 0 {
			t.Fatalf("TIMS(%d): %d scenarios, want none (refused)", p, len(g.Scenarios))
		}
		_, err := New(Settings{Underlyings: []Underlying{{ID: "X", ScanFraction: d("0.1")}}, Grid: g})
		if !errors.Is(err, ErrInvalidSettings) || !strings.Contains(err.Error(), "points") {
			t.Errorf("TIMS(%d): New err %v, want ErrInvalidSettings naming the points", p, err)
		}
	}
	if g := TIMS(maxScenarios); len(g.Scenarios) != maxScenarios {
		t.Errorf("TIMS(max): %d scenarios", len(g.Scenarios))
	}
}

// TestDeribitPMExtendedCoverage pins the condition DeribitPM's doc states
// (review of issue 17: the doc claimed extended losses "at least
// Deribit's" at any coverage): an extended scenario charges exactly
// extendedCoverage × the full loss, so only coverage 1 charges the whole
// (undampened) loss. Mutation seen failing: Scenario.coverage ignoring
// Coverage.
func TestDeribitPMExtendedCoverage(t *testing.T) {
	for _, c := range []string{"1", "0.25", "0.02"} {
		g := DeribitPM(DeribitBTCShock(), d(c))
		for _, s := range g.Scenarios[27:] {
			if !s.Coverage.Equal(d(c)) {
				t.Fatalf("%s: coverage %s, want %s", s.Name, s.Coverage, c)
			}
		}
		e, err := New(Settings{Underlyings: []Underlying{{ID: "X", ScanFraction: d("0.16")}},
			Instruments: []Instrument{{ID: "F", Underlying: "X", Kind: Future, ContractSize: d("1")}}, Grid: g, Scale: 4})
		if err != nil {
			t.Fatal(err)
		}
		r, err := e.Requirement(time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC), []Position{{Instrument: "F", Size: d("1"), Entry: d("100")}},
			Marks{Prices: map[string]decimal.Decimal{"X": d("100")}})
		if err != nil {
			t.Fatal(err)
		}
		// Extended −66% (index 27): a long future loses 66 in full.
		if want := d("66").Mul(d(c)); !r.Losses[27].Equal(want) {
			t.Errorf("coverage %s: extended −66%% loss %s, want %s", c, r.Losses[27], want)
		}
	}
}

// TestNewBoundsRevaluations: New refuses more than maxRevaluations
// (10⁷) instrument × scenario revaluations. Review of issue 17: 10⁶
// instruments × 1,000 scenarios were accepted, and Arrays with no IDs then
// needed ~8 GB and ~500 s. Mutation seen failing: the product check
// removed from New.
func TestNewBoundsRevaluations(t *testing.T) {
	mk := func(n int) []Instrument {
		ins := make([]Instrument, n)
		for i := range ins {
			ins[i] = Instrument{ID: fmt.Sprintf("F%d", i), Underlying: "X", Kind: Future, ContractSize: d("1")}
		}
		return ins
	}
	u := []Underlying{{ID: "X", ScanFraction: d("0.1")}}
	if _, err := New(Settings{Underlyings: u, Instruments: mk(10_000), Grid: TIMS(1000)}); err != nil {
		t.Fatalf("10⁴ × 10³ = 10⁷: %v", err)
	}
	_, err := New(Settings{Underlyings: u, Instruments: mk(10_001), Grid: TIMS(1000)})
	if !errors.Is(err, ErrInvalidSettings) || !strings.Contains(err.Error(), "revaluations") {
		t.Fatalf("10,001 × 1,000: err %v, want ErrInvalidSettings naming the revaluations", err)
	}
}
