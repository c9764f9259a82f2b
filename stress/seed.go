package stress

// SeedFor returns the seed of scenario index of a run with base seed base:
// SplitMix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number
// generators", OOPSLA 2014) of base + (index+1) × the golden gamma, so
// neighbouring indexes and neighbouring bases give unrelated seeds, and
// the seed of a scenario never depends on which worker or shard ran it.
func SeedFor(base int64, index int) int64 {
	z := uint64(base) + uint64(index+1)*0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return int64(z ^ (z >> 31))
}
