package backstop

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
)

// DefaulterLayer is the first layer of every waterfall: what the defaulting
// account itself still has — its remaining margin, then the liquidation
// penalty collected from it (BitMEX, Binance and dYdX v4 all charge the
// defaulter's own collateral and penalty before touching the insurance
// fund; EMIR Art. 45(1) uses "the margins posted by a defaulting clearing
// member prior to other financial resources").
//
// It is stateful (what is left after draws) and not safe for concurrent
// use. Movements come from "margin:ACCOUNT" and then "penalty:ACCOUNT".
type DefaulterLayer struct {
	id, account     string
	margin, penalty decimal.Decimal
}

// NewDefaulterLayer returns the layer for account with the given remaining
// margin and collected penalty (both ≥ 0). Its ID is "defaulter:ACCOUNT".
func NewDefaulterLayer(account string, margin, penalty decimal.Decimal) (*DefaulterLayer, error) {
	if badID(account) {
		return nil, fmt.Errorf("%w: empty or non-UTF-8 account", ErrInvalidInput)
	}
	if err := num.CheckNonNegative(margin); err != nil {
		return nil, wrap(ErrInvalidInput, err, "margin")
	}
	if err := num.CheckNonNegative(penalty); err != nil {
		return nil, wrap(ErrInvalidInput, err, "penalty")
	}
	return &DefaulterLayer{id: "defaulter:" + account, account: account, margin: margin, penalty: penalty}, nil
}

// ID is "defaulter:ACCOUNT".
func (d *DefaulterLayer) ID() string { return d.id }

// Capacity is remaining margin + penalty.
func (d *DefaulterLayer) Capacity() decimal.Decimal { return d.margin.Add(d.penalty) }

// Absorb draws margin first, then penalty.
// It reports no events of its own: the waterfall's EventDraw says it.
func (d *DefaulterLayer) Absorb(now time.Time, amount decimal.Decimal, to string) ([]Movement, []Event, error) {
	// Held in UTC, so the snapshot is the same in every time zone.
	now = now.UTC()
	if err := num.CheckPositive(amount); err != nil {
		return nil, nil, wrap(ErrInvalidInput, err, "amount")
	}
	if err := checkAbsorb(now, to); err != nil {
		return nil, nil, err
	}
	if amount.Cmp(d.Capacity()) > 0 {
		return nil, nil, fmt.Errorf("%w: %s > %s", ErrOverCapacity, amount, d.Capacity())
	}
	var ms []Movement
	m := num.MinOf(amount, d.margin)
	p := amount.Sub(m)
	if m.Sign() > 0 {
		ms = append(ms, Movement{From: "margin:" + d.account, To: to, Amount: m, Reason: "defaulter margin"})
	}
	if p.Sign() > 0 {
		ms = append(ms, Movement{From: "penalty:" + d.account, To: to, Amount: p, Reason: "liquidation penalty"})
	}
	d.margin = d.margin.Sub(m)
	d.penalty = d.penalty.Sub(p)
	return ms, nil, nil
}
