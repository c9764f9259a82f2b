package backstop

import (
	"errors"
	"sort"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/fixed"
	"github.com/failsafe-fi/failsafe/internal/num"
)

// ADLBook is one ranking of the deleveraging candidates at one mark price,
// kept in rank order as positions change, so that every shortfall of a step
// draws from it instead of ranking every counterparty again (issue 12
// item 1: a fresh ADL layer per shortfall ranked the whole opposite side,
// 60% of the cascade's time at 4,000 accounts).
//
// Build it once per step (NewADLBook), hand it to every ADLLayer of that
// step (ADLSettings.Book), and tell it of every other change to a position
// (Set, Remove): only that position is scored again. A layer drawing from
// the book applies its own fills to it — closed positions leave, a partly
// closed one keeps its place with the size reduced (BitMEXRank does not
// depend on size, so it is not scored again; a host Ranking is asked again
// for that one position) — so the next shortfall sees exactly the queue a
// fresh Rank of the reduced positions would give
// (TestPropertyADLBookMatchesFreshRanking).
//
// Updates cost O(log n + c) (c ≤ 1,024 entries moved within one chunk of
// the ordered list); the capacity of a side is kept as a running sum. Not
// safe for concurrent use.
type ADLBook struct {
	mark    decimal.Decimal
	ranking Ranking
	bitmex  bool                 // ranking is BitMEXRank: a size change never moves a position
	sides   [2]bookSide          // 0: longs, 1: shorts
	entries map[string]bookEntry // account → its entry (the side is its size's sign)
}

// bookEntry is a ranked position and its sort key.
type bookEntry struct {
	r    Ranked
	key  fixed.Key // the score at 10^−bookKeyScale, when fits
	fits bool
}

// bookKeyScale is the exponent at which scores become integer keys: every
// BitMEXRank score (rankScale places) has one.
const bookKeyScale = rankScale

// maxChunk bounds a chunk of the ordered list; a fuller one is split.
const maxChunk = 1024

// bookSide is one side's positions in rank order, as a list of sorted
// chunks, with the sum of their sizes.
type bookSide struct {
	chunks [][]bookEntry
	total  decimal.Decimal // Σ |size|
}

func newEntry(r Ranked) bookEntry {
	k, ok := fixed.KeyAt(r.Score, -bookKeyScale)
	return bookEntry{r: r, key: k, fits: ok}
}

// cmpEntry orders entries as Rank does: score descending, then account
// ascending.
func cmpEntry(a, b *bookEntry) int {
	var c int
	if a.fits && b.fits {
		c = b.key.Cmp(a.key)
	} else {
		c = b.r.Score.Cmp(a.r.Score)
	}
	if c != 0 {
		return c
	}
	return strings.Compare(a.r.Position.Account, b.r.Position.Account)
}

// find returns the chunk and index where e is or would be inserted.
func (s *bookSide) find(e *bookEntry) (int, int) {
	ci := sort.Search(len(s.chunks), func(i int) bool {
		ch := s.chunks[i]
		return cmpEntry(&ch[len(ch)-1], e) >= 0
	})
	if ci == len(s.chunks) {
		if ci == 0 {
			return 0, 0
		}
		ci--
		return ci, len(s.chunks[ci])
	}
	ch := s.chunks[ci]
	return ci, sort.Search(len(ch), func(i int) bool { return cmpEntry(&ch[i], e) >= 0 })
}

func (s *bookSide) insert(e bookEntry) {
	s.total = s.total.Add(e.r.Position.Size.Abs())
	if len(s.chunks) == 0 {
		s.chunks = [][]bookEntry{{e}}
		return
	}
	ci, i := s.find(&e)
	ch := append(s.chunks[ci], bookEntry{})
	copy(ch[i+1:], ch[i:])
	ch[i] = e
	if len(ch) > maxChunk {
		half := len(ch) / 2
		right := append([]bookEntry(nil), ch[half:]...)
		s.chunks = append(s.chunks, nil)
		copy(s.chunks[ci+2:], s.chunks[ci+1:])
		s.chunks[ci], s.chunks[ci+1] = ch[:half:half], right
		return
	}
	s.chunks[ci] = ch
}

// remove deletes the entry equal to e (same score and account).
func (s *bookSide) remove(e *bookEntry) {
	ci, i := s.find(e)
	if ci >= len(s.chunks) || i >= len(s.chunks[ci]) || s.chunks[ci][i].r.Position.Account != e.r.Position.Account {
		return // not there (cannot happen: where says it is)
	}
	s.total = s.total.Sub(s.chunks[ci][i].r.Position.Size.Abs())
	ch := append(s.chunks[ci][:i], s.chunks[ci][i+1:]...)
	if len(ch) == 0 {
		s.chunks = append(s.chunks[:ci], s.chunks[ci+1:]...)
		return
	}
	s.chunks[ci] = ch
}

func sideOf(size decimal.Decimal) int {
	if size.Sign() < 0 {
		return 1
	}
	return 0
}

// NewADLBook ranks the positions once at mark with ranking (nil means
// BitMEXRank), both sides together. Errors are Rank's.
func NewADLBook(mark decimal.Decimal, ranking Ranking, positions []Position) (*ADLBook, error) {
	ranked, err := Rank(positions, mark, ranking)
	if err != nil {
		return nil, err
	}
	b := &ADLBook{mark: mark, ranking: ranking, bitmex: ranking == nil, entries: make(map[string]bookEntry, len(ranked))}
	if ranking == nil {
		b.ranking = BitMEXRank
	}
	b.sides[0].total, b.sides[1].total = decimal.Zero, decimal.Zero
	for _, r := range ranked { // already in rank order: append, chunk by chunk
		e := newEntry(r)
		side := sideOf(r.Position.Size)
		s := &b.sides[side]
		s.total = s.total.Add(r.Position.Size.Abs())
		if n := len(s.chunks); n == 0 || len(s.chunks[n-1]) >= maxChunk/2 {
			s.chunks = append(s.chunks, make([]bookEntry, 0, maxChunk/2))
		}
		s.chunks[len(s.chunks)-1] = append(s.chunks[len(s.chunks)-1], e)
		b.entries[r.Position.Account] = e
	}
	return b, nil
}

// score ranks one position as Rank does, with Rank's errors.
func (b *ADLBook) score(p Position) (bookEntry, error) {
	if err := checkPosition(p); err != nil {
		return bookEntry{}, err
	}
	s, err := b.ranking(p, b.mark)
	if err != nil {
		if !errors.Is(err, ErrInvalidInput) {
			err = wrap(ErrInvalidInput, err, "ranking %q", p.Account)
		}
		return bookEntry{}, err
	}
	if err := num.Check(s); err != nil {
		return bookEntry{}, wrap(ErrInvalidInput, err, "score of %q", p.Account)
	}
	return newEntry(Ranked{Position: p, Score: s}), nil
}

// Mark returns the price the book is ranked at.
func (b *ADLBook) Mark() decimal.Decimal { return b.mark }

// Len returns the number of positions in the book.
func (b *ADLBook) Len() int { return len(b.entries) }

// Set adds the position, or replaces the account's position, scoring only
// it. A bad position or a ranking error (ErrInvalidInput) changes nothing.
func (b *ADLBook) Set(p Position) error {
	e, err := b.score(p)
	if err != nil {
		return err
	}
	b.put(e)
	return nil
}

// put replaces (or adds) the entry of e's account.
func (b *ADLBook) put(e bookEntry) {
	b.Remove(e.r.Position.Account)
	side := sideOf(e.r.Position.Size)
	b.sides[side].insert(e)
	b.entries[e.r.Position.Account] = e
}

// Remove takes the account's position out of the book; it reports whether
// there was one.
func (b *ADLBook) Remove(account string) bool {
	e, ok := b.entries[account]
	if !ok {
		return false
	}
	b.sides[sideOf(e.r.Position.Size)].remove(&e)
	delete(b.entries, account)
	return true
}

// Queue returns one side in rank order, highest first (a copy): the longs
// when long is true, else the shorts.
func (b *ADLBook) Queue(long bool) []Ranked {
	s := &b.sides[1]
	if long {
		s = &b.sides[0]
	}
	var out []Ranked
	for _, ch := range s.chunks {
		for _, e := range ch {
			out = append(out, e.r)
		}
	}
	return out
}

// closable returns Σ |size| of a side, the account skip left out.
func (b *ADLBook) closable(side int, skip string) decimal.Decimal {
	t := b.sides[side].total
	if e, ok := b.entries[skip]; ok && sideOf(e.r.Position.Size) == side {
		t = t.Sub(e.r.Position.Size.Abs())
	}
	return t
}

// fill closes size against a side, highest rank first, passing over the
// account skip; it returns the fills (Rank counts the positions passed, skip
// excluded) without changing the book.
func (b *ADLBook) fill(side int, skip string, size, price decimal.Decimal) []Fill {
	var fills []Fill
	left := size
	rank := 0
	for _, ch := range b.sides[side].chunks {
		for _, e := range ch {
			if left.Sign() == 0 {
				return fills
			}
			p := e.r.Position
			if p.Account == skip {
				continue
			}
			have := p.Size.Abs()
			take := num.MinOf(have, left)
			after := have.Sub(take)
			if p.Size.Sign() < 0 {
				after = after.Neg()
			}
			fills = append(fills, Fill{Account: p.Account, Closed: take, After: after, Price: price, Score: e.r.Score, Rank: rank})
			left = left.Sub(take)
			rank++
		}
	}
	return fills
}

// count returns the number of positions on a side.
func (b *ADLBook) count(side int) int {
	n := 0
	for _, ch := range b.sides[side].chunks {
		n += len(ch)
	}
	return n
}

// resize changes the size of an entry in place (its score and so its place
// unchanged).
func (b *ADLBook) resize(e bookEntry) {
	old := b.entries[e.r.Position.Account]
	s := &b.sides[sideOf(old.r.Position.Size)]
	ci, i := s.find(&old)
	s.chunks[ci][i] = e
	s.total = s.total.Sub(old.r.Position.Size.Abs()).Add(e.r.Position.Size.Abs())
	b.entries[e.r.Position.Account] = e
}

// Opposite returns how many positions of the book a bankrupt position p
// would be closed against: those on the other side, p's own account left
// out. Zero means an ADL layer for p would have nothing to draw.
func (b *ADLBook) Opposite(p Position) int {
	side := 0
	if p.Size.Sign() > 0 {
		side = 1
	}
	n := b.count(side)
	if e, ok := b.entries[p.Account]; ok && sideOf(e.r.Position.Size) == side {
		n--
	}
	return n
}
