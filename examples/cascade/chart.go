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
	"gonum.org/v1/plot/vg/vgsvg"

	"github.com/failsafe-fi/failsafe/examples/internal/cli"
)

// Colours of the chart: one per series, one per kind of shading.
var (
	colMark    = color.RGBA{R: 0x1f, G: 0x5f, B: 0xa8, A: 0xff}
	colFund    = color.RGBA{R: 0x2a, G: 0x8a, B: 0x3a, A: 0xff}
	colBadDebt = color.RGBA{R: 0xc0, G: 0x2a, B: 0x2a, A: 0xff}
	colHeld    = color.NRGBA{R: 0xf4, G: 0xa2, B: 0x3c, A: 0x80} // breaker limit or pause
	colStale   = color.NRGBA{R: 0x50, G: 0x50, B: 0x68, A: 0xa0} // oracle stale
)

// Chart size: 11 × 8.5 inches, rendered at 110 dots per inch as PNG.
const (
	chartW, chartH = 11 * vg.Inch, 8.5 * vg.Inch
	chartDPI       = 110
)

// WriteChart draws the run as three panels sharing one time axis — the
// mark, the insurance fund and the cumulative bad debt, all in USD — with
// the ticks in which the breaker held liquidations (limit state or pause)
// and those in which the oracle was stale (a source refused as stale, or
// no fresh mark) shaded across every panel, and a caption giving the seed,
// the crash and the outcome. format is "png" or "svg". Coordinates are
// display values: the float64 here never touches the ledger.
func WriteChart(w io.Writer, format string, cfg Config, res Result) error {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return err
	}
	var c vg.CanvasWriterTo
	switch format {
	case "png":
		c = vgimg.PngCanvas{Canvas: vgimg.NewWith(vgimg.UseWH(chartW, chartH), vgimg.UseDPI(chartDPI), vgimg.UseBackgroundColor(color.White))}
	case "svg":
		c = vgsvg.New(chartW, chartH)
	default:
		return fmt.Errorf("chart format %q: want png or svg", format)
	}
	plot.DefaultFont = font.Font{Typeface: "Liberation", Variant: "Sans"}
	dc := draw.New(c)
	dc.FillPolygon(color.White, []vg.Point{dc.Min, {X: dc.Max.X, Y: dc.Min.Y}, dc.Max, {X: dc.Min.X, Y: dc.Max.Y}})

	held, stale := spansOf(res.History, func(p Point) bool { return p.Held }), spansOf(res.History, func(p Point) bool { return p.Stale })
	panels := []struct {
		title string
		col   color.Color
		get   func(Point) decimal.Decimal
		zero  bool // the axis starts at 0
	}{
		{"BTC-PERP mark price (the oracle's last good price)", colMark, func(p Point) decimal.Decimal { return p.Mark }, false},
		{"Insurance fund balance", colFund, func(p Point) decimal.Decimal { return p.Fund }, true},
		{"Cumulative bad debt sent to the waterfall", colBadDebt, func(p Point) decimal.Decimal { return p.BadDebt }, true},
	}
	t0, t1 := 0.0, 1.0
	if n := len(res.History); n > 0 {
		t0, t1 = minutes(res.History[0].At), minutes(res.History[n-1].At)
	}
	rows := make([][]*plot.Plot, len(panels))
	for i, pn := range panels {
		p := plot.New()
		p.Title.Text = pn.title
		p.Title.TextStyle.Font.Size = 13
		p.Title.Padding = vg.Points(4)
		p.Y.Label.Text = "USD"
		p.Y.Tick.Marker = groupedTicks{}
		p.X.Tick.Marker = minuteTicks{}
		p.X.Min, p.X.Max = t0, t1
		if i == len(panels)-1 {
			p.X.Label.Text = "minutes since the crash began (simulated clock; one tick = 10 s)"
		}
		p.Add(shade{spans: held, color: colHeld}, shade{spans: stale, color: colStale, hatch: true})
		grid := plotter.NewGrid()
		grid.Vertical.Color, grid.Horizontal.Color = color.Gray{Y: 0xd8}, color.Gray{Y: 0xd8}
		p.Add(grid)
		var xys plotter.XYs
		for _, pt := range res.History {
			if pt.HasMark {
				xys = append(xys, plotter.XY{X: minutes(pt.At), Y: pn.get(pt).InexactFloat64()})
			}
		}
		if len(xys) > 0 {
			line, err := plotter.NewLine(xys)
			if err != nil {
				return err
			}
			line.LineStyle.Color, line.LineStyle.Width = pn.col, vg.Points(1.8)
			p.Add(line)
			last := xys[len(xys)-1]
			lbl, err := plotter.NewLabels(plotter.XYLabels{XYs: []plotter.XY{last}, Labels: []string{group(last.Y, 0)}})
			if err != nil {
				return err
			}
			lbl.TextStyle[0].Color, lbl.TextStyle[0].XAlign, lbl.TextStyle[0].YAlign = pn.col, draw.XRight, draw.YBottom
			lbl.TextStyle[0].Font = font.From(plot.DefaultFont, 10)
			lbl.Offset = vg.Point{Y: vg.Points(3)}
			p.Add(lbl)
			lo, hi := rangeOf(xys)
			if pn.zero {
				lo = 0
			}
			if hi <= lo {
				hi = lo + 1
			}
			pad := (hi - lo) * 0.08
			p.Y.Max = hi + pad
			if p.Y.Min = lo - pad; pn.zero {
				p.Y.Min = 0
			}
		}
		rows[i] = []*plot.Plot{p}
	}

	title := draw.TextStyle{Color: color.Black, Font: font.From(plot.DefaultFont, 16), Handler: plot.DefaultTextHandler}
	body := draw.TextStyle{Color: color.Gray{Y: 0x30}, Font: font.From(plot.DefaultFont, 10.5), Handler: plot.DefaultTextHandler}
	top, bottom := vg.Points(50), vg.Points(62)
	kind := "Flash crash"
	if cfg.Crash.IsNegative() {
		kind = "Squeeze"
	}
	dc.FillText(title, vg.Point{X: dc.Min.X + vg.Points(14), Y: dc.Max.Y - vg.Points(24)},
		fmt.Sprintf("%s on BTC-PERP: %s over %d minutes, then %s%% of the move won back",
			kind, move(cfg.Crash, "−"), cfg.CrashMinutes, cfg.Recovery.Shift(2).String()))
	// The legend of the shading, left-aligned under the title (drawn here
	// rather than in a panel, where its text would be right-aligned against
	// the thumbnails and collide with them in an SVG viewer's own font).
	x, y := dc.Min.X+vg.Points(14), dc.Max.Y-vg.Points(44)
	for _, k := range []struct {
		s    shade
		text string
	}{
		{shade{color: colHeld}, "breaker limit or pause: no liquidations"},
		{shade{color: colStale, hatch: true}, "oracle stale: a source refused as stale, or no fresh mark"},
	} {
		box := dc
		box.Rectangle = vg.Rectangle{Min: vg.Point{X: x, Y: y - vg.Points(2)}, Max: vg.Point{X: x + vg.Points(22), Y: y + vg.Points(10)}}
		k.s.box(&box, box.Rectangle)
		dc.FillText(body, vg.Point{X: x + vg.Points(28), Y: y}, k.text)
		x += vg.Points(28) + body.Width(k.text) + vg.Points(24)
	}
	for i, line := range caption(cfg, res) {
		dc.FillText(body, vg.Point{X: dc.Min.X + vg.Points(14), Y: dc.Min.Y + bottom - vg.Points(float64(16+14*i))}, line)
	}
	tiles := draw.Tiles{Rows: len(rows), Cols: 1, PadTop: top, PadBottom: bottom, PadLeft: vg.Points(8), PadRight: vg.Points(16), PadY: vg.Points(10)}
	canvases := plot.Align(rows, tiles, dc)
	for i := range rows {
		rows[i][0].Draw(canvases[i][0])
	}
	_, err = c.WriteTo(w)
	return err
}

// caption is the lines under the chart: the run's parameters, and where
// the losses went.
func caption(cfg Config, r Result) []string {
	conserved := "value conserved to the smallest unit"
	if !r.Conserved() {
		conserved = "VALUE NOT CONSERVED"
	}
	return []string{
		fmt.Sprintf("seed %d · crash depth %s (%s over %d min) · %s accounts · %d keepers · %s ticks of 10 s",
			cfg.Seed, minus(cfg.Crash.String()), move(cfg.Crash, "−"), cfg.CrashMinutes, groupInt(r.Accounts), cfg.Keepers, groupInt(r.Ticks)),
		fmt.Sprintf("bad debt %s in %s, paid by: insurance fund %s · auto-deleveraging %s · socialised %s · uncovered %s",
			money(r.BadDebt), plural(r.Shortfalls, "shortfall"), money(r.FundDrawn), money(r.DeleveragedLoss), money(r.SocialisedLoss), money(r.Uncovered)),
		fmt.Sprintf("insurance fund %s → %s (liquidation penalties in, bad debt out) · %s",
			money(r.FundBefore), money(r.FundAfter), conserved),
	}
}

// minus writes a leading hyphen as a minus sign.
func minus(s string) string {
	if r, ok := strings.CutPrefix(s, "-"); ok {
		return "−" + r
	}
	return s
}

// minutes is d in minutes, for the time axis.
func minutes(d interface{ Seconds() float64 }) float64 { return d.Seconds() / 60 }

// spansOf returns the time ranges, in minutes, of the runs of points for
// which in is true; a point's state holds from its tick to the next.
func spansOf(h []Point, in func(Point) bool) [][2]float64 {
	var out [][2]float64
	for _, p := range h {
		x0 := minutes(p.At)
		x1 := x0 + minutes(Tick)
		if !in(p) {
			continue
		}
		if n := len(out); n > 0 && math.Abs(out[n-1][1]-x0) < 1e-9 {
			out[n-1][1] = x1
			continue
		}
		out = append(out, [2]float64{x0, x1})
	}
	return out
}

// rangeOf returns the least and greatest Y.
func rangeOf(xys plotter.XYs) (lo, hi float64) {
	lo, hi = xys[0].Y, xys[0].Y
	for _, p := range xys {
		lo, hi = math.Min(lo, p.Y), math.Max(hi, p.Y)
	}
	return lo, hi
}

// shade fills the given time ranges across the whole height of a panel,
// or hatches them (so that a hatched range over a filled one reads as
// both); its legend thumbnail is a box of the same.
type shade struct {
	spans [][2]float64
	color color.Color
	hatch bool
}

// Plot implements plot.Plotter.
func (s shade) Plot(c draw.Canvas, p *plot.Plot) {
	trX, _ := p.Transforms(&c)
	for _, r := range s.spans {
		x0, x1 := max(trX(r[0]), c.Min.X), min(trX(r[1]), c.Max.X)
		if x1 > x0 {
			s.box(&c, vg.Rectangle{Min: vg.Point{X: x0, Y: c.Min.Y}, Max: vg.Point{X: x1, Y: c.Max.Y}})
		}
	}
}

// Thumbnail implements plot.Thumbnailer.
func (s shade) Thumbnail(c *draw.Canvas) { s.box(c, c.Rectangle) }

// box fills or hatches r: lines at 45° every 5 points.
func (s shade) box(c *draw.Canvas, r vg.Rectangle) {
	if !s.hatch {
		c.FillPolygon(s.color, []vg.Point{r.Min, {X: r.Max.X, Y: r.Min.Y}, r.Max, {X: r.Min.X, Y: r.Max.Y}})
		return
	}
	sty := draw.LineStyle{Color: s.color, Width: vg.Points(1.1)}
	h := r.Max.Y - r.Min.Y
	for xs := r.Min.X - h; xs < r.Max.X; xs += vg.Points(5) {
		xa, xb := max(xs, r.Min.X), min(xs+h, r.Max.X)
		if xb > xa {
			c.StrokeLine2(sty, xa, r.Min.Y+(xa-xs), xb, r.Min.Y+(xb-xs))
		}
	}
}

// groupedTicks label round values — steps of 1, 2, 2.5 or 5 times a
// power of ten, three to six of them — with thousands separators: 25,000
// rather than 25000; a minor tick between two labels.
type groupedTicks struct{}

// Ticks implements plot.Ticker.
func (groupedTicks) Ticks(lo, hi float64) []plot.Tick {
	if !(hi > lo) {
		return []plot.Tick{{Value: lo, Label: group(lo, 0)}}
	}
	mag := math.Pow(10, math.Floor(math.Log10((hi-lo)/5)))
	step := mag
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if step = m * mag; (hi-lo)/step <= 6 {
			break
		}
	}
	places := 0
	for p := step; p < 1 && places < 6; p *= 10 {
		places++
	}
	if math.Abs(step/mag-2.5) < 1e-9 && step < 10 {
		places++
	}
	var ts []plot.Tick
	minor := step / 2
	for i := math.Ceil(lo / minor); i*minor <= hi+minor*1e-9; i++ {
		v := i * minor
		t := plot.Tick{Value: v}
		if r := math.Mod(math.Abs(i), 2); r < 1e-9 || r > 2-1e-9 {
			t.Label = group(v, places)
		}
		ts = append(ts, t)
	}
	return ts
}

// minuteTicks label the time axis every minute or every five, with the
// sign: −2, 0, +5, +10 …
type minuteTicks struct{}

// Ticks implements plot.Ticker.
func (minuteTicks) Ticks(lo, hi float64) []plot.Tick {
	major := 5.0
	if hi-lo <= 12 {
		major = 1
	}
	var ts []plot.Tick
	for m := math.Ceil(lo); m <= hi; m++ {
		t := plot.Tick{Value: m}
		if math.Mod(m, major) == 0 || (m == math.Ceil(lo) && m < 0) {
			t.Label = strconv.FormatFloat(m, 'f', 0, 64)
			if m > 0 {
				t.Label = "+" + t.Label
			}
		}
		ts = append(ts, t)
	}
	return ts
}

// group renders v with the given decimal places and thousands separators.
func group(v float64, places int) string {
	s := strconv.FormatFloat(math.Abs(v), 'f', places, 64)
	intPart, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	if v < 0 && strings.Trim(s, "0.") != "" {
		b.WriteString("−")
	}
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if frac != "" {
		b.WriteString("." + frac)
	}
	return b.String()
}

// plural is "1 shortfall" or "n shortfalls".
func plural(n int, noun string) string { return cli.Plural(n, noun) }
