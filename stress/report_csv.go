package stress

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
)

// WriteCSV writes one row per cell: the cell's parameter values (one
// column per axis, named after it), then the statistics, each estimate as
// value, lo, hi, se, open and each proportion as count, p, lo, hi, se.
// Columns are in a fixed order; amounts are exact decimal strings.
func (r *Report) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	head := []string{}
	for _, a := range r.Axes {
		head = append(head, a.Name)
	}
	head = append(head, "scenarios", "seed")
	for _, e := range []string{"var95", "var99", "es95", "es99", "lar95"} {
		head = append(head, e, e+"_lo", e+"_hi", e+"_se", e+"_open")
	}
	for _, p := range []string{"p_bad_debt", "p_fund_exhausted", "p_loss_socialised"} {
		head = append(head, p+"_count", p, p+"_lo", p+"_hi", p+"_se")
	}
	head = append(head, "mean_bad_debt", "mean_liquidated", "liquidations", "ticks", "worst_index", "worst_seed", "worst_bad_debt")
	if err := cw.Write(head); err != nil {
		return err
	}
	for _, c := range r.Cells {
		row := []string{}
		for _, p := range c.Params {
			row = append(row, p.Value)
		}
		s := c.Stats
		row = append(row, strconv.Itoa(s.Scenarios), strconv.FormatInt(r.Seed, 10))
		for _, e := range []Estimate{s.VaR95, s.VaR99, s.ES95, s.ES99, s.LaR95} {
			row = append(row, e.Value.String(), e.Lo.String(), e.Hi.String(), e.SE.String(), strconv.FormatBool(e.Open))
		}
		for _, p := range []Proportion{s.BadDebt, s.FundExhausted, s.LossSocialised} {
			row = append(row, strconv.Itoa(p.Count), p.P.String(), p.Lo.String(), p.Hi.String(), p.SE.String())
		}
		row = append(row, s.MeanBadDebt.String(), s.MeanLiquidated.String(), strconv.FormatInt(s.Liquidations, 10),
			strconv.FormatInt(s.Ticks, 10), strconv.Itoa(s.Worst.Index), strconv.FormatInt(s.Worst.Seed, 10), s.Worst.BadDebt.String())
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("%w: csv: %w", ErrInvalidInput, err)
	}
	return nil
}
