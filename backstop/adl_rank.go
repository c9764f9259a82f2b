package backstop

import (
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
)

// Position is an open position as auto-deleveraging sees it.
type Position struct {
	Account string `json:"account"`
	// Size is signed: > 0 long, < 0 short. Never zero.
	Size decimal.Decimal `json:"size"`
	// EntryPrice is the average entry price (> 0).
	EntryPrice decimal.Decimal `json:"entry_price"`
	// BankruptcyPrice is where the position's equity is zero (≥ 0).
	BankruptcyPrice decimal.Decimal `json:"bankruptcy_price"`
}

// Ranking scores a position for deleveraging at the mark price: the higher
// the score, the earlier it is deleveraged. A host passes its own (Binance
// and Bybit rank by PnL% × leverage variants; dYdX v4 by profit) or uses
// BitMEXRank. It must be deterministic.
type Ranking func(p Position, mark decimal.Decimal) (decimal.Decimal, error)

// RankScale is the number of decimal places of BitMEXRank scores.
const RankScale = 18

// BitMEXRank is BitMEX's auto-deleveraging priority (BitMEX, "Auto
// Deleveraging", bitmex.com/app/autoDeleveraging):
//
//	Mark Value       = size × mark
//	Bankrupt Value   = size × bankruptcy price
//	Avg Entry Value  = size × entry price
//	PnL%             = (Mark Value − Avg Entry Value) / |Avg Entry Value|
//	Eff. Leverage    = |Mark Value| / (Mark Value − Bankrupt Value)
//	Ranking          = PnL% × Eff. Leverage   if PnL% > 0
//	                 = PnL% / Eff. Leverage   if PnL% < 0 (and 0 at 0)
//
// computed as one exact fraction and divided once at RankScale places,
// rounded half-even (only the order matters). Linear contracts: values are
// size × price. Errors (ErrInvalidInput): zero size, entry price ≤ 0, mark
// ≤ 0, a negative bankruptcy price, and Mark Value − Bankrupt Value ≤ 0 (the
// position is itself at or beyond its bankruptcy price, so its effective
// leverage is undefined).
func BitMEXRank(p Position, mark decimal.Decimal) (decimal.Decimal, error) {
	if err := num.CheckPositive(mark); err != nil {
		return decimal.Zero, fmt.Errorf("%w: mark: %w", ErrInvalidInput, err)
	}
	if err := checkPosition(p); err != nil {
		return decimal.Zero, err
	}
	mv := p.Size.Mul(mark)
	bv := p.Size.Mul(p.BankruptcyPrice)
	ev := p.Size.Mul(p.EntryPrice)
	cushion := mv.Sub(bv) // Mark Value − Bankrupt Value
	if cushion.Sign() <= 0 {
		return decimal.Zero, fmt.Errorf("%w: %s is at or beyond its bankruptcy price %s (mark %s)", ErrInvalidInput, p.Account, p.BankruptcyPrice, mark)
	}
	pnl := mv.Sub(ev) // numerator of PnL%
	switch pnl.Sign() {
	case 0:
		return decimal.Zero, nil
	case 1: // pnl/|ev| × |mv|/cushion
		return num.Div(pnl.Mul(mv.Abs()), ev.Abs().Mul(cushion), RankScale, num.HalfEven), nil
	default: // pnl/|ev| ÷ (|mv|/cushion)
		return num.Div(pnl.Mul(cushion), ev.Abs().Mul(mv.Abs()), RankScale, num.HalfEven), nil
	}
}

// checkPosition validates a position's fields.
func checkPosition(p Position) error {
	if p.Account == "" {
		return fmt.Errorf("%w: position with an empty account", ErrInvalidInput)
	}
	if err := num.Check(p.Size); err != nil {
		return fmt.Errorf("%w: %s size: %w", ErrInvalidInput, p.Account, err)
	}
	if p.Size.Sign() == 0 {
		return fmt.Errorf("%w: %s has zero size", ErrInvalidInput, p.Account)
	}
	if err := num.CheckPositive(p.EntryPrice); err != nil {
		return fmt.Errorf("%w: %s entry price: %w", ErrInvalidInput, p.Account, err)
	}
	if err := num.CheckNonNegative(p.BankruptcyPrice); err != nil {
		return fmt.Errorf("%w: %s bankruptcy price: %w", ErrInvalidInput, p.Account, err)
	}
	return nil
}

// Ranked is a position with its deleveraging score.
type Ranked struct {
	Position Position        `json:"position"`
	Score    decimal.Decimal `json:"score"`
}

// Rank scores the positions with ranking (nil means BitMEXRank) and sorts
// them highest score first; equal scores go by account ID ascending, so the
// order never depends on the input order. Errors: a bad position, a
// duplicated account, a ranking error, an absurd score.
func Rank(positions []Position, mark decimal.Decimal, ranking Ranking) ([]Ranked, error) {
	if ranking == nil {
		ranking = BitMEXRank
	}
	out := make([]Ranked, len(positions))
	seen := make(map[string]struct{}, len(positions))
	for i, p := range positions {
		if err := checkPosition(p); err != nil {
			return nil, err
		}
		if _, dup := seen[p.Account]; dup {
			return nil, fmt.Errorf("%w: position of %q twice", ErrDuplicateID, p.Account)
		}
		seen[p.Account] = struct{}{}
		s, err := ranking(p, mark)
		if err != nil {
			return nil, err
		}
		if err := num.Check(s); err != nil {
			return nil, fmt.Errorf("%w: score of %q: %w", ErrInvalidInput, p.Account, err)
		}
		out[i] = Ranked{Position: p, Score: s}
	}
	sortRanked(out)
	return out, nil
}
