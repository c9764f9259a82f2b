package breaker

import (
	"fmt"
	"time"

	"github.com/failsafe-fi/failsafe/internal/num"
	"github.com/shopspring/decimal"
)

// Tier is a Limit Up-Limit Down security tier.
type Tier uint8

const (
	// Tier1: S&P 500, Russell 1000 and selected ETPs (5% band above $3.00).
	Tier1 Tier = 1
	// Tier2: all other NMS stocks (10% band above $3.00).
	Tier2 Tier = 2
)

// Window is a daily time-of-day interval [Start, End) measured from local
// midnight in BandSettings.Location, e.g. 9h30m–9h45m. Offsets from midnight
// ignore daylight-saving jumps inside the day (exchange sessions do not
// straddle them).
type Window struct {
	Start time.Duration `json:"start"` // from local midnight, inclusive
	End   time.Duration `json:"end"`   // from local midnight, exclusive
}

// BandSettings configures a price band. Every field is a parameter of the US
// Limit Up-Limit Down plan (LULD Plan §V and Appendix A); the zero value of
// each field is the plan's value, so BandSettings{} is the plan's Tier 1
// band without widening windows (see LULDBands for the full preset).
type BandSettings struct {
	// Tier selects Tier1Percent or Tier2Percent above HighPrice.
	// Default (0) Tier1.
	Tier Tier
	// HighPrice: references strictly above it use the tier percentage.
	// Default $3.00.
	HighPrice decimal.Decimal
	// LowPrice: references from LowPrice to HighPrice use MidPercent; below
	// LowPrice the band is the lesser of LowAmount and LowPercent. Default
	// $0.75. Must be < HighPrice.
	LowPrice decimal.Decimal
	// Tier1Percent is the Tier 1 band above HighPrice. Default 0.05 (5%).
	Tier1Percent decimal.Decimal
	// Tier2Percent is the Tier 2 band above HighPrice. Default 0.10 (10%).
	// Must be ≥ Tier1Percent (Tier 2 bands are never narrower).
	Tier2Percent decimal.Decimal
	// MidPercent is the band from LowPrice to HighPrice. Default 0.20 (20%).
	MidPercent decimal.Decimal
	// LowPercent is the percentage part below LowPrice. Default 0.75 (75%).
	LowPercent decimal.Decimal
	// LowAmount is the absolute part below LowPrice. Default $0.15.
	LowAmount decimal.Decimal
	// PriceScale is the number of decimal places of the price increment:
	// references are rounded half-even to it and band edges are rounded to the
	// nearest increment, ties away from zero. Source: the LULD Plan's
	// Appendix A as recalled (the Price Bands are rounded to the nearest
	// penny); the plan's exact wording could not be checked in this
	// repository's reference search, so treat the tie rule as ours.
	// Default (0) 2 (pennies); use a negative value for whole units, e.g. -1
	// for tens. Range -8..18.
	PriceScale int32
	// Widened lists daily windows in which the band percentages are
	// multiplied by WidenFactor (the plan doubles them 9:30–9:45 and
	// 15:35–16:00 ET). Default none.
	Widened []Window
	// WidenFactor multiplies the band amount inside Widened windows.
	// Default 2. Must be ≥ 1.
	WidenFactor decimal.Decimal
	// Location is the time zone of Widened. Default UTC (never
	// time.Local). A replicated host must give every node the same zone
	// rules: time.LoadLocation reads the machine's zoneinfo database, whose
	// version may differ between nodes, so embed one (import time/tzdata,
	// or load from bytes with time.LoadLocationFromTZData) or use a
	// time.FixedZone.
	Location *time.Location
	// SigFigs, when > 0, makes the price increment follow the price's own
	// precision, as crypto venues do: a reference (and the band around it)
	// keeps SigFigs significant figures, at most PriceScale decimal places,
	// and a whole-number increment is always allowed. Source: Hyperliquid,
	// "Tick and lot size" (hyperliquid.gitbook.io, for-developers/api/
	// tick-and-lot-size): "Prices can have up to 5 significant figures, but
	// no more than MAX_DECIMALS - szDecimals decimal places … Integer prices
	// are always allowed". Default 0: the fixed increment 10^-PriceScale.
	// Range 0..18.
	SigFigs int32
	// FlatPercent, when > 0, is the band at every price level, replacing the
	// LULD tiers (HighPrice, LowPrice and the tier percentages are then
	// unused). Default 0: the LULD tiers. Must be < 1.
	FlatPercent decimal.Decimal
}

// LULDBands returns the LULD plan's bands for tier with the widened windows
// at the open (9:30–9:45) and the close (15:35–16:00) in loc, which should be
// America/New_York (loaded by the host; nil means UTC). A tier other than
// Tier1 or Tier2 is refused with ErrInvalidSettings.
func LULDBands(tier Tier, loc *time.Location) (BandSettings, error) {
	if tier != Tier1 && tier != Tier2 {
		return BandSettings{}, fmt.Errorf("%w: band: unknown LULD tier %d (want 1 or 2)", ErrInvalidSettings, tier)
	}
	return BandSettings{
		Tier: tier,
		Widened: []Window{
			{Start: 9*time.Hour + 30*time.Minute, End: 9*time.Hour + 45*time.Minute},
			{Start: 15*time.Hour + 35*time.Minute, End: 16 * time.Hour},
		},
		Location: loc,
	}, nil
}

// CryptoBands returns a band preset for a 24/7 crypto market whose prices
// span many orders of magnitude: the increment follows the price's own
// precision (5 significant figures, at most 8 decimal places: Hyperliquid's
// tick rule for spot with szDecimals 0, see SigFigs), a flat ±5% band at
// every price level (our choice, the LULD Tier 1 percentage, not a venue's
// published figure) and no widening windows. A token at 0.00001234 gets the
// reference 0.00001234 and the band 0.00001172–0.00001296 (8 places),
// where the default cent increment refuses it.
func CryptoBands() BandSettings {
	return BandSettings{SigFigs: 5, PriceScale: 8, FlatPercent: decimal.New(5, -2)}
}

func defaultDec(d *decimal.Decimal, def string) {
	if d.IsZero() {
		*d = decimal.RequireFromString(def)
	}
}

func (s *BandSettings) normalise() error {
	if s.Tier == 0 {
		s.Tier = Tier1
	}
	if s.Tier != Tier1 && s.Tier != Tier2 {
		return fmt.Errorf("%w: band: unknown tier %d", ErrInvalidSettings, s.Tier)
	}
	defaultDec(&s.HighPrice, "3.00")
	defaultDec(&s.LowPrice, "0.75")
	defaultDec(&s.Tier1Percent, "0.05")
	defaultDec(&s.Tier2Percent, "0.10")
	defaultDec(&s.MidPercent, "0.20")
	defaultDec(&s.LowPercent, "0.75")
	defaultDec(&s.LowAmount, "0.15")
	defaultDec(&s.WidenFactor, "2")
	for _, f := range []struct {
		name string
		d    decimal.Decimal
	}{{"high price", s.HighPrice}, {"low price", s.LowPrice}, {"tier 1 percent", s.Tier1Percent},
		{"tier 2 percent", s.Tier2Percent}, {"mid percent", s.MidPercent}, {"low percent", s.LowPercent},
		{"low amount", s.LowAmount}, {"widen factor", s.WidenFactor}} {
		if err := num.CheckPositive(f.d); err != nil {
			return fmt.Errorf("%w: band: %s: %w", ErrInvalidSettings, f.name, err)
		}
	}
	if s.LowPrice.Cmp(s.HighPrice) >= 0 {
		return fmt.Errorf("%w: band: tier price levels not increasing: low %s ≥ high %s", ErrInvalidSettings, s.LowPrice, s.HighPrice)
	}
	if s.Tier2Percent.LessThan(s.Tier1Percent) {
		return fmt.Errorf("%w: band: tier 2 percent %s below tier 1 percent %s (tier 2 bands are the wider ones)", ErrInvalidSettings, s.Tier2Percent, s.Tier1Percent)
	}
	if s.WidenFactor.LessThan(decimal.NewFromInt(1)) {
		return fmt.Errorf("%w: band: widen factor %s < 1", ErrInvalidSettings, s.WidenFactor)
	}
	if s.PriceScale == 0 {
		s.PriceScale = 2
	}
	if s.PriceScale < -8 || s.PriceScale > 18 {
		return fmt.Errorf("%w: band: price scale %d outside -8..18", ErrInvalidSettings, s.PriceScale)
	}
	if s.SigFigs < 0 || s.SigFigs > 18 {
		return fmt.Errorf("%w: band: significant figures %d outside 0..18", ErrInvalidSettings, s.SigFigs)
	}
	if err := num.CheckNonNegative(s.FlatPercent); err != nil {
		return fmt.Errorf("%w: band: flat percent: %w", ErrInvalidSettings, err)
	}
	if s.FlatPercent.Cmp(decimal.NewFromInt(1)) >= 0 {
		return fmt.Errorf("%w: band: flat percent %s ≥ 100%%", ErrInvalidSettings, s.FlatPercent)
	}
	for i, w := range s.Widened {
		if w.Start < 0 || w.End <= w.Start || w.End > 24*time.Hour {
			return fmt.Errorf("%w: band: widened window %d [%s, %s) not within a day", ErrInvalidSettings, i, w.Start, w.End)
		}
		if i > 0 && w.Start < s.Widened[i-1].End {
			return fmt.Errorf("%w: band: widened windows not increasing and disjoint at %d", ErrInvalidSettings, i)
		}
	}
	s.Widened = append([]Window(nil), s.Widened...)
	if s.Location == nil {
		s.Location = time.UTC
	}
	return nil
}

// Band is a reference price and the prices a trade may print at.
type Band struct {
	Reference decimal.Decimal `json:"reference"` // on the price increment
	Lower     decimal.Decimal `json:"lower"`     // lowest allowed price (inclusive)
	Upper     decimal.Decimal `json:"upper"`     // highest allowed price (inclusive)
	Widened   bool            `json:"widened"`   // inside a widened window
}

// Contains reports whether Lower ≤ p ≤ Upper. A p outside num's bounds
// (an absurd exponent such as 1e-5000000, whose comparison would build a
// million-digit integer) is never contained: false at once.
func (b Band) Contains(p decimal.Decimal) bool {
	if num.Check(p) != nil || num.Check(b.Lower) != nil || num.Check(b.Upper) != nil {
		return false
	}
	return b.Lower.Cmp(p) <= 0 && p.Cmp(b.Upper) <= 0
}

// String renders "lower–upper (ref r)". A value outside num's bounds
// prints as "out-of-range" (formatting it could take minutes).
func (b Band) String() string {
	return fmt.Sprintf("%s–%s (ref %s)", decString(b.Lower), decString(b.Upper), decString(b.Reference))
}

// decString formats d, or "out-of-range" when d fails num.Check.
func decString(d decimal.Decimal) string {
	if num.Check(d) != nil {
		return "out-of-range"
	}
	return d.String()
}

// scaleFor returns the decimal places of the price increment at p:
// PriceScale, or with SigFigs the places that keep SigFigs significant
// figures, within [min(0, PriceScale), PriceScale]. p is positive and
// checked (num.Check), so the exponent arithmetic cannot overflow.
func (s *BandSettings) scaleFor(p decimal.Decimal) int32 {
	if s.SigFigs == 0 {
		return s.PriceScale
	}
	lead := p.Exponent() + int32(p.NumDigits()) - 1 // 10^lead ≤ p < 10^(lead+1)
	return max(min(s.SigFigs-1-lead, s.PriceScale), min(0, s.PriceScale))
}

// roundRef rounds a reference price half-even to the increment at its own
// level; ok is false when the result is below one increment (a price the
// band cannot express: refused, never lifted to one increment).
func (s *BandSettings) roundRef(p decimal.Decimal) (ref decimal.Decimal, ok bool) {
	sc := s.scaleFor(p)
	ref = p.RoundBank(sc)
	if sc2 := s.scaleFor(num.MaxOf(ref, p)); sc2 != sc && ref.Sign() > 0 {
		ref = p.RoundBank(sc2) // rounding carried into the next power of ten
	}
	return ref, ref.Sign() > 0 && ref.Cmp(decimal.New(1, -s.scaleFor(ref))) >= 0
}

// BandAmount returns the distance from the reference to each band edge
// (LULD Plan Appendix A):
//
//	ref > HighPrice:             TierPercent × ref
//	LowPrice ≤ ref ≤ HighPrice:  MidPercent × ref
//	ref < LowPrice:              min(LowAmount, LowPercent × ref)
//
// (FlatPercent × ref at every level when FlatPercent is set), times
// WidenFactor when widened. Exact (no rounding). It validates s (normalising
// a copy) and ref (> 0 and within num's bounds): an absurd or non-positive
// reference is ErrInvalidInput, never a 9,998-digit amount or zero.
func (s BandSettings) BandAmount(ref decimal.Decimal, widened bool) (decimal.Decimal, error) {
	if err := s.normalise(); err != nil {
		return decimal.Decimal{}, err
	}
	if err := num.CheckPositive(ref); err != nil {
		return decimal.Decimal{}, fmt.Errorf("%w: band: reference: %w", ErrInvalidInput, err)
	}
	return s.amount(ref, widened), nil
}

func (s *BandSettings) amount(ref decimal.Decimal, widened bool) decimal.Decimal {
	var amt decimal.Decimal
	switch {
	case s.FlatPercent.Sign() > 0:
		amt = s.FlatPercent.Mul(ref)
	case ref.Cmp(s.HighPrice) > 0:
		pct := s.Tier1Percent
		if s.Tier == Tier2 {
			pct = s.Tier2Percent
		}
		amt = pct.Mul(ref)
	case ref.Cmp(s.LowPrice) >= 0:
		amt = s.MidPercent.Mul(ref)
	default:
		amt = num.MinOf(s.LowAmount, s.LowPercent.Mul(ref))
	}
	if widened {
		amt = amt.Mul(s.WidenFactor)
	}
	return amt
}

// ComputeBand returns the band around ref: edges ref ∓ BandAmount rounded
// to the nearest price increment (ties away from zero: LULD Plan Appendix A
// as recalled, "rounded to the nearest penny"), the lower edge never below
// one increment.
// Because ref is itself on the increment, the band always contains ref.
// It validates s (normalising a copy) and ref (> 0, and not below one
// increment once rounded: a token at 0.00001234 with the default cent
// increment is refused, never referenced at 0.01; use CryptoBands).
func ComputeBand(s BandSettings, ref decimal.Decimal, widened bool) (Band, error) {
	if err := s.normalise(); err != nil {
		return Band{}, err
	}
	r, err := s.checkRef(ref)
	if err != nil {
		return Band{}, fmt.Errorf("%w: band: %w", ErrInvalidInput, err)
	}
	return s.band(r, widened), nil
}

// checkRef validates a host price that may become a reference and returns
// it rounded to the increment. The error carries no sentinel: the caller
// wraps it once in its own.
func (s *BandSettings) checkRef(p decimal.Decimal) (decimal.Decimal, error) {
	if err := num.CheckPositive(p); err != nil {
		return decimal.Decimal{}, fmt.Errorf("price: %w", err)
	}
	r, ok := s.roundRef(p)
	if !ok {
		return decimal.Decimal{}, fmt.Errorf("price %s is below one price increment (%s)", p, decimal.New(1, -s.scaleFor(p)))
	}
	return r, nil
}

// band computes the band around ref, which is on its increment (roundRef).
func (s *BandSettings) band(ref decimal.Decimal, widened bool) Band {
	return s.bandAmt(ref, s.amount(ref, widened), widened)
}

// bandAmt is the band ref ∓ amt, edges rounded to the nearest increment,
// the lower edge at least one increment (ref is on its increment).
func (s *BandSettings) bandAmt(ref, amt decimal.Decimal, widened bool) Band {
	sc := s.scaleFor(ref)
	tick := decimal.New(1, -sc)
	lo := num.MaxOf(ref.Sub(amt).Round(sc), tick)
	hi := ref.Add(amt).Round(sc)
	return Band{Reference: ref, Lower: num.MinOf(lo, ref), Upper: num.MaxOf(hi, ref), Widened: widened}
}

// widenedAt reports whether now is inside a widened window, and the next
// time at which that answer can change.
func (s *BandSettings) widenedAt(now time.Time) (bool, time.Time) {
	if len(s.Widened) == 0 {
		return false, time.Time{}
	}
	l := now.In(s.Location)
	y, m, d := l.Date()
	day := time.Date(y, m, d, 0, 0, 0, 0, s.Location)
	for _, w := range s.Widened {
		st, en := day.Add(w.Start), day.Add(w.End)
		if now.Before(st) {
			return false, st
		}
		if now.Before(en) {
			return true, en
		}
	}
	next := time.Date(y, m, d+1, 0, 0, 0, 0, s.Location).Add(s.Widened[0].Start)
	return false, next
}
