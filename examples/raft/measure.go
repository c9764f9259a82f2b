package main

import (
	"fmt"
	"io"
	"time"

	"github.com/failsafe-fi/failsafe/stress/perp"
)

// measure prints issue 14's figures: inputs committed per second by three
// nodes (no faults, the whole crash, 1,000 accounts, one and eight
// proposals in flight), and the snapshot size and restore time of the
// venue at 10,000 and 100,000 accounts, mid-crash.
func measure(w io.Writer) error {
	fmt.Fprintln(w, "throughput: three nodes in one process, no faults, the default crash, 1,000 accounts")
	for _, c := range []struct {
		window int
		sparse bool
		what   string
	}{{1, false, "digest after every input"}, {8, false, "digest after every input"}, {8, true, "digest at snapshots only"}} {
		k := newVenueKind(perp.Config{Accounts: 1000}, 1, 0)
		r, err := replicate(spec{kind: k, seed: 1, window: c.window, calm: true, sparse: c.sparse})
		if err != nil {
			return err
		}
		if err := failed(r.proofs); err != nil {
			return err
		}
		fmt.Fprintf(w, "  window %d, %s: %d inputs in %d steps of the simulated clock (%.1f per step); %s wall, %s CPU: %.0f inputs/s of wall, %.0f of CPU\n",
			c.window, c.what, r.inputs, r.sim.step, float64(r.inputs)/float64(r.sim.step), r.wall.Round(time.Millisecond), r.cpu.Round(time.Millisecond),
			float64(r.inputs)/r.wall.Seconds(), float64(r.inputs)/r.cpu.Seconds())
	}
	fmt.Fprintln(w, "\nsnapshots: the venue after the opening and 30 ticks of the crash")
	for _, accounts := range []int{10_000, 100_000} {
		f, err := measureSnapshot(accounts, perp.WarmTicks+30)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "  %7d accounts: checkpoint %.1f MB, taken in %s (CPU %s); restored (decode, verify, rebuild) in %s (CPU %s); digest in %s (CPU %s)\n",
			accounts, float64(f.bytes)/1e6, f.take.Round(time.Millisecond), f.takeCPU.Round(time.Millisecond),
			f.restore.Round(time.Millisecond), f.restoreCPU.Round(time.Millisecond), f.digest.Round(time.Millisecond), f.digestCPU.Round(time.Millisecond))
	}
	return nil
}

// snapFigures are one snapshot's measurements.
type snapFigures struct {
	bytes                          int
	take, restore, digest          time.Duration // wall
	takeCPU, restoreCPU, digestCPU time.Duration // process CPU (GC included)
}

// measureSnapshot steps a venue of accounts through the first ticks of
// the default crash, then takes its checkpoint, restores it, and checks
// the restored venue digests the same.
func measureSnapshot(accounts, ticks int) (snapFigures, error) {
	k := newVenueKind(perp.Config{Accounts: accounts}, 1, ticks)
	in, err := k.Scenario()
	if err != nil {
		return snapFigures{}, err
	}
	m, err := k.New()
	if err != nil {
		return snapFigures{}, err
	}
	for _, t := range in {
		_ = m.Step(t)
	}
	var f snapFigures
	t0, c0 := time.Now(), cpuTime()
	data, err := m.Checkpoint(uint64(len(in)))
	if err != nil {
		return f, err
	}
	f.take, f.takeCPU, f.bytes = time.Since(t0), cpuTime()-c0, len(data)
	t0, c0 = time.Now(), cpuTime()
	back, seq, err := k.Restore(data)
	if err != nil {
		return f, err
	}
	f.restore, f.restoreCPU = time.Since(t0), cpuTime()-c0
	t0, c0 = time.Now(), cpuTime()
	d1, err := m.Digest()
	if err != nil {
		return f, err
	}
	f.digest, f.digestCPU = time.Since(t0), cpuTime()-c0
	d2, err := back.Digest()
	if err != nil {
		return f, err
	}
	if d1 != d2 || seq != uint64(len(in)) {
		return f, fmt.Errorf("%w: %d accounts: restored venue digests to %s at input %d, the original to %s at %d", errProof, accounts, d2.Short(), seq, d1.Short(), len(in))
	}
	return f, nil
}
