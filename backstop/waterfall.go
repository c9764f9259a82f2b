package backstop

import (
	"errors"
	"fmt"
	"reflect"
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
	// journal account to, at now, and returns the movements it made (each
	// into to, summing exactly to amount) and the events it wants reported
	// (may be nil; the waterfall stamps them with the claim and returns them
	// in Allocation.Events after its own EventDraw). A layer must not fail
	// for an amount within the capacity it reported.
	Absorb(now time.Time, amount decimal.Decimal, to string) ([]Movement, []Event, error)
}

// Settings configure a Waterfall.
type Settings struct {
	// Layers in the order they are drawn. Required: at least one, no nil,
	// IDs non-empty and unique.
	Layers []Layer
	// Unit is the smallest money amount (a power of ten). Zero means
	// 0.00000001. Losses with finer amounts are rejected.
	Unit decimal.Decimal
	// Journal, if not nil, receives every movement of every Cover, so a
	// host can prove conservation across many losses. Nil: movements are
	// still returned in each Allocation.
	Journal *Journal
}

// Claim is a loss to cover: Amount (≥ 0) sitting in journal account
// Account ("shortfall:" + ID when empty). ID names the loss in movements and
// events and is its idempotency key: a Waterfall covers an ID once.
type Claim struct {
	ID      string          `json:"id"`                // non-empty idempotency key; names the loss in movements and events
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
	// Events of the cover, in order: per layer drawn an EventDraw followed
	// by the layer's own events (fund draws, takeovers, deleveraging,
	// haircuts, default-fund steps), then an EventResidual if any; each
	// carries the claim's ID. Empty on a replay: the events happened once,
	// when the claim was first covered, and a host that logs them must not
	// log a second draw.
	Events []Event `json:"events,omitempty"`
	// Replayed is true when Cover returned the allocation it recorded for
	// an earlier call with the same claim (nothing was drawn this time).
	Replayed bool `json:"replayed,omitempty"`
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
// A Waterfall holds no money itself; its layers do. It remembers every
// claim it has covered (by ID, with its allocation), so a repeated claim
// never pays twice; see Cover. That record grows by one Allocation (its
// draws, movements and events) per claim ID and is part of Snapshot, so a
// standby does not pay twice either. A waterfall built per loss event (the
// usual case: its per-loss layers are) holds a handful; a long-lived one
// grows with every claim, so start a new Waterfall per period and keep the
// old one's snapshot for audit. It is not safe for concurrent use.
type Waterfall struct {
	layers  []Layer
	scale   int32
	journal *Journal
	// lastHost is the index of the last layer not of this package (-1 if
	// none): only it and those before it can fail mid-cover, so only the
	// layers before it are marked for rollback.
	lastHost int
	claims   []CoveredClaim // every claim covered, in order
	byID     map[string]int // claim ID → index in claims
}

// New validates the settings and returns a waterfall.
func New(s Settings) (*Waterfall, error) {
	scale, err := unitScale(s.Unit, defaultUnit, "unit")
	if err != nil {
		return nil, err
	}
	if len(s.Layers) == 0 {
		return nil, fmt.Errorf("%w: no layers", ErrInvalidSettings)
	}
	seen := make(map[string]bool, len(s.Layers))
	for i, l := range s.Layers {
		if l == nil || isNilPointer(l) {
			return nil, fmt.Errorf("%w: layer %d is nil", ErrInvalidSettings, i)
		}
		id := l.ID()
		if badID(id) {
			return nil, fmt.Errorf("%w: layer %d has an empty or non-UTF-8 ID", ErrInvalidSettings, i)
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
	return &Waterfall{layers: append([]Layer(nil), s.Layers...), scale: scale, journal: s.Journal, lastHost: lastHost,
		byID: map[string]int{}}, nil
}

// Layers returns the layer IDs in draw order.
func (w *Waterfall) layerIDs() []string {
	out := make([]string, len(w.layers))
	for i, l := range w.layers {
		out[i] = l.ID()
	}
	return out
}

// Journal returns the journal given in Settings (nil if none).
func (w *Waterfall) journalOf() *Journal { return w.journal }

// Cover draws the claim through the layers and returns the allocation,
// its events included.
//
// A claim ID is an idempotency key. Covering an ID already covered with
// the same amount and loss account returns the first allocation, marked
// Replayed and without its events (they were returned the first time),
// and changes nothing. The record belongs to this Waterfall: a venue that
// runs one waterfall per market over a shared fund keeps claim IDs unique
// across the venue (join derives them from the house and auction), since
// another waterfall does not know this one's claims; the same ID with a different
// amount or account is refused (ErrDuplicateID), as is an empty ID
// (ErrInvalidInput).
//
// Errors: an empty ID, a negative, absurd or too-fine amount, a time
// before the journal's (or an insurance fund ledger's) last entry, or a
// loss account in a payer's namespace ("margin:", "penalty:",
// "insurance:", "blp:", "adl:", "haircut:", "contribution:",
// "assessment:", "vm-gains:", "ccp:") (ErrInvalidInput, nothing changes); a
// layer reporting an invalid capacity (ErrLayerFailed, nothing changes:
// all capacities are checked before any layer is drawn).
//
// A host layer whose Absorb fails, whose movements do not sum to its draw,
// or whose capacity turns invalid mid-cover is ErrLayerFailed. If every
// layer drawn before it is a built-in one, they are put back exactly as
// they were (balances, fund histories and ledgers, provider capacity,
// ADL queue, haircuts, the journal) and nothing changes: the allocation
// shows no draw and Residual = Loss, and the claim ID is not recorded, so
// it can be tried again. If a host layer was drawn before the failure it
// cannot be undone, so every earlier draw stays, journaled; the returned
// allocation shows exactly what was drawn (Σ Drawn + Residual = Loss still
// holds) and the error names each draw, so the host can reconcile. That
// partial allocation is recorded under the claim ID: covering the ID again
// returns it with ErrLayerFailed and draws nothing more (cover what is
// left under a new ID). Either way the failed allocation reports capacity
// zero for the failing layer and every layer after it (for every layer
// when rolled back), so it still passes CheckAllocation, and
// CheckInvariants over the journal with it included. The failing layer's
// own state is the host's to repair.
func (w *Waterfall) Cover(now time.Time, c Claim) (Allocation, error) {
	// Held in UTC, so the snapshot is the same in every time zone.
	now = now.UTC()
	if badID(c.ID) {
		return Allocation{}, fmt.Errorf("%w: claim with an empty or non-UTF-8 ID (the ID is the claim's idempotency key)", ErrInvalidInput)
	}
	if err := checkAmount(c.Amount, w.scale, "loss"); err != nil {
		return Allocation{}, about(ErrInvalidInput, err, "claim %q", c.ID)
	}
	if err := checkNow(now); err != nil {
		return Allocation{}, about(ErrInvalidInput, err, "claim %q", c.ID)
	}
	to := c.Account
	if to == "" {
		to = "shortfall:" + c.ID
	}
	if badID(to) {
		return Allocation{}, fmt.Errorf("%w: claim %q: loss account is not valid UTF-8", ErrInvalidInput, c.ID)
	}
	if k, seen := w.byID[c.ID]; seen {
		rec := w.claims[k]
		if !rec.Claim.Amount.Equal(c.Amount) || rec.Claim.Account != to {
			return Allocation{}, fmt.Errorf("%w: claim %q was covered for %s into %q; refused for %s into %q under the same ID",
				ErrDuplicateID, c.ID, rec.Claim.Amount, rec.Claim.Account, c.Amount, to)
		}
		a := rec.Allocation.clone()
		a.Events, a.Replayed = nil, true
		if rec.Failed {
			return a, fmt.Errorf("%w: claim %q was covered only in part before a layer failed; its draws stay and nothing more is drawn under this ID", ErrLayerFailed, c.ID)
		}
		return a, nil
	}
	a, recorded, err := w.cover(now, c, to)
	if recorded {
		w.byID[c.ID] = len(w.claims)
		w.claims = append(w.claims, CoveredClaim{Claim: Claim{ID: c.ID, Amount: c.Amount, Account: to}, Allocation: a.clone(), Failed: err != nil})
	}
	return a, err
}

// cover is Cover for a new claim ID; recorded says whether anything was
// drawn (or the cover completed), so the ID must be remembered.
func (w *Waterfall) cover(now time.Time, c Claim, to string) (Allocation, bool, error) {
	if err := w.journal.checkTime(now); err != nil {
		return Allocation{}, false, err
	}
	for _, p := range payerPrefixes {
		if strings.HasPrefix(to, p) {
			return Allocation{}, false, fmt.Errorf("%w: loss account %q is in the %q namespace of the accounts that pay losses", ErrInvalidInput, to, p)
		}
	}
	// Validate every capacity, and everything that could make a built-in
	// layer fail, before drawing anything, so a broken layer or a bad time
	// changes nothing.
	for _, l := range w.layers {
		if err := num.CheckNonNegative(l.Capacity()); err != nil {
			return Allocation{}, false, fmt.Errorf("%w: layer %q capacity: %w", ErrLayerFailed, l.ID(), err)
		}
		if p, ok := l.(preflighter); ok {
			if err := p.preflight(now, to); err != nil {
				return Allocation{}, false, about(ErrLayerFailed, err, "layer %q", l.ID())
			}
		}
	}
	a := Allocation{Claim: c.ID, Account: to, Loss: c.Amount, Draws: make([]Draw, len(w.layers)), Residual: decimal.Zero, Time: now,
		Events: make([]Event, 0, len(w.layers)+1)}
	for i, l := range w.layers {
		a.Draws[i] = Draw{Layer: l.ID(), Capacity: decimal.Zero, Drawn: decimal.Zero}
	}
	// Only a host layer can fail after preflight: mark the undoable layers
	// drawn before the last host layer, so a failure can be rolled back.
	var undo []func()
	atomic := true // every layer drawn so far can be put back
	jlen := w.journal.Len()
	fail := func(i int, take decimal.Decimal, err error) (Allocation, bool, error) {
		if atomic {
			for k := len(undo) - 1; k >= 0; k-- {
				undo[k]()
			}
			w.journal.truncate(jlen)
			for k := range a.Draws {
				a.Draws[k] = Draw{Layer: a.Draws[k].Layer, Capacity: decimal.Zero, Drawn: decimal.Zero}
			}
			a.Residual = c.Amount
			a.Events = nil
			return a, false, fmt.Errorf("%w (nothing drawn: every earlier layer was put back)", wrap(ErrLayerFailed, err, "layer %q absorbing %s", w.layers[i].ID(), take))
		}
		for k := i; k < len(a.Draws); k++ {
			a.Draws[k].Capacity = decimal.Zero // delivered nothing
		}
		a.Residual = c.Amount.Sub(a.Covered())
		return a, true, fmt.Errorf("%w (a host layer cannot be undone, so earlier draws stay, journaled: %s)", wrap(ErrLayerFailed, err, "layer %q absorbing %s", w.layers[i].ID(), take), drawnSoFar(a))
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
		ms, evs, err := l.Absorb(now, take, to)
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
		a.Events = append(a.Events, Event{Time: now, Kind: EventDraw, Subject: l.ID(), Amount: take, Claim: c.ID})
		for _, ev := range evs {
			ev.Claim = c.ID
			a.Events = append(a.Events, ev)
		}
	}
	a.Residual = left
	if left.Sign() > 0 {
		a.Events = append(a.Events, Event{Time: now, Kind: EventResidual, Subject: "waterfall", Amount: left, Claim: c.ID})
	}
	return a, true, nil
}

// clone returns a copy of a that shares no slice with it.
func (a Allocation) clone() Allocation {
	b := a
	b.Draws = make([]Draw, len(a.Draws))
	for i, d := range a.Draws {
		d.Movements = append([]Movement(nil), d.Movements...)
		b.Draws[i] = d
	}
	b.Events = append([]Event(nil), a.Events...)
	return b
}

// CoveredClaim is one claim a Waterfall has covered, as it remembers it.
type CoveredClaim struct {
	Claim      Claim      `json:"claim"`            // as covered; Account filled in ("shortfall:ID" by default)
	Allocation Allocation `json:"allocation"`       // the allocation Cover returned
	Failed     bool       `json:"failed,omitempty"` // a host layer failed part-way: the draws made stay
}

// Covered returns what the waterfall remembers of claim id: the
// allocation a repeated Cover returns.
func (w *Waterfall) Covered(id string) (CoveredClaim, bool) {
	k, ok := w.byID[id]
	if !ok {
		return CoveredClaim{}, false
	}
	rec := w.claims[k]
	rec.Allocation = rec.Allocation.clone()
	return rec, true
}

// claimIDs returns the IDs of every claim covered, in order.
func (w *Waterfall) claimIDs() []string {
	out := make([]string, len(w.claims))
	for i, r := range w.claims {
		out[i] = r.Claim.ID
	}
	return out
}

// WaterfallSnapshot is the JSON-serialisable state of a Waterfall: the
// claims it has covered. Its layers and journal have their own snapshots.
type WaterfallSnapshot struct {
	Claims []CoveredClaim `json:"claims"` // every claim covered, in order
}

// Snapshot returns every claim covered, with its allocation.
func (w *Waterfall) Snapshot() WaterfallSnapshot {
	s := WaterfallSnapshot{Claims: make([]CoveredClaim, len(w.claims))}
	for i, r := range w.claims {
		r.Allocation = r.Allocation.clone()
		s.Claims[i] = r
	}
	return s
}

// RestoreWaterfall rebuilds a Waterfall from its settings (layers and
// journal restored first) and a snapshot, validating every claim: a
// non-empty ID given once, an amount in range at the unit, an allocation of
// that claim (same ID, loss and account), one draw per settings layer in
// order, passing CheckAllocation. Anything else is ErrBadSnapshot.
func RestoreWaterfall(s Settings, snap WaterfallSnapshot) (*Waterfall, error) {
	w, err := New(s)
	if err != nil {
		return nil, err
	}
	for i, r := range snap.Claims {
		if err := w.checkRecord(r); err != nil {
			return nil, fmt.Errorf("%w: claim %d: %s", ErrBadSnapshot, i, err)
		}
		w.byID[r.Claim.ID] = len(w.claims)
		w.claims = append(w.claims, CoveredClaim{Claim: r.Claim, Allocation: r.Allocation.clone(), Failed: r.Failed})
	}
	return w, nil
}

// checkRecord validates one remembered claim; its error text carries no
// sentinel (RestoreWaterfall wraps it once).
func (w *Waterfall) checkRecord(r CoveredClaim) error {
	c, a := r.Claim, r.Allocation
	if badID(c.ID) {
		return errors.New("empty or non-UTF-8 ID")
	}
	if _, dup := w.byID[c.ID]; dup {
		return fmt.Errorf("ID %q twice", c.ID)
	}
	if badID(c.Account) || c.Account != a.Account || a.Claim != c.ID {
		return fmt.Errorf("claim %q: allocation of another claim or account", c.ID)
	}
	ds := []decimal.Decimal{c.Amount, a.Loss, a.Residual}
	for _, d := range a.Draws {
		ds = append(ds, d.Capacity, d.Drawn)
		for _, m := range d.Movements {
			ds = append(ds, m.Amount)
		}
	}
	for _, d := range ds { // before any decimal is formatted
		if err := num.CheckNonNegative(d); err != nil {
			return fmt.Errorf("claim %q: %s", c.ID, err)
		}
	}
	if !c.Amount.Equal(c.Amount.Truncate(w.scale)) || !a.Loss.Equal(c.Amount) {
		return fmt.Errorf("claim %q: amount finer than the unit or not the allocation's loss", c.ID)
	}
	if len(a.Draws) != len(w.layers) {
		return fmt.Errorf("claim %q: %d draws for %d layers", c.ID, len(a.Draws), len(w.layers))
	}
	for i, d := range a.Draws {
		if d.Layer != w.layers[i].ID() {
			return fmt.Errorf("claim %q: draw %d of layer %q, settings layer %q", c.ID, i, d.Layer, w.layers[i].ID())
		}
	}
	if err := CheckAllocation(a); err != nil {
		return fmt.Errorf("claim %q: %s", c.ID, strings.TrimPrefix(err.Error(), ErrInvariant.Error()+": "))
	}
	return nil
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
	preflight(now time.Time, to string) error
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
	// A host may pass a deserialised allocation: bound every decimal
	// before any is formatted into an error (an absurd exponent hangs
	// formatting).
	if err := num.Check(a.Loss); err != nil {
		return wrap(ErrInvariant, err, "loss")
	}
	if err := num.Check(a.Residual); err != nil {
		return wrap(ErrInvariant, err, "residual")
	}
	for _, d := range a.Draws {
		if err := num.Check(d.Capacity); err != nil {
			return wrap(ErrInvariant, err, "layer %q capacity", d.Layer)
		}
		if err := num.Check(d.Drawn); err != nil {
			return wrap(ErrInvariant, err, "layer %q drawn", d.Layer)
		}
		for _, m := range d.Movements {
			if err := num.Check(m.Amount); err != nil {
				return wrap(ErrInvariant, err, "layer %q movement", d.Layer)
			}
		}
	}
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
			return about(ErrInvariant, err, "claim %q", a.Claim)
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

// isNilPointer reports whether a layer is a typed nil (a nil *T in a
// non-nil interface), which would panic on its first method call.
func isNilPointer(l Layer) bool {
	v := reflect.ValueOf(l)
	switch v.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Slice, reflect.Func, reflect.Interface, reflect.Chan:
		return v.IsNil()
	}
	return false
}
