package stress

import (
	"container/heap"
	"encoding/json"
	"fmt"
	"io"
	"slices"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
)

// The partial-result file of one shard: JSON, versioned, checked in full
// when read.
const (
	// PartialFormat is the "format" field of every partial file.
	PartialFormat = "failsafe-stress-partial"
	// PartialVersion is the version this package writes and reads.
	PartialVersion = 1
	// MaxPartialBytes bounds the size of a partial file ReadPartial reads.
	MaxPartialBytes = 1 << 30
)

// partialFile is the JSON of a partial result; fields in a fixed order.
type partialFile struct {
	Format    string        `json:"format"`
	Version   int           `json:"version"`
	Model     string        `json:"model"`
	Generator string        `json:"generator"`
	Seed      int64         `json:"seed"`
	Scenarios int           `json:"scenarios"`
	Shard     Shard         `json:"shard"`
	From      int           `json:"from"`
	To        int           `json:"to"`
	Axes      []Axis        `json:"axes"`
	Cells     []partialCell `json:"cells"`
}

// partialCell is one cell's tally.
type partialCell struct {
	Params         []Setting       `json:"params"`
	N              int             `json:"n"`
	Ticks          int64           `json:"ticks"`
	Liquidations   int64           `json:"liquidations"`
	BadDebt        decimal.Decimal `json:"bad_debt"`
	Liquidated     decimal.Decimal `json:"liquidated"`
	Socialised     decimal.Decimal `json:"socialised"`
	Uncovered      decimal.Decimal `json:"uncovered"`
	WithBadDebt    int             `json:"with_bad_debt"`
	Exhausted      int             `json:"fund_exhausted"`
	LossSocialised int             `json:"loss_socialised"`
	BadTail        []entry         `json:"bad_debt_tail"`
	LiqTail        []entry         `json:"liquidated_tail"`
}

// WritePartial writes r (typically one shard's) as a partial-result file
// for Merge: the run's identity (model, generator, seed, scenarios, axes),
// the shard, and each cell's tally. A complete result may be written too.
func (r *Result) WritePartial(w io.Writer) error {
	pf := partialFile{Format: PartialFormat, Version: PartialVersion, Model: r.Model, Generator: r.Generator,
		Seed: r.Seed, Scenarios: r.Scenarios, Shard: r.Shard, From: r.From, To: r.To, Axes: r.Axes}
	for _, c := range r.cells {
		t := c.t
		pf.Cells = append(pf.Cells, partialCell{Params: c.params, N: t.n, Ticks: t.ticks, Liquidations: t.liquidations,
			BadDebt: t.badDebt, Liquidated: t.liquidated, Socialised: t.socialised, Uncovered: t.uncovered,
			WithBadDebt: t.withBadDebt, Exhausted: t.exhausted, LossSocialised: t.lossSocialised,
			BadTail: t.bad.sorted(), LiqTail: t.liq.sorted()})
	}
	b, err := json.Marshal(pf)
	if err != nil {
		return fmt.Errorf("%w: partial: %w", ErrInvalidInput, err)
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// ReadPartial reads a partial-result file and checks it in full: format
// and version, the run's identity, that the shard's range is the one its
// index gives, the axes and cells, every count within the shard's size,
// every amount in range and not negative, and every tail sorted, of the
// right length, with distinct scenario indexes inside the shard. Anything
// else is refused with ErrInvalidInput.
func ReadPartial(rd io.Reader) (*Result, error) {
	dec := json.NewDecoder(io.LimitReader(rd, MaxPartialBytes))
	dec.DisallowUnknownFields()
	var pf partialFile
	if err := dec.Decode(&pf); err != nil {
		return nil, fmt.Errorf("%w: partial: %w", ErrInvalidInput, err)
	}
	bad := func(format string, args ...any) (*Result, error) {
		return nil, fmt.Errorf("%w: partial (shard %d/%d): %s", ErrInvalidInput, pf.Shard.Index, pf.Shard.Count, fmt.Sprintf(format, args...))
	}
	if pf.Format != PartialFormat || pf.Version != PartialVersion {
		return bad("format %q version %d: want %q version %d", pf.Format, pf.Version, PartialFormat, PartialVersion)
	}
	if pf.Scenarios < 1 || pf.Scenarios > MaxScenarios {
		return bad("scenarios %d outside [1, %d]", pf.Scenarios, MaxScenarios)
	}
	if err := pf.Shard.check(pf.Scenarios); err != nil {
		return nil, err
	}
	if from, to := pf.Shard.Range(pf.Scenarios); pf.From != from || pf.To != to {
		return bad("range [%d, %d): shard %s of %d scenarios is [%d, %d)", pf.From, pf.To, pf.Shard, pf.Scenarios, from, to)
	}
	if len(pf.Model) > maxLabel || len(pf.Generator) > maxLabel {
		return bad("model or generator name longer than %d bytes", maxLabel)
	}
	var grid [][]Setting
	if pf.Axes == nil {
		grid = [][]Setting{nil}
	} else {
		axes, err := normAxes(pf.Axes)
		if err != nil {
			return nil, err
		}
		if !equalAxes(axes, pf.Axes) {
			return bad("axes not sorted by name")
		}
		grid = Cells(axes)
	}
	if len(pf.Cells) != len(grid) {
		return bad("%d cells, the axes span %d", len(pf.Cells), len(grid))
	}
	res := &Result{Model: pf.Model, Generator: pf.Generator, Seed: pf.Seed, Scenarios: pf.Scenarios,
		Shard: pf.Shard, From: pf.From, To: pf.To, Axes: pf.Axes}
	for i, pc := range pf.Cells {
		if !slices.Equal(pc.Params, grid[i]) {
			return bad("cell %d: parameters %v, want %v", i, pc.Params, grid[i])
		}
		t, err := pc.tally(pf.Scenarios, pf.From, pf.To)
		if err != nil {
			return bad("cell %d: %v", i, err)
		}
		res.cells = append(res.cells, cell{params: grid[i], t: t})
	}
	return res, nil
}

// tally checks a cell of a partial covering [from, to) of n scenarios and
// rebuilds its tally.
func (pc partialCell) tally(n, from, to int) (*tally, error) {
	size := to - from
	if pc.N != size {
		return nil, fmt.Errorf("%d scenarios tallied, the shard has %d", pc.N, size)
	}
	for _, c := range []int{pc.WithBadDebt, pc.Exhausted, pc.LossSocialised} {
		if c < 0 || c > size {
			return nil, fmt.Errorf("count %d outside [0, %d]", c, size)
		}
	}
	if pc.Ticks < 0 || pc.Liquidations < 0 {
		return nil, fmt.Errorf("negative ticks or liquidations")
	}
	for _, d := range []decimal.Decimal{pc.BadDebt, pc.Liquidated, pc.Socialised, pc.Uncovered} {
		if err := checkSum(d); err != nil {
			return nil, err
		}
	}
	t := newTally(n)
	t.n, t.ticks, t.liquidations = pc.N, pc.Ticks, pc.Liquidations
	t.badDebt, t.liquidated, t.socialised, t.uncovered = pc.BadDebt, pc.Liquidated, pc.Socialised, pc.Uncovered
	t.withBadDebt, t.exhausted, t.lossSocialised = pc.WithBadDebt, pc.Exhausted, pc.LossSocialised
	for _, x := range []struct {
		name string
		es   []entry
		dst  *tail
	}{{"bad debt", pc.BadTail, &t.bad}, {"liquidated", pc.LiqTail, &t.liq}} {
		if want := min(size, x.dst.cap); len(x.es) != want {
			return nil, fmt.Errorf("%s tail of %d entries, want %d", x.name, len(x.es), want)
		}
		for j, e := range x.es {
			if e.Index < from || e.Index >= to {
				return nil, fmt.Errorf("%s tail: scenario %d outside the shard", x.name, e.Index)
			}
			if err := num.CheckNonNegative(e.Value); err != nil {
				return nil, fmt.Errorf("%s tail: scenario %d: %w", x.name, e.Index, err)
			}
			if j > 0 && !above(x.es[j-1], e) {
				return nil, fmt.Errorf("%s tail not sorted (or a scenario twice) at entry %d", x.name, j)
			}
		}
		x.dst.h = append(minHeap(nil), x.es...)
		heap.Init(&x.dst.h)
	}
	return t, nil
}

// checkSum refuses a sum no run could produce: negative, or beyond
// MaxScenarios values of num's range.
func checkSum(d decimal.Decimal) error {
	exp := d.Exponent()
	if exp < -num.MaxScale || exp > num.MaxIntDigits || (d.Sign() != 0 && int64(d.NumDigits())+int64(exp) > num.MaxIntDigits+8) {
		return fmt.Errorf("sum out of range (exponent %d)", exp)
	}
	if d.Sign() < 0 {
		return fmt.Errorf("negative sum")
	}
	return nil
}

// equalAxes reports whether two axis lists are the same.
func equalAxes(a, b []Axis) bool {
	return slices.EqualFunc(a, b, func(x, y Axis) bool { return x.Name == y.Name && slices.Equal(x.Values, y.Values) })
}
