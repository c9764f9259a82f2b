package main

import (
	"fmt"
	"sort"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/backstop"
)

// Member is a clearing member of a scenario with its prefunded default
// fund contribution.
type Member struct {
	// ID names the member.
	ID string
	// Contribution is the member's default fund contribution.
	Contribution decimal.Decimal
}

// Scenario is one default to walk through the waterfall.
type Scenario struct {
	// Name is the -scenario flag value.
	Name string
	// Title is a one-line description printed as the heading.
	Title string
	// Story is printed before the waterfall, one paragraph per string.
	Story []string
	// Currency labels amounts ("" for plain units).
	Currency string
	// Unit is the smallest money amount of the fund (a power of ten).
	Unit decimal.Decimal
	// Defaulter is the member who defaults; it must be one of Members.
	Defaulter string
	// Members in rulebook order, the defaulter included.
	Members []Member
	// Margin is the defaulter's margin available to the CCP.
	Margin decimal.Decimal
	// Loss is the close-out loss on the defaulter's portfolio.
	Loss decimal.Decimal
	// SkinInTheGame is the CCP's own capital committed ahead of the
	// survivors.
	SkinInTheGame decimal.Decimal
	// Multiple caps each survivor's assessment at Multiple × its
	// contribution (zero: no assessments).
	Multiple decimal.Decimal
	// When is the simulated time of the default.
	When time.Time
}

var dec = decimal.RequireFromString

// Worked is the backstop issue's worked example: loss 500; defaulter
// margin 200 and contribution 50; skin in the game 10; survivors A 100,
// B 60, C 40; assessments capped at 1× contribution. Expected draws: 200,
// 50, 10, 200 (A 100, B 60, C 40), 40 (A 20, B 12, C 8), residual 0.
func Worked() Scenario {
	return Scenario{
		Name:  "worked",
		Title: "The backstop issue's worked example: member D defaults",
		Story: []string{
			"Member D's portfolio is closed out at a loss of 500. D posted 200 of margin and 50 to the default fund; " +
				"the clearing house put 10 of its own capital in the waterfall; the survivors A, B and C contributed " +
				"100, 60 and 40, and can each be assessed up to one more contribution.",
		},
		Unit:      dec("1"),
		Defaulter: "D",
		Members: []Member{
			{ID: "D", Contribution: dec("50")},
			{ID: "A", Contribution: dec("100")},
			{ID: "B", Contribution: dec("60")},
			{ID: "C", Contribution: dec("40")},
		},
		Margin:        dec("200"),
		Loss:          dec("500"),
		SkinInTheGame: dec("10"),
		Multiple:      dec("1"),
		When:          time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC),
	}
}

// Nasdaq 2018 shape, in € millions. The spread moved 5.56 €/MWh against a
// margin model calibrated for 4 € (a 39% breach; both figures Reuters,
// 17 September 2018). Illustrative from here on: with a position of
// nasdaqSize (€m per €/MWh of spread), margin = 4 × 75 = 300 and loss =
// 5.56 × 75 = 417 = 300 margin + 3 contribution + 7 CCP capital + 107
// survivors, the published €7m / €107m split.
var (
	nasdaqSize       = dec("75")
	nasdaqMove       = dec("5.56") // Nordic–German spread move on 10 Sept 2018, €/MWh
	nasdaqCalibrated = dec("4")    // the move the margin model covered, €/MWh
)

// Nasdaq2018 is shaped like the default at Nasdaq Clearing's commodities
// market in September 2018 (see the package documentation for sources),
// in € millions with a unit of €10,000.
func Nasdaq2018() Scenario {
	return Scenario{
		Name:  "nasdaq2018",
		Title: "Shaped like Nasdaq Clearing, 11 September 2018: a power spread trader defaults (€ millions, illustrative)",
		Story: []string{
			"On 10 September 2018 the Nordic–German power spread for 2019 moved " + nasdaqMove.String() +
				" €/MWh in one day, 17 times its average daily move and beyond the " + nasdaqCalibrated.String() +
				" € the margin model was calibrated for (Reuters, 17 September 2018). A trader holding a large spread " +
				"position could not meet the intraday margin call that followed and was declared in default on 11 " +
				"September; his portfolio was closed out through an auction within 48 hours (Nasdaq Clearing).",
			"Illustrative: his position is " + nasdaqSize.String() + " (€m per €/MWh), margin " + nasdaqCalibrated.String() +
				" × " + nasdaqSize.String() + " = " + nasdaqCalibrated.Mul(nasdaqSize).String() + ", close-out loss " +
				nasdaqMove.String() + " × " + nasdaqSize.String() + " = " + nasdaqMove.Mul(nasdaqSize).String() +
				". Published (Nasdaq Clearing, 13 September 2018): €7m of Nasdaq's junior capital and €107m of the " +
				"members' default fund (about two thirds) were used. The position, his margin and contribution and the " +
				"members' contributions are not public: they are chosen here to match those two figures.",
		},
		Currency:  "€m",
		Unit:      dec("0.01"),
		Defaulter: "AAS",
		Members: []Member{
			{ID: "AAS", Contribution: dec("3")},
			{ID: "UTIL-1", Contribution: dec("40")},
			{ID: "UTIL-2", Contribution: dec("32")},
			{ID: "BANK-1", Contribution: dec("25")},
			{ID: "BANK-2", Contribution: dec("20")},
			{ID: "TRADER-1", Contribution: dec("16")},
			{ID: "TRADER-2", Contribution: dec("12")},
			{ID: "UTIL-3", Contribution: dec("9")},
			{ID: "OTHERS", Contribution: dec("7")},
		},
		Margin:        nasdaqCalibrated.Mul(nasdaqSize),
		Loss:          nasdaqMove.Mul(nasdaqSize),
		SkinInTheGame: dec("7"),
		Multiple:      dec("1"),
		When:          time.Date(2018, 9, 11, 16, 0, 0, 0, time.UTC),
	}
}

// Scenarios returns the built-in scenarios by name.
func Scenarios() map[string]func() Scenario {
	return map[string]func() Scenario{"worked": Worked, "nasdaq2018": Nasdaq2018}
}

// ScenarioNames lists the built-in scenario names, sorted.
func ScenarioNames() []string {
	var names []string
	for n := range Scenarios() {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Lookup returns the named scenario or an error listing the valid names.
func Lookup(name string) (Scenario, error) {
	f, ok := Scenarios()[name]
	if !ok {
		return Scenario{}, fmt.Errorf("unknown scenario %q (want one of %v)", name, ScenarioNames())
	}
	return f(), nil
}

// fundSettings turns a scenario into the backstop package's settings.
func (s Scenario) fundSettings() backstop.DefaultFundSettings {
	specs := make([]backstop.MemberSpec, len(s.Members))
	for i, m := range s.Members {
		specs[i] = backstop.MemberSpec{ID: m.ID, Contribution: m.Contribution}
	}
	return backstop.DefaultFundSettings{
		Members:       specs,
		SkinInTheGame: s.SkinInTheGame,
		Assessment:    backstop.AssessmentRule{Multiple: s.Multiple},
		Unit:          s.Unit,
	}
}
