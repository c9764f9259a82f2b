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
	accounts int
	ticks    int
	window   int
	verbose  bool
	measure  bool
}

func parseFlags(args []string) (options, error) {
	var o options
	fs := cli.NewFlagSet("raft", header)
	fs.Int64Var(&o.seed, "seed", 1, "seed of the crash, the book, the network and the fault schedule")
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
	case o.ticks < 0:
		return o, cli.Errorf("-ticks %d: want 0 or more", o.ticks)
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
	wall       time.Duration
	inputs     uint64
	sim        *sim
}

// replicate runs the seed's fault schedule (none if calm) over the venue
// k and proves the end state against the single-node run.
func replicate(k kind, seed int64, window int, out io.Writer, verbose bool, h hooks) (result, error) {
	return replicateWith(k, seed, window, false, out, verbose, h)
}

func replicateWith(k kind, seed int64, window int, calm bool, out io.Writer, verbose bool, h hooks) (result, error) {
	ticks, err := k.Scenario()
	if err != nil {
		return result{}, err
	}
	n := uint64(len(ticks))
	if n < 2 {
		return result{}, fmt.Errorf("%d inputs: the run needs at least 2", n)
	}
	crashFrom, crashTo := uint64(perp.WarmTicks+1), uint64(perp.WarmTicks+60)
	sc := drawSchedule(rand.New(rand.NewSource(seed^0x736368)), n, crashFrom, crashTo)
	if calm {
		sc = schedule{}
	}
	s, err := newSim(k, simConfig{Seed: seed, Schedule: sc, Calm: calm, Window: window, SnapEvery: 16, KeepLog: 4, Verbose: verbose, Out: out, hooks: h})
	if err != nil {
		return result{}, err
	}
	if out != nil {
		if calm {
			fmt.Fprintf(out, "no faults\n")
		} else {
			fmt.Fprintf(out, "fault schedule: %s\n\ntimeline (step = one raft tick of the simulated clock):\n", sc)
		}
	}
	if err := s.run(); err != nil {
		return result{sim: s}, err
	}
	ref, err := runReference(k)
	if err != nil {
		return result{sim: s}, err
	}
	return result{proofs: s.prove(ref), recoveries: s.recoveries, wall: s.wall, inputs: n, sim: s}, nil
}

func run(o options, w io.Writer) error {
	k := newVenueKind(perp.Config{Accounts: o.accounts}, o.seed, o.ticks)
	fmt.Fprintf(w, "raft: the cascade venue, %d accounts, seed %d, three nodes on etcd raft\n", o.accounts, o.seed)
	r, err := replicate(k, o.seed, o.window, w, o.verbose, hooks{})
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
		fmt.Fprintf(w, "  %s → next input committed by a new leader: %d ticks of the simulated clock, %s wall\n", rc.Cause, rc.Ticks, rc.Wall.Round(time.Microsecond))
	}
	fmt.Fprintf(w, "  %d inputs committed and applied on three nodes in %d steps, %s wall: %.0f inputs/s (faults included)\n",
		r.inputs, s.step, r.wall.Round(time.Millisecond), float64(r.inputs)/r.wall.Seconds())
	fmt.Fprintf(w, "\nproofs:\n")
	printProofs(w, r.proofs)
	return failed(r.proofs)
}
