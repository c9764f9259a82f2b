package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/backstop"
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

// errWriter remembers the first write error so report can check once.
type errWriter struct {
	w   io.Writer
	err error
}

// printf writes unless an earlier write failed.
func (e *errWriter) printf(format string, args ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, args...)
	}
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
	out := &errWriter{w: w}
	out.printf("%s\n%s\n\n", sc.Title, strings.Repeat("=", len([]rune(sc.Title))))
	for _, p := range sc.Story {
		out.printf("%s\n\n", wrap(p, 78))
	}
	if r.Overridden != "" {
		out.printf("Overridden by flags: %s.\n\n", r.Overridden)
	}
	out.printf("Default fund before: %s; CCP skin in the game: %s; assessment cap: %s× contribution\n",
		cur(r.FundBefore), cur(sc.SkinInTheGame), sc.Multiple)
	out.printf("Close-out loss %s against %s's margin %s\n\n", cur(sc.Loss), sc.Defaulter, cur(sc.Margin))

	out.printf("%-36s %14s %14s %14s\n", "waterfall layer", "capacity", "drawn", "loss left")
	left := sc.Loss
	for _, d := range r.Draws {
		left = left.Sub(d.Drawn)
		out.printf("%-36s %14s %14s %14s\n", stepNames[d.Layer], cur(d.Capacity), cur(d.Drawn), cur(left))
		for _, p := range d.Payers {
			out.printf("    %-32s %14s\n", p.Account, cur(p.Amount))
		}
	}
	out.printf("%-36s %14s\n", "residual (no layer could cover)", cur(r.Residual))
	out.printf("conservation: drawn %s + residual %s = loss %s\n\n", cur(r.Covered), cur(r.Residual), cur(r.Covered.Add(r.Residual)))

	if r.Residual.Sign() > 0 {
		out.printf("The waterfall is exhausted: %s is left for the CCP's recovery plan (further cash calls,\n"+
			"tear-up, or resolution).\n\n", cur(r.Residual))
	}
	out.printf("Replenishment calls (the survivors restore their contributions):\n")
	if len(r.Replenished) == 0 {
		out.printf("    none\n")
	}
	for _, p := range r.Replenished {
		out.printf("    %-32s %14s\n", p.Member, cur(p.Amount))
	}
	out.printf("Default fund after replenishment: %s (the defaulter's %s is gone); skin in the game left: %s\n\n",
		cur(r.FundAfter), cur(r.FundBefore.Sub(r.FundAfter)), cur(r.SkinLeft))

	out.printf("Journal: %d double entries; balances (credits − debits) per account:\n", r.JournalEntries)
	for _, a := range j.Accounts() {
		out.printf("    %-32s %14s\n", a, cur(j.Balance(a)))
	}
	out.printf("    %-32s %14s\n", "Σ all accounts", cur(r.JournalSum))
	out.printf("The loss account %s received %s = the %s covered: the journal balances.\n", lossAccount, cur(r.LossAccount), cur(r.Covered))
	return out.err
}

// wrap breaks text into lines of at most width runes at spaces.
func wrap(text string, width int) string {
	var b strings.Builder
	n := 0
	for i, word := range strings.Fields(text) {
		l := len([]rune(word))
		if i > 0 && n+1+l > width {
			b.WriteByte('\n')
			n = 0
		} else if i > 0 {
			b.WriteByte(' ')
			n++
		}
		b.WriteString(word)
		n += l
	}
	return b.String()
}
