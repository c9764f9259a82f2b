package backstop

import (
	"fmt"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
)

// Layer is one tranche of a loss waterfall: a source of value that can
// absorb part of a loss. The built-in layers are DefaulterLayer,
// InsuranceFund.Layer, BackstopPool.Layer, ADLLayer, SocialLayer and the
// steps of a DefaultFund; a host adds its own by implementing these three
// methods.
type Layer interface {
	// ID names the layer in draws and events; unique within a waterfall.
	// Which accounts paid is said by the movements Absorb returns.
	ID() string
	// Capacity is how much of a loss the layer can absorb now, ≥ 0. It must
	// not change state. The waterfall reads it once to validate and again
	// just before drawing the layer, so layers that share a resource (a
	// SharedPosition) stay exact.
	Capacity() decimal.Decimal
	// Absorb takes amount (0 < amount ≤ Capacity()) of the loss sitting in
	// journal account to, and returns the movements it made: each into to,
	// summing exactly to amount. A layer must not fail for an amount within
	// the capacity it reported.
	Absorb(amount decimal.Decimal, to string, now time.Time) ([]Movement, error)
}

// Settings configure a Waterfall.
type Settings struct {
	// Layers in the order they are drawn. Required: at least one, no nil,
	// IDs non-empty and unique.
	Layers []Layer
	// Unit is the smallest money amount (a power of ten). Zero means
	// DefaultUnit (0.00000001). Losses with finer amounts are rejected.
	Unit decimal.Decimal
	// Journal, if not nil, receives every movement of every Cover, so a
	// host can prove conservation across many losses. Nil: movements are
	// still returned in each Allocation.
	Journal *Journal
}

// Claim is a loss to cover: Amount (≥ 0) sitting in journal account
// Account ("shortfall:" + ID when empty). ID names the loss in movements and
// events.
type Claim struct {
	ID      string          `json:"id"`                // names the loss in movements and events
	Amount  decimal.Decimal `json:"amount"`            // the loss, ≥ 0, whole units
	Account string          `json:"account,omitempty"` // journal account the loss sits in; "" → "shortfall:ID"
}

// Draw is what one layer absorbed of one claim.
type Draw struct {
	Layer     string          `json:"layer"`               // the layer's ID
	Capacity  decimal.Decimal `json:"capacity"`            // what the layer said it could absorb just before its draw, floored to the unit
	Drawn     decimal.Decimal `json:"drawn"`               // what it absorbed, 0 if not reached
	Movements []Movement      `json:"movements,omitempty"` // who paid: sum to Drawn
}

// Allocation is the outcome of covering a claim: one Draw per layer, in
// order (zero for layers not reached), and the Residual no layer could
// absorb. Σ Drawn + Residual = Loss exactly (CheckAllocation).
type Allocation struct {
	Claim    string          `json:"claim"`    // the claim's ID
	Account  string          `json:"account"`  // the journal account the loss sat in
	Loss     decimal.Decimal `json:"loss"`     // the claim's amount
	Draws    []Draw          `json:"draws"`    // one per layer, in order
	Residual decimal.Decimal `json:"residual"` // what no layer could absorb
	Time     time.Time       `json:"time"`     // when it was covered
}

// Covered is Σ Drawn.
func (a Allocation) Covered() decimal.Decimal {
	s := decimal.Zero
	for _, d := range a.Draws {
		s = s.Add(d.Drawn)
	}
	return s
}

// DrawOf returns what the layer with the given ID absorbed (zero if absent).
func (a Allocation) DrawOf(layer string) decimal.Decimal {
	for _, d := range a.Draws {
		if d.Layer == layer {
			return d.Drawn
		}
	}
	return decimal.Zero
}

// Waterfall draws a loss through its layers in order: each layer absorbs
// min(what is left, its capacity), so layer k is drawn only once every
// layer before it is exhausted, and whatever the last layer cannot absorb is
// the residual.
//
// A Waterfall holds no money itself; its layers do. It is not safe for
// concurrent use.
type Waterfall struct {
	layers  []Layer
	scale   int32
	journal *Journal
	// lastHost is the index of the last layer not of this package (-1 if
	// none): only it and those before it can fail mid-cover, so only the
	// layers before it are marked for rollback.
	lastHost int
	events
}

// New validates the settings and returns a waterfall.
func New(s Settings) (*Waterfall, error) {
	scale, err := unitScale(s.Unit, DefaultUnit, "unit")
	if err != nil {
		return nil, err
	}
	if len(s.Layers) == 0 {
		return nil, fmt.Errorf("%w: no layers", ErrInvalidSettings)
	}
	seen := make(map[string]bool, len(s.Layers))
	for i, l := range s.Layers {
		if l == nil {
			return nil, fmt.Errorf("%w: layer %d is nil", ErrInvalidSettings, i)
		}
		id := l.ID()
		if id == "" {
			return nil, fmt.Errorf("%w: layer %d has an empty ID", ErrInvalidSettings, i)
		}
		if seen[id] {
			return nil, fmt.Errorf("%w: layer %q appears twice", ErrDuplicateID, id)
		}
		seen[id] = true
	}
	lastHost := -1
	for i, l := range s.Layers {
		if _, ok := l.(builtin); !ok {
			lastHost = i
		}
	}
	return &Waterfall{layers: append([]Layer(nil), s.Layers...), scale: scale, journal: s.Journal, lastHost: lastHost}, nil
}

// Layers returns the layer IDs in draw order.
func (w *Waterfall) Layers() []string {
	out := make([]string, len(w.layers))
	for i, l := range w.layers {
		out[i] = l.ID()
	}
	return out
}

// Journal returns the journal given in Settings (nil if none).
func (w *Waterfall) Journal() *Journal { return w.journal }

// Cover draws the claim through the layers and returns the allocation.
//
// Errors: a negative, absurd or too-fine amount, a time before the
// journal's (or an insurance fund ledger's) last entry, or a loss account
// in a payer's namespace ("margin:", "penalty:", "insurance:", "blp:",
// "adl:", "haircut:", "contribution:", "assessment:", "vm-gains:",
// "ccp:") (ErrInvalidInput, nothing changes); a
// layer reporting an invalid capacity (ErrLayerFailed, nothing changes:
// all capacities are checked before any layer is drawn).
//
// A host layer whose Absorb fails, whose movements do not sum to its draw,
// or whose capacity turns invalid mid-cover is ErrLayerFailed. If every
// layer drawn before it is a built-in one, they are put back exactly as
// they were (balances, fund histories and ledgers, provider capacity,
// ADL queue, haircuts, the journal and the events) and nothing changes:
// the allocation shows no draw and Residual = Loss. If a host layer was
// drawn before the failure it cannot be undone, so every earlier draw
// stays, journaled; the returned allocation shows exactly what was drawn
// (Σ Drawn + Residual = Loss still holds) and the error names each draw,
// so the host can reconcile. Either way the failed allocation reports
// capacity zero for the failing layer and every layer after it (for every
// layer when rolled back), so it still passes CheckAllocation, and
// CheckInvariants over the journal with it included. The failing layer's
// own state is the host's to repair.
func (w *Waterfall) Cover(c Claim, now time.Time) (Allocation, error) {
	if err := checkAmount(c.Amount, w.scale, "loss"); err != nil {
		return Allocation{}, err
	}
	if err := w.journal.checkTime(now); err != nil {
		return Allocation{}, err
	}
	to := c.Account
	if to == "" {
		to = "shortfall:" + c.ID
	}
	for _, p := range payerPrefixes {
		if strings.HasPrefix(to, p) {
			return Allocation{}, fmt.Errorf("%w: loss account %q is in the %q namespace of the accounts that pay losses", ErrInvalidInput, to, p)
		}
	}
	// Validate every capacity, and everything that could make a built-in
	// layer fail, before drawing anything, so a broken layer or a bad time
	// changes nothing.
	for _, l := range w.layers {
		if err := num.CheckNonNegative(l.Capacity()); err != nil {
			return Allocation{}, fmt.Errorf("%w: layer %q capacity: %w", ErrLayerFailed, l.ID(), err)
		}
		if p, ok := l.(preflighter); ok {
			if err := p.preflight(to, now); err != nil {
				return Allocation{}, fmt.Errorf("layer %q: %w", l.ID(), err)
			}
		}
	}
	if w.q == nil {
		w.q = make([]Event, 0, len(w.layers)+1) // one per draw and the residual
	}
	a := Allocation{Claim: c.ID, Account: to, Loss: c.Amount, Draws: make([]Draw, len(w.layers)), Residual: decimal.Zero, Time: now}
	for i, l := range w.layers {
		a.Draws[i] = Draw{Layer: l.ID(), Capacity: decimal.Zero, Drawn: decimal.Zero}
	}
	// Only a host layer can fail after preflight: mark the undoable layers
	// drawn before the last host layer, so a failure can be rolled back.
	var undo []func()
	atomic := true // every layer drawn so far can be put back
	jlen, qlen := w.journal.Len(), len(w.q)
	fail := func(i int, take decimal.Decimal, err error) (Allocation, error) {
		if atomic {
			for k := len(undo) - 1; k >= 0; k-- {
				undo[k]()
			}
			w.journal.truncate(jlen)
			w.q = w.q[:qlen]
			for k := range a.Draws {
				a.Draws[k] = Draw{Layer: a.Draws[k].Layer, Capacity: decimal.Zero, Drawn: decimal.Zero}
			}
			a.Residual = c.Amount
			return a, fmt.Errorf("%w: layer %q absorbing %s: %w (nothing drawn: every earlier layer was put back)", ErrLayerFailed, w.layers[i].ID(), take, err)
		}
		for k := i; k < len(a.Draws); k++ {
			a.Draws[k].Capacity = decimal.Zero // delivered nothing
		}
		a.Residual = c.Amount.Sub(a.Covered())
		return a, fmt.Errorf("%w: layer %q absorbing %s: %w (a host layer cannot be undone, so earlier draws stay, journaled: %s)", ErrLayerFailed, w.layers[i].ID(), take, err, drawnSoFar(a))
	}
	left := c.Amount
	for i, l := range w.layers {
		// Read again just before drawing: layers may share a resource (a
		// SharedPosition), so an earlier draw can shrink a later capacity.
		cp := l.Capacity()
		if err := num.CheckNonNegative(cp); err != nil {
			return fail(i, decimal.Zero, fmt.Errorf("capacity: %w", err))
		}
		cp = floorUnit(cp, w.scale) // only whole units can be drawn
		a.Draws[i].Capacity = cp
		if left.Sign() == 0 || cp.Sign() == 0 {
			continue
		}
		take := num.MinOf(left, cp) // both whole units
		marked := false
		if i < w.lastHost { // a host layer further down could still fail
			if u, ok := l.(undoer); ok {
				undo = append(undo, u.mark())
				marked = true
			}
		}
		ms, err := l.Absorb(take, to, now)
		if err == nil {
			err = checkMovements(ms, take, to)
		}
		if err == nil {
			err = w.journal.Record(now, ms...)
		}
		if err != nil {
			return fail(i, take, err)
		}
		if !marked {
			atomic = false // drawn, and cannot be put back
		}
		a.Draws[i].Drawn = take
		a.Draws[i].Movements = ms
		left = left.Sub(take)
		w.emit(Event{Time: now, Kind: EventDraw, Source: l.ID(), Amount: take, Ref: c.ID})
	}
	a.Residual = left
	if left.Sign() > 0 {
		w.emit(Event{Time: now, Kind: EventResidual, Source: "waterfall", Amount: left, Ref: c.ID})
	}
	return a, nil
}

// payerPrefixes are the journal namespaces of the accounts built-in
// layers draw from; a loss account in one of them could make a layer pay
// itself, so Cover rejects it before drawing anything.
var payerPrefixes = [...]string{"margin:", "penalty:", "insurance:", "blp:", "adl:", "haircut:",
	"contribution:", "assessment:", "vm-gains:", "ccp:"}

// preflighter is implemented by built-in layers that keep their own
// ledger: preflight reports, without changing anything, an error their
// Absorb would otherwise hit part-way through a cover.
type preflighter interface {
	preflight(to string, now time.Time) error
}

// checkMovements verifies a layer's movements all go into to and sum to amount.
func checkMovements(ms []Movement, amount decimal.Decimal, to string) error {
	if err := validateMovements(ms); err != nil {
		return err
	}
	if len(ms) == 1 { // the common case: one payer, no sum to build
		if ms[0].To != to {
			return fmt.Errorf("movement to %q, want %q", ms[0].To, to)
		}
		if !ms[0].Amount.Equal(amount) {
			return fmt.Errorf("movements sum to %s, want %s", ms[0].Amount, amount)
		}
		return nil
	}
	s := decimal.Zero
	for _, m := range ms {
		if m.To != to {
			return fmt.Errorf("movement to %q, want %q", m.To, to)
		}
		s = s.Add(m.Amount)
	}
	if !s.Equal(amount) {
		return fmt.Errorf("movements sum to %s, want %s", s, amount)
	}
	return nil
}

// CheckAllocation proves an allocation's promises: Σ Drawn + Residual =
// Loss exactly; no draw is negative or above the capacity its layer
// reported; layer k drew only if every layer before it was drawn to its
// capacity; a residual is left only if every layer is exhausted; each
// draw's movements sum to the draw.
func CheckAllocation(a Allocation) error {
	if a.Residual.Sign() < 0 {
		return fmt.Errorf("%w: negative residual %s", ErrInvariant, a.Residual)
	}
	total := a.Residual
	exhausted := true
	for i, d := range a.Draws {
		if d.Drawn.Sign() < 0 || d.Drawn.Cmp(d.Capacity) > 0 {
			return fmt.Errorf("%w: layer %q drew %s of capacity %s", ErrInvariant, d.Layer, d.Drawn, d.Capacity)
		}
		if d.Drawn.Sign() > 0 && !exhausted {
			return fmt.Errorf("%w: layer %q (position %d) drawn before earlier layers were exhausted", ErrInvariant, d.Layer, i)
		}
		if !d.Drawn.Equal(d.Capacity) {
			exhausted = false
		}
		ms := decimal.Zero
		for _, m := range d.Movements {
			ms = ms.Add(m.Amount)
		}
		if !ms.Equal(d.Drawn) {
			return fmt.Errorf("%w: layer %q movements sum to %s, drew %s", ErrInvariant, d.Layer, ms, d.Drawn)
		}
		total = total.Add(d.Drawn)
	}
	if a.Residual.Sign() > 0 && !exhausted {
		return fmt.Errorf("%w: residual %s left while a layer had capacity", ErrInvariant, a.Residual)
	}
	if !total.Equal(a.Loss) {
		return fmt.Errorf("%w: drawn + residual = %s, loss %s", ErrInvariant, total, a.Loss)
	}
	return nil
}

// CheckInvariants proves a run of covers end to end: every allocation
// passes CheckAllocation, the journal balances (Journal.Check), and, when
// j is not nil, each loss account's journal balance equals exactly what the
// given allocations covered into it. Pass every allocation recorded in j.
func CheckInvariants(j *Journal, allocs ...Allocation) error {
	covered := map[string]decimal.Decimal{}
	for _, a := range allocs {
		if err := CheckAllocation(a); err != nil {
			return fmt.Errorf("claim %q: %w", a.Claim, err)
		}
		covered[a.Account] = covered[a.Account].Add(a.Covered())
	}
	if j == nil {
		return nil
	}
	if err := j.Check(); err != nil {
		return err
	}
	for acct, c := range covered {
		if got := j.Balance(acct); !got.Equal(c) {
			return fmt.Errorf("%w: journal account %q holds %s, allocations covered %s", ErrInvariant, acct, got, c)
		}
	}
	return nil
}
