package main

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"github.com/failsafe-fi/failsafe/examples/internal/cli"
	"github.com/failsafe-fi/failsafe/stress"
)

// usage is the header of -h.
const usage = `stress — how often does the fund run dry, and how bad is the 99th percentile?

Runs a venue model through thousands of seeded scenarios on every core and
prints bad debt VaR95/VaR99 (Gauntlet's definition: percentiles of insolvent
debt), expected shortfall, liquidations at risk and the probabilities that
the insurance fund runs dry or a loss is socialised — each with a 95%
confidence interval and standard error. Every scenario's conservation is
checked after every tick. Same flags, same report, on any machine, with any
number of workers or shards.

Usage:
  go run ./examples/stress [flags]

Examples:
  go run ./examples/stress -model toy -scenarios 1000
  go run ./examples/stress -sweep leverage=2,5,10,20 -sweep fund=0,20000 -chart sweep.png -csv sweep.csv
  go run ./examples/stress -shard 0/4 -out part-0.json     # one slice; then:
  go run ./examples/stress -merge 'part-*.json'             # the same report as one machine
  go run ./examples/stress -replay 4937276393668321198       # one scenario alone`

// Bounds of the command line.
const (
	maxScenarios = 1_000_000
	maxWorkers   = 256
)

// options is a checked command line.
type options struct {
	model     entry
	scenarios int
	seed      int64
	workers   int
	shard     stress.Shard // Count 0: not sharded
	out       string       // the partial file of -shard
	merge     []string     // partial files to merge
	sweep     []stress.Axis
	set       []stress.Setting
	csv       string
	json      string
	chart     string
	replay    *int64
	bar       bool // draw the progress bar (standard output is a terminal)
}

// parseFlags reads and checks the command line.
func parseFlags(args []string) (options, error) {
	fs := cli.NewFlagSet("stress", usage)
	var names []string
	for _, m := range models {
		names = append(names, fmt.Sprintf("%s (%s; -set and -sweep take %s)", m.name, m.about, strings.Join(paramNames(m.params), ", ")))
	}
	model := fs.String("model", "toy", "the venue `model`: "+strings.Join(names, "; "))
	scen := fs.Int("scenarios", 1000, fmt.Sprintf("number of scenarios `N`, 1 to %d", maxScenarios))
	seed := fs.Int64("seed", 1, "base `seed`: scenario i runs with seed SplitMix64(seed, i)")
	workers := fs.Int("workers", 0, fmt.Sprintf("goroutines, 1 to %d (0: one per core); the report never depends on it", maxWorkers))
	shard := fs.String("shard", "", "run only slice `i/n` of the scenarios and write a partial result to -out")
	out := fs.String("out", "", "the partial result `file` of -shard (default stress-shard-i-of-n.json)")
	merge := fs.String("merge", "", "merge partial result `files` (comma-separated; globs allowed) into the report")
	var o options
	fs.Func("sweep", "sweep a parameter: `name=v1,v2,…` (repeat for a grid; every cell runs the same seeds)", func(s string) error {
		name, vals, ok := strings.Cut(s, "=")
		if !ok || name == "" || vals == "" {
			return fmt.Errorf("want name=v1,v2,…")
		}
		o.sweep = append(o.sweep, stress.Axis{Name: name, Values: strings.Split(vals, ",")})
		return nil
	})
	fs.Func("set", "set a model parameter: `name=value` (repeatable); with -sweep it holds in every cell, and it shapes the model's default scenarios (a sweep's cells share them)", func(s string) error {
		name, val, ok := strings.Cut(s, "=")
		if !ok || name == "" || val == "" {
			return fmt.Errorf("want name=value")
		}
		o.set = append(o.set, stress.Setting{Name: name, Value: val})
		return nil
	})
	csv := fs.String("csv", "", "write the statistics as CSV to `file`")
	js := fs.String("json", "", "write the report as JSON to `file`")
	chart := fs.String("chart", "", "draw a sweep's risk against capital efficiency to `file.png`")
	replay := fs.String("replay", "", "run the one scenario with `seed` alone (as a failed run or the report's worst names it)")
	if err := cli.Parse(fs, args); err != nil {
		return o, err
	}
	m, err := findModel(*model)
	if err != nil {
		return o, cli.Errorf("-model: %v", err)
	}
	o.model, o.scenarios, o.seed, o.workers = m, *scen, *seed, *workers
	o.out, o.csv, o.json, o.chart = *out, *csv, *js, *chart
	if o.scenarios < 1 || o.scenarios > maxScenarios {
		return o, cli.Errorf("-scenarios %d: want 1 to %d", o.scenarios, maxScenarios)
	}
	if o.workers < 0 || o.workers > maxWorkers {
		return o, cli.Errorf("-workers %d: want 0 to %d", o.workers, maxWorkers)
	}
	if *shard != "" {
		if o.shard, err = stress.ParseShard(*shard); err != nil {
			return o, cli.Errorf("-shard: %v", err)
		}
		if o.shard.Count > o.scenarios {
			return o, cli.Errorf("-shard %s: more shards than -scenarios %d", o.shard, o.scenarios)
		}
		if o.out == "" {
			o.out = fmt.Sprintf("stress-shard-%d-of-%d.json", o.shard.Index, o.shard.Count)
		}
	} else if o.out != "" {
		return o, cli.Errorf("-out is the partial result of -shard")
	}
	if *merge != "" {
		if o.merge, err = expand(*merge); err != nil {
			return o, err
		}
		if o.shard.Count > 0 || len(o.sweep) > 0 || len(o.set) > 0 || *replay != "" {
			return o, cli.Errorf("-merge takes the run from its files: no -shard, -sweep, -set or -replay with it")
		}
	}
	if *replay != "" {
		var s int64
		if _, err := fmt.Sscan(*replay, &s); err != nil {
			return o, cli.Errorf("-replay %q: want a seed (an integer)", *replay)
		}
		o.replay = &s
		if o.shard.Count > 0 || len(o.sweep) > 0 {
			return o, cli.Errorf("-replay runs one scenario: no -shard or -sweep with it")
		}
	}
	if o.chart != "" && len(o.sweep) == 0 && len(o.merge) == 0 {
		return o, cli.Errorf("-chart draws a sweep: add -sweep name=v1,v2,…")
	}
	if o.chart != "" && filepath.Ext(o.chart) != ".png" {
		return o, cli.Errorf("-chart %q: want a .png file", o.chart)
	}
	for _, s := range o.set {
		for _, a := range o.sweep {
			if s.Name == a.Name {
				return o, cli.Errorf("-set %s and -sweep %s: set or sweep it, not both", s.Name, a.Name)
			}
		}
	}
	sort.Slice(o.set, func(i, j int) bool { return o.set[i].Name < o.set[j].Name })
	return o, nil
}

// paramNames returns the parameter names of a model's list, whose entries
// may carry a description after a colon ("fund: InsuranceFund, …").
func paramNames(params []string) []string {
	out := make([]string, len(params))
	for i, p := range params {
		out[i], _, _ = strings.Cut(p, ":")
	}
	return out
}

// expand reads -merge: comma-separated files, each a glob.
func expand(list string) ([]string, error) {
	var files []string
	for _, p := range strings.Split(list, ",") {
		m, err := filepath.Glob(p)
		if err != nil {
			return nil, cli.Errorf("-merge %q: %v", p, err)
		}
		if len(m) == 0 {
			return nil, cli.Errorf("-merge %q: no such file", p)
		}
		files = append(files, m...)
	}
	return files, nil
}
