package stress

import (
	"fmt"
	"io"
	"strings"

	"github.com/failsafe-fi/failsafe/internal/num"
)

// WriteText writes the report for a reader: a header naming the run, then
// for a plain run a table of every statistic with its 95% interval and
// standard error, the worst scenario's seed and the answer in one
// sentence; for a sweep, one row per cell. Then how each interval was
// computed.
func (r *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "stress: model %s · scenarios from %s · base seed %d · %s scenarios\n",
		orDash(r.Model), r.Generator, r.Seed, groupInt(int64(r.Scenarios)))
	b.WriteString("every scenario's value conserved to the smallest unit after every tick\n\n")
	if len(r.Axes) == 0 && len(r.Cells) == 1 {
		writeCellTable(&b, r.Cells[0].Stats)
		fmt.Fprintf(&b, "\n%s\n", r.Sentence())
	} else {
		writeSweepTable(&b, r)
	}
	b.WriteString("\n" + methods)
	_, err := io.WriteString(w, b.String())
	return err
}

// methods explains the intervals, under every text report.
const methods = `Methods: VaR and LaR are nearest-rank percentiles (Hyndman–Fan type 1) with
distribution-free order-statistic 95% intervals (Conover §3.2; SE = width/3.92);
ES is the mean beyond the percentile, ± 1.96 SE (Manistre–Hancock 2005);
proportions have Wilson score intervals and SE √(p(1−p)/n). "open" (* in a
sweep table): too few scenarios for that interval — run more.
`

// writeCellTable writes one cell's statistics as a table.
func writeCellTable(b *strings.Builder, s Stats) {
	rows := [][]string{{"statistic", "estimate", "95% CI", "SE"}}
	est := func(name string, e Estimate) {
		ci := fmt.Sprintf("%s – %s", moneyR(e.Lo, num.Floor), moneyR(e.Hi, num.Ceil))
		se := money(e.SE)
		if e.Open {
			ci += " (open)"
			se = "n/a"
		}
		rows = append(rows, []string{name, money(e.Value), ci, se})
	}
	prop := func(name string, p Proportion) {
		rows = append(rows, []string{name, pct(p.P, 2) + fmt.Sprintf(" (%s)", groupInt(int64(p.Count))),
			fmt.Sprintf("%s – %s", pctDown(p.Lo, 2), pctUp(p.Hi, 2)), pct(p.SE, 2)})
	}
	est("bad debt VaR95", s.VaR95)
	est("bad debt VaR99", s.VaR99)
	est("bad debt ES95", s.ES95)
	est("bad debt ES99", s.ES99)
	est("liquidations at risk LaR95", s.LaR95)
	prop("P(any bad debt)", s.BadDebt)
	prop("P(insurance fund exhausted)", s.FundExhausted)
	prop("P(loss socialised)", s.LossSocialised)
	writeTable(b, rows)
	fmt.Fprintf(b, "\nmean bad debt %s · mean value liquidated %s · %s liquidations · %s ticks\n",
		money(s.MeanBadDebt), money(s.MeanLiquidated), groupInt(s.Liquidations), groupInt(s.Ticks))
	fmt.Fprintf(b, "losses socialised %s · uncovered %s (summed over the scenarios)\n", money(s.Socialised), money(s.Uncovered))
	fmt.Fprintf(b, "worst bad debt %s in scenario %d (seed %d: replay it alone with that seed)\n",
		money(s.Worst.BadDebt), s.Worst.Index, s.Worst.Seed)
}

// writeSweepTable writes one row per cell of a sweep.
func writeSweepTable(b *strings.Builder, r *Report) {
	head := []string{}
	for _, a := range r.Axes {
		head = append(head, a.Name)
	}
	head = append(head, "VaR95 [95% CI]", "VaR99 [95% CI]", "ES99", "LaR95", "P(fund exhausted) [95% CI]", "P(socialised)")
	rows := [][]string{head}
	for _, c := range r.Cells {
		row := []string{}
		for _, p := range c.Params {
			row = append(row, p.Value)
		}
		s := c.Stats
		row = append(row, ciCompact(s.VaR95), ciCompact(s.VaR99), compact(s.ES99.Value), compact(s.LaR95.Value),
			fmt.Sprintf("%s [%s–%s]", pct(s.FundExhausted.P, 1), pctDown(s.FundExhausted.Lo, 1), pctUp(s.FundExhausted.Hi, 1)),
			pct(s.LossSocialised.P, 1))
		rows = append(rows, row)
	}
	writeTable(b, rows)
}

// ciCompact writes an estimate and its interval compactly.
func ciCompact(e Estimate) string {
	s := fmt.Sprintf("%s [%s–%s]", compact(e.Value), compactR(e.Lo, num.Floor), compactR(e.Hi, num.Ceil))
	if e.Open {
		s += "*"
	}
	return s
}

// writeTable writes rows as left-aligned columns two spaces apart.
func writeTable(b *strings.Builder, rows [][]string) {
	var width []int
	for _, r := range rows {
		for i, c := range r {
			if i >= len(width) {
				width = append(width, 0)
			}
			width[i] = max(width[i], len([]rune(c)))
		}
	}
	for _, r := range rows {
		for i, c := range r {
			if i == len(r)-1 {
				b.WriteString(c)
				break
			}
			b.WriteString(c + strings.Repeat(" ", width[i]-len([]rune(c))+2))
		}
		b.WriteByte('\n')
	}
}

// orDash is s, or "-" if empty.
func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
