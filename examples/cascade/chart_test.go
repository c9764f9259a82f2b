package main

import (
	"testing"
)

// The value axis is labelled in round steps with thousands separators.
func TestGroupedTicks(t *testing.T) {
	for _, c := range []struct {
		lo, hi float64
		want   []string
	}{
		{10_560, 31_440, []string{"15,000", "20,000", "25,000", "30,000"}},
		{0, 640_000, []string{"0", "200,000", "400,000", "600,000"}},
		{0, 5_150_000, []string{"0", "1,000,000", "2,000,000", "3,000,000", "4,000,000", "5,000,000"}},
		{0, 1, []string{"0.0", "0.2", "0.4", "0.6", "0.8", "1.0"}},
		{0, 25, []string{"0", "5", "10", "15", "20", "25"}},
	} {
		var got []string
		for _, tk := range (groupedTicks{}).Ticks(c.lo, c.hi) {
			if tk.Label != "" {
				got = append(got, tk.Label)
			}
		}
		if len(got) != len(c.want) {
			t.Errorf("[%v, %v]: %v, want %v", c.lo, c.hi, got, c.want)
			continue
		}
		for i := range got {
			if got[i] != c.want[i] {
				t.Errorf("[%v, %v]: %v, want %v", c.lo, c.hi, got, c.want)
				break
			}
		}
	}
}
