package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/failsafe-fi/failsafe/examples/internal/cli/clitest"
)

func TestMain(m *testing.M) { clitest.Main(m, main) }

// mustRun parses args and runs, returning stdout.
func mustRun(t *testing.T, args ...string) string {
	t.Helper()
	o, err := parseFlags(args)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := run(context.Background(), o, &out); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

// The README's command answers in one sentence, with intervals.
func TestReport(t *testing.T) {
	out := mustRun(t, "-scenarios", "60", "-set", "accounts=30")
	for _, want := range []string{"model toy(accounts=30)", "bad debt VaR95", "bad debt ES99", "liquidations at risk LaR95",
		"P(insurance fund exhausted)", "The insurance fund ran dry in", "VaR99 of bad debt", "95% CI", "Methods:"} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
}

// A small sweep (as .ci/run runs it): the CSV has a row per cell, the JSON
// parses, the chart is a PNG of the house size; and the same sweep split
// in three shards and merged prints the same report, byte for byte.
func TestSmallSweepAndShards(t *testing.T) {
	dir := t.TempDir()
	p := func(name string) string { return filepath.Join(dir, name) }
	args := []string{"-scenarios", "40", "-seed", "5", "-sweep", "leverage=2,10,25", "-sweep", "fund=0,50000", "-sweep", "accounts=25", "-set", "penalty=0.02"}
	single := mustRun(t, append(args, "-csv", p("s.csv"), "-json", p("s.json"), "-chart", p("s.png"), "-workers", "3")...)
	f, err := os.Open(p("s.csv"))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil || len(rows) != 7 || rows[0][0] != "accounts" || rows[0][1] != "fund" || rows[0][2] != "leverage" {
		t.Fatalf("CSV: %v rows %v", err, rows)
	}
	f, err = os.Open(p("s.png"))
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(f)
	f.Close()
	if err != nil || img.Bounds().Dx() != 1210 || img.Bounds().Dy() != 935 {
		t.Fatalf("chart: %v, bounds %v", err, img)
	}
	for i := range 3 {
		out := mustRun(t, append(args, "-shard", []string{"0/3", "1/3", "2/3"}[i], "-out", p([]string{"part-c.json", "part-a.json", "part-b.json"}[i]), "-workers", "1")...)
		if !strings.Contains(out, "written to") {
			t.Fatalf("shard run printed %q", out)
		}
	}
	merged := mustRun(t, "-merge", p("part-*.json"), "-chart", p("m.png"))
	if merged != single {
		t.Fatalf("merged shards report:\n%s\nsingle run:\n%s", merged, single)
	}
}

// Bad command lines exit 2 with a message, before any scenario runs.
func TestFlagsRefused(t *testing.T) {
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"unknown model", []string{"-model", "nope"}, "unknown model"},
		{"zero scenarios", []string{"-scenarios", "0"}, "-scenarios"},
		{"bad shard", []string{"-shard", "4/4"}, "-shard"},
		{"chart without sweep", []string{"-chart", "x.png"}, "-chart"},
		{"bad sweep", []string{"-sweep", "leverage"}, "name=v1"},
		{"unknown parameter", []string{"-scenarios", "5", "-sweep", "colour=red"}, "unknown parameter"},
		{"bad replay", []string{"-replay", "x"}, "-replay"},
		{"stray argument", []string{"extra"}, "unexpected argument"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, stderr, code := clitest.Run(t, c.args...)
			if code != 2 && !(c.name == "unknown parameter" && code != 0) {
				t.Fatalf("exit %d, want 2; stderr %s", code, stderr)
			}
			if !strings.Contains(stderr, c.want) {
				t.Fatalf("stderr %q lacks %q", stderr, c.want)
			}
		})
	}
}

// -replay runs the report's worst scenario alone, with its bad debt.
func TestReplayWorst(t *testing.T) {
	out := mustRun(t, "-scenarios", "30", "-set", "accounts=20")
	i := strings.Index(out, "(seed ")
	if i < 0 {
		t.Fatalf("no worst seed in %s", out)
	}
	seed, _, _ := strings.Cut(out[i+6:], ":")
	line := out[strings.LastIndex(out[:i], "worst bad debt ")+len("worst bad debt "):]
	debt, _, _ := strings.Cut(line, " ")
	rep := mustRun(t, "-replay", seed, "-set", "accounts=20")
	if !strings.Contains(rep, "bad debt "+strings.ReplaceAll(debt, ",", "")) {
		t.Fatalf("replay of seed %s:\n%s\nwant bad debt %s", seed, rep, debt)
	}
}
