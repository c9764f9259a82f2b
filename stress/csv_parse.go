package stress

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/failsafe-fi/failsafe/oracle"
)

// parseCSV reads the whole file of a CSV (see its doc for the format).
func parseCSV(r io.Reader, s CSVSettings) ([]Tick, error) {
	limited := &io.LimitedReader{R: r, N: s.MaxBytes + 1}
	lines := &lineBound{r: limited}
	cr := csv.NewReader(lines)
	cr.ReuseRecord = true
	fail := func(err error, line int) error { return csvError(err, limited, lines, line) }
	bad := func(line int, format string, args ...any) error {
		if limited.N <= 0 { // the row may be cut at the limit: say so, not what the cut left
			return fail(nil, line)
		}
		return fmt.Errorf("%w: csv: line %d: %s", ErrInvalidInput, line, fmt.Sprintf(format, args...))
	}
	head, err := cr.Read()
	if err != nil {
		return nil, fail(err, 1)
	}
	if len(head) < 2 || head[0] != "time" || head[1] != "price" {
		return nil, bad(1, "the header must start with time,price")
	}
	if len(head)-2 > MaxSources {
		return nil, bad(1, "%d sources, at most %d", len(head)-2, MaxSources)
	}
	sources := make([]string, 0, len(head)-2)
	for _, h := range head[2:] {
		if h == "" || len(h) > 64 || h == "time" || h == "price" || strings.TrimSpace(h) != h {
			return nil, bad(1, "source %q: empty, longer than 64 bytes, padded or reserved", h)
		}
		if slices.Contains(sources, h) {
			return nil, bad(1, "source %q named twice", h)
		}
		sources = append(sources, h)
	}
	order := make([]int, len(sources)) // columns in Source order
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return strings.Compare(sources[a], sources[b]) })

	var ticks []Tick
	line := 1
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			if limited.N <= 0 {
				return nil, fail(err, line)
			}
			break
		}
		if err != nil {
			return nil, fail(err, line+1)
		}
		line, _ = cr.FieldPos(0)
		if len(ticks) == s.MaxRows {
			return nil, bad(line, "more than %d rows", s.MaxRows)
		}
		at, ok := parseTime(rec[0])
		if !ok {
			return nil, bad(line, "time %.40q is neither RFC 3339 nor whole Unix seconds, within the years 1 to 9999 UTC", rec[0])
		}
		if n := len(ticks); n > 0 && !at.After(ticks[n-1].Time) {
			return nil, bad(line, "time %s does not follow %s", at.Format("2006-01-02T15:04:05.999999999Z07:00"), ticks[n-1].Time.Format("2006-01-02T15:04:05.999999999Z07:00"))
		}
		price, why := parsePrice(rec[1], s.Scale)
		if why != "" {
			return nil, bad(line, "price %.40q: %s", rec[1], why)
		}
		t := Tick{Seq: len(ticks), Time: at, Price: price}
		for _, c := range order {
			cell := rec[2+c]
			if cell == "" {
				continue
			}
			q, why := parsePrice(cell, s.Scale)
			if why != "" {
				return nil, bad(line, "source %s: quote %.40q: %s", sources[c], cell, why)
			}
			t.Quotes = append(t.Quotes, oracle.Quote{Source: sources[c], Price: q, Time: at, Weight: weightOne})
		}
		ticks = append(ticks, t)
	}
	if len(ticks) == 0 {
		return nil, fmt.Errorf("%w: csv: no data rows", ErrInvalidInput)
	}
	return ticks, nil
}

// maxLine bounds a CSV line in bytes: MaxSources + 2 cells of at most
// 64 bytes (a source name; a price or quote is at most 40), each perhaps
// quoted, with its comma. A valid line is never longer; a longer one is
// refused after maxLine bytes, before encoding/csv buffers it whole.
const maxLine = (MaxSources + 2) * (64 + 3)

// errLongLine is what lineBound returns past maxLine bytes.
var errLongLine = errors.New("line too long")

// lineBound passes r on until a line exceeds maxLine bytes.
type lineBound struct {
	r    io.Reader
	cur  int // bytes of the current line so far
	line int // the current line, from 0
	long bool
}

// Read reads from r, stopping at the first byte past maxLine in a line.
func (l *lineBound) Read(p []byte) (int, error) {
	if l.long {
		return 0, errLongLine
	}
	n, err := l.r.Read(p)
	for i, c := range p[:n] {
		if c == '\n' {
			l.cur = 0
			l.line++
			continue
		}
		if l.cur++; l.cur > maxLine {
			l.long = true
			return i, errLongLine
		}
	}
	return n, err
}

// csvError wraps a reader's error with its line, or says the input was
// larger than allowed or had too long a line.
func csvError(err error, limited *io.LimitedReader, lines *lineBound, line int) error {
	if lines.long {
		return fmt.Errorf("%w: csv: line %d longer than %d bytes", ErrInvalidInput, lines.line+1, maxLine)
	}
	if limited.N <= 0 {
		return fmt.Errorf("%w: csv: input larger than the byte limit", ErrInvalidInput)
	}
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Errorf("%w: csv: line %d: %s", ErrInvalidInput, pe.Line, pe.Err)
	}
	if err == io.EOF {
		return fmt.Errorf("%w: csv: empty input", ErrInvalidInput)
	}
	return fmt.Errorf("%w: csv: line %d: %s", ErrInvalidInput, line, err)
}
