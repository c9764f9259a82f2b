package oracle

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/fixed"
	"github.com/failsafe-fi/failsafe/internal/num"
)

// Averaging names how the premium samples of one funding interval are
// combined into the premium P of the rate.
type Averaging int

// Averagings.
const (
	// AverageWeighted: Binance's time-weighted average, sample i (oldest
	// first, i = 1..n) weighing i: P = Σ i·pᵢ / Σ i ("Introduction to
	// Binance Futures Funding Rates": Average Premium Index (P) =
	// (1×Premium_Index_1 + 2×Premium_Index_2 + … + n×Premium_Index_n) /
	// (1+2+…+n)). Default.
	AverageWeighted Averaging = iota
	// AverageMean: the plain mean (dYdX v4 MaybeProcessNewFundingTickEpoch:
	// lib.AvgInt32 of the samples after padding and tail removal).
	AverageMean
)

// FundingFormula names how the rate is made from the premium P and the
// interest I.
type FundingFormula int

// Funding formulas.
const (
	// FormulaDampened: Binance's F = P + clamp(I − P, −d, +d), d the
	// Dampener (0.05%): when P lies within d of I the rate is exactly I.
	// Default.
	FormulaDampened FundingFormula = iota
	// FormulaAdditive: dYdX v4's F = P + I, I its DefaultFundingPpm
	// ("funding rate = premium + default funding").
	FormulaAdditive
)

// DefaultFundingScale is the places a funding rate is rounded to when
// FundingSettings leave Scale at zero: 8, as Binance publishes rates
// (0.0100% is 0.00010000).
const DefaultFundingScale = 8

// DefaultMaxSamples is the most premium samples one interval holds by
// default: 5,760, Binance's one sample every 5 s for 8 hours.
const DefaultMaxSamples = 5760

// FundingSettings configure a funding rate. Presets: BinanceFunding and
// DYDXFunding.
type FundingSettings struct {
	// Market names the market: the Subject of every event.
	Market string `json:"market"`
	// Interval is how often funding is paid. Default 8 h (Binance; dYdX v4
	// pays every hour: its funding-tick epoch).
	Interval time.Duration `json:"interval"`
	// RatePeriod is the period the rate F is quoted for; what a position
	// pays at each funding time is F × Interval / RatePeriod (FundingRate.Paid),
	// exactly. Default Interval; at least Interval, so |Paid| ≤ |Rate| ≤ Cap;
	// Interval / RatePeriod must be a terminating decimal (1/8, 1/2, 3/8;
	// not 1/3) of at most 36 − Scale places.
	// dYdX v4 quotes an 8-hour rate and pays it hourly
	// (funding.GetFundingIndexDelta: × time / (60×60×8)); Binance's
	// formula since September 2025 is F / (8/N) for an N-hour interval.
	RatePeriod time.Duration `json:"rate_period"`
	// Averaging combines the samples. Default AverageWeighted (Binance).
	Averaging Averaging `json:"averaging"`
	// MinSamples pads an interval with zero premiums up to this count, as
	// the oldest samples (dYdX v4 processStoredPremiums pads to
	// max(NumPremiums, funding-tick / funding-sample) = 60 an hour, so a
	// market with few samples gets a premium near zero). Default 0: no
	// padding, and an interval with no sample has no rate (ErrNoPrice).
	// Padding is to max(samples, MinSamples), so the host must Sample
	// every premium it observes, zeros included: a dropped zero shifts the
	// average whenever the interval holds more than MinSamples.
	MinSamples int `json:"min_samples"`
	// MaxSamples is the most samples one interval holds; a further sample
	// is refused (ErrInvalidInput), so a host sampling too often learns it
	// at once. Default DefaultMaxSamples (5,760); at most MaxQuotes.
	MaxSamples int `json:"max_samples"`
	// Interest is I, per RatePeriod: Binance's 0.01% per 8 hours
	// (0.0001; 0 for some contracts), dYdX's DefaultFundingPpm. At most
	// Scale places. Default 0.
	Interest decimal.Decimal `json:"interest"`
	// Dampener is d of FormulaDampened: Binance's ±0.05% (0.0005).
	// Default 0.0005; must be positive, at most Scale places. Unused by
	// FormulaAdditive.
	Dampener decimal.Decimal `json:"dampener"`
	// Formula makes F from P and I. Default FormulaDampened (Binance).
	Formula FundingFormula `json:"formula"`
	// Cap bounds the rate: −Cap ≤ F ≤ Cap. Required, positive, at most
	// MaxFundingCap, and Cap × Interval / RatePeriod at most
	// MaxFundingPaid (1, margin.FundingPayments' bound); cut toward zero
	// to Scale places. See
	// BinanceFundingCap (0.75 × maintenance margin ratio) and FundingCap
	// (dYdX: 600% × (initial − maintenance margin fraction)). It bounds
	// Rate, the rate per RatePeriod (dYdX caps its 8-hour rate); Paid
	// scales the capped rate.
	Cap decimal.Decimal `json:"cap"`
	// Scale is the places P and F are rounded to (Paid is exact: Rate's
	// places plus those of Interval / RatePeriod). Default
	// DefaultFundingScale (8); at most 36.
	Scale int32 `json:"scale"`
	// Rounding of P and F. Default RoundHalfEven (funding moves
	// between traders, so neither side is favoured; dYdX: RoundTowardZero).
	Rounding Rounding `json:"rounding"`
}

const defaultFundingInterval = 8 * time.Hour

var defaultDampener = decimal.New(5, -4)

// withDefaults validates s and fills its defaults. The error carries no
// sentinel.
func (s FundingSettings) withDefaults() (FundingSettings, error) {
	if s.Interval < 0 || s.RatePeriod < 0 {
		return s, fmt.Errorf("funding Interval and RatePeriod must not be negative")
	}
	if s.Interval == 0 {
		s.Interval = defaultFundingInterval
	}
	if s.RatePeriod == 0 {
		s.RatePeriod = s.Interval
	}
	if s.Interval > s.RatePeriod {
		// Paid = Rate × Interval / RatePeriod must stay within the cap.
		return s, fmt.Errorf("funding Interval %s must not exceed RatePeriod %s", s.Interval, s.RatePeriod)
	}
	if s.Averaging != AverageWeighted && s.Averaging != AverageMean {
		return s, fmt.Errorf("unknown funding averaging %d", int(s.Averaging))
	}
	if s.Formula != FormulaDampened && s.Formula != FormulaAdditive {
		return s, fmt.Errorf("unknown funding formula %d", int(s.Formula))
	}
	if err := s.Rounding.check(); err != nil {
		return s, err
	}
	if s.MaxSamples < 0 || s.MaxSamples > MaxQuotes {
		return s, fmt.Errorf("funding MaxSamples must lie in [0, %d], got %d", MaxQuotes, s.MaxSamples)
	}
	if s.MaxSamples == 0 {
		s.MaxSamples = DefaultMaxSamples
	}
	if s.MinSamples < 0 || s.MinSamples > s.MaxSamples {
		return s, fmt.Errorf("funding MinSamples must lie in [0, MaxSamples %d], got %d", s.MaxSamples, s.MinSamples)
	}
	if s.Scale == 0 {
		s.Scale = DefaultFundingScale
	}
	if err := scaleProblem(s.Scale); err != nil {
		return s, fmt.Errorf("funding %w", err)
	}
	if _, _, places, ok := paidRatio(s.Interval, s.RatePeriod); !ok || s.Scale+places > num.MaxScale {
		// Paid = Rate × Interval / RatePeriod is exact: the ratio must end
		// (its reduced denominator 2^a·5^b) within num's places.
		return s, fmt.Errorf("funding Interval %s / RatePeriod %s is not a decimal of at most %d places beyond Scale %d, so Paid could not be exact",
			s.Interval, s.RatePeriod, num.MaxScale-s.Scale, s.Scale)
	}
	if s.Dampener.IsZero() {
		s.Dampener = defaultDampener
	}
	for _, f := range []struct {
		name     string
		v        decimal.Decimal
		positive bool
	}{{"Interest", s.Interest, false}, {"Dampener", s.Dampener, true}, {"Cap", s.Cap, true}} {
		check := num.Check
		if f.positive {
			check = num.CheckPositive
		}
		if err := check(f.v); err != nil {
			if f.name == "Cap" && f.v.IsZero() {
				return s, fmt.Errorf("funding Cap is required (see BinanceFundingCap, FundingCap): a zero cap would pin every rate at 0")
			}
			return s, fmt.Errorf("funding %s: %w", f.name, err)
		}
		// By value, not exponent: 0.000100000 has 4 places, not 9.
		if f.name != "Cap" && !f.v.Equal(f.v.Truncate(s.Scale)) {
			return s, fmt.Errorf("funding %s %s has more than Scale %d places", f.name, f.v, s.Scale)
		}
	}
	if s.Interest.Abs().Cmp(one) >= 0 {
		return s, fmt.Errorf("funding Interest must be below 1 in magnitude, got %s", s.Interest)
	}
	if s.Cap.Cmp(decimal.NewFromInt(MaxFundingCap)) > 0 {
		return s, fmt.Errorf("funding Cap must be at most %d, got %s", MaxFundingCap, s.Cap)
	}
	// Cap × Interval > MaxFundingPaid × RatePeriod, exactly, without dividing.
	if s.Cap.Mul(decimal.NewFromInt(int64(s.Interval))).Cmp(decimal.NewFromInt(MaxFundingPaid).Mul(decimal.NewFromInt(int64(s.RatePeriod)))) > 0 {
		return s, fmt.Errorf("funding Cap %s × Interval %s / RatePeriod %s pays more than %d at one funding time (margin.FundingPayments refuses |rate| > 1)",
			s.Cap, s.Interval, s.RatePeriod, MaxFundingPaid)
	}
	// A cap finer than Scale is cut toward zero, so a rate rounded to
	// Scale and clamped to it still has Scale places and stays within it.
	if s.Cap = s.Cap.Truncate(s.Scale); s.Cap.IsZero() {
		return s, fmt.Errorf("funding Cap rounds to 0 at Scale %d places", s.Scale)
	}
	return s, nil
}

// MaxFundingCap bounds FundingSettings.Cap, the rate per RatePeriod: a
// rate of 10 (1,000% per period) is far beyond any venue's cap. It stays
// above 1 because a rate per RatePeriod may exceed 100%: dYdX caps its
// 8-hour rate at 600% × (initial − maintenance), 150% in its keeper tests
// (1,500,000 ppm), and its funding-index test pays an 8-hour rate of
// 100.1999% for one hour. What is paid at one funding time is bounded
// separately, by MaxFundingPaid.
const MaxFundingCap = 10

// MaxFundingPaid bounds Cap × Interval / RatePeriod, the most a position
// pays at one funding time (FundingRate.Paid): 1 (100% of the notional),
// margin.FundingPayments' bound on the rate it settles (|rate| ≤ 1), so
// every rate a Funding settles is one margin accepts.
const MaxFundingPaid = 1

// FundingCap is dYdX v4's funding-rate cap from a liquidity tier's margin
// fractions, factor × (initial − maintenance)
// (LiquidityTier.GetMaxAbsFundingClampPpm: |R| ≤ clamp factor × (initial
// margin − maintenance margin), factor 600%,
// DefaultFundingRateClampFactorPpm; maintenance = initial × maintenance
// fraction). Its test: 600%, 15% initial, 80% fraction gives 18%. For
// Binance's cap use BinanceFundingCap.
//
// The product is exact. factor must be positive, initial > maintenance ≥ 0
// (dYdX's tier with equal fractions has a zero cap, which pins every rate
// at 0: refused here rather than accepted silently).
func FundingCap(factor, initial, maintenance decimal.Decimal) (decimal.Decimal, error) {
	if err := num.CheckPositive(factor); err != nil {
		return decimal.Zero, fmt.Errorf("%w: funding cap factor: %w", ErrInvalidInput, err)
	}
	if err := num.CheckNonNegative(initial); err != nil {
		return decimal.Zero, fmt.Errorf("%w: initial margin: %w", ErrInvalidInput, err)
	}
	if err := num.CheckNonNegative(maintenance); err != nil {
		return decimal.Zero, fmt.Errorf("%w: maintenance margin: %w", ErrInvalidInput, err)
	}
	if initial.Cmp(maintenance) <= 0 {
		return decimal.Zero, fmt.Errorf("%w: initial margin %s must exceed maintenance margin %s", ErrInvalidInput, initial, maintenance)
	}
	c := factor.Mul(initial.Sub(maintenance))
	if err := num.Check(c); err != nil {
		return decimal.Zero, fmt.Errorf("%w: funding cap: %w", ErrInvalidInput, err)
	}
	return c, nil
}

// FundingRate is one interval's rate and how it was made.
type FundingRate struct {
	// Time is the funding time (the now of Settle or Estimate; zero from
	// ComputeFunding).
	Time time.Time `json:"time"`
	// Samples is the number of premiums averaged, padding included.
	Samples int `json:"samples"`
	// Premium is P, the average premium, rounded to Scale.
	Premium decimal.Decimal `json:"premium"`
	// Uncapped is F before the cap, rounded to Scale.
	Uncapped decimal.Decimal `json:"uncapped"`
	// Rate is F after the cap, per RatePeriod: −Cap ≤ Rate ≤ Cap.
	Rate decimal.Decimal `json:"rate"`
	// Capped reports whether the cap bound (Rate ≠ Uncapped).
	Capped bool `json:"capped,omitempty"`
	// Paid is the rate applied at this funding time:
	// Rate × Interval / RatePeriod, exact — not rounded to Scale (dYdX's
	// 13 ppm per 8 hours pays 1.625 ppm an hour; the payment, e.g.
	// margin.FundingPayments, rounds). Equal to Rate when RatePeriod =
	// Interval. A long pays Paid × its notional, a short receives it
	// (negative: the other way).
	Paid decimal.Decimal `json:"paid"`
}

// ComputeFunding is the funding rate of one interval's premium samples,
// oldest first, under s (validated on every call):
//
//	P = average (s.Averaging) of the samples, padded with zeros to
//	    MinSamples, rounded to Scale
//	F = P + clamp(I − P, −d, +d)   (FormulaDampened, Binance)
//	F = P + I                      (FormulaAdditive, dYdX v4)
//	Rate = clamp(round(F), −Cap, +Cap)
//	Paid = Rate × Interval / RatePeriod   (exact)
//
// Each rounding is s.Rounding at s.Scale. Because I and d carry at most
// Scale places, a P within d of I gives exactly Rate = I (when I is within
// the cap). No samples and no padding is ErrNoPrice; a bad sample or
// setting is ErrInvalidInput or ErrInvalidSettings.
func ComputeFunding(s FundingSettings, premiums []decimal.Decimal) (FundingRate, error) {
	s, err := s.withDefaults()
	if err != nil {
		return FundingRate{}, fmt.Errorf("%w: market %q: %w", ErrInvalidSettings, s.Market, err)
	}
	if len(premiums) > s.MaxSamples {
		return FundingRate{}, fmt.Errorf("%w: %d premium samples, more than MaxSamples %d", ErrInvalidInput, len(premiums), s.MaxSamples)
	}
	for i, p := range premiums {
		if err := checkPremium(p); err != nil {
			return FundingRate{}, fmt.Errorf("%w: premium at index %d: %w", ErrInvalidInput, i, err)
		}
	}
	return computeFunding(&s, premiums)
}

// checkPremium bounds a premium sample: in num's range and within
// [−1, MaxFundingCap]. Below −1 is impossible: [max(0, bid − I) −
// max(0, I − ask)] / I ≥ −1 for any ask ≥ 0 (−1 is an impact ask of
// zero). Above, a premium of 10 is an impact bid 11 times the index,
// beyond any book that makes sense. The error carries no sentinel.
func checkPremium(p decimal.Decimal) error {
	if err := num.Check(p); err != nil {
		return err
	}
	if p.Cmp(maxPremium) > 0 || p.Cmp(minPremium) < 0 {
		return fmt.Errorf("%s outside [-1, %d]", p, MaxFundingCap)
	}
	return nil
}

// checkRateValue bounds a restored rate (Uncapped, Rate, Paid): in num's
// range and at most MaxFundingCap + 1 in magnitude (P in [−1, 10] plus
// |I| < 1). The error carries no sentinel.
func checkRateValue(v decimal.Decimal) error {
	if err := num.Check(v); err != nil {
		return err
	}
	if v.Abs().Cmp(maxRateValue) > 0 {
		return fmt.Errorf("magnitude %s above %d", v, MaxFundingCap+1)
	}
	return nil
}

var (
	maxPremium, minPremium = decimal.NewFromInt(MaxFundingCap), decimal.NewFromInt(-1)
	maxRateValue           = decimal.NewFromInt(MaxFundingCap + 1)
)

// computeFunding is ComputeFunding on validated settings and samples.
func computeFunding(s *FundingSettings, premiums []decimal.Decimal) (FundingRate, error) {
	pad := max(s.MinSamples-len(premiums), 0)
	n := pad + len(premiums)
	if n == 0 {
		return FundingRate{}, fmt.Errorf("%w: market %q: no premium samples in the interval", ErrNoPrice, s.Market)
	}
	r := s.Rounding.mode()
	weighted := s.Averaging != AverageMean
	weights := decimal.NewFromInt(int64(n))
	if weighted {
		weights = decimal.NewFromInt(int64(n) * int64(n+1) / 2)
	}
	sum, ok := premiumSumFixed(premiums, pad, weighted)
	if !ok {
		sum = premiumSum(premiums, pad, weighted)
	}
	out := FundingRate{Samples: n, Premium: num.Div(sum, weights, s.Scale, r)}
	f := out.Premium.Add(s.Interest)
	if s.Formula == FormulaDampened {
		f = out.Premium.Add(clamp(s.Interest.Sub(out.Premium), s.Dampener.Neg(), s.Dampener))
	}
	out.Uncapped = num.Round(f, s.Scale, r)
	out.Rate = clamp(out.Uncapped, s.Cap.Neg(), s.Cap)
	out.Capped = !out.Rate.Equal(out.Uncapped)
	out.Paid = fundingPaid(out.Rate, s.Scale, s.Interval, s.RatePeriod)
	return out, nil
}

// fundingPaid is Rate × interval / period, exact: dYdX divides rate ×
// time × price once (funding.GetFundingIndexDelta: Quo by 60×60×8) and
// never rounds the hourly rate, so the payment (margin.FundingPayments)
// is where rounding happens. rate has at most scale places and the
// settings were validated: the ratio ends (paidRatio ok) and scale plus
// its places is at most num.MaxScale.
func fundingPaid(rate decimal.Decimal, scale int32, interval, period time.Duration) decimal.Decimal {
	n, den, places, _ := paidRatio(interval, period)
	if n == den {
		return rate
	}
	// rate × n / den with den | 10^places: no remainder at scale + places,
	// so the rounding direction never applies.
	return num.Div(rate.Mul(decimal.NewFromInt(n)), decimal.NewFromInt(den), scale+places, num.Floor)
}

// paidRatio reduces interval/period to n/den and reports the decimal
// places the ratio needs; ok is false when it does not end (den has a
// prime factor other than 2 and 5) or a duration is not positive.
func paidRatio(interval, period time.Duration) (n, den int64, places int32, ok bool) {
	if interval <= 0 || period <= 0 {
		return 0, 0, 0, false
	}
	a, b := int64(interval), int64(period)
	for b != 0 {
		a, b = b, a%b
	}
	n, den = int64(interval)/a, int64(period)/a
	twos, fives := int32(0), int32(0)
	for r := den; r%2 == 0; r /= 2 {
		twos++
	}
	for r := den; r%5 == 0; r /= 5 {
		fives++
	}
	rest := den
	for range twos {
		rest /= 2
	}
	for range fives {
		rest /= 5
	}
	return n, den, max(twos, fives), rest == 1
}

// premiumSum is Σ wₖ·pₖ in decimal: wₖ = 1 for the mean; for the
// weighted average padding zeros are the oldest samples (weights 1..pad,
// adding nothing) and premiums[k] weighs pad+k+1.
func premiumSum(premiums []decimal.Decimal, pad int, weighted bool) decimal.Decimal {
	sum := decimal.Zero
	for k, p := range premiums {
		if weighted {
			p = p.Mul(decimal.NewFromInt(int64(pad + k + 1)))
		}
		sum = sum.Add(p)
	}
	return sum
}

// premiumSumFixed is premiumSum in the fixed-point kernel (samples of at
// most 18 digits at a shared exponent, no allocation); ok is false on
// any overflow, and the caller then takes the exact decimal path.
func premiumSumFixed(premiums []decimal.Decimal, pad int, weighted bool) (decimal.Decimal, bool) {
	var acc fixed.Num
	for k, p := range premiums {
		x, ok := fixed.FromDecimal(p)
		if !ok {
			return decimal.Zero, false
		}
		if weighted {
			if x, ok = fixed.Mul(x, fixed.Num{M: int64(pad + k + 1)}); !ok {
				return decimal.Zero, false
			}
		}
		if acc, ok = fixed.Add(acc, x); !ok {
			return decimal.Zero, false
		}
	}
	return acc.Decimal(), true
}

// BinanceFundingCap is Binance's cap and floor: ±multiplier × the
// maintenance margin ratio ("Floor = −0.75 × Maintenance Margin Ratio,
// Cap = 0.75 × Maintenance Margin Ratio, Capped Funding Rate =
// clamp(Funding Rate, Floor, Cap)" for the listed majors; the multiplier
// is per contract, raised from 0.75 to 1 for DODOBUSD on 2023-08-08;
// other USDⓈ-M perpetuals are capped at ±2%). The funding page's example,
// ADAUSDT at 75x with maintenance margin ratio 0.65%, gives ±0.4875%
// ("Introduction to Binance Futures Funding Rates",
// https://www.binance.com/en/support/faq/360033525031). Exact; both
// arguments must be positive.
func BinanceFundingCap(multiplier, maintenance decimal.Decimal) (decimal.Decimal, error) {
	if err := num.CheckPositive(multiplier); err != nil {
		return decimal.Zero, fmt.Errorf("%w: funding cap multiplier: %w", ErrInvalidInput, err)
	}
	if err := num.CheckPositive(maintenance); err != nil {
		return decimal.Zero, fmt.Errorf("%w: maintenance margin ratio: %w", ErrInvalidInput, err)
	}
	c := multiplier.Mul(maintenance)
	if err := num.Check(c); err != nil {
		return decimal.Zero, fmt.Errorf("%w: funding cap: %w", ErrInvalidInput, err)
	}
	return c, nil
}

// BinanceFunding returns Binance USDⓈ-M perpetual settings: 8-hour
// interval, weighted average of up to 5,760 samples (every 5 s), interest
// 0.01% per 8 hours, dampener ±0.05%, rates to 8 places half-even, and the
// given cap (BinanceFundingCap, or 0.02 for contracts capped at ±2%).
func BinanceFunding(market string, cap decimal.Decimal) FundingSettings {
	return FundingSettings{
		Market: market, Interval: 8 * time.Hour, Averaging: AverageWeighted,
		MaxSamples: DefaultMaxSamples, Interest: decimal.New(1, -4), Dampener: defaultDampener,
		Formula: FormulaDampened, Cap: cap, Scale: DefaultFundingScale, Rounding: RoundHalfEven,
	}
}
