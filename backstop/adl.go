package backstop

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
)

// DeleverageRequest asks to close a bankrupt position against the
// opposite side's positions.
type DeleverageRequest struct {
	// Bankrupt is the liquidated position; every fill is at its
	// BankruptcyPrice.
	Bankrupt Position `json:"bankrupt"`
	// Mark is the mark price used for ranking (> 0).
	Mark decimal.Decimal `json:"mark"`
	// Candidates are positions to deleverage. Only those on the opposite
	// side of Bankrupt are ranked and closed; same-side ones are ignored.
	// Accounts must be unique and differ from Bankrupt's. Leave out
	// positions that are themselves at or beyond bankruptcy (being
	// liquidated): BitMEXRank rejects them, their leverage being undefined.
	Candidates []Position `json:"candidates"`
	// Ranking orders the candidates; nil means BitMEXRank.
	Ranking Ranking `json:"-"`
	// Size is how much of the bankrupt position to close (> 0, ≤ |size|);
	// zero means all of it.
	Size decimal.Decimal `json:"size"`
}

// Fill is one counterparty closed by auto-deleveraging.
type Fill struct {
	Account string          `json:"account"` // the counterparty closed
	Closed  decimal.Decimal `json:"closed"`  // size closed, > 0
	After   decimal.Decimal `json:"after"`   // the counterparty's signed size afterwards
	Price   decimal.Decimal `json:"price"`   // the bankrupt position's bankruptcy price
	Score   decimal.Decimal `json:"score"`   // its rank score
	Rank    int             `json:"rank"`    // its place in the queue, 0 first
}

// Deleveraging is the result of Deleverage.
type Deleveraging struct {
	Queue    []Ranked        `json:"queue"`    // the opposite side, highest rank first
	Fills    []Fill          `json:"fills"`    // in queue order
	Closed   decimal.Decimal `json:"closed"`   // Σ fills = the size asked, unless the queue ran out
	Unfilled decimal.Decimal `json:"unfilled"` // size asked − Closed (> 0 only if the opposite side is too small)
}

// Deleverage closes the bankrupt position against the opposite side by
// auto-deleveraging (BitMEX, "Auto Deleveraging"): the opposite side is
// ranked (Rank), and positions are closed highest rank first, each in
// full except the last, which is closed partially, until exactly the
// requested size is closed; every fill is at the bankrupt position's
// bankruptcy price. If the opposite side holds less than the size, all of
// it is closed and Unfilled says what is left.
//
// It is pure: the host applies the fills to its positions. Errors
// (ErrInvalidInput): a bad bankrupt position or candidate, a size ≤ 0 or
// above |bankrupt size|, a candidate of the bankrupt account, duplicates, a
// ranking error.
func Deleverage(req DeleverageRequest) (Deleveraging, error) {
	b := req.Bankrupt
	if err := checkPosition(b); err != nil {
		return Deleveraging{}, err
	}
	if err := num.CheckPositive(req.Mark); err != nil {
		return Deleveraging{}, wrap(ErrInvalidInput, err, "mark")
	}
	size := req.Size
	if size.IsZero() {
		size = b.Size.Abs()
	}
	if err := num.CheckPositive(size); err != nil {
		return Deleveraging{}, wrap(ErrInvalidInput, err, "size")
	}
	if size.Cmp(b.Size.Abs()) > 0 {
		return Deleveraging{}, fmt.Errorf("%w: size %s above the bankrupt position %s", ErrInvalidInput, size, b.Size.Abs())
	}
	opposite := make([]Position, 0, len(req.Candidates))
	for _, c := range req.Candidates {
		if c.Account == b.Account {
			return Deleveraging{}, fmt.Errorf("%w: candidate %q is the bankrupt account", ErrInvalidInput, c.Account)
		}
		if c.Size.Sign() != b.Size.Sign() {
			opposite = append(opposite, c)
		}
	}
	queue, err := Rank(opposite, req.Mark, req.Ranking)
	if err != nil {
		return Deleveraging{}, err
	}
	for _, c := range req.Candidates { // same-side candidates are validated too
		if c.Size.Sign() == b.Size.Sign() {
			if err := checkPosition(c); err != nil {
				return Deleveraging{}, err
			}
		}
	}
	return fillQueue(queue, size, b.BankruptcyPrice), nil
}

// fillQueue closes size against the queue, highest rank first.
func fillQueue(queue []Ranked, size, price decimal.Decimal) Deleveraging {
	out := Deleveraging{Queue: queue, Closed: decimal.Zero}
	left := size
	for i, r := range queue {
		if left.Sign() == 0 {
			break
		}
		have := r.Position.Size.Abs()
		take := num.MinOf(have, left)
		after := have.Sub(take)
		if r.Position.Size.Sign() < 0 {
			after = after.Neg()
		}
		out.Fills = append(out.Fills, Fill{Account: r.Position.Account, Closed: take, After: after, Price: price, Score: r.Score, Rank: i})
		left = left.Sub(take)
		out.Closed = out.Closed.Add(take)
	}
	out.Unfilled = left
	return out
}

// ADLSettings configure an ADLLayer.
type ADLSettings struct {
	// ID of the layer; empty means "adl".
	ID string
	// Request holds the bankrupt position, the candidates and the ranking;
	// Request.Size is ignored (the layer decides it). Request.Mark is both
	// the ranking price and the price the venue would otherwise close at.
	Request DeleverageRequest
	// Unit is the smallest money amount; zero means 0.00000001.
	Unit decimal.Decimal
	// SizeUnit is the smallest position size (lot), a power of ten; zero
	// means 0.00000001.
	SizeUnit decimal.Decimal
	// Shared, if not nil, tracks the bankrupt position's size together with
	// other transfer layers (a BackstopPool.SharedLayer before this one).
	// Nil: the layer tracks |Request.Bankrupt.Size| alone.
	Shared *SharedPosition
	// Book, if not nil, is the step's one ranking of the candidates
	// (NewADLBook): the layer draws from its opposite side and applies its
	// fills to it, so the next layer built on the book sees them, and
	// nothing is ranked again. Request.Candidates and Request.Ranking must
	// then be empty and Request.Mark zero or the book's mark. The
	// bankrupt's own account, if the book holds it, is passed over. Such a
	// layer's Snapshot leaves Queue empty (the queue is the book's, which
	// the host rebuilds from its positions), and RestoreADLLayer refuses it.
	Book *ADLBook
}

// ADLLayer puts auto-deleveraging in a waterfall. Closing size q of the
// bankrupt position at its bankruptcy price Pb instead of at the mark Pm
// moves a loss of q × gap onto the deleveraged counterparties, where
//
//	gap = (Pb − Pm) × sign(bankrupt size)   (> 0 once the mark is through bankruptcy)
//
// so its capacity is gap × min(|bankrupt size|, Σ opposite sizes), floored
// to the unit. Absorbing X closes q = ⌈X / gap⌉ (to the lot, at most the
// position) by Deleverage and charges X to the fills pro rata to their
// closed size (largest remainder, exact). Because q is rounded up to the
// lot, the counterparties are closed for q × gap ≥ X: the layer books the
// X it was asked for and the rest (less than one lot × gap) stays with the
// venue — rounding in the venue's favour. Movements come from
// "adl:ACCOUNT". Absorb returns an EventDeleverage per fill (Amount = size
// closed). Not safe for concurrent use.
type ADLLayer struct {
	id               string
	scale, sizeScale int32
	gap              decimal.Decimal
	bankrupt         Position
	queue            []Ranked
	left             *SharedPosition // bankrupt size not yet handed over
	fills            []Fill
	book             *ADLBook    // the shared ranking, or nil: then queue is the layer's own
	side             int         // the book side drawn from (opposite the bankrupt)
	prior            []bookEntry // per fill, the book entry before it (to undo)
}

// NewADLLayer ranks the candidates and returns the layer.
func NewADLLayer(s ADLSettings) (*ADLLayer, error) {
	scale, sizeScale, err := unitScales(s.Unit, s.SizeUnit)
	if err != nil {
		return nil, err
	}
	req := s.Request
	req.Size = decimal.Zero
	var queue []Ranked
	if s.Book != nil {
		if len(req.Candidates) > 0 || req.Ranking != nil {
			return nil, fmt.Errorf("%w: a layer drawing from a book takes no candidates and no ranking of its own", ErrInvalidInput)
		}
		if req.Mark.IsZero() {
			req.Mark = s.Book.mark
		}
		if err := num.Check(req.Mark); err != nil || !req.Mark.Equal(s.Book.mark) {
			return nil, fmt.Errorf("%w: request mark differs from the book's %s", ErrInvalidInput, s.Book.mark)
		}
		if err := checkPosition(req.Bankrupt); err != nil {
			return nil, err
		}
	} else {
		res, err := Deleverage(req) // validates everything and ranks
		if err != nil {
			return nil, err
		}
		queue = res.Queue
	}
	id := s.ID
	if id == "" {
		id = "adl"
	}
	b := req.Bankrupt
	gap := b.BankruptcyPrice.Sub(req.Mark)
	if b.Size.Sign() < 0 {
		gap = gap.Neg()
	}
	left := s.Shared
	if left == nil {
		left = &SharedPosition{left: b.Size.Abs()}
	} else if left.left.Cmp(b.Size.Abs()) > 0 {
		return nil, fmt.Errorf("%w: shared position %s larger than the bankrupt position %s", ErrInvalidInput, left.left, b.Size.Abs())
	}
	l := &ADLLayer{id: id, scale: scale, sizeScale: sizeScale, gap: gap, bankrupt: b, queue: queue, left: left, book: s.Book}
	if b.Size.Sign() > 0 {
		l.side = 1 // a long bankrupt is closed against the shorts
	}
	return l, nil
}

// ID returns the layer's name.
func (l *ADLLayer) ID() string { return l.id }

// Queue returns the ranked opposite side as it stands now.
func (l *ADLLayer) queueCopy() []Ranked {
	if l.book != nil {
		return nil
	}
	return append([]Ranked(nil), l.queue...)
}

// Fills returns every fill made so far.
func (l *ADLLayer) Fills() []Fill { return append([]Fill(nil), l.fills...) }

// closable is the size that can still be closed: min(left, Σ queue).
func (l *ADLLayer) closable() decimal.Decimal {
	if l.book != nil {
		return num.MinOf(l.book.closable(l.side, l.bankrupt.Account), l.left.left).RoundFloor(l.sizeScale)
	}
	q := decimal.Zero
	for _, r := range l.queue {
		q = q.Add(r.Position.Size.Abs())
	}
	return num.MinOf(q, l.left.left).RoundFloor(l.sizeScale)
}

// Capacity is gap × closable size, floored to the unit; zero while the mark
// has not crossed the bankruptcy price.
func (l *ADLLayer) Capacity() decimal.Decimal {
	if l.gap.Sign() <= 0 {
		return decimal.Zero
	}
	return num.MulRound(l.gap, l.closable(), l.scale, num.Floor)
}

// Absorb deleverages enough of the bankrupt position to absorb amount.
func (l *ADLLayer) Absorb(now time.Time, amount decimal.Decimal, to string) ([]Movement, []Event, error) {
	// Held in UTC, so the snapshot is the same in every time zone.
	now = now.UTC()
	if err := checkPositive(amount, l.scale, "amount"); err != nil {
		return nil, nil, err
	}
	if err := checkAbsorb(now, to); err != nil {
		return nil, nil, err
	}
	if amount.Cmp(l.Capacity()) > 0 {
		return nil, nil, fmt.Errorf("%w: %s > %s", ErrOverCapacity, amount, l.Capacity())
	}
	q := num.MinOf(num.DivCeil(amount, l.gap, l.sizeScale), l.closable())
	if l.book != nil {
		return l.absorbBook(now, amount, q, to)
	}
	res := fillQueue(l.queue, q, l.bankrupt.BankruptcyPrice)
	ws := make([]decimal.Decimal, len(res.Fills))
	for i, f := range res.Fills {
		ws[i] = f.Closed
	}
	charges, err := proRataExact(amount, ws, l.scale)
	if err != nil {
		return nil, nil, err
	}
	ms := make([]Movement, 0, len(res.Fills))
	evs := make([]Event, 0, len(res.Fills))
	for i, f := range res.Fills {
		l.queue[f.Rank].Position.Size = f.After
		l.fills = append(l.fills, f)
		evs = append(evs, Event{Time: now, Kind: EventDeleverage, Subject: l.id, Account: f.Account, Amount: f.Closed,
			Reason: fmt.Sprintf("closed %s at %s, charged %s", f.Closed, f.Price, charges[i])})
		if charges[i].Sign() > 0 {
			ms = append(ms, Movement{From: "adl:" + f.Account, To: to, Amount: charges[i],
				Reason: "auto-deleveraging at " + f.Price.String()})
		}
	}
	l.left.left = l.left.left.Sub(res.Closed)
	// Drop fully closed positions from the queue, keeping rank order.
	kept := l.queue[:0]
	for _, r := range l.queue {
		if r.Position.Size.Sign() != 0 {
			kept = append(kept, r)
		}
	}
	l.queue = kept
	return ms, evs, nil
}

// absorbBook is Absorb for a layer drawing from a book: it closes q against
// the book's side, charges amount pro rata to the closed sizes, and applies
// the fills to the book — closed positions leave it, the partly closed one
// stays in place with its size reduced (scored again only when the ranking
// is a host's, which may depend on size).
func (l *ADLLayer) absorbBook(now time.Time, amount, q decimal.Decimal, to string) ([]Movement, []Event, error) {
	fills := l.book.fill(l.side, l.bankrupt.Account, q, l.bankrupt.BankruptcyPrice)
	ws := make([]decimal.Decimal, len(fills))
	for i, f := range fills {
		ws[i] = f.Closed
	}
	charges, err := proRataExact(amount, ws, l.scale)
	if err != nil {
		return nil, nil, err
	}
	// Score the partly closed position first, so a host ranking's error
	// changes nothing.
	var partial *bookEntry
	if n := len(fills); n > 0 && fills[n-1].After.Sign() != 0 {
		e := l.book.entries[fills[n-1].Account]
		e.r.Position.Size = fills[n-1].After
		if !l.book.bitmex {
			if e, err = l.book.score(e.r.Position); err != nil {
				return nil, nil, err
			}
		}
		partial = &e
	}
	ms := make([]Movement, 0, len(fills))
	evs := make([]Event, 0, len(fills))
	for i, f := range fills {
		l.prior = append(l.prior, l.book.entries[f.Account])
		l.fills = append(l.fills, f)
		evs = append(evs, Event{Time: now, Kind: EventDeleverage, Subject: l.id, Account: f.Account, Amount: f.Closed,
			Reason: fmt.Sprintf("closed %s at %s, charged %s", f.Closed, f.Price, charges[i])})
		if charges[i].Sign() > 0 {
			ms = append(ms, Movement{From: "adl:" + f.Account, To: to, Amount: charges[i],
				Reason: "auto-deleveraging at " + f.Price.String()})
		}
		if f.After.Sign() == 0 {
			l.book.Remove(f.Account)
		}
	}
	if partial != nil {
		if l.book.bitmex { // same score, same place: change the size in place
			l.book.resize(*partial)
		} else {
			l.book.put(*partial)
		}
	}
	var closed decimal.Decimal
	for _, f := range fills {
		closed = closed.Add(f.Closed)
	}
	l.left.left = l.left.left.Sub(closed)
	return ms, evs, nil
}
