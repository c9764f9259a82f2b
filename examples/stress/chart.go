package main

import (
	"fmt"
	"image/color"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/failsafe-fi/failsafe/stress"
)

// Chart size and resolution, as the other examples' charts: 11 × 8.5
// inches at 110 dots per inch.
const (
	chartW, chartH = 11 * vg.Inch, 8.5 * vg.Inch
	chartDPI       = 110
)

// palette colours the series, one per combination of the other axes.
var palette = []color.Color{
	color.RGBA{R: 0x1f, G: 0x5f, B: 0xa8, A: 0xff}, color.RGBA{R: 0xc0, G: 0x2a, B: 0x2a, A: 0xff},
	color.RGBA{R: 0x2a, G: 0x8a, B: 0x3a, A: 0xff}, color.RGBA{R: 0xe0, G: 0x8a, B: 0x1c, A: 0xff},
	color.RGBA{R: 0x6a, G: 0x3d, B: 0x9a, A: 0xff}, color.RGBA{R: 0x40, G: 0x40, B: 0x40, A: 0xff},
}

// writeChart draws a sweep as PNG: risk against capital efficiency. The x
// axis is the efficiency parameter eff (the model's, e.g. the leverage
// allowed; the first axis if eff is not swept); the top panel is VaR95 of
// bad debt with its 95% interval, the bottom one the probability that the
// insurance fund runs dry with its Wilson interval; one line per
// combination of the other parameters. Coordinates are display values: the
// float64 here never reaches the report.
func writeChart(w io.Writer, rep *stress.Report, eff string) error {
	if len(rep.Axes) == 0 {
		return fmt.Errorf("-chart: the run is not a sweep")
	}
	xi := 0
	for i, a := range rep.Axes {
		if a.Name == eff {
			xi = i
		}
	}
	xname := rep.Axes[xi].Name
	type series struct {
		label     string
		var95, pf plotter.XYs
		varErr    plotter.YErrors
		pfErr     plotter.YErrors
	}
	var order []string
	var xticks []plot.Tick
	byLabel := map[string]*series{}
	for _, c := range rep.Cells {
		var others []string
		x := math.NaN()
		for i, p := range c.Params {
			if i == xi {
				v, err := strconv.ParseFloat(p.Value, 64)
				if err != nil {
					return fmt.Errorf("-chart: %s value %q is not a number", xname, p.Value)
				}
				x = v
				if !hasTick(xticks, v) {
					xticks = append(xticks, plot.Tick{Value: v, Label: p.Value})
				}
				continue
			}
			others = append(others, p.Name+" "+p.Value)
		}
		label := strings.Join(others, ", ")
		s, ok := byLabel[label]
		if !ok {
			s = &series{label: label}
			byLabel[label] = s
			order = append(order, label)
		}
		st := c.Stats
		v := f(st.VaR95.Value)
		s.var95 = append(s.var95, plotter.XY{X: x, Y: v})
		s.varErr = append(s.varErr, struct{ Low, High float64 }{v - f(st.VaR95.Lo), f(st.VaR95.Hi) - v})
		p := 100 * f(st.FundExhausted.P)
		s.pf = append(s.pf, plotter.XY{X: x, Y: p})
		s.pfErr = append(s.pfErr, struct{ Low, High float64 }{p - 100*f(st.FundExhausted.Lo), 100*f(st.FundExhausted.Hi) - p})
	}

	plot.DefaultFont = font.Font{Typeface: "Liberation", Variant: "Sans"}
	top, bottom := plot.New(), plot.New()
	top.Title.Text = "Bad debt VaR95 (95th percentile of insolvent debt, before any backstop) with its 95% confidence interval"
	bottom.Title.Text = "Probability that the insurance fund runs dry, with its 95% Wilson interval"
	top.Y.Label.Text, bottom.Y.Label.Text = "bad debt", "% of scenarios"
	bottom.X.Label.Text = xname + " (capital efficiency: more is cheaper for traders)"
	for _, p := range []*plot.Plot{top, bottom} {
		p.Title.TextStyle.Font.Size = 13
		p.Y.Tick.Marker = grouped{}
		p.Y.Min = 0
		grid := plotter.NewGrid()
		grid.Vertical.Color, grid.Horizontal.Color = color.Gray{Y: 0xd8}, color.Gray{Y: 0xd8}
		p.Add(grid)
		p.Legend.Top, p.Legend.Left = true, true
		p.X.Tick.Marker = plot.ConstantTicks(xticks)
		if logX(xticks) {
			p.X.Scale = plot.LogScale{}
		}
	}
	for i, label := range order {
		s := byLabel[label]
		col := palette[i%len(palette)]
		for _, panel := range []struct {
			p   *plot.Plot
			xys plotter.XYs
			err plotter.YErrors
		}{{top, s.var95, s.varErr}, {bottom, s.pf, s.pfErr}} {
			line, pts, err := plotter.NewLinePoints(panel.xys)
			if err != nil {
				return err
			}
			line.Color, line.Width = col, vg.Points(1.8)
			pts.Color, pts.Shape = col, draw.CircleGlyph{}
			bars, err := plotter.NewYErrorBars(struct {
				plotter.XYs
				plotter.YErrors
			}{panel.xys, panel.err})
			if err != nil {
				return err
			}
			bars.Color, bars.Width = col, vg.Points(1.2)
			panel.p.Add(line, pts, bars)
			if label != "" {
				panel.p.Legend.Add(label, line)
			}
		}
	}
	c := vgimg.PngCanvas{Canvas: vgimg.NewWith(vgimg.UseWH(chartW, chartH), vgimg.UseDPI(chartDPI), vgimg.UseBackgroundColor(color.White))}
	dc := draw.New(c)
	title := draw.TextStyle{Color: color.Black, Font: font.From(plot.DefaultFont, 16), Handler: plot.DefaultTextHandler}
	body := draw.TextStyle{Color: color.Gray{Y: 0x30}, Font: font.From(plot.DefaultFont, 10.5), Handler: plot.DefaultTextHandler}
	dc.FillText(title, vg.Point{X: dc.Min.X + vg.Points(14), Y: dc.Max.Y - vg.Points(24)},
		fmt.Sprintf("Risk against capital efficiency: model %s, %s scenarios per cell", rep.Model, groupInt(rep.Scenarios)))
	// Two caption lines: a generator's name with its parameters is long
	// enough to run off the right edge on one.
	dc.FillText(body, vg.Point{X: dc.Min.X + vg.Points(14), Y: dc.Min.Y + vg.Points(26)},
		fmt.Sprintf("scenarios: %s", rep.Generator))
	dc.FillText(body, vg.Point{X: dc.Min.X + vg.Points(14), Y: dc.Min.Y + vg.Points(12)},
		fmt.Sprintf("base seed %d · every cell on the same seeds (common random numbers) · value conserved in every tick", rep.Seed))
	tiles := draw.Tiles{Rows: 2, Cols: 1, PadTop: vg.Points(40), PadBottom: vg.Points(42), PadLeft: vg.Points(8), PadRight: vg.Points(16), PadY: vg.Points(12)}
	rows := [][]*plot.Plot{{top}, {bottom}}
	canvases := plot.Align(rows, tiles, dc)
	top.Draw(canvases[0][0])
	bottom.Draw(canvases[1][0])
	_, err := c.WriteTo(w)
	return err
}

// hasTick reports whether ts has a tick at v.
func hasTick(ts []plot.Tick, v float64) bool {
	for _, t := range ts {
		if t.Value == v {
			return true
		}
	}
	return false
}

// logX reports whether the x values span a decade or more of positive
// numbers (leverage 2 to 50): a log axis spaces them evenly.
func logX(ts []plot.Tick) bool {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, t := range ts {
		lo, hi = math.Min(lo, t.Value), math.Max(hi, t.Value)
	}
	return lo > 0 && hi/lo >= 8
}

// f is a decimal as a float, for a chart coordinate only.
func f(d decimal.Decimal) float64 { return d.InexactFloat64() }

// grouped labels round values — steps of 1, 2, 2.5 or 5 times a power of
// ten, at most six — compactly: 250k, 1.5M, 20.
type grouped struct{}

// Ticks implements plot.Ticker.
func (grouped) Ticks(lo, hi float64) []plot.Tick {
	if !(hi > lo) {
		return []plot.Tick{{Value: lo, Label: short(lo)}}
	}
	mag := math.Pow(10, math.Floor(math.Log10((hi-lo)/5)))
	step := mag
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if step = m * mag; (hi-lo)/step <= 6 {
			break
		}
	}
	var ts []plot.Tick
	for v := math.Ceil(lo/step) * step; v <= hi+step*1e-9; v += step {
		ts = append(ts, plot.Tick{Value: v, Label: short(v)})
	}
	return ts
}

// short writes v compactly: 2,500,000 → "2.5M", 250,000 → "250k".
func short(v float64) string {
	for _, u := range []struct {
		div  float64
		name string
	}{{1e9, "B"}, {1e6, "M"}, {1e3, "k"}} {
		if math.Abs(v) >= u.div {
			return strconv.FormatFloat(v/u.div, 'f', -1, 64) + u.name
		}
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// group writes v with places decimals and thousands separators.
func group(v float64, places int) string {
	s := strconv.FormatFloat(math.Abs(v), 'f', places, 64)
	ip, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	if v < 0 {
		b.WriteString("−")
	}
	for i, c := range ip {
		if i > 0 && (len(ip)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if frac != "" {
		b.WriteString("." + frac)
	}
	return b.String()
}

// groupInt writes n with thousands separators.
func groupInt(n int) string { return group(float64(n), 0) }
