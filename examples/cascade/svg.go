package main

import (
	"bufio"
	"fmt"
	"io"

	"github.com/shopspring/decimal"
)

// WriteSVG draws the run as three stacked panels sharing the time axis —
// the mark, the insurance fund and the cumulative bad debt — with the
// standard library only. Coordinates are display values: the float64 here
// never touches the ledger.
func WriteSVG(w io.Writer, history []Point) error {
	const width, panel, left, gap = 900.0, 160.0, 90.0, 40.0
	bw := bufio.NewWriter(w)
	height := 3*(panel+gap) + gap
	fmt.Fprintf(bw, `<svg xmlns="http://www.w3.org/2000/svg" width="%.0f" height="%.0f" font-family="sans-serif" font-size="12">`+"\n", width, height)
	fmt.Fprintf(bw, `<rect width="100%%" height="100%%" fill="white"/>`+"\n")
	series := []struct {
		title, colour string
		get           func(Point) decimal.Decimal
	}{
		{"mark price (USD)", "#1f77b4", func(p Point) decimal.Decimal { return p.Mark }},
		{"insurance fund (USD)", "#2ca02c", func(p Point) decimal.Decimal { return p.Fund }},
		{"cumulative bad debt (USD)", "#d62728", func(p Point) decimal.Decimal { return p.BadDebt }},
	}
	if len(history) == 0 {
		fmt.Fprintln(bw, "</svg>")
		return bw.Flush()
	}
	t0, t1 := history[0].At.Seconds(), history[len(history)-1].At.Seconds()
	if t1 <= t0 {
		t1 = t0 + 1
	}
	plotW := width - left - 20
	for i, s := range series {
		top := gap + float64(i)*(panel+gap)
		lo, hi := 0.0, 1.0
		first := true
		for _, p := range history {
			if !p.HasMark {
				continue
			}
			y := s.get(p).InexactFloat64()
			if first || y < lo {
				lo = y
			}
			if first || y > hi {
				hi = y
			}
			first = false
		}
		if i > 0 {
			lo = 0
		}
		if hi <= lo {
			hi = lo + 1
		}
		fmt.Fprintf(bw, `<text x="%.0f" y="%.0f" font-weight="bold">%s</text>`+"\n", left, top-8, s.title)
		fmt.Fprintf(bw, `<rect x="%.0f" y="%.0f" width="%.0f" height="%.0f" fill="none" stroke="#999"/>`+"\n", left, top, plotW, panel)
		fmt.Fprintf(bw, `<text x="%.0f" y="%.0f" text-anchor="end">%.0f</text>`+"\n", left-6, top+12, hi)
		fmt.Fprintf(bw, `<text x="%.0f" y="%.0f" text-anchor="end">%.0f</text>`+"\n", left-6, top+panel, lo)
		fmt.Fprintf(bw, `<polyline fill="none" stroke="%s" stroke-width="1.5" points="`, s.colour)
		for _, p := range history {
			if !p.HasMark {
				continue
			}
			x := left + (p.At.Seconds()-t0)/(t1-t0)*plotW
			y := top + panel - (s.get(p).InexactFloat64()-lo)/(hi-lo)*panel
			fmt.Fprintf(bw, "%.1f,%.1f ", x, y)
		}
		fmt.Fprintln(bw, `"/>`)
	}
	base := gap + 3*(panel+gap) - gap + 16
	fmt.Fprintf(bw, `<text x="%.0f" y="%.0f">t%+.0f min</text>`+"\n", left, base, t0/60)
	fmt.Fprintf(bw, `<text x="%.0f" y="%.0f" text-anchor="end">t%+.0f min (minutes since the crash began)</text>`+"\n", left+plotW, base, t1/60)
	fmt.Fprintln(bw, "</svg>")
	return bw.Flush()
}
