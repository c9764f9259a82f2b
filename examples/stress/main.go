package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"

	"golang.org/x/term"

	"github.com/failsafe-fi/failsafe/examples/internal/cli"
	"github.com/failsafe-fi/failsafe/examples/internal/textout"
	"github.com/failsafe-fi/failsafe/stress"
)

// main parses the flags and runs.
func main() {
	// A scenario allocates short-lived garbage (decimals) and keeps little:
	// collecting four times less often trades some tens of MB for about a
	// fifth of the CPU (the report is the same byte for byte). An explicit
	// GOGC in the environment wins.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	o, err := parseFlags(os.Args[1:])
	// The bar is for a person watching: not when the report goes to a
	// pipe or a file.
	o.bar = term.IsTerminal(int(os.Stdout.Fd()))
	if err == nil {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
		err = run(ctx, o, os.Stdout)
		stop()
	}
	if err != nil && strings.HasPrefix(err.Error(), "stress: ") {
		err = unprefixed{err}
	}
	cli.Exit("stress", err)
}

// unprefixed is a library error without its "stress: " prefix, which the
// program's own name already gives.
type unprefixed struct{ error }

func (u unprefixed) Error() string { return strings.TrimPrefix(u.error.Error(), "stress: ") }
func (u unprefixed) Unwrap() error { return u.error }

// run does what the options say: replay one scenario, run (or sweep) a
// shard and write its partial, merge partials, or run everything; then
// print the report and write the files asked for. A progress bar shows on
// standard error when both it and standard output are terminals.
func run(ctx context.Context, o options, stdout io.Writer) error {
	out := textout.New(stdout)
	gen, err := o.model.gen(o.set)
	if err != nil {
		return cli.Errorf("-set: %v", err)
	}
	if o.replay != nil {
		return replay(ctx, o, gen, out)
	}
	var res *stress.Result
	if len(o.merge) > 0 {
		res, err = mergeFiles(o.merge)
	} else {
		res, err = runScenarios(ctx, o, gen)
	}
	if err != nil {
		return err
	}
	if o.shard.Count > 0 {
		if err := writeFile(o.out, res.WritePartial); err != nil {
			return err
		}
		out.Printf("stress: shard %s (scenarios %d to %d of %d) written to %s; merge every shard with -merge\n",
			o.shard, res.From, res.To-1, res.Scenarios, o.out)
		return out.Err()
	}
	rep, err := res.Report()
	if err != nil {
		return err
	}
	if err := rep.WriteText(stdout); err != nil {
		return err
	}
	if o.csv != "" {
		if err := writeFile(o.csv, rep.WriteCSV); err != nil {
			return err
		}
	}
	if o.json != "" {
		if err := writeFile(o.json, rep.WriteJSON); err != nil {
			return err
		}
	}
	if o.chart != "" {
		eff := ""
		if m, err := findModel(baseName(rep.Model)); err == nil {
			eff = m.efficiency
		}
		if err := writeFile(o.chart, func(w io.Writer) error { return writeChart(w, rep, eff) }); err != nil {
			return err
		}
	}
	return out.Err()
}

// runScenarios runs the model (or sweeps it) with a progress bar.
func runScenarios(ctx context.Context, o options, gen stress.Generator) (*stress.Result, error) {
	prog := cli.NewProgress()
	defer prog.Done()
	so := stress.Options{Model: modelLabel(o), Scenarios: o.scenarios, Seed: o.seed, Workers: o.workers, Shard: o.shard}
	if o.bar && prog.On() {
		so.Progress = func(done, total int) { prog.Set("%s", bar(done, total)) }
	}
	if len(o.sweep) > 0 {
		// -set parameters hold in every cell, under the swept ones.
		build := func(cell []stress.Setting) (stress.Factory, error) {
			return o.model.build(append(append([]stress.Setting(nil), o.set...), cell...))
		}
		return stress.Sweep(ctx, gen, build, o.sweep, so)
	}
	f, err := o.model.build(o.set)
	if err != nil {
		return nil, cli.Errorf("-set: %v", err)
	}
	return stress.Run(ctx, gen, f, so)
}

// modelLabel names the model and its -set parameters, e.g.
// "toy(fund=0, leverage=20)".
func modelLabel(o options) string {
	if len(o.set) == 0 {
		return o.model.name
	}
	var ps []string
	for _, s := range o.set {
		ps = append(ps, s.Name+"="+s.Value)
	}
	return o.model.name + "(" + strings.Join(ps, ", ") + ")"
}

// baseName is a model label without its parameters.
func baseName(label string) string {
	name, _, _ := strings.Cut(label, "(")
	return name
}

// bar draws the progress bar: [#####-----] 512/1,000 scenarios (51%).
func bar(done, total int) string {
	const width = 30
	filled := 0
	if total > 0 {
		filled = done * width / total
	}
	return fmt.Sprintf("stress: [%s%s] %d/%d scenarios (%d%%)", strings.Repeat("#", filled), strings.Repeat("-", width-filled),
		done, total, done*100/max(total, 1))
}

// replay runs one scenario alone and prints its outcome.
func replay(ctx context.Context, o options, gen stress.Generator, out *textout.Writer) error {
	f, err := o.model.build(o.set)
	if err != nil {
		return cli.Errorf("-set: %v", err)
	}
	oc, err := stress.Replay(ctx, gen, f, *o.replay)
	if err != nil {
		return err
	}
	out.Printf("stress: model %s, scenario seed %d (%s): %d ticks, conserved after every tick\n", modelLabel(o), *o.replay, gen.Name(), oc.Ticks)
	out.Printf("bad debt %s · %d liquidations of %s · fund %s → %s (lowest %s, exhausted: %t) · socialised %s · uncovered %s\n",
		oc.BadDebt.StringFixed(2), oc.Liquidations, oc.Liquidated.StringFixed(2), oc.FundStart.StringFixed(2), oc.FundEnd.StringFixed(2),
		oc.FundMin.StringFixed(2), oc.FundExhausted, oc.Socialised.StringFixed(2), oc.Uncovered.StringFixed(2))
	return out.Err()
}

// mergeFiles reads and merges partial result files.
func mergeFiles(files []string) (*stress.Result, error) {
	var parts []*stress.Result
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		p, err := stress.ReadPartial(f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		parts = append(parts, p)
	}
	return stress.Merge(parts...)
}

// writeFile writes a file with write, reporting the first error.
func writeFile(name string, write func(io.Writer) error) error {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
