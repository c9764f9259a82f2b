package stress

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"
)

// buildBook is the test models' Builder: parameters "leverage" (integer),
// "maintenance" and "fund" (decimals).
func buildBook(ss []Setting) (Factory, error) {
	lev, mm, fund := 20, "0.05", "2000"
	for _, s := range ss {
		switch s.Name {
		case "leverage":
			v, err := strconv.Atoi(s.Value)
			if err != nil || v < 1 || v > 100 {
				return nil, fmt.Errorf("leverage %q: want 1 to 100", s.Value)
			}
			lev = v
		case "maintenance":
			mm = s.Value
		case "fund":
			fund = s.Value
		default:
			return nil, fmt.Errorf("unknown parameter %q", s.Name)
		}
	}
	return bookFactory(10, lev, mm, fund), nil
}

// A sweep runs every cell on the same seeds (common random numbers): a
// cell equals a plain run of the same parameters; cells come in row-major
// order over the axes sorted by name; CSV and JSON come out; and the
// shards of a sweep merge to the same report.
func TestSweep(t *testing.T) {
	axes := []Axis{{Name: "leverage", Values: []string{"2", "10", "40"}}, {Name: "fund", Values: []string{"0", "5000"}}}
	o := Options{Model: "book", Scenarios: 100, Seed: 9}
	res, err := Sweep(context.Background(), testGen, buildBook, axes, o)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := res.Report()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range rep.Cells {
		got = append(got, fmt.Sprint(c.Params))
	}
	want := "[[{fund 0} {leverage 2}] [{fund 0} {leverage 10}] [{fund 0} {leverage 40}] [{fund 5000} {leverage 2}] [{fund 5000} {leverage 10}] [{fund 5000} {leverage 40}]]"
	if fmt.Sprint(got) != want {
		t.Fatalf("cells %v, want %s", got, want)
	}
	for i, c := range rep.Cells {
		f, _ := buildBook(c.Params)
		plain, err := Run(context.Background(), testGen, f, o)
		if err != nil {
			t.Fatal(err)
		}
		pr, _ := plain.Report()
		if !equalStats(pr.Cells[0].Stats, c.Stats) {
			t.Fatalf("cell %d %v differs from a plain run of its parameters", i, c.Params)
		}
	}
	var csv, js bytes.Buffer
	if err := rep.WriteCSV(&csv); err != nil {
		t.Fatal(err)
	}
	if err := rep.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	if lines := strings.Count(csv.String(), "\n"); lines != 7 || !strings.HasPrefix(csv.String(), "fund,leverage,scenarios,seed,var95,") {
		t.Fatalf("CSV of %d lines starting %q", lines, csv.String()[:40])
	}
	var parts []*Result
	for i := range 3 {
		o.Shard = Shard{Index: 2 - i, Count: 3}
		part, err := Sweep(context.Background(), testGen, buildBook, axes, o)
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := part.WritePartial(&b); err != nil {
			t.Fatal(err)
		}
		back, err := ReadPartial(&b)
		if err != nil {
			t.Fatal(err)
		}
		parts = append(parts, back)
	}
	merged, err := Merge(parts...)
	if err != nil {
		t.Fatal(err)
	}
	if a, b := reportOf(t, res), reportOf(t, merged); !bytes.Equal(a, b) {
		t.Fatal("merged sweep differs from the single-machine sweep")
	}
}

// Bad grids are refused before any scenario runs.
func TestSweepRefuses(t *testing.T) {
	o := Options{Scenarios: 10}
	for _, c := range []struct {
		name string
		axes []Axis
	}{
		{"no axes", nil},
		{"empty name", []Axis{{Name: "", Values: []string{"1"}}}},
		{"no values", []Axis{{Name: "fund"}}},
		{"repeated value", []Axis{{Name: "fund", Values: []string{"1", "1"}}}},
		{"axis twice", []Axis{{Name: "fund", Values: []string{"1"}}, {Name: "fund", Values: []string{"2"}}}},
		{"unknown parameter", []Axis{{Name: "colour", Values: []string{"red"}}}},
		{"bad value", []Axis{{Name: "leverage", Values: []string{"0"}}}},
		{"too many cells", []Axis{{Name: "a", Values: seq(101)}, {Name: "b", Values: seq(101)}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if _, err := Sweep(context.Background(), testGen, buildBook, c.axes, o); !errors.Is(err, ErrInvalidInput) {
				t.Fatalf("err = %v, want ErrInvalidInput", err)
			}
		})
	}
}

func seq(n int) []string {
	var out []string
	for i := range n {
		out = append(out, strconv.Itoa(i))
	}
	return out
}
