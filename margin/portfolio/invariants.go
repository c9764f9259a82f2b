package portfolio

import (
	"errors"
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
)

// ErrInvariant reports a broken invariant found by CheckResult.
var ErrInvariant = errors.New("portfolio: invariant violated")

// CheckResult verifies a Result's promises: every figure in range;
// Maintenance ≥ every whole-book scenario loss and ≥ BookWorst; Initial ≥
// Maintenance; each group's ScanRisk = max(0, its losses) and its
// Requirement ≥ its short option minimum and ≥ 0; credits never above
// scan risk; each product group's ScanRisk = max(0, its losses), Credit
// ≥ 0 and Maintenance ≥ its Requirement ≥ its ScanRisk. Tests call it
// after every computation; hosts may call it in production.
func CheckResult(r Result) error {
	all := []decimal.Decimal{r.Maintenance, r.Initial, r.Contingency, r.BookWorst}
	all = append(all, r.Losses...)
	for _, g := range r.Groups {
		all = append(all, g.ScanRisk, g.InterMonth, g.InterCommodityCredit, g.ShortOptionMinimum, g.Requirement)
		all = append(all, g.Losses...)
	}
	for _, p := range r.ProductGroups {
		all = append(all, p.ScanRisk, p.Credit, p.Requirement)
		all = append(all, p.Losses...)
	}
	for i, v := range all {
		if err := num.Check(v); err != nil {
			return fmt.Errorf("%w: figure %d: %w", ErrInvariant, i, err)
		}
	}
	for s, l := range r.Losses {
		if r.Maintenance.Cmp(l) < 0 {
			return fmt.Errorf("%w: maintenance %s below scenario %d's loss %s", ErrInvariant, r.Maintenance, s, l)
		}
	}
	if r.Maintenance.Cmp(r.BookWorst) < 0 || r.BookWorst.Sign() < 0 {
		return fmt.Errorf("%w: maintenance %s, book worst %s", ErrInvariant, r.Maintenance, r.BookWorst)
	}
	if r.Initial.Cmp(r.Maintenance) < 0 {
		return fmt.Errorf("%w: initial %s below maintenance %s", ErrInvariant, r.Initial, r.Maintenance)
	}
	for _, g := range r.Groups {
		worst := decimal.Zero
		for _, l := range g.Losses {
			worst = decimal.Max(worst, l)
		}
		if !worst.Equal(g.ScanRisk) {
			return fmt.Errorf("%w: group %q scan risk %s, largest loss %s", ErrInvariant, g.Group, g.ScanRisk, worst)
		}
		if g.Requirement.Cmp(g.ShortOptionMinimum) < 0 || g.Requirement.Sign() < 0 {
			return fmt.Errorf("%w: group %q requirement %s below its short option minimum %s or zero", ErrInvariant, g.Group, g.Requirement, g.ShortOptionMinimum)
		}
		if g.InterCommodityCredit.Cmp(g.ScanRisk) > 0 || g.InterCommodityCredit.Sign() < 0 {
			return fmt.Errorf("%w: group %q credit %s outside [0, scan risk %s]", ErrInvariant, g.Group, g.InterCommodityCredit, g.ScanRisk)
		}
	}
	for _, p := range r.ProductGroups {
		worst := decimal.Zero
		for _, l := range p.Losses {
			worst = decimal.Max(worst, l)
		}
		if !worst.Equal(p.ScanRisk) || p.Credit.Sign() < 0 {
			return fmt.Errorf("%w: product group %q scan risk %s (largest loss %s), credit %s", ErrInvariant, p.Name, p.ScanRisk, worst, p.Credit)
		}
		if p.Requirement.Cmp(p.ScanRisk) < 0 || r.Maintenance.Cmp(p.Requirement) < 0 {
			return fmt.Errorf("%w: product group %q requirement %s outside [scan risk %s, maintenance %s]", ErrInvariant, p.Name, p.Requirement, p.ScanRisk, r.Maintenance)
		}
	}
	return nil
}
