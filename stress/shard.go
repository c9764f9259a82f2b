package stress

import (
	"fmt"
	"strconv"
	"strings"
)

// MaxShards is the most shards a run may be split into.
const MaxShards = 100_000

// Shard is slice Index of Count of a run's scenario indexes: the
// contiguous range [Index·N/Count, (Index+1)·N/Count). The zero value
// means the whole run (shard 0 of 1).
type Shard struct {
	Index int `json:"index"`
	Count int `json:"count"`
}

// ParseShard reads a shard written "i/n" (0 ≤ i < n ≤ MaxShards), as the
// command line's -shard flag and a batch scheduler's array index give it.
func ParseShard(s string) (Shard, error) {
	a, b, ok := strings.Cut(s, "/")
	i, err1 := strconv.Atoi(a)
	n, err2 := strconv.Atoi(b)
	if !ok || err1 != nil || err2 != nil {
		return Shard{}, fmt.Errorf("%w: shard %q: want i/n, e.g. 0/4", ErrInvalidInput, s)
	}
	sh := Shard{Index: i, Count: n}
	if err := sh.check(-1); err != nil {
		return Shard{}, err
	}
	return sh, nil
}

// String writes the shard as "i/n".
func (s Shard) String() string { return fmt.Sprintf("%d/%d", s.Index, s.Count) }

// check refuses a shard out of range, or (when n ≥ 0) one that would be
// empty in a run of n scenarios.
func (s Shard) check(n int) error {
	if s.Count < 1 || s.Count > MaxShards || s.Index < 0 || s.Index >= s.Count {
		return fmt.Errorf("%w: shard %d/%d: want 0 ≤ index < count ≤ %d", ErrInvalidInput, s.Index, s.Count, MaxShards)
	}
	if n >= 0 && s.Count > n {
		return fmt.Errorf("%w: %d shards of %d scenarios: some would be empty", ErrInvalidInput, s.Count, n)
	}
	return nil
}

// Range returns the scenario indexes [from, to) of shard s of a run of n
// scenarios.
func (s Shard) Range(n int) (from, to int) {
	if s.Count == 0 {
		return 0, n
	}
	return int(int64(s.Index) * int64(n) / int64(s.Count)), int(int64(s.Index+1) * int64(n) / int64(s.Count))
}
