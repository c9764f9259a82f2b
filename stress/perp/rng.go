package perp

import (
	"fmt"
	"math/rand"
)

// MaxDraws bounds the draw count a snapshot may carry (RngSnapshot.Draws):
// restoring re-seeds math/rand's source and advances it draw by draw,
// about 2 ns a draw, so the bound keeps a restore under about four
// seconds. A default crash of 1,000 accounts draws some 30,000 numbers, one
// of a million accounts some ten million.
const MaxDraws = 1 << 31

// countingSource is math/rand's seeded source (the one rand.NewSource
// returns, so every number the venue draws is the one it always drew)
// with a count of the numbers drawn from it. math/rand's source cannot be
// serialised, but it is a pure function of its seed and of how many
// numbers were drawn: the seed and the count are the snapshot of its
// position (RngSnapshot), and reset rebuilds it exactly. Each Int63 and
// each Uint64 advances the underlying generator by one step (rngSource's
// Int63 is its Uint64 masked), so both count one.
type countingSource struct {
	seed  int64
	draws uint64
	src   rand.Source64
}

var _ rand.Source64 = (*countingSource)(nil)

// newCountingSource returns the source rand.NewSource(seed) would, counted.
func newCountingSource(seed int64) *countingSource {
	return &countingSource{seed: seed, src: rand.NewSource(seed).(rand.Source64)}
}

// Int63 draws the next number (rand.Source).
func (s *countingSource) Int63() int64 {
	s.draws++
	return s.src.Int63()
}

// Uint64 draws the next number (rand.Source64).
func (s *countingSource) Uint64() uint64 {
	s.draws++
	return s.src.Uint64()
}

// Seed re-seeds the source and restarts its count (rand.Source).
func (s *countingSource) Seed(seed int64) {
	s.seed, s.draws = seed, 0
	s.src.Seed(seed)
}

// reset re-seeds the source with seed and advances it by draws numbers: it
// then yields what a source seeded with seed yields after draws numbers.
// A count above MaxDraws is an error wrapping ErrSnapshot and changes
// nothing.
func (s *countingSource) reset(seed int64, draws uint64) error {
	if draws > MaxDraws {
		return fmt.Errorf("%w: rng draw count %d above %d", ErrSnapshot, draws, uint64(MaxDraws))
	}
	s.Seed(seed)
	for range draws {
		s.src.Uint64()
	}
	s.draws = draws
	return nil
}

// RngSnapshot is the position of the venue's random number generator:
// math/rand's source seeded with Seed after Draws numbers (at most
// MaxDraws).
type RngSnapshot struct {
	Seed  int64  `json:"seed"`
	Draws uint64 `json:"draws"`
}

// snapshot returns the source's position.
func (s *countingSource) snapshot() RngSnapshot { return RngSnapshot{Seed: s.seed, Draws: s.draws} }
