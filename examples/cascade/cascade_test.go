package main

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
)

// mustRun runs cfg with strict per-tick checks and fails the test on error.
func mustRun(t *testing.T, cfg Config, w io.Writer) Result {
	t.Helper()
	cfg.Strict = true
	res, err := Run(cfg, w)
	if err != nil {
		t.Fatalf("Run(%+v): %v", cfg, err)
	}
	return res
}

// The README's run: the oracle refuses the spike and the stale source, the
// breaker pauses, accounts are liquidated in Dutch auctions, the losses
// reach the insurance fund, and value is conserved to the unit.
func TestDefaultRun(t *testing.T) {
	var out bytes.Buffer
	r := mustRun(t, Config{}, &out)
	if !r.Conserved() {
		t.Errorf("value %s at the end, %s at the start", r.ValueEnd, r.ValueStart)
	}
	checks := []struct {
		name string
		ok   bool
	}{
		{"accounts seeded", r.Accounts == 1000},
		{"some liquidations", r.Liquidations > 0 && r.Auctions > 0 && r.Takes > 0},
		{"caps or throttle held some back", r.MostHeldBack > 0},
		// The economics (dYdX v4-like 3% maintenance, 1% penalty, hedging
		// keepers): most liquidations recover their debt, the insurance
		// fund alone covers what they do not, the bad debt is a small
		// fraction of what the auctions raised and most of it comes from
		// one gap in the price that liquidations could not follow.
		{"most liquidations recover their debt", 2*r.Shortfalls < r.Liquidations},
		{"bad debt under 2% of the proceeds", r.BadDebt.Shift(2).LessThan(r.AuctionProceeds.Mul(decimal.New(2, 0)))},
		{"the fund alone covers it", r.DeleveragedAccounts == 0 && r.SocialisedLoss.IsZero() && r.Uncovered.IsZero() && r.FundAfter.IsPositive()},
		{"half the bad debt in one tick after a gap", r.WorstTick.Held > 0 && r.WorstTick.BadDebt.Mul(decimal.New(2, 0)).GreaterThan(r.BadDebt)},
		{"keepers profit from discounts, not losses", r.KeeperDiscounts.IsPositive() && !r.KeeperRewards.IsNegative() && r.KeeperProfit.Equal(r.KeeperDiscounts.Add(r.KeeperRewards))},
		{"penalties at most what was due", r.Penalties.IsPositive() && !r.Penalties.GreaterThan(r.PenaltiesDue)},
		{"collateral sold for proceeds", r.CollateralSold.IsPositive() && r.AuctionProceeds.IsPositive()},
		{"spike refused as an outlier", r.QuotesRefused["outlier"] > 0},
		{"stale source refused", r.QuotesRefused["stale"] > 0},
		{"a tick without a fresh mark", r.NoPriceTicks > 0},
		{"breaker entered limit and paused", r.Limits > 0 && r.Pauses > 0 && r.HeldTicks > 0},
		{"bad debt reached the waterfall", r.BadDebt.IsPositive() && r.Shortfalls > 0},
		{"insurance fund drawn", r.FundDrawn.IsPositive() && r.FundAfter.LessThan(r.FundBefore)},
		{"nobody left below maintenance", r.LiquidatableAtEnd == 0},
		{"the run stopped because it was done", r.Settled},
		{"bad debt fully accounted", r.BadDebt.Equal(r.FundDrawn.Add(r.DeleveragedLoss).Add(r.SocialisedLoss).Add(r.Uncovered))},
	}
	for _, c := range checks {
		if !c.ok {
			t.Errorf("%s: not so in %+v", c.name, r)
		}
	}
	for _, want := range []string{"oracle refuses cex-b", "breaker open → limit", "limit → paused", "waterfall reaches insurance:btc", "conserved to the smallest unit"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("narrative lacks %q", want)
		}
	}
}

// The README's harsher run, -crash 0.6: the bad debt outruns the
// insurance fund and walks on to auto-deleveraging; value is still
// conserved and any uncovered remainder is explained.
func TestHarshCrashWalksTheWaterfall(t *testing.T) {
	var out bytes.Buffer
	r := mustRun(t, Config{Crash: decimal.RequireFromString("0.6")}, &out)
	if !r.Conserved() {
		t.Fatalf("value %s at the end, %s at the start", r.ValueEnd, r.ValueStart)
	}
	if !r.FundDrawn.GreaterThan(r.FundBefore) {
		t.Errorf("fund drawn %s should exceed its starting balance %s", r.FundDrawn, r.FundBefore)
	}
	if !r.BadDebt.Equal(r.FundDrawn.Add(r.DeleveragedLoss).Add(r.SocialisedLoss).Add(r.Uncovered)) {
		t.Errorf("bad debt %s not fully accounted", r.BadDebt)
	}
	if r.Uncovered.IsPositive() != strings.Contains(out.String(), "Uncovered: ") {
		t.Errorf("uncovered %s without its explanation (or the reverse)", r.Uncovered)
	}
	if r.DeleveragedAccounts == 0 || !r.DeleveragedLoss.IsPositive() {
		t.Errorf("no auto-deleveraging: %d accounts, %s", r.DeleveragedAccounts, r.DeleveragedLoss)
	}
	if r.LiquidatableAtEnd != 0 {
		t.Errorf("%d accounts below maintenance at the end", r.LiquidatableAtEnd)
	}
}

// The same seed prints the same story; another seed another one.
func TestDeterministic(t *testing.T) {
	var a, b, c bytes.Buffer
	cfg := Config{Seed: 3, Accounts: 300}
	ra := mustRun(t, cfg, &a)
	mustRun(t, cfg, &b)
	if a.String() != b.String() {
		t.Fatal("two runs with the same seed printed different output")
	}
	cfg.Seed = 4
	rc := mustRun(t, cfg, &c)
	if a.String() == c.String() || ra.ValueStart.Equal(rc.ValueStart) {
		t.Error("a different seed printed the same output")
	}
}

func TestConfigRejected(t *testing.T) {
	for name, cfg := range map[string]Config{
		"too many accounts": {Accounts: 1_000_001},
		"negative accounts": {Accounts: -1},
		"crash above 0.9":   {Crash: decimal.RequireFromString("0.95")},
		"squeeze above 0.9": {Crash: decimal.RequireFromString("-0.91")},
		"crash too fine":    {Crash: decimal.RequireFromString("0.123456")},
		"recovery above 1":  {Recovery: decimal.RequireFromString("1.5")},
		"keepers":           {Keepers: 101},
		"keeper online":     {KeeperOnline: 101},
		"keeper capital":    {KeeperCapital: decimal.RequireFromString("-5")},
		"fund finer than ¢": {InsuranceFund: decimal.RequireFromString("10.001")},
		"noise":             {NoiseBP: 501},
		"crash minutes":     {CrashMinutes: 121},
	} {
		if _, err := Run(cfg, io.Discard); !errors.Is(err, ErrConfig) {
			t.Errorf("%s: got %v, want ErrConfig", name, err)
		}
	}
}

// The chart is well-formed SVG with the three series, the shaded
// breaker pauses and stale-oracle stretches, and the caption; as PNG it
// is a PNG.
func TestWriteChart(t *testing.T) {
	cfg := Config{Accounts: 100}
	r := mustRun(t, cfg, io.Discard)
	var buf bytes.Buffer
	if err := WriteChart(&buf, "svg", cfg, r); err != nil {
		t.Fatal(err)
	}
	svg := buf.String()
	d := xml.NewDecoder(&buf)
	for {
		_, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("invalid SVG: %v", err)
		}
	}
	for _, want := range []string{"mark price", "Insurance fund balance", "Cumulative bad debt", "breaker limit or pause", "oracle stale",
		"seed 1", "crash depth 0.35", "30,000", "minutes since the crash began"} {
		if !strings.Contains(svg, want) {
			t.Errorf("chart lacks %q", want)
		}
	}
	if held := spansOf(r.History, func(p Point) bool { return p.Held }); len(held) == 0 {
		t.Error("no breaker pause to shade")
	}
	if stale := spansOf(r.History, func(p Point) bool { return p.Stale }); len(stale) == 0 {
		t.Error("no stale stretch to shade")
	}
	buf.Reset()
	if err := WriteChart(&buf, "png", cfg, r); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("\x89PNG")) {
		t.Error("not a PNG")
	}
	if err := WriteChart(io.Discard, "svg", cfg, Result{}); err != nil {
		t.Errorf("empty history: %v", err)
	}
	if err := WriteChart(io.Discard, "gif", cfg, r); err == nil {
		t.Error("gif accepted")
	}
}

func TestGroup(t *testing.T) {
	for _, c := range []struct {
		v      float64
		places int
		want   string
	}{{0, 0, "0"}, {30000, 0, "30,000"}, {-1234567.5, 1, "−1,234,567.5"}, {2500000, 0, "2,500,000"}, {0.25, 2, "0.25"}} {
		if got := group(c.v, c.places); got != c.want {
			t.Errorf("group(%v, %d) = %s, want %s", c.v, c.places, got, c.want)
		}
	}
}

func TestMoney(t *testing.T) {
	for in, want := range map[string]string{"0": "0.00", "1234567.891": "1,234,567.89", "-1000": "-1,000.00", "999.999": "1,000.00", "12": "12.00"} {
		if got := money(decimal.RequireFromString(in)); got != want {
			t.Errorf("money(%s) = %s, want %s", in, got, want)
		}
	}
}

// A standby that takes over mid-crash from the packages' JSON snapshots
// carries on exactly as the primary would have: same story, same table.
func TestFailoverContinuesExactly(t *testing.T) {
	var want bytes.Buffer
	base := mustRun(t, Config{Seed: 5, Accounts: 300}, &want)
	for _, tick := range []int{13, 30, 42, 47, 60, 75, 120} { // crash start, limit, spike, stale, pause, recovery
		var got bytes.Buffer
		r := mustRun(t, Config{Seed: 5, Accounts: 300, FailoverAt: tick}, &got)
		if got.String() != want.String() {
			t.Errorf("failover at tick %d changed the output", tick)
		}
		if !r.ValueEnd.Equal(base.ValueEnd) || !r.BadDebt.Equal(base.BadDebt) || r.Liquidations != base.Liquidations {
			t.Errorf("failover at tick %d changed the result", tick)
		}
	}
}

// The command runs with checked options and writes the chart in the
// format its extension picked.
func TestCommand(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{{"-accounts", "20", "-crash", "0.5", "-chart", dir + "/crash.png"}, {"-accounts", "20", "-svg", dir + "/crash.svg"}} {
		o, err := parseFlags(args)
		if err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		if err := run(o, &out, io.Discard); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), "conserved to the smallest unit") {
			t.Errorf("%v: no story", args)
		}
	}
	if b, err := os.ReadFile(dir + "/crash.png"); err != nil || !bytes.HasPrefix(b, []byte("\x89PNG")) {
		t.Errorf("PNG chart not written: %v", err)
	}
	if b, err := os.ReadFile(dir + "/crash.svg"); err != nil || !bytes.Contains(b, []byte("<svg")) {
		t.Errorf("SVG chart not written: %v", err)
	}
}
