package backstop

import (
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
)

// proRataCapped splits total among weights in proportion, but gives no one
// more than their cap: water-filling. Whoever's proportional share would
// exceed their cap gets exactly the cap, and the excess is shared again
// among the others in proportion to their weights, until no share exceeds
// its cap. The uncapped remainder is then split by the largest-remainder
// rule (num.ProRata) in units of 10^-scale.
//
// The shares sum to total exactly; share i ≤ caps[i]; a zero weight or zero
// cap gets zero; each uncapped share is within one unit of its exact
// water-filled value (remaining × wᵢ / Σ uncapped w). The result depends only
// on the order of the inputs. Errors (ErrInvalidInput): lengths differ, a
// negative weight, cap or total, a total or cap finer than the scale, a
// scale outside [-num.MaxIntDigits, num.MaxScale] = [-36, 36], or
// total > Σ caps of the positive-weight entries (the caps cannot hold it).
//
// Used for default-fund assessments (capped per member, EMIR Art. 43(3) and
// ESMA Q&A 886) and backstop providers (capped by committed capacity).
func proRataCapped(total decimal.Decimal, weights, caps []decimal.Decimal, scale int32) ([]decimal.Decimal, error) {
	if len(weights) != len(caps) {
		return nil, fmt.Errorf("%w: %d weights but %d caps", ErrInvalidInput, len(weights), len(caps))
	}
	if err := num.CheckScale(scale); err != nil { // bounded before any arithmetic (issue 10 item 10)
		return nil, wrap(ErrInvalidInput, err, "")
	}
	if err := checkAmount(total, scale, "total"); err != nil {
		return nil, err
	}
	room := decimal.Zero
	for i := range weights {
		if err := num.CheckNonNegative(weights[i]); err != nil {
			return nil, wrap(ErrInvalidInput, err, "weight %d", i)
		}
		if err := checkAmount(caps[i], scale, "cap"); err != nil {
			return nil, fmt.Errorf("%w (index %d)", err, i)
		}
		if weights[i].Sign() > 0 {
			room = room.Add(caps[i])
		}
	}
	if total.Cmp(room) > 0 {
		return nil, fmt.Errorf("%w: total %s exceeds the caps' room %s", ErrInvalidInput, total, room)
	}
	shares := make([]decimal.Decimal, len(weights))
	for i := range shares {
		shares[i] = decimal.Zero
	}
	if total.IsZero() {
		return shares, nil
	}
	// Water-filling: at level λ = remaining / W every active share is λ·wᵢ;
	// fix at their caps all whose capᵢ ≤ λ·wᵢ (compared by cross-
	// multiplication, no division). Fixing them can only raise λ, so repeat
	// until none is fixed; usually one pass.
	active := make([]int, 0, len(weights))
	wsum := decimal.Zero
	for i, w := range weights {
		if w.Sign() > 0 && caps[i].Sign() > 0 {
			active = append(active, i)
			wsum = wsum.Add(w)
		}
	}
	remaining := total
	for len(active) > 0 {
		kept := active[:0:0]
		fixed := false
		for _, i := range active {
			if remaining.Mul(weights[i]).Cmp(caps[i].Mul(wsum)) >= 0 {
				shares[i] = caps[i]
				fixed = true
				continue
			}
			kept = append(kept, i)
		}
		if !fixed {
			break
		}
		for _, i := range active {
			if shares[i].Sign() > 0 {
				remaining = remaining.Sub(shares[i])
				wsum = wsum.Sub(weights[i])
			}
		}
		active = kept
	}
	if remaining.IsZero() || len(active) == 0 {
		return shares, nil
	}
	rest := active
	ws := make([]decimal.Decimal, len(rest))
	for n, i := range rest {
		ws[n] = weights[i]
	}
	split, err := proRata(remaining, ws, scale)
	if err != nil {
		return nil, wrap(ErrInvalidInput, err, "")
	}
	for n, i := range rest {
		shares[i] = split[n]
	}
	return shares, nil
}

// proRataExact splits total among weights by the largest-remainder rule in
// units of 10^-scale (num.ProRata): the shares sum to total exactly and
// each is within one unit of total × wᵢ / Σw. Errors wrap ErrInvalidInput
// (a scale outside [-36, 36] included).
func proRataExact(total decimal.Decimal, weights []decimal.Decimal, scale int32) ([]decimal.Decimal, error) {
	if err := num.CheckScale(scale); err != nil { // bounded before any arithmetic (issue 10 item 10)
		return nil, wrap(ErrInvalidInput, err, "")
	}
	if err := checkAmount(total, scale, "total"); err != nil {
		return nil, err
	}
	for i, w := range weights {
		if err := num.CheckNonNegative(w); err != nil {
			return nil, wrap(ErrInvalidInput, err, "weight %d", i)
		}
	}
	out, err := proRata(total, weights, scale)
	if err != nil {
		return nil, wrap(ErrInvalidInput, err, "")
	}
	return out, nil
}
