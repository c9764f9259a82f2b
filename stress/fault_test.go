package stress

import (
	"fmt"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"

	"github.com/failsafe-fi/failsafe/internal/testkit"
	"github.com/failsafe-fi/failsafe/oracle"
)

// faultSources are quotedMerton's sources, sorted.
var faultSources = []string{"cex-a", "cex-b", "chainlink", "dex", "pyth"}

// drawFault draws a valid fault on one of faultSources starting within
// quotedMerton's 168 ticks.
func drawFault(t *rapid.T, i int) Fault {
	src := rapid.SampledFrom(faultSources).Draw(t, "src")
	from := rapid.IntRange(0, 167).Draw(t, "from")
	f := Fault{Kind: FaultKind(rapid.IntRange(1, 4).Draw(t, "kind")), Source: src, From: from, To: from + rapid.IntRange(1, 60).Draw(t, "len")}
	switch f.Kind {
	case FaultSpike:
		f.Factor = testkit.D(rapid.SampledFrom([]string{"0.6", "1.5", "0.01", "100"}).Draw(t, "factor"))
	case FaultDrift:
		f.BiasBP = rapid.SampledFrom([]int{-1000, -30, 5, 200}).Draw(t, "bias")
	case FaultDelay:
		f.Delay = rapid.IntRange(1, 30).Draw(t, "delay")
	}
	return f
}

// TestFaultsTouchOnlyTheirSourceAndWindow: whatever faults are stacked,
// the faulted ticks equal the unfaulted ones except the quotes of a
// faulty source within one of its faults' windows; prices, times and
// congestion never change; the quotes stay sorted with each source at
// most once. (Mutation seen failing: a stale fault that stays stuck after
// its window, i.e. `in := seq >= f.From`.)
func TestFaultsTouchOnlyTheirSourceAndWindow(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		base := quotedMerton(t, 0)
		n := rapid.IntRange(1, 5).Draw(t, "faults")
		var fs []Fault
		for i := 0; i < n; i++ {
			fs = append(fs, drawFault(t, i))
		}
		g, err := NewFaults(base, FaultSettings{Faults: fs})
		if err != nil {
			t.Fatal(err)
		}
		seed := rapid.Int64().Draw(t, "seed")
		sc, err := g.Scenario(seed)
		if err != nil {
			t.Fatal(err)
		}
		// A fault whose source an earlier delay removed throughout its
		// window never fires: an error at the end, after every tick.
		got, err := Collect(sc, 0)
		if err != nil && !errorsIs(err, ErrInvalidInput) {
			t.Fatal(err)
		}
		want := mustTicks(t, base, seed)
		if len(got) != len(want) {
			t.Fatalf("%d ticks, want %d (err %v)", len(got), len(want), err)
		}
		for i := range want {
			a, b := got[i], want[i]
			if !a.Price.Equal(b.Price) || !a.Time.Equal(b.Time) || a.Congestion != b.Congestion || a.Seq != b.Seq {
				t.Fatalf("tick %d: price/time/congestion changed", i)
			}
			if !slices.IsSortedFunc(a.Quotes, func(x, y oracle.Quote) int { return strings.Compare(x.Source, y.Source) }) {
				t.Fatalf("tick %d: unsorted %v", i, a.Quotes)
			}
			for _, src := range faultSources {
				faulty := false
				for _, f := range fs {
					faulty = faulty || (f.Source == src && i >= f.From && i < f.To)
				}
				ja, jb := find(a.Quotes, src), find(b.Quotes, src)
				if faulty {
					continue
				}
				if (ja < 0) != (jb < 0) || (ja >= 0 && (!a.Quotes[ja].Price.Equal(b.Quotes[jb].Price) || !a.Quotes[ja].Time.Equal(b.Quotes[jb].Time))) {
					t.Fatalf("tick %d: source %s changed outside its faults %v", i, src, fs)
				}
			}
		}
	})
}

// TestFaultKinds works each fault by hand on the default crash quoted by
// three sources without jitter.
func TestFaultKinds(t *testing.T) {
	sh, _ := CrashShape(CrashSettings{})
	path, _ := NewScripted(ScriptedSettings{Shape: sh})
	base, err := NewQuotes(path, QuoteSettings{JitterBP: -1})
	if err != nil {
		t.Fatal(err)
	}
	plain := mustTicks(t, base, 1)
	for _, tc := range []struct {
		name  string
		fault Fault
		check func(t *testing.T, tick int, q oracle.Quote, present bool)
	}{
		{"stale resends tick 19's quote, time and all", Fault{Kind: FaultStale, Source: "src-c", From: 20, To: 40},
			func(t *testing.T, i int, q oracle.Quote, ok bool) {
				if i >= 20 && i < 40 && (!ok || !q.Price.Equal(plain[19].Price) || !q.Time.Equal(plain[19].Time)) {
					t.Errorf("tick %d: %v, want tick 19's %s", i, q, plain[19].Price)
				}
			}},
		{"spike prints 0.6 × price (examples/cascade's wick)", Fault{Kind: FaultSpike, Source: "src-b", From: 30, To: 32, Factor: testkit.D("0.6")},
			func(t *testing.T, i int, q oracle.Quote, ok bool) {
				if i >= 30 && i < 32 && !q.Price.Equal(plain[i].Price.Mul(testkit.D("0.6")).Round(8)) {
					t.Errorf("tick %d: %s", i, q.Price)
				}
			}},
		{"drift grows 50 bp a tick", Fault{Kind: FaultDrift, Source: "src-a", From: 0, To: 10, BiasBP: 50},
			func(t *testing.T, i int, q oracle.Quote, ok bool) {
				if i < 10 && !q.Price.Equal(plain[i].Price.Mul(testkit.D("1").Add(testkit.D("0.005").Mul(decimal.NewFromInt(int64(i+1))))).Round(8)) {
					t.Errorf("tick %d: %s", i, q.Price)
				}
			}},
		{"delay shows the quote of 3 ticks before, none at first", Fault{Kind: FaultDelay, Source: "src-a", From: 0, To: 50, Delay: 3},
			func(t *testing.T, i int, q oracle.Quote, ok bool) {
				switch {
				case i < 3 && ok:
					t.Errorf("tick %d: quote %v before any arrived", i, q)
				case i >= 3 && i < 50 && (!ok || !q.Price.Equal(plain[i-3].Price) || !q.Time.Equal(plain[i-3].Time)):
					t.Errorf("tick %d: %v, want tick %d's", i, q, i-3)
				}
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g, err := NewFaults(base, FaultSettings{Faults: []Fault{tc.fault}})
			if err != nil {
				t.Fatal(err)
			}
			for i, tk := range mustTicks(t, g, 1) {
				j := find(tk.Quotes, tc.fault.Source)
				var q oracle.Quote
				if j >= 0 {
					q = tk.Quotes[j]
				}
				tc.check(t, i, q, j >= 0)
			}
		})
	}
}

// TestFaultRefusals: each bound of a fault is enforced.
func TestFaultRefusals(t *testing.T) {
	g := quotedMerton(t, 0)
	for name, f := range map[string]Fault{
		"unknown kind":       {Kind: 9, Source: "a", To: 1},
		"no source":          {Kind: FaultStale, To: 1},
		"empty window":       {Kind: FaultStale, Source: "a", From: 5, To: 5},
		"negative from":      {Kind: FaultStale, Source: "a", From: -1, To: 5},
		"stale with factor":  {Kind: FaultStale, Source: "a", To: 5, Factor: testkit.D("2")},
		"spike factor 1":     {Kind: FaultSpike, Source: "a", To: 5, Factor: testkit.D("1")},
		"spike factor 0":     {Kind: FaultSpike, Source: "a", To: 5},
		"spike too fine":     {Kind: FaultSpike, Source: "a", To: 5, Factor: testkit.D("0.000000001")},
		"spike above 1000":   {Kind: FaultSpike, Source: "a", To: 5, Factor: testkit.D("1001")},
		"drift with delay":   {Kind: FaultDrift, Source: "a", To: 5, BiasBP: 3, Delay: 2},
		"drift of 0":         {Kind: FaultDrift, Source: "a", To: 5},
		"delay of 0":         {Kind: FaultDelay, Source: "a", To: 5},
		"delay above 10,000": {Kind: FaultDelay, Source: "a", To: 5, Delay: 10_001},
	} {
		if _, err := NewFaults(g, FaultSettings{Faults: []Fault{f}}); !errorsIs(err, ErrInvalidInput) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
	if _, err := NewFaults(g, FaultSettings{Faults: make([]Fault, MaxFaults+1)}); !errorsIs(err, ErrInvalidInput) {
		t.Errorf("too many faults: %v", err)
	}
}

// TestFaultsBoundDelayMemory: the delays of a wrapper's faults sum to at
// most MaxTotalDelay (review: 256 delays of 10,000 ticks allocated 236 MB
// per Scenario call), and a delay's memory grows with the path, not with
// Delay: MaxTotalDelay slots over a 10-tick path allocate well under 1 MB
// (Mutation seen failing: the ring made with Delay slots up front, ~9 MB.)
func TestFaultsBoundDelayMemory(t *testing.T) {
	g, err := NewMerton(MertonSettings{Path: PathSettings{Ticks: 10}})
	if err != nil {
		t.Fatal(err)
	}
	sources := make([]string, MaxTotalDelay/10_000)
	for i := range sources {
		sources[i] = fmt.Sprintf("src-%d", i)
	}
	q, err := NewQuotes(g, QuoteSettings{Sources: sources})
	if err != nil {
		t.Fatal(err)
	}
	over := make([]Fault, MaxFaults)
	for i := range over {
		over[i] = Fault{Kind: FaultDelay, Source: sources[i%len(sources)], From: 0, To: 10, Delay: 10_000}
	}
	if _, err := NewFaults(q, FaultSettings{Faults: over}); !errorsIs(err, ErrInvalidInput) {
		t.Fatalf("%d delays of 10,000: err = %v", len(over), err)
	}
	at := over[:MaxTotalDelay/10_000]
	f, err := NewFaults(q, FaultSettings{Faults: at})
	if err != nil {
		t.Fatalf("delays summing to %d: %v", MaxTotalDelay, err)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	sc, err := f.Scenario(1)
	if err != nil {
		t.Fatal(err)
	}
	ticks, err := Collect(sc, 0)
	runtime.ReadMemStats(&after)
	if err != nil || len(ticks) != 10 {
		t.Fatalf("%d ticks, err %v", len(ticks), err)
	}
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 1<<20 {
		t.Errorf("a 10-tick path with delays summing to %d allocated %d bytes", MaxTotalDelay, grew)
	}
}

// opaque hides a generator's type, as a host's own generator would: its
// shape is unknown to NewFaults.
type opaque struct{ Generator }

// TestFaultsThatNeverFireAreErrors: a fault that cannot fire is refused
// when NewFaults can know it (window after the path, source never quoted)
// and otherwise fails the scenario at the end of its path (review: a
// spike on [500,600) over a 10-tick path, or a stale fault on an
// unquoted source, ran with no error). (Mutations seen failing: no
// checkReach in NewFaults; missed() returning nil.)
func TestFaultsThatNeverFireAreErrors(t *testing.T) {
	g, err := NewMerton(MertonSettings{Path: PathSettings{Ticks: 10}})
	if err != nil {
		t.Fatal(err)
	}
	q, err := NewQuotes(g, QuoteSettings{})
	if err != nil {
		t.Fatal(err)
	}
	for name, f := range map[string]Fault{
		"spike after the path":  {Kind: FaultSpike, Source: "src-a", From: 500, To: 600, Factor: testkit.D("0.5")},
		"stale on src-zz":       {Kind: FaultStale, Source: "src-zz", From: 0, To: 10},
		"window from the end":   {Kind: FaultDrift, Source: "src-b", From: 10, To: 11, BiasBP: 5},
		"delay on an unquoted":  {Kind: FaultDelay, Source: "src-zz", From: 0, To: 5, Delay: 2},
		"unquoted merton spike": {Kind: FaultSpike, Source: "src-a", From: 0, To: 5, Factor: testkit.D("2")},
	} {
		t.Run(name, func(t *testing.T) {
			inner := Generator(q)
			if name == "unquoted merton spike" {
				inner = g
			}
			if _, err := NewFaults(inner, FaultSettings{Faults: []Fault{f}}); !errorsIs(err, ErrInvalidInput) {
				t.Errorf("known shape: err = %v", err)
			}
			h, err := NewFaults(opaque{inner}, FaultSettings{Faults: []Fault{f}})
			if err != nil {
				t.Fatalf("unknown shape: %v", err)
			}
			sc, _ := h.Scenario(1)
			ticks, err := Collect(sc, 0)
			if len(ticks) != 10 || !errorsIs(err, ErrInvalidInput) {
				t.Errorf("unknown shape: %d ticks, err = %v", len(ticks), err)
			}
			if _, ok, again := sc.Next(); ok || !errorsIs(again, ErrInvalidInput) {
				t.Errorf("after the end: ok %v, err %v", ok, again)
			}
		})
	}
	// A fault that fires on its last possible tick is fine either way.
	last := Fault{Kind: FaultSpike, Source: "src-a", From: 9, To: 600, Factor: testkit.D("0.5")}
	for _, inner := range []Generator{q, opaque{q}} {
		h, err := NewFaults(inner, FaultSettings{Faults: []Fault{last}})
		if err != nil {
			t.Fatal(err)
		}
		sc, _ := h.Scenario(1)
		if ticks, err := Collect(sc, 0); err != nil || len(ticks) != 10 {
			t.Errorf("%d ticks, err %v", len(ticks), err)
		}
	}
}

// spy is a generator that remembers the quotes slice of its last tick
// and a copy of it, to see whether a wrapper writes into it.
type spy struct {
	inner      Generator
	shared     []oracle.Quote
	copyOfLast []oracle.Quote
}

// Name is "spy".
func (s *spy) Name() string { return "spy" }

// Scenario wraps the inner scenario of seed.
func (s *spy) Scenario(seed int64) (Scenario, error) {
	in, err := s.inner.Scenario(seed)
	return spyScenario{s, in}, err
}

// spyScenario records each tick it passes on.
type spyScenario struct {
	s  *spy
	in Scenario
}

// Next passes the inner tick on and records its quotes.
func (p spyScenario) Next() (Tick, bool, error) {
	t, ok, err := p.in.Next()
	p.s.shared, p.s.copyOfLast = t.Quotes, slices.Clone(t.Quotes)
	return t, ok, err
}

// TestFaultsNeverWriteIntoTheInnerQuotes: a fault changes its own copy of
// the tick's quotes, never the slice the inner generator returned (which
// that generator may keep). (Mutation seen failing: the spike writing
// quotes[i] without s.own.)
func TestFaultsNeverWriteIntoTheInnerQuotes(t *testing.T) {
	sp := &spy{inner: quotedMerton(t, 0)}
	g, err := NewFaults(sp, FaultSettings{Faults: []Fault{
		{Kind: FaultSpike, Source: "dex", From: 2, To: 9, Factor: testkit.D("0.5")},
		{Kind: FaultStale, Source: "pyth", From: 3, To: 7},
		{Kind: FaultDelay, Source: "cex-a", From: 1, To: 8, Delay: 2},
		{Kind: FaultDrift, Source: "cex-b", From: 0, To: 5, BiasBP: 40},
	}})
	if err != nil {
		t.Fatal(err)
	}
	sc, _ := g.Scenario(3)
	for i := 0; i < 12; i++ {
		if _, _, err := sc.Next(); err != nil {
			t.Fatal(err)
		}
		for j := range sp.shared {
			if sp.shared[j].Source != sp.copyOfLast[j].Source || !sp.shared[j].Price.Equal(sp.copyOfLast[j].Price) {
				t.Fatalf("tick %d: the inner slice was written: %v, was %v", i, sp.shared[j], sp.copyOfLast[j])
			}
		}
	}
}
