package margin

import "github.com/failsafe-fi/failsafe/internal/fixed"

// The watchlist's index: per price key (market or collateral asset) two
// binary heaps of trigger prices, one of accounts returned when the price
// falls to or below their trigger (a max-heap: the highest trigger is the
// first crossed) and one of accounts returned when it rises to or above
// (a min-heap). Heap items carry their trigger and are deleted lazily: an
// entry removed (its account re-valued or returned) bumps its generation,
// and a stale item is dropped when it reaches the top, or when stale items
// outnumber live ones and the heap is rebuilt. Sifting so reads and writes
// one compact array only.

// watchEntry is one trigger of one account (32 bytes).
type watchEntry struct {
	trig fixed.Num
	acct int32  // slot in Watchlist.accts
	book int32  // index in Watchlist.books << 1, | 1 when returned at or below trig (else at or above)
	gen  uint32 // bumped when the entry is removed: older heap items are stale
	next int32  // the account's next entry, or noEntry
}

// watchHeap orders items: a max-heap of triggers when below, else a
// min-heap. Ties keep no particular order: results are sorted by account
// ID, so they never depend on it.
type watchHeap struct {
	below bool
	items []heapItem
	stale int // items whose entry was removed
}

type heapItem struct {
	trig fixed.Num
	id   int32
	gen  uint32
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

func (h *watchHeap) up(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !first(h, &h.items[i], &h.items[p]) {
			return
		}
		h.items[i], h.items[p] = h.items[p], h.items[i]
		i = p
	}
}

func (h *watchHeap) down(i int) {
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
		h.items[i], h.items[m] = h.items[m], h.items[i]
		i = m
	}
}

func (h *watchHeap) push(it heapItem) {
	h.items = append(h.items, it)
	h.up(len(h.items) - 1)
}

// pop removes the top item.
func (h *watchHeap) pop() {
	last := len(h.items) - 1
	h.items[0] = h.items[last]
	h.items = h.items[:last]
	if last > 0 {
		h.down(0)
	}
}

// live reports whether an item's entry is still in place.
func (w *Watchlist) live(it *heapItem) bool { return w.entries[it.id].gen == it.gen }

// top drops stale items from the top and returns the first live one.
func (w *Watchlist) top(h *watchHeap) *heapItem {
	for len(h.items) > 0 {
		it := &h.items[0]
		if w.live(it) {
			return it
		}
		h.pop()
		h.stale--
	}
	return nil
}

// compact rebuilds a heap without its stale items once they outnumber the
// live ones (amortised O(1) per removal).
func (w *Watchlist) compact(h *watchHeap) {
	if h.stale < 1024 || h.stale*2 < len(h.items) {
		return
	}
	kept := h.items[:0]
	for _, it := range h.items {
		if w.live(&it) {
			kept = append(kept, it)
		}
	}
	clear(h.items[len(kept):])
	h.items, h.stale = kept, 0
	for i := len(h.items)/2 - 1; i >= 0; i-- {
		h.down(i)
	}
}

// heapOf returns the heap an entry lives in.
func (w *Watchlist) heapOf(id int32) *watchHeap {
	e := &w.entries[id]
	b := w.books[e.book>>1]
	if e.book&1 == 1 {
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
		e.gen = w.entries[id].gen
		w.entries[id] = e
	} else {
		id = int32(len(w.entries))
		w.entries = append(w.entries, e)
	}
	h := w.heapOf(id)
	h.push(heapItem{trig: e.trig, id: id, gen: e.gen})
	w.compact(h)
	return id
}

// dropEntries removes every entry of an account (lazily: see above).
func (w *Watchlist) dropEntries(slot int32) {
	a := &w.accts[slot]
	for id := a.first; id != noEntry; {
		next := w.entries[id].next
		w.heapOf(id).stale++
		w.entries[id].gen++
		w.freeE = append(w.freeE, id)
		id = next
	}
	a.first = noEntry
}
