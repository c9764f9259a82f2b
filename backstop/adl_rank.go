package backstop

import (
	"errors"
	"fmt"
	"math/big"
	"math/bits"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/fixed"
	"github.com/failsafe-fi/failsafe/internal/num"
)

// Position is an open position as auto-deleveraging sees it.
type Position struct {
	// Account owns the position (unique among candidates).
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

// rankScale is the number of decimal places of BitMEXRank scores.
const rankScale = 18

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
// computed as one exact fraction (size cancels out) and divided once at
// rankScale places, rounded down (floor keeps the order of distinct
// fractions except within 10⁻¹⁸, where ties go by account). Linear contracts: values are
// size × price. Errors (ErrInvalidInput): zero size, entry price ≤ 0, mark
// ≤ 0, a negative bankruptcy price, and Mark Value − Bankrupt Value ≤ 0 (the
// position is itself at or beyond its bankruptcy price, so its effective
// leverage is undefined).
func BitMEXRank(p Position, mark decimal.Decimal) (decimal.Decimal, error) {
	if err := num.CheckPositive(mark); err != nil {
		return decimal.Zero, wrap(ErrInvalidInput, err, "mark")
	}
	if err := checkPosition(p); err != nil {
		return decimal.Zero, err
	}
	// Per unit of size the values are σ·price (σ = sign of size), and size
	// cancels out of both fractions:
	//   PnL% × lev = σ(m−e)/e × m/(σ(m−b))     = pnlU·m / (e·cushionU)
	//   PnL% ÷ lev = σ(m−e)/e × σ(m−b)/m       = pnlU·cushionU / (e·m)
	// with pnlU = σ(m−e) and cushionU = σ(m−b) = (Mark − Bankrupt Value)/|size|.
	// The prices are brought to one exponent as integers (which cancels out
	// too), so the score is one integer division.
	exp := min(mark.Exponent(), p.EntryPrice.Exponent(), p.BankruptcyPrice.Exponent())
	short := p.Size.Sign() < 0
	if m, e, b, ok := smallInts(exp, mark, p.EntryPrice, p.BankruptcyPrice); ok {
		return rankSmall(p, mark, m, e, b, short)
	}
	m, e, b := scaledInt(mark, exp), scaledInt(p.EntryPrice, exp), scaledInt(p.BankruptcyPrice, exp)
	pnlU := new(big.Int).Sub(m, e)
	cushionU := new(big.Int).Sub(m, b)
	if short {
		pnlU.Neg(pnlU)
		cushionU.Neg(cushionU)
	}
	if cushionU.Sign() <= 0 {
		return decimal.Zero, beyondBankruptcy(p, mark)
	}
	var n, den big.Int
	switch pnlU.Sign() {
	case 0:
		return decimal.Zero, nil
	case 1:
		n.Mul(pnlU, m)
		den.Mul(e, cushionU)
	default:
		n.Mul(pnlU, cushionU)
		den.Mul(e, m)
	}
	return floorScore(&n, &den), nil
}

func beyondBankruptcy(p Position, mark decimal.Decimal) error {
	return fmt.Errorf("%w: %s is at or beyond its bankruptcy price %s (mark %s)", ErrInvalidInput, p.Account, p.BankruptcyPrice, mark)
}

// floorScore returns ⌊n / den⌋ at rankScale places (den > 0).
func floorScore(n, den *big.Int) decimal.Decimal {
	n.Mul(n, pow10Int(rankScale))
	q, r := n.QuoRem(n, den, new(big.Int)) // truncated toward zero
	if r.Sign() < 0 {
		q.Sub(q, big.NewInt(1)) // floor
	}
	return decimal.NewFromBigInt(q, -rankScale)
}

// smallInts scales the prices to exponent exp as int64s below 2⁶², if they fit.
func smallInts(exp int32, ds ...decimal.Decimal) (m, e, b int64, ok bool) {
	var out [3]int64
	for i, d := range ds {
		n, ok := fixed.FromDecimal(d)
		if ok {
			n, ok = fixed.Rescale(n, exp) // exact: exp ≤ every exponent
		}
		if !ok || n.M < 0 || n.M >= 1<<62 { // prices are ≥ 0; below 2⁶² so m − e and m − b fit
			return 0, 0, 0, false
		}
		out[i] = n.M
	}
	return out[0], out[1], out[2], true
}

// rankSmall is BitMEXRank on int64 prices: the products are 128-bit and
// only the final division uses big integers.
func rankSmall(p Position, mark decimal.Decimal, m, e, b int64, short bool) (decimal.Decimal, error) {
	pnl, cushion := m-e, m-b
	if short {
		pnl, cushion = -pnl, -cushion
	}
	if cushion <= 0 {
		return decimal.Zero, beyondBankruptcy(p, mark)
	}
	var nhi, nlo, dhi, dlo uint64
	neg := pnl < 0
	var nu, de fixed.U128
	switch {
	case pnl == 0:
		return decimal.Zero, nil
	case !neg:
		nu, de = fixed.U128Mul(uint64(pnl), uint64(m)), fixed.U128Mul(uint64(e), uint64(cushion))
	default:
		nu, de = fixed.U128Mul(uint64(-pnl), uint64(cushion)), fixed.U128Mul(uint64(e), uint64(m))
	}
	nhi, nlo, dhi, dlo = nu.Hi, nu.Lo, de.Hi, de.Lo
	if dhi == 0 && bits.UintSize == 64 {
		return floorScore64(nhi, nlo, dlo, neg), nil
	}
	var n, den big.Int
	n.SetBits(words128(nhi, nlo))
	den.SetBits(words128(dhi, dlo))
	if neg {
		n.Neg(&n)
	}
	return floorScore(&n, &den), nil
}

// floorScore64 is floorScore for a 128-bit numerator (nhi, nlo) ≥ 0 with
// sign neg and a 64-bit denominator den > 0: the numerator × 10¹⁸ is a
// 192-bit number divided word by word.
func floorScore64(nhi, nlo, den uint64, neg bool) decimal.Decimal {
	q, r, _ := fixed.MulDiv128(fixed.U128{Hi: nhi, Lo: nlo}, 1_000_000_000_000_000_000, den) // den > 0
	q0, q1, q2 := q[0], q[1], q[2]
	if neg && r != 0 { // floor of a negative quotient: one more in magnitude
		var c uint64
		q0, c = bits.Add64(q0, 1, 0)
		q1, c = bits.Add64(q1, 0, c)
		q2 += c
	}
	if q2 == 0 && q1 == 0 && q0 < 1<<63 {
		v := int64(q0)
		if neg {
			v = -v
		}
		return decimal.New(v, -rankScale)
	}
	var z big.Int
	z.SetBits(words192(q0, q1, q2))
	if neg {
		z.Neg(&z)
	}
	return decimal.NewFromBigInt(&z, -rankScale)
}

// words128 returns hi·2⁶⁴ + lo as big.Int words.
func words128(hi, lo uint64) []big.Word {
	if bits.UintSize == 64 {
		return []big.Word{big.Word(lo), big.Word(hi)}
	}
	return []big.Word{big.Word(lo), big.Word(lo >> 32), big.Word(hi), big.Word(hi >> 32)}
}

// pow10s holds 10⁰…10⁹⁹, read-only after package initialisation.
var pow10s = func() [100]*big.Int {
	var t [100]*big.Int
	t[0] = big.NewInt(1)
	for i := 1; i < len(t); i++ {
		t[i] = new(big.Int).Mul(t[i-1], big.NewInt(10))
	}
	return t
}()

// pow10Int returns 10^k (k ≥ 0); the result must not be modified.
func pow10Int(k int32) *big.Int {
	if int(k) < len(pow10s) {
		return pow10s[k]
	}
	return new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(k)), nil)
}

// scaledInt returns d's coefficient × 10^(d.Exponent() − exp), exp ≤ d.Exponent().
func scaledInt(d decimal.Decimal, exp int32) *big.Int {
	c := d.Coefficient()
	if k := d.Exponent() - exp; k > 0 {
		c.Mul(c, pow10Int(k))
	}
	return c
}

// checkPosition validates a position's fields.
func checkPosition(p Position) error {
	if badID(p.Account) {
		return fmt.Errorf("%w: position with an empty or non-UTF-8 account", ErrInvalidInput)
	}
	if err := num.Check(p.Size); err != nil {
		return wrap(ErrInvalidInput, err, "%s size", p.Account)
	}
	if p.Size.Sign() == 0 {
		return fmt.Errorf("%w: %s has zero size", ErrInvalidInput, p.Account)
	}
	if err := num.CheckPositive(p.EntryPrice); err != nil {
		return wrap(ErrInvalidInput, err, "%s entry price", p.Account)
	}
	if err := num.CheckNonNegative(p.BankruptcyPrice); err != nil {
		return wrap(ErrInvalidInput, err, "%s bankruptcy price", p.Account)
	}
	return nil
}

// Ranked is a position with its deleveraging score.
type Ranked struct {
	Position Position        `json:"position"` // the position ranked
	Score    decimal.Decimal `json:"score"`    // its Ranking score; higher goes first
}

// Rank scores the positions with ranking (nil means BitMEXRank) and sorts
// them highest score first; equal scores go by account ID ascending, so the
// order never depends on the input order. Errors: a bad position or a
// ranking error (ErrInvalidInput; a host ranking's error is wrapped, so
// errors.Is finds both), a duplicated account (ErrDuplicateID), an absurd
// score (ErrInvalidInput).
func Rank(positions []Position, mark decimal.Decimal, ranking Ranking) ([]Ranked, error) {
	if err := num.CheckPositive(mark); err != nil {
		return nil, wrap(ErrInvalidInput, err, "mark")
	}
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
			if !errors.Is(err, ErrInvalidInput) { // a host ranking's own error
				err = wrap(ErrInvalidInput, err, "ranking %q", p.Account)
			}
			return nil, err
		}
		if err := num.Check(s); err != nil {
			return nil, wrap(ErrInvalidInput, err, "score of %q", p.Account)
		}
		out[i] = Ranked{Position: p, Score: s}
	}
	sortRanked(out)
	return out, nil
}

// words192 returns q2·2¹²⁸ + q1·2⁶⁴ + q0 as big.Int words.
func words192(q0, q1, q2 uint64) []big.Word {
	if bits.UintSize == 64 {
		return []big.Word{big.Word(q0), big.Word(q1), big.Word(q2)}
	}
	return []big.Word{big.Word(q0), big.Word(q0 >> 32), big.Word(q1), big.Word(q1 >> 32), big.Word(q2), big.Word(q2 >> 32)}
}
