package stress

import "testing"

// Same inputs, same seed; different index or base, different seed; and the
// first value is SplitMix64's published first output for state 0
// (0xe220a8397b1dcdaf, from the reference implementation's sequence).
func TestSeedFor(t *testing.T) {
	if got := uint64(SeedFor(0, 0)); got != 0xe220a8397b1dcdaf {
		t.Fatalf("SeedFor(0, 0) = %#x, want SplitMix64's first output 0xe220a8397b1dcdaf", got)
	}
	seen := map[int64]bool{}
	for base := int64(-2); base <= 2; base++ {
		for i := 0; i < 1000; i++ {
			s := SeedFor(base, i)
			if s != SeedFor(base, i) {
				t.Fatal("not deterministic")
			}
			if seen[s] {
				t.Fatalf("SeedFor(%d, %d) repeats a seed", base, i)
			}
			seen[s] = true
		}
	}
}
