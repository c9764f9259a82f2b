package main

import (
	"flag"
	"fmt"
	"io"
	"math/rand"
	"os"
	"time"

	"github.com/failsafe-fi/failsafe/examples/internal/cli"
	"github.com/failsafe-fi/failsafe/stress/perp"
)

const header = `raft runs the cascade venue (stress/perp) as a replicated state machine on
etcd's raft: three nodes in one process over a seeded in-memory network that
drops, delays, duplicates and reorders messages, a seeded fault schedule that
kills the leader mid-crash, cuts a node off and restarts the dead node from
its snapshot plus log. It prints the timeline, then proves that every
acknowledged input was applied exactly once on every node, that all nodes'
digests agree at every committed index, that value is conserved, and that
the result is the single-node run's. It exits 1 if a proof fails.

  go run ./examples/raft
  go run ./examples/raft -seed 7 -v
  go run ./examples/raft -measure     # snapshot size and restore time at 10,000 and 100,000 accounts`

// options are the command line.
type options struct {
	seed     int64
	venue    int64
	accounts int
	ticks    int
	window   int
	verbose  bool
	measure  bool
}

func parseFlags(args []string) (options, error) {
	var o options
	fs := cli.NewFlagSet("raft", header)
	fs.Int64Var(&o.seed, "seed", 1, "seed of the fault schedule, the network and the election timers (and of the venue unless -venue)")
	fs.Int64Var(&o.venue, "venue", 0, "seed of the venue's book and crash (0: -seed)")
	fs.IntVar(&o.accounts, "accounts", 1000, "trader accounts in the venue (1 to 1,000,000)")
	fs.IntVar(&o.ticks, "ticks", 0, "replicate only the first `N` ticks of the crash (0: all)")
	fs.IntVar(&o.window, "window", 8, "proposals the feed keeps in flight (1 to 256)")
	fs.BoolVar(&o.verbose, "v", false, "verbose timeline: every election, snapshot, re-proposal")
	fs.BoolVar(&o.measure, "measure", false, "instead of a run: snapshot size and restore time at 10,000 and 100,000 accounts")
	if err := cli.Parse(fs, args); err != nil {
		return o, err
	}
	switch {
	case o.accounts < 1 || o.accounts > perp.MaxAccounts:
		return o, cli.Errorf("-accounts %d: want 1 to %d", o.accounts, perp.MaxAccounts)
	case o.ticks < 0 || (o.ticks > 0 && o.ticks < 20):
		return o, cli.Errorf("-ticks %d: want 0 (all) or at least 20", o.ticks)
	case o.window < 1 || o.window > 256:
		return o, cli.Errorf("-window %d: want 1 to 256", o.window)
	}
	return o, nil
}

func main() {
	o, err := parseFlags(os.Args[1:])
	if err == nil {
		if o.measure {
			err = measure(os.Stdout)
		} else {
			err = run(o, os.Stdout)
		}
	}
	if err == flag.ErrHelp {
		err = nil
	}
	cli.Exit("raft", err)
}

// result is what one replicated run gives the program and the drill.
type result struct {
	proofs     []proof
	recoveries []recovery
	wall, cpu  time.Duration
	inputs     uint64
	sim        *sim
	ref        *reference
}

// spec is one replicated run.
type spec struct {
	kind   kind
	seed   int64 // the fault schedule's seed: the schedule, the network and the election timers
	window int   // proposals in flight
	calm   bool  // no faults at all
	sparse bool  // digest only at snapshots, not after every input (throughput as a host would run)
	out    io.Writer
	verb   bool
	hooks  hooks
	ref    *reference // the single-node run of kind, when already computed
}

// replicate runs the spec's fault schedule over its venue and proves the
// end state against the single-node run.
func replicate(p spec) (result, error) {
	ticks, err := p.kind.Scenario()
	if err != nil {
		return result{}, err
	}
	n := uint64(len(ticks))
	if n < 20 {
		return result{}, fmt.Errorf("%d inputs: the run needs at least 20", n)
	}
	// The leader dies during the fall (its first 60 ticks after the two
	// calm minutes), with at least ten inputs still to come, so a new
	// leader must commit some.
	crashFrom, crashTo := uint64(perp.WarmTicks+1), min(uint64(perp.WarmTicks+60), n-10)
	sc := drawSchedule(rand.New(rand.NewSource(p.seed^0x736368)), n, crashFrom, crashTo)
	if p.calm {
		sc = schedule{}
	}
	s, err := newSim(p.kind, simConfig{Seed: p.seed, Schedule: sc, Calm: p.calm, Sparse: p.sparse, Window: p.window,
		SnapEvery: 16, KeepLog: 4, Verbose: p.verb, Out: p.out, hooks: p.hooks})
	if err != nil {
		return result{}, err
	}
	if p.out != nil {
		if p.calm {
			fmt.Fprintf(p.out, "no faults\n")
		} else {
			fmt.Fprintf(p.out, "fault schedule: %s\n\ntimeline (step = one raft tick of the simulated clock):\n", sc)
		}
	}
	if err := s.run(); err != nil {
		return result{sim: s}, err
	}
	ref := p.ref
	if ref == nil {
		r, err := runReference(p.kind)
		if err != nil {
			return result{sim: s}, err
		}
		ref = &r
	}
	return result{proofs: s.prove(*ref), recoveries: s.recoveries, wall: s.wall, cpu: s.cpu, inputs: n, sim: s, ref: ref}, nil
}

func run(o options, w io.Writer) error {
	venue := o.venue
	if venue == 0 {
		venue = o.seed
	}
	k := newVenueKind(perp.Config{Accounts: o.accounts}, venue, o.ticks)
	fmt.Fprintf(w, "raft: the cascade venue (%d accounts, venue seed %d) on three etcd raft nodes, fault schedule seed %d\n", o.accounts, venue, o.seed)
	r, err := replicate(spec{kind: k, seed: o.seed, window: o.window, out: w, verb: o.verbose})
	if err != nil {
		return err
	}
	s := r.sim
	fmt.Fprintf(w, "\nnetwork: %d messages delivered, %d lost, %d duplicated, %d lost to partitions\n",
		s.net.delivered, s.net.dropped, s.net.duplicated, s.net.partitioned)
	for _, nd := range s.nodes {
		fmt.Fprintf(w, "n%d: %d lives, applied through input %d, %d snapshots (last %d bytes), %d duplicates absorbed\n",
			nd.id, nd.lives, nd.cur.Last(), nd.snapshots, nd.snapBytes, nd.dups)
	}
	fmt.Fprintf(w, "\nmeasured:\n")
	for _, rc := range r.recoveries {
		fmt.Fprintf(w, "  %s → next input committed by a new leader: %d ticks of the simulated clock, %s wall (%s CPU)\n",
			rc.Cause, rc.Ticks, rc.Wall.Round(time.Microsecond), rc.CPU.Round(time.Microsecond))
	}
	fmt.Fprintf(w, "  %d inputs committed and applied on three nodes in %d steps, %s wall (%s CPU): %.0f inputs/s of wall, %.0f per CPU second\n  (faults included; the digest after every input on every node is most of the cost)\n",
		r.inputs, s.step, r.wall.Round(time.Millisecond), s.cpu.Round(time.Millisecond), float64(r.inputs)/r.wall.Seconds(), float64(r.inputs)/s.cpu.Seconds())
	out := r.ref.outcome
	fmt.Fprintf(w, "\nfinal table (the same on every node and in the single-node run, or a proof below fails):\n")
	fmt.Fprintf(w, "  ticks %d, liquidations %d, debt liquidated %s, bad debt %s\n", out.Ticks, out.Liquidations, out.Liquidated.StringFixed(2), out.BadDebt.StringFixed(2))
	fmt.Fprintf(w, "  insurance fund %s → %s (lowest %s), socialised %s, uncovered %s\n",
		out.FundStart.StringFixed(2), out.FundEnd.StringFixed(2), out.FundMin.StringFixed(2), out.Socialised.StringFixed(2), out.Uncovered.StringFixed(2))
	fmt.Fprintf(w, "\nproofs:\n")
	printProofs(w, r.proofs)
	return failed(r.proofs)
}
