package stress

import (
	"bytes"
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

// testGen and testFactory are the small run of most tests: 30 ticks,
// a crash one tick in 20, 20 accounts up to 20× with 5% maintenance and a
// fund of 2,000.
var (
	testGen     = walk{ticks: 30, jumpEvery: 20}
	testFactory = bookFactory(20, 20, "0.05", "2000")
)

// reportBytes runs and returns the text and JSON of the report.
func reportBytes(t *testing.T, o Options) []byte {
	t.Helper()
	res, err := Run(context.Background(), testGen, testFactory, o)
	if err != nil {
		t.Fatal(err)
	}
	return reportOf(t, res)
}

func reportOf(t *testing.T, res *Result) []byte {
	t.Helper()
	rep, err := res.Report()
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := rep.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	if err := rep.WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	if err := rep.WriteCSV(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// Same seed, same report, for 1 and 4 workers (issue #13's property).
func TestRunSameReportAnyWorkers(t *testing.T) {
	o := Options{Model: "book", Scenarios: 120, Seed: 42}
	o.Workers = 1
	one := reportBytes(t, o)
	for _, w := range []int{4, 7} {
		o.Workers = w
		if got := reportBytes(t, o); !bytes.Equal(got, one) {
			t.Fatalf("%d workers: report differs from 1 worker's:\n%s\n---\n%s", w, got, one)
		}
	}
	o.Seed = 43
	if got := reportBytes(t, o); bytes.Equal(got, one) {
		t.Fatal("another seed gave the same report")
	}
}

// A model that leaks one cent in scenario 37 fails the run with that
// scenario's index and seed, and Replay of the seed fails the same way.
// With two leaking scenarios the lowest index is named whatever the
// workers.
func TestRunLeakNamesSeed(t *testing.T) {
	const base = 7
	for _, w := range []int{1, 4} {
		for _, leaks := range [][]int{{37}, {80, 12}} {
			var seeds []int64
			for _, i := range leaks {
				seeds = append(seeds, SeedFor(base, i))
			}
			want := min(leaks[0], leaks[len(leaks)-1])
			for range 3 {
				_, err := Run(context.Background(), testGen, bookFactory(20, 20, "0.05", "2000", seeds...),
					Options{Scenarios: 100, Seed: base, Workers: w})
				var se *ScenarioError
				if !errors.As(err, &se) || !errors.Is(err, ErrNotConserved) {
					t.Fatalf("workers %d: err = %v, want a ScenarioError wrapping ErrNotConserved", w, err)
				}
				if se.Index != want || se.Seed != SeedFor(base, want) || se.Tick != 3 {
					t.Fatalf("workers %d leaks %v: error names scenario %d seed %d tick %d, want %d seed %d tick 3: %v",
						w, leaks, se.Index, se.Seed, se.Tick, want, SeedFor(base, want), err)
				}
			}
		}
	}
	leak := SeedFor(base, 37)
	_, err := Replay(context.Background(), testGen, bookFactory(20, 20, "0.05", "2000", leak), leak)
	if !errors.Is(err, ErrNotConserved) {
		t.Fatalf("Replay of the leaking seed: %v, want ErrNotConserved", err)
	}
	if _, err := Replay(context.Background(), testGen, testFactory, leak); err != nil {
		t.Fatalf("Replay without the leak: %v", err)
	}
}

// The error reads with the package prefix once, then where, then what.
func TestScenarioErrorText(t *testing.T) {
	leak := SeedFor(1, 0)
	_, err := Run(context.Background(), testGen, bookFactory(5, 5, "0.05", "100", leak), Options{Scenarios: 1, Seed: 1})
	want := "stress: value not conserved: scenario 0 (seed "
	if err == nil || !bytes.HasPrefix([]byte(err.Error()), []byte(want)) || bytes.Count([]byte(err.Error()), []byte("stress:")) != 1 {
		t.Fatalf("error %q: want it to start %q with one 'stress:'", err, want)
	}
}

// Progress is called with done never decreasing and a last call of
// (total, total); a slow callback does not hold the workers back.
func TestRunProgress(t *testing.T) {
	var mu sync.Mutex
	var calls [][2]int
	slow := func(done, total int) {
		mu.Lock()
		calls = append(calls, [2]int{done, total})
		mu.Unlock()
		time.Sleep(20 * time.Millisecond)
	}
	start := time.Now()
	if _, err := Run(context.Background(), walk{ticks: 2}, bookFactory(1, 2, "0.05", "10"), Options{Scenarios: 400, Workers: 2, Progress: slow}); err != nil {
		t.Fatal(err)
	}
	// A blocking callback would cost 400 × 20 ms = 8 s.
	if el := time.Since(start); el > 4*time.Second {
		t.Fatalf("run took %v: the callback held the workers", el)
	}
	last := -1
	for _, c := range calls {
		if c[1] != 400 || c[0] < last {
			t.Fatalf("calls %v: want totals 400 and done non-decreasing", calls)
		}
		last = c[0]
	}
	if len(calls) == 0 || calls[len(calls)-1] != [2]int{400, 400} || len(calls) >= 400 {
		t.Fatalf("%d calls ending %v: want fewer than 400, the last (400, 400)", len(calls), calls[len(calls)-1])
	}
}

// A cancelled context stops the run with ErrCancelled and the context's
// error.
func TestRunCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	_, err := Run(ctx, testGen, testFactory, Options{Scenarios: 100_000, Progress: func(done, _ int) {
		if done >= 10 {
			cancel()
		}
	}})
	if !errors.Is(err, ErrCancelled) || !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want ErrCancelled wrapping context.Canceled", err)
	}
}

// Bad options are refused before any scenario runs.
func TestRunOptionsRefused(t *testing.T) {
	ok := Options{Scenarios: 10}
	for _, c := range []struct {
		name string
		gen  Generator
		f    Factory
		o    Options
	}{
		{"zero scenarios", testGen, testFactory, Options{}},
		{"too many scenarios", testGen, testFactory, Options{Scenarios: MaxScenarios + 1}},
		{"negative workers", testGen, testFactory, Options{Scenarios: 10, Workers: -1}},
		{"too many workers", testGen, testFactory, Options{Scenarios: 10, Workers: MaxWorkers + 1}},
		{"negative max ticks", testGen, testFactory, Options{Scenarios: 10, MaxTicks: -1}},
		{"shard out of range", testGen, testFactory, Options{Scenarios: 10, Shard: Shard{Index: 2, Count: 2}}},
		{"more shards than scenarios", testGen, testFactory, Options{Scenarios: 3, Shard: Shard{Index: 0, Count: 4}}},
		{"nil generator", nil, testFactory, ok},
		{"nil factory", testGen, nil, ok},
	} {
		t.Run(c.name, func(t *testing.T) {
			if _, err := Run(context.Background(), c.gen, c.f, c.o); !errors.Is(err, ErrInvalidInput) {
				t.Fatalf("err = %v, want ErrInvalidInput", err)
			}
		})
	}
}

// A generator that never ends fails its scenario at MaxTicks.
func TestRunMaxTicks(t *testing.T) {
	_, err := Run(context.Background(), walk{ticks: 50}, testFactory, Options{Scenarios: 2, MaxTicks: 10})
	var se *ScenarioError
	if !errors.As(err, &se) || !errors.Is(err, ErrScenario) || se.Index != 0 {
		t.Fatalf("err = %v, want ErrScenario for scenario 0", err)
	}
}

// gated holds scenario low's factory until scenario high has failed its
// check, so the higher index fails first; the run must still name low.
// Mutation seen failing: keeping the first failure to arrive instead of
// the lowest index (`if failed == nil` alone).
func TestRunLowestFailureWins(t *testing.T) {
	const base, low, high = 3, 5, 60
	sl, sh := SeedFor(base, low), SeedFor(base, high)
	gate := make(chan struct{})
	var once sync.Once
	leaky := bookFactory(5, 20, "0.05", "100", sl, sh)
	f := func(seed int64) (Model, error) {
		if seed == sl {
			select {
			case <-gate:
			case <-time.After(10 * time.Second):
			}
		}
		m, err := leaky(seed)
		if seed == sh {
			return &onFail{Model: m, fail: func() { once.Do(func() { close(gate) }) }}, err
		}
		return m, err
	}
	_, err := Run(context.Background(), testGen, f, Options{Scenarios: 100, Seed: base, Workers: 4})
	var se *ScenarioError
	if !errors.As(err, &se) || se.Index != low {
		t.Fatalf("err = %v, want scenario %d named", err, low)
	}
}

// onFail calls fail when its model's check fails.
type onFail struct {
	Model
	fail func()
}

func (m *onFail) Check() error {
	err := m.Model.Check()
	if err != nil {
		m.fail()
	}
	return err
}
