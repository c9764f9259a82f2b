package main

import (
	"encoding/json"
	"fmt"

	"github.com/failsafe-fi/failsafe/replay"
	"github.com/failsafe-fi/failsafe/stress"
	"github.com/failsafe-fi/failsafe/stress/perp"
)

// venueKind is the cascade venue (stress/perp) with the default crash of
// a seed: the model's book and keepers drawn by perp.New(cfg, seed), the
// crash by perp.DefaultCrash(cfg) for the same seed, at most ticks of it
// (0: all).
type venueKind struct {
	cfg   perp.Config
	seed  int64
	ticks int
}

// newVenueKind returns the venue the nodes replicate.
func newVenueKind(cfg perp.Config, seed int64, ticks int) kind {
	return venueKind{cfg: cfg, seed: seed, ticks: ticks}
}

func (k venueKind) New() (machine, error) {
	m, err := perp.New(k.cfg, k.seed)
	if err != nil {
		return nil, err
	}
	return &venue{m: m}, nil
}

// Restore decodes a checkpoint, verifies its digest, and restores the
// model from its state; it returns the input the state reflects.
func (k venueKind) Restore(b []byte) (machine, uint64, error) {
	var cp replay.Checkpoint[perp.ModelSnapshot]
	if err := json.Unmarshal(b, &cp); err != nil {
		return nil, 0, fmt.Errorf("checkpoint does not decode: %w", err)
	}
	if err := cp.Verify(); err != nil {
		return nil, 0, err
	}
	m, err := perp.RestoreModel(k.cfg, cp.State)
	if err != nil {
		return nil, 0, err
	}
	return &venue{m: m}, cp.Seq, nil
}

func (k venueKind) Scenario() ([]stress.Tick, error) {
	g, err := perp.DefaultCrash(k.cfg)
	if err != nil {
		return nil, err
	}
	sc, err := g.Scenario(k.seed)
	if err != nil {
		return nil, err
	}
	return stress.Collect(sc, k.ticks)
}

// venue adapts *perp.Model to machine.
type venue struct {
	m *perp.Model
}

func (v *venue) Step(t stress.Tick) error       { return v.m.Step(t) }
func (v *venue) Check() error                   { return v.m.Check() }
func (v *venue) Audit() error                   { return v.m.Venue().Check() }
func (v *venue) Outcome() stress.Outcome        { return v.m.Outcome() }
func (v *venue) Digest() (replay.Digest, error) { return v.m.Digest() }

func (v *venue) Checkpoint(seq uint64) ([]byte, error) {
	s, err := v.m.Snapshot()
	if err != nil {
		return nil, err
	}
	cp, err := replay.Take(seq, s)
	if err != nil {
		return nil, err
	}
	return json.Marshal(cp)
}

// Table is the venue's final report (perp.Report) at the last tick, as
// JSON.
func (v *venue) Table() (string, error) {
	s, err := v.m.Snapshot()
	if err != nil {
		return "", err
	}
	r, err := v.m.Venue().Report(s.Last)
	if err != nil {
		return "", err
	}
	b, err := json.Marshal(r)
	return string(b), err
}
