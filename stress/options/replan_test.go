package options

import (
	"testing"

	"github.com/shopspring/decimal"
)

// TestReplanSmallHedgedRemainder: a rally liquidates six small books
// (SPAN preset, 0.5-unit short straddles and a short call hedged with the
// 90-day future) tick after tick. By the fifth tick the hedged book is 39
// ten-thousandths of a call against 23 of the future; each close rounds
// up to the 0.0001 step on its own, so the plan's 44% took 48% of the
// hedge and left the account at equity 23.55 against maintenance 23.71.
// The venue plans such an account again in the same tick (Step, at most
// maxRounds rounds). Found by TestPropConservedAndHealthy on a random
// seed (it failed before this review's changes too). Mutation seen
// failing: maxRounds = 1 (one plan per tick).
func TestReplanSmallHedgedRemainder(t *testing.T) {
	cfg := Config{Preset: SPAN, Penalty: d("0.005"), InsuranceFund: d("-1"), VolBeta: d("-1")}
	var books []book
	for _, s := range []Strategy{0, 0, 0, 0, 2, 0} {
		books = append(books, book{s: s, q: units[0], h: decimal.Zero})
	}
	m := venue(t, cfg, books...)
	price, minutes := OpenPrice, 0
	for i, step := range []struct{ move, minutes int }{{0, 0}, {12, 1}, {9, 2}, {15, 720}, {6, 1}} {
		price = price.Mul(decimal.New(int64(100+step.move), -2)).Round(Scale)
		minutes += step.minutes
		if err := m.Step(tick(i, minutes, price.String())); err != nil {
			t.Fatal(err)
		}
		if err := m.Check(); err != nil {
			t.Fatal(err)
		}
		for _, r := range risks(t, m) {
			if r.Liquidatable {
				t.Fatalf("tick %d at %s: left liquidatable: %+v", i, price, r)
			}
		}
	}
}
