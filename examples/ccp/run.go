package main

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/backstop"
)

// Config chooses what to run.
type Config struct {
	// Scenario is a built-in scenario name ("worked" or "nasdaq2018");
	// empty means "worked".
	Scenario string
	// Loss, when valid, replaces the scenario's close-out loss (≥ 0, at the
	// scenario's unit).
	Loss decimal.NullDecimal
	// Multiple, when valid, replaces the scenario's assessment cap multiple
	// (≥ 0; 0 switches assessments off).
	Multiple decimal.NullDecimal
}

// Payer is what one account paid in one layer of the waterfall.
type Payer struct {
	// Account is the journal account that paid ("margin:D",
	// "contribution:A", "assessment:B", "ccp:skin-in-the-game", …).
	Account string
	// Amount paid.
	Amount decimal.Decimal
}

// LayerDraw is what one step of the waterfall absorbed.
type LayerDraw struct {
	// Layer is the backstop step ID (backstop.StepDefaulterMargin, …).
	Layer string
	// Capacity is what the step could absorb when it was reached.
	Capacity decimal.Decimal
	// Drawn is what it absorbed.
	Drawn decimal.Decimal
	// Payers are who paid, in rulebook order.
	Payers []Payer
}

// Replenishment is a survivor's call to restore its contribution after
// the default (Nasdaq's members refilled the €107m within two working
// days; Reuters, 21 September 2018).
type Replenishment struct {
	// Member called.
	Member string
	// Amount paid back into the fund.
	Amount decimal.Decimal
}

// Result is the outcome of one run, for tests and for hosts.
type Result struct {
	// Scenario is the scenario run, after the Config's overrides.
	Scenario Scenario
	// Overridden says which scenario values the Config replaced ("" if
	// none).
	Overridden string
	// Draws are the waterfall's steps, in order.
	Draws []LayerDraw
	// Covered is Σ Drawn.
	Covered decimal.Decimal
	// Residual is the loss no step could cover.
	Residual decimal.Decimal
	// Assessed is each survivor's assessment (members in rulebook order,
	// defaulter excluded).
	Assessed []Payer
	// Replenished are the survivors' calls to restore the fund.
	Replenished []Replenishment
	// FundBefore and FundAfter are the default fund (all contributions)
	// before the default and after replenishment.
	FundBefore, FundAfter decimal.Decimal
	// SkinLeft is the CCP's skin in the game after the default.
	SkinLeft decimal.Decimal
	// JournalEntries is the number of double entries recorded.
	JournalEntries int
	// JournalSum is Σ of every journal account's balance: zero when the
	// journal balances.
	JournalSum decimal.Decimal
	// LossAccount is the balance of the journal account the loss sat in:
	// what the waterfall covered into it.
	LossAccount decimal.Decimal
}

// Run builds the default fund of the chosen scenario, covers the default,
// calls the survivors to replenish what their contributions paid, checks
// the journal and the waterfall's invariants, and writes the narrative to
// w. Errors: an unknown scenario, a bad override, or a broken invariant.
func Run(cfg Config, w io.Writer) (Result, error) {
	name := cfg.Scenario
	if name == "" {
		name = "worked"
	}
	sc, err := Lookup(name)
	if err != nil {
		return Result{}, err
	}
	var overridden []string
	if cfg.Loss.Valid {
		sc.Loss = cfg.Loss.Decimal
		overridden = append(overridden, "loss "+sc.Loss.String())
	}
	if cfg.Multiple.Valid {
		sc.Multiple = cfg.Multiple.Decimal
		overridden = append(overridden, "assessment multiple "+sc.Multiple.String())
	}
	fund, err := backstop.NewDefaultFund(sc.fundSettings())
	if err != nil {
		return Result{}, err
	}
	res := Result{Scenario: sc, Overridden: strings.Join(overridden, ", "), FundBefore: fund.Total()}

	alloc, err := fund.Cover(sc.When, backstop.Default{ID: sc.Defaulter + "-default", Member: sc.Defaulter, Loss: sc.Loss, Margin: sc.Margin})
	if err != nil {
		return Result{}, fmt.Errorf("cover: %w", err)
	}
	res.Covered, res.Residual = alloc.Covered(), alloc.Residual
	for _, d := range alloc.Draws {
		ld := LayerDraw{Layer: d.Layer, Capacity: d.Capacity, Drawn: d.Drawn}
		for _, m := range d.Movements {
			ld.Payers = append(ld.Payers, Payer{Account: m.From, Amount: m.Amount})
		}
		res.Draws = append(res.Draws, ld)
	}
	for _, m := range fund.Members() {
		if !m.Defaulted {
			res.Assessed = append(res.Assessed, Payer{Account: m.ID, Amount: m.Assessed})
		}
	}
	res.SkinLeft = fund.SkinInTheGame()

	// Replenishment: each survivor restores its declared contribution, a
	// day after the default (EMIR-regulated CCPs call replenishment after
	// a default; Nasdaq's members refilled the fund within two working
	// days).
	later := sc.When.Add(24 * time.Hour)
	for _, m := range fund.Members() {
		if m.Defaulted {
			continue
		}
		if gap := m.Declared.Sub(m.Contribution); gap.Sign() > 0 {
			if _, err := fund.Contribute(later, "", m.ID, gap); err != nil {
				return Result{}, fmt.Errorf("replenish %s: %w", m.ID, err)
			}
			res.Replenished = append(res.Replenished, Replenishment{Member: m.ID, Amount: gap})
		}
	}
	res.FundAfter = fund.Total()

	if err := fund.CheckInvariants(); err != nil {
		return Result{}, err
	}
	j, err := backstop.RestoreJournal(backstop.JournalSnapshot{Entries: fund.Journal()})
	if err != nil {
		return Result{}, err
	}
	if err := j.Check(); err != nil {
		return Result{}, err
	}
	if err := backstop.CheckInvariants(j, alloc); err != nil {
		return Result{}, err
	}
	res.JournalEntries = j.Len()
	res.JournalSum = decimal.Zero
	for _, a := range j.Accounts() {
		res.JournalSum = res.JournalSum.Add(j.Balance(a))
	}
	res.LossAccount = j.Balance(alloc.Account)
	if err := report(w, res, j, alloc.Account); err != nil {
		return Result{}, err
	}
	return res, nil
}
