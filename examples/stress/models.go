package main

import (
	"fmt"
	"strings"

	"github.com/failsafe-fi/failsafe/stress"
	"github.com/failsafe-fi/failsafe/stress/lending"
	optionsmodel "github.com/failsafe-fi/failsafe/stress/options"
	"github.com/failsafe-fi/failsafe/stress/perp"
)

// entry is one model the program can run. Adding a model is one entry in
// models: its name, its default scenarios, and a Builder over its Config.
type entry struct {
	// name is the -model value.
	name string
	// about is one line for -h.
	about string
	// gen is the model's default scenario generator, given the -set
	// settings (a model may read its scenario's shape from its Config; a
	// sweep's cells all run the generator of the fixed settings, so they
	// share their scenarios).
	gen func(settings []stress.Setting) (stress.Generator, error)
	// build makes a factory from -set and -sweep settings.
	build stress.Builder
	// params are the names -set and -sweep accept, for -h.
	params []string
	// efficiency is the parameter a sweep chart puts on its x axis, the
	// capital efficiency it trades against risk (e.g. the leverage
	// allowed); "" means the sweep's first axis.
	efficiency string
}

// models is every model -model accepts, in the order -h lists them.
var models = []entry{
	{name: "toy", about: "a leveraged book of longs and an insurance fund (built in)",
		gen: configGen(defaultToy(), (*toyConfig).Set, func(toyConfig) (stress.Generator, error) { return toyWalk{}, nil }), build: builder(defaultToy(), (*toyConfig).Set, newToy), efficiency: "leverage",
		params: toyParams},
	{name: "perp", about: "the perpetual futures venue of examples/cascade (stress/perp) through its default crash, 168 ticks of 10 s",
		gen: configGen(perp.Config{}, (*perp.Config).Set, perp.DefaultCrash), build: builder(perp.Config{}, (*perp.Config).Set, perp.New), efficiency: "leverage", params: perp.Parameters()},
	{name: "lending", about: "the lending pool of examples/lending (stress/lending) through Black Thursday, minute by minute",
		gen: func([]stress.Setting) (stress.Generator, error) { return lending.BlackThursday{}, nil }, build: builder(lending.Config{}, (*lending.Config).Set, lending.New), efficiency: "ltv", params: lending.Parameters()},
	{name: "options", about: "a portfolio-margined options book (stress/options) through a 35% crash in 2 minutes, tick a minute",
		gen: configGen(optionsmodel.Config{}, (*optionsmodel.Config).Set, optionsmodel.DefaultCrash), build: builder(optionsmodel.Config{}, (*optionsmodel.Config).Set, optionsmodel.New), efficiency: "headroom", params: optionsmodel.Parameters()},
}

// builder makes a stress.Builder from a model package's default Config,
// its Set method and its constructor New(cfg, seed): each cell copies the
// default, sets its parameters, checks the result by building one model,
// and returns a factory over it.
func builder[C any, M stress.Model](def C, set func(*C, string, string) error, newModel func(C, int64) (M, error)) stress.Builder {
	return func(settings []stress.Setting) (stress.Factory, error) {
		cfg := def
		for _, s := range settings {
			if err := set(&cfg, s.Name, s.Value); err != nil {
				return nil, err
			}
		}
		if _, err := newModel(cfg, 1); err != nil {
			return nil, err
		}
		return func(seed int64) (stress.Model, error) { return newModel(cfg, seed) }, nil
	}
}

// configGen makes an entry's gen from a model package's default Config,
// its Set method and a function drawing the model's default scenarios
// from a Config (perp.DefaultCrash): the -set settings shape the scenario.
func configGen[C any](def C, set func(*C, string, string) error, gen func(C) (stress.Generator, error)) func([]stress.Setting) (stress.Generator, error) {
	return func(settings []stress.Setting) (stress.Generator, error) {
		cfg := def
		for _, s := range settings {
			if err := set(&cfg, s.Name, s.Value); err != nil {
				return nil, err
			}
		}
		return gen(cfg)
	}
}

// findModel returns the entry named name.
func findModel(name string) (entry, error) {
	var names []string
	for _, m := range models {
		if m.name == name {
			return m, nil
		}
		names = append(names, m.name)
	}
	return entry{}, fmt.Errorf("unknown model %q (have: %s)", name, strings.Join(names, ", "))
}
