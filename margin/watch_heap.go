package margin

import "github.com/failsafe-fi/failsafe/internal/fixed"

// The watchlist's index: per price key (market or collateral asset) two
// binary heaps of trigger prices, one of accounts returned when the price
// falls to or below their trigger (a max-heap: the highest trigger is the
// first crossed) and one of accounts returned when it rises to or above
// (a min-heap). Entries live in one slab and know their heap position, so
// an account's entries are removed in O(log n) each when it is re-valued.

// watchEntry is one trigger of one account.
type watchEntry struct {
	trig  fixed.Num
	acct  int32 // slot in Watchlist.accts
	book  int32 // index in Watchlist.books
	pos   int32 // position in its heap
	below bool  // returned at or below trig (else at or above)
}

// watchHeap orders entry IDs: a max-heap of triggers when below, else a
// min-heap. Ties keep no particular order: results are sorted by account
// ID, so they never depend on it.
type watchHeap struct {
	below bool
	items []heapItem
}

// heapItem keeps the trigger next to the entry ID, so sifting compares
// neighbouring memory instead of chasing entries.
type heapItem struct {
	trig fixed.Num
	id   int32
}

type watchBook struct {
	key          string
	below, above watchHeap
}

// first reports whether item a must sit above item b.
func first(h *watchHeap, a, b *heapItem) bool {
	c := fixed.Cmp(a.trig, b.trig)
	if h.below {
		return c > 0
	}
	return c < 0
}

func (w *Watchlist) swap(h *watchHeap, i, j int) {
	h.items[i], h.items[j] = h.items[j], h.items[i]
	w.entries[h.items[i].id].pos = int32(i)
	w.entries[h.items[j].id].pos = int32(j)
}

func (w *Watchlist) up(h *watchHeap, i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !first(h, &h.items[i], &h.items[p]) {
			return
		}
		w.swap(h, i, p)
		i = p
	}
}

func (w *Watchlist) down(h *watchHeap, i int) {
	n := len(h.items)
	for {
		l := 2*i + 1
		if l >= n {
			return
		}
		m := l
		if r := l + 1; r < n && first(h, &h.items[r], &h.items[l]) {
			m = r
		}
		if !first(h, &h.items[m], &h.items[i]) {
			return
		}
		w.swap(h, i, m)
		i = m
	}
}

func (w *Watchlist) push(h *watchHeap, id int32) {
	w.entries[id].pos = int32(len(h.items))
	h.items = append(h.items, heapItem{trig: w.entries[id].trig, id: id})
	w.up(h, len(h.items)-1)
}

// remove takes entry id out of its heap.
func (w *Watchlist) remove(h *watchHeap, id int32) {
	i := int(w.entries[id].pos)
	last := len(h.items) - 1
	if i != last {
		w.swap(h, i, last)
	}
	h.items = h.items[:last]
	if i != last {
		w.down(h, i)
		w.up(h, i)
	}
}

// heapOf returns the heap an entry lives in.
func (w *Watchlist) heapOf(id int32) *watchHeap {
	e := &w.entries[id]
	b := w.books[e.book]
	if e.below {
		return &b.below
	}
	return &b.above
}

// newEntry stores an entry in the slab (reusing a free slot) and pushes it.
func (w *Watchlist) newEntry(e watchEntry) int32 {
	var id int32
	if n := len(w.freeE); n > 0 {
		id = w.freeE[n-1]
		w.freeE = w.freeE[:n-1]
		w.entries[id] = e
	} else {
		id = int32(len(w.entries))
		w.entries = append(w.entries, e)
	}
	w.push(w.heapOf(id), id)
	return id
}

// dropEntries removes every entry of an account.
func (w *Watchlist) dropEntries(slot int32) {
	a := &w.accts[slot]
	for _, id := range a.entries {
		w.remove(w.heapOf(id), id)
		w.freeE = append(w.freeE, id)
	}
	a.entries = a.entries[:0]
}
