package backstop

import "sort"

// rankedOrder sorts by score descending, then account ascending.
type rankedOrder []Ranked

func (r rankedOrder) Len() int      { return len(r) }
func (r rankedOrder) Swap(i, j int) { r[i], r[j] = r[j], r[i] }
func (r rankedOrder) Less(i, j int) bool {
	if c := r[i].Score.Cmp(r[j].Score); c != 0 {
		return c > 0
	}
	return r[i].Position.Account < r[j].Position.Account
}

func sortRanked(r []Ranked) { sort.Sort(rankedOrder(r)) }
