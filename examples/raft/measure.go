package main

import (
	"errors"
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
	fmt.Fprintln(w, "\nsnapshots: the venue at the end of the calm (tick 12, no liquidation yet) and 30 ticks into the crash")
	for _, c := range []struct{ accounts, ticks int }{
		{10_000, perp.WarmTicks}, {10_000, perp.WarmTicks + 30}, {100_000, perp.WarmTicks}, {100_000, perp.WarmTicks + 30},
	} {
		accounts := c.accounts
		fmt.Fprintf(w, "  %7d accounts, tick %d: ", accounts, c.ticks)
		f, err := measureSnapshot(accounts, c.ticks, restoreLimit)
		if errors.Is(err, errTooSlow) {
			fmt.Fprintf(w, "checkpoint %.1f MB, taken in %s (CPU %s); restore did not finish within %s\n",
				float64(f.bytes)/1e6, f.take.Round(time.Millisecond), f.takeCPU.Round(time.Millisecond), restoreLimit)
			continue
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "checkpoint %.1f MB, taken in %s (CPU %s); restored (decode, verify, rebuild) in %s (CPU %s); digest in %s (CPU %s)\n",
			float64(f.bytes)/1e6, f.take.Round(time.Millisecond), f.takeCPU.Round(time.Millisecond),
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

// restoreLimit bounds one restore in -measure: RestoreModel validates
// every package's invariants, and one of them grows faster than the book.
const restoreLimit = 3 * time.Minute

// errTooSlow is a restore that did not finish within its limit.
var errTooSlow = errors.New("restore too slow")

// measureSnapshot steps a venue of accounts through the first ticks of
// the default crash, then takes its checkpoint, restores it (giving up
// after limit: the figures then hold the checkpoint's only), and checks
// the restored venue digests the same.
func measureSnapshot(accounts, ticks int, limit time.Duration) (snapFigures, error) {
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
	type restored struct {
		m   machine
		seq uint64
		err error
	}
	done := make(chan restored, 1)
	go func() { // abandoned if it overruns: the program is about to exit
		m, seq, err := k.Restore(data)
		done <- restored{m, seq, err}
	}()
	var r restored
	select {
	case r = <-done:
	case <-time.After(limit):
		return f, errTooSlow
	}
	back, seq, err := r.m, r.seq, r.err
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
