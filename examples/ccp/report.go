package main

import (
	"io"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/backstop"
	"github.com/failsafe-fi/failsafe/examples/internal/textout"
)

// stepNames are the people-facing names of the backstop steps.
var stepNames = map[string]string{
	backstop.StepDefaulterMargin:       "1. defaulter's margin",
	backstop.StepDefaulterContribution: "2. defaulter's fund contribution",
	backstop.StepSkinInTheGame:         "3. CCP own capital (skin in game)",
	backstop.StepSurvivorContributions: "4. survivors' contributions",
	backstop.StepAssessments:           "5. assessments (capped)",
	backstop.StepVMHaircut:             "6. VM gains haircut",
}

// report writes the narrative: the scenario, each layer's draw with its
// payers, the assessments, the replenishment and the journal proof.
func report(w io.Writer, r Result, j *backstop.Journal, lossAccount string) error {
	sc := r.Scenario
	cur := func(d decimal.Decimal) string {
		s := d.StringFixed(-sc.Unit.Exponent())
		if sc.Currency != "" {
			return s + " " + sc.Currency
		}
		return s
	}
	out := textout.New(w)
	out.Printf("%s\n%s\n\n", sc.Title, strings.Repeat("=", len([]rune(sc.Title))))
	for _, p := range sc.Story {
		out.Printf("%s\n\n", textout.Wrap(p, 78))
	}
	if r.Overridden != "" {
		out.Printf("Overridden by flags: %s.\n\n", r.Overridden)
	}
	out.Printf("Default fund before: %s; CCP skin in the game: %s; assessment cap: %s× contribution\n",
		cur(r.FundBefore), cur(sc.SkinInTheGame), sc.Multiple)
	out.Printf("Close-out loss %s against %s's margin %s\n\n", cur(sc.Loss), sc.Defaulter, cur(sc.Margin))

	out.Printf("%-36s %14s %14s %14s\n", "waterfall layer", "capacity", "drawn", "loss left")
	left := sc.Loss
	for _, d := range r.Draws {
		left = left.Sub(d.Drawn)
		out.Printf("%-36s %14s %14s %14s\n", stepNames[d.Layer], cur(d.Capacity), cur(d.Drawn), cur(left))
		for _, p := range d.Payers {
			out.Printf("    %-32s %14s\n", p.Account, cur(p.Amount))
		}
	}
	out.Printf("%-36s %14s\n", "residual (no layer could cover)", cur(r.Residual))
	out.Printf("conservation: drawn %s + residual %s = loss %s\n\n", cur(r.Covered), cur(r.Residual), cur(r.Covered.Add(r.Residual)))

	if r.Residual.Sign() > 0 {
		out.Printf("The waterfall is exhausted: %s is left for the CCP's recovery plan (further cash calls,\n"+
			"tear-up, or resolution).\n\n", cur(r.Residual))
	}
	out.Printf("Replenishment calls (the survivors restore their contributions):\n")
	if len(r.Replenished) == 0 {
		out.Printf("    none\n")
	}
	for _, p := range r.Replenished {
		out.Printf("    %-32s %14s\n", p.Member, cur(p.Amount))
	}
	out.Printf("Default fund after replenishment: %s (the defaulter's %s is gone); skin in the game left: %s\n\n",
		cur(r.FundAfter), cur(r.FundBefore.Sub(r.FundAfter)), cur(r.SkinLeft))

	out.Printf("Journal: %d double entries; balances (credits − debits) per account:\n", r.JournalEntries)
	for _, a := range j.Accounts() {
		out.Printf("    %-32s %14s\n", a, cur(j.Balance(a)))
	}
	out.Printf("    %-32s %14s\n", "Σ all accounts", cur(r.JournalSum))
	out.Printf("The loss account %s received %s = the %s covered: the journal balances.\n", lossAccount, cur(r.LossAccount), cur(r.Covered))
	return out.Err()
}
