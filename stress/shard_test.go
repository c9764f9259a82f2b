package stress

import (
	"bytes"
	"context"
	"errors"
	"math/rand/v2"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

// runShards runs every shard of o, writes and reads each partial, and
// merges them in a shuffled order.
func runShards(t testing.TB, gen Generator, f Factory, o Options, count int, shuffle uint64) (*Result, []*Result) {
	var parts []*Result
	for i := range count {
		o.Shard = Shard{Index: i, Count: count}
		res, err := Run(context.Background(), gen, f, o)
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := res.WritePartial(&b); err != nil {
			t.Fatal(err)
		}
		back, err := ReadPartial(&b)
		if err != nil {
			t.Fatal(err)
		}
		parts = append(parts, back)
	}
	rand.New(rand.NewPCG(shuffle, 1)).Shuffle(len(parts), func(i, j int) { parts[i], parts[j] = parts[j], parts[i] })
	m, err := Merge(parts...)
	if err != nil {
		t.Fatal(err)
	}
	return m, parts
}

// merge(shards) = single run, byte for byte, for any number of shards,
// workers and scenarios (issue #13's property), through the partial files.
// Mutations seen failing: Shard.Range ending a shard one index late (a
// scenario counted twice: the merge refuses it); `above` ordering equal
// values without the index tie-break (which of several equal worst
// scenarios is named then depends on arrival order).
func TestMergeEqualsSingleRun(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		n := rapid.IntRange(1, 60).Draw(rt, "n")
		count := rapid.IntRange(1, min(n, 6)).Draw(rt, "shards")
		o := Options{Model: "book", Scenarios: n, Seed: rapid.Int64().Draw(rt, "seed"), Workers: rapid.IntRange(1, 4).Draw(rt, "workers")}
		gen, f := walk{ticks: 8, jumpEvery: 4}, bookFactory(5, 20, "0.05", "300")
		single, err := Run(context.Background(), gen, f, o)
		if err != nil {
			rt.Fatal(err)
		}
		merged, _ := runShards(t, gen, f, o, count, uint64(n))
		if a, b := reportOf(t, single), reportOf(t, merged); !bytes.Equal(a, b) {
			rt.Fatalf("%d shards: merged report differs:\n%s\n---\n%s", count, b, a)
		}
	})
}

// Merge refuses shards of different runs, a shard twice and a missing
// shard; ReadPartial refuses malformed or tampered files.
func TestMergeRefuses(t *testing.T) {
	gen, f := walk{ticks: 10, jumpEvery: 5}, bookFactory(5, 20, "0.05", "100")
	o := Options{Model: "book", Scenarios: 30, Seed: 3}
	_, parts := runShards(t, gen, f, o, 3, 0)
	o2 := o
	o2.Seed = 4
	_, other := runShards(t, gen, f, o2, 3, 0)
	for _, c := range []struct {
		name  string
		parts []*Result
		want  string
	}{
		{"none", nil, "no partial"},
		{"missing", parts[:2], "missing"},
		{"twice", []*Result{parts[0], parts[1], parts[2], parts[0]}, "twice"},
		{"other seed", []*Result{parts[0], parts[1], other[2]}, "seed"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Merge(c.parts...)
			if !errors.Is(err, ErrInvalidInput) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want ErrInvalidInput mentioning %q", err, c.want)
			}
		})
	}
	if _, err := parts[0].Report(); !errors.Is(err, ErrInvalidInput) {
		t.Fatalf("Report of a shard: %v, want ErrInvalidInput", err)
	}

	var b bytes.Buffer
	o.Shard = Shard{Index: 1, Count: 3}
	res, err := Run(context.Background(), gen, f, o)
	if err != nil {
		t.Fatal(err)
	}
	if err := res.WritePartial(&b); err != nil {
		t.Fatal(err)
	}
	good := b.String()
	for _, c := range []struct{ name, from, to string }{
		{"not json", good, "{"},
		{"format", `"format":"failsafe-stress-partial"`, `"format":"other"`},
		{"version", `"version":1`, `"version":2`},
		{"range", `"from":10`, `"from":9`},
		{"shard", `"shard":{"index":1,"count":3}`, `"shard":{"index":3,"count":3}`},
		{"tally count", `"n":10`, `"n":11`},
		{"unknown field", `"format"`, `"extra":1,"format"`},
		{"tail index outside", `"i":1`, `"i":0`},
		{"negative sum", `"bad_debt":"`, `"bad_debt":"-`},
	} {
		t.Run("read "+c.name, func(t *testing.T) {
			bad := strings.Replace(good, c.from, c.to, 1)
			if c.name == "not json" {
				bad = c.to
			}
			if bad == good {
				t.Fatalf("mutation %q did not apply", c.from)
			}
			if _, err := ReadPartial(strings.NewReader(bad)); !errors.Is(err, ErrInvalidInput) {
				t.Fatalf("err = %v, want ErrInvalidInput", err)
			}
		})
	}
}

// ParseShard reads i/n and refuses the rest.
func TestParseShard(t *testing.T) {
	if s, err := ParseShard("2/5"); err != nil || s != (Shard{Index: 2, Count: 5}) || s.String() != "2/5" {
		t.Fatalf("ParseShard(2/5) = %v, %v", s, err)
	}
	for _, in := range []string{"", "1", "5/5", "-1/2", "0/0", "a/b", "1/2/3", "0/100001"} {
		if _, err := ParseShard(in); !errors.Is(err, ErrInvalidInput) {
			t.Errorf("ParseShard(%q): %v, want ErrInvalidInput", in, err)
		}
	}
	// The ranges of a split cover [0, n) once.
	for _, n := range []int{1, 7, 100, 1001} {
		for count := 1; count <= min(n, 9); count++ {
			next := 0
			for i := range count {
				from, to := Shard{Index: i, Count: count}.Range(n)
				if from != next || to <= from {
					t.Fatalf("n %d shard %d/%d: [%d, %d), want from %d and not empty", n, i, count, from, to, next)
				}
				next = to
			}
			if next != n {
				t.Fatalf("n %d in %d shards ends at %d", n, count, next)
			}
		}
	}
}
