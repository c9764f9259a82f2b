package stress

import (
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/oracle"
)

// CSVSettings bound a CSV replay.
type CSVSettings struct {
	// Name names the replay in reports. Zero means "csv".
	Name string
	// MaxBytes bounds the input, in [1, 1 GiB]. Zero means 16 MiB.
	MaxBytes int64
	// MaxRows bounds the data rows, in [1, MaxTicks]. Zero means 100,000.
	MaxRows int
	// Scale is the finest price the file may hold, in decimal places, in
	// [1, MaxScale]; a finer price is refused, not rounded. Zero means 8.
	Scale int32
}

// CSV replays a price path read from CSV, the same for every seed
// (wrap it in Quotes or Faults for seeded variation). Safe for concurrent
// use.
//
// The format is strict. The header is "time,price" followed by one
// column per oracle source, named by its header cell (non-empty, at most
// 64 bytes, distinct, at most MaxSources). Each row is:
//
//   - time: RFC 3339 (2020-03-12T00:00:00Z, any offset) or whole Unix
//     seconds (1583971200), strictly increasing from row to row, in UTC
//     within the years 1 to 9999;
//   - price: a plain positive decimal (digits, at most one point; no
//     sign, exponent or spaces), at most 10^15 and Scale places;
//   - each source's quote at that time in the same form, or empty when
//     the source did not quote.
//
// Tick i is row i: its Time is the row's time (so ticks need not be
// evenly spaced), its Price the row's price, and its Quotes the non-empty
// quote cells, sorted by Source, stamped with the row's time and Weight
// 1. Any violation is an error wrapping ErrInvalidInput that names the
// line.
type CSV struct {
	name    string
	ticks   []Tick
	sources []string // quoted in at least one row, sorted
}

// NewCSV reads and checks the whole CSV from r.
func NewCSV(r io.Reader, s CSVSettings) (*CSV, error) {
	if s.Name == "" {
		s.Name = "csv"
	}
	if s.MaxBytes == 0 {
		s.MaxBytes = 16 << 20
	}
	if s.MaxRows == 0 {
		s.MaxRows = 100_000
	}
	if s.Scale == 0 {
		s.Scale = 8
	}
	if len(s.Name) > 64 || s.MaxBytes < 1 || s.MaxBytes > 1<<30 || s.MaxRows < 1 || s.MaxRows > MaxTicks || s.Scale < 1 || s.Scale > MaxScale {
		return nil, fmt.Errorf("%w: csv: settings out of range (name ≤ 64 bytes, bytes 1..1GiB, rows 1..%d, scale 1..%d)", ErrInvalidInput, MaxTicks, MaxScale)
	}
	ticks, err := parseCSV(r, s)
	if err != nil {
		return nil, err
	}
	var sources []string
	for _, t := range ticks {
		for _, q := range t.Quotes {
			if _, found := slices.BinarySearch(sources, q.Source); !found {
				sources = append(sources, q.Source) // at most MaxSources of them
				slices.Sort(sources)
			}
		}
	}
	return &CSV{name: s.Name, ticks: ticks, sources: sources}, nil
}

// Name says what is replayed, e.g. "csv(eth.csv, 157 rows)".
func (g *CSV) Name() string { return fmt.Sprintf("csv(%s, %d rows)", g.name, len(g.ticks)) }

// Len is the number of ticks (data rows).
func (g *CSV) Len() int { return len(g.ticks) }

// Scenario returns the replay; seed is ignored.
func (g *CSV) Scenario(int64) (Scenario, error) { return &replayed{ticks: g.ticks}, nil }

// replayed is one reading of a CSV.
type replayed struct {
	ticks []Tick
	i     int
}

// Next returns the next row as a tick (a fresh copy of its quotes, so a
// model may keep or change them).
func (r *replayed) Next() (Tick, bool, error) {
	if r.i >= len(r.ticks) {
		return Tick{}, false, nil
	}
	t := r.ticks[r.i]
	t.Quotes = append([]oracle.Quote(nil), t.Quotes...)
	r.i++
	return t, true, nil
}

// maxUnix is 9999-12-31T23:59:59Z in Unix seconds: the last second
// RFC 3339 (and so every oracle) can write.
const maxUnix = 253_402_300_799

// parseTime reads an RFC 3339 time or whole Unix seconds (at most
// 9999-12-31T23:59:59Z), in UTC.
func parseTime(cell string) (time.Time, bool) {
	if n := len(cell); n > 0 && n <= 12 && allDigits(cell) {
		var sec int64
		for _, c := range cell {
			sec = sec*10 + int64(c-'0')
		}
		return time.Unix(sec, 0).UTC(), sec <= maxUnix
	}
	t, err := time.Parse(time.RFC3339Nano, cell)
	// Never the machine's zone (Parse picks Local when the offset
	// matches); an offset may carry 9999-12-31 into the year 10000.
	t = t.UTC()
	return t, err == nil && t.Year() >= 1 && t.Year() <= 9999
}

// allDigits is true when s is only ASCII digits.
func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// parsePrice reads a plain positive decimal of at most scale places and
// 40 characters (no sign, exponent or spaces), at most 10^15.
func parsePrice(cell string, scale int32) (decimal.Decimal, string) {
	if len(cell) == 0 || len(cell) > 40 {
		return decimal.Decimal{}, "empty or longer than 40 characters"
	}
	dot := -1
	for i := 0; i < len(cell); i++ {
		switch c := cell[i]; {
		case c == '.' && dot < 0 && i > 0 && i < len(cell)-1:
			dot = i
		case c < '0' || c > '9':
			return decimal.Decimal{}, "not a plain decimal (digits and one inner point only)"
		}
	}
	if dot >= 0 && int32(len(cell)-dot-1) > scale {
		return decimal.Decimal{}, fmt.Sprintf("more than %d decimal places", scale)
	}
	d, err := decimal.NewFromString(cell)
	if err != nil {
		return decimal.Decimal{}, "not a decimal"
	}
	if !d.IsPositive() || d.GreaterThan(maxPrice) {
		return decimal.Decimal{}, "not in (0, 10^15]"
	}
	return d, ""
}
