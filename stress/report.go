package stress

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/failsafe-fi/failsafe/internal/num"
)

// Report is the statistics of a complete run or sweep: one CellReport per
// cell (a plain run has one, without parameters). Its text, JSON and CSV
// are functions of the run alone (model, generator, seed, scenarios,
// cells): the same bytes for any number of workers and any split into
// shards, on any machine.
type Report struct {
	Model     string       `json:"model"`
	Generator string       `json:"generator"`
	Seed      int64        `json:"seed"`
	Scenarios int          `json:"scenarios"`
	Axes      []Axis       `json:"axes"`
	Cells     []CellReport `json:"cells"`
}

// CellReport is the statistics of one cell: its settings (none for a
// plain run) and its Stats.
type CellReport struct {
	Params []Setting `json:"params"`
	Stats  Stats     `json:"stats"`
}

// WriteJSON writes the report as indented JSON, fields in declaration
// order, amounts as decimal strings.
func (r *Report) WriteJSON(w io.Writer) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return fmt.Errorf("%w: report: %w", ErrInvalidInput, err)
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// Sentence is the report's answer in one sentence, for its first cell:
// how often the fund ran dry and how bad the 99th percentile of bad debt
// is, each with its 95% interval.
func (r *Report) Sentence() string {
	if len(r.Cells) == 0 {
		return ""
	}
	s := r.Cells[0].Stats
	fund := fmt.Sprintf("the insurance fund ran dry in %s of %s scenarios (95%% CI %s–%s)",
		pct(s.FundExhausted.P, 1), groupInt(int64(s.Scenarios)), pctDown(s.FundExhausted.Lo, 1), pctUp(s.FundExhausted.Hi, 1))
	v := fmt.Sprintf("VaR99 of bad debt %s", compact(s.VaR99.Value))
	if s.VaR99.Open {
		v += fmt.Sprintf(" (95%% CI from %s, open above: too few scenarios for its upper bound)", compactR(s.VaR99.Lo, num.Floor))
	} else {
		v += fmt.Sprintf(" (95%% CI %s–%s)", compactR(s.VaR99.Lo, num.Floor), compactR(s.VaR99.Hi, num.Ceil))
	}
	return upperFirst(fund) + "; " + v + "."
}

// upperFirst capitalises an ASCII first letter.
func upperFirst(s string) string {
	if s != "" && s[0] >= 'a' && s[0] <= 'z' {
		return string(s[0]-'a'+'A') + s[1:]
	}
	return s
}
