package oracle

import (
	"fmt"
	"slices"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
)

// DYDXFunding returns dYdX v4 settings: an 8-hour rate paid every hour,
// the mean of the hour's one-minute samples padded with zeros to 60
// (funding-tick 3600 s / funding-sample 60 s), F = P + defaultFunding,
// capped at 600% × (initial − maintenance margin fraction) of the
// market's liquidity tier (pass FundingCap(6, imf, mmf)), in parts per
// million rounded toward zero.
func DYDXFunding(market string, defaultFunding, cap decimal.Decimal) FundingSettings {
	return FundingSettings{
		Market: market, Interval: time.Hour, RatePeriod: 8 * time.Hour, Averaging: AverageMean,
		MinSamples: 60, MaxSamples: 3600, Interest: defaultFunding, Formula: FormulaAdditive,
		Cap: cap, Scale: dydxScale, Rounding: RoundTowardZero,
	}
}

// DYDXMinVotesPerSample is dYdX v4's default MinNumVotesPerSample (15):
// the premium votes of one sample are padded with zeros up to it.
const DYDXMinVotesPerSample = 15

// DYDXPremiumVoteClampFactor is dYdX v4's DefaultPremiumVoteClampFactorPpm
// (60,000,000 ppm: 6,000%), the factor of DYDXPremiumVoteBound.
const DYDXPremiumVoteClampFactor = 60

// DYDXPremiumVoteBound is the largest |premium vote| dYdX v4 accepts for a
// market of a liquidity tier: DYDXPremiumVoteClampFactor × (initial −
// maintenance margin fraction) (keeper.getLiquidityTiertoMaxAbsPremiumVotePpm;
// keeper.PerformStatefulPremiumVotesValidation refuses a larger vote with
// ErrPremiumVoteNotClamped). Its test's tiers: (100%, 75%) gives 15,
// (20%, 10%) gives 6, (100%, 100%) gives 0 (only zero votes). Exact;
// initial ≥ maintenance ≥ 0 (maintenance = initial × maintenance
// fraction, as for FundingCap).
func DYDXPremiumVoteBound(initial, maintenance decimal.Decimal) (decimal.Decimal, error) {
	if err := num.CheckNonNegative(initial); err != nil {
		return decimal.Zero, fmt.Errorf("%w: initial margin: %w", ErrInvalidInput, err)
	}
	if err := num.CheckNonNegative(maintenance); err != nil {
		return decimal.Zero, fmt.Errorf("%w: maintenance margin: %w", ErrInvalidInput, err)
	}
	if initial.Cmp(maintenance) < 0 {
		return decimal.Zero, fmt.Errorf("%w: initial margin %s below maintenance margin %s", ErrInvalidInput, initial, maintenance)
	}
	b := decimal.NewFromInt(DYDXPremiumVoteClampFactor).Mul(initial.Sub(maintenance))
	if err := num.Check(b); err != nil {
		return decimal.Zero, fmt.Errorf("%w: premium vote bound: %w", ErrInvalidInput, err)
	}
	return b, nil
}

// DYDXPremiumSample is one dYdX v4 premium sample from the block
// proposers' premium votes of a funding-sample epoch
// (keeper.processPremiumVotesIntoSamples): the votes padded with zeros to
// minVotes (DYDXMinVotesPerSample), then their median (lib.Median): the
// middle vote for an odd count, for an even count the mean of the middle
// two rounded half away from zero to a millionth (dYdX's ppm: (5 + 12)/2 =
// 8.5 gives 9, (−12 − 5)/2 = −8.5 gives −9, (−9 + 0)/2 gives −5).
//
// Votes are fractions (0.000012 is 12 ppm) in whole ppm, as dYdX's int32
// PremiumPpm: a vote finer than 6 places is refused (ErrInvalidInput), as
// is one beyond maxAbsVote in magnitude (dYdX's ErrPremiumVoteNotClamped;
// pass DYDXPremiumVoteBound of the market's tier) or outside [−1, 10]
// (Funding.Sample's range: dYdX's bound alone admits a vote of −6 under a
// 600% tier, but no book gives a premium below −1). maxAbsVote must be
// ≥ 0. No vote and no padding is ErrNoPrice.
//
// Pass every vote cast for the market, zeros included: padding is to
// max(len(votes), minVotes), as dYdX's, so a host that drops zero votes
// from a sample of more than minVotes shifts the median.
func DYDXPremiumSample(votes []decimal.Decimal, minVotes int, maxAbsVote decimal.Decimal) (decimal.Decimal, error) {
	if len(votes) > MaxQuotes || minVotes < 0 || minVotes > MaxQuotes {
		return decimal.Zero, fmt.Errorf("%w: %d premium votes padded to %d: each must lie in [0, %d]", ErrInvalidInput, len(votes), minVotes, MaxQuotes)
	}
	if err := num.CheckNonNegative(maxAbsVote); err != nil {
		return decimal.Zero, fmt.Errorf("%w: premium vote bound: %w", ErrInvalidInput, err)
	}
	for i, v := range votes {
		if err := checkPremium(v); err != nil {
			return decimal.Zero, fmt.Errorf("%w: premium vote at index %d: %w", ErrInvalidInput, i, err)
		}
		if !v.Equal(v.Truncate(dydxScale)) {
			return decimal.Zero, fmt.Errorf("%w: premium vote at index %d: %s is finer than a ppm (%d places)", ErrInvalidInput, i, v, dydxScale)
		}
		if v.Abs().Cmp(maxAbsVote) > 0 {
			return decimal.Zero, fmt.Errorf("%w: premium vote at index %d: %s beyond ±%s (dYdX ErrPremiumVoteNotClamped)", ErrInvalidInput, i, v, maxAbsVote)
		}
	}
	n := max(len(votes), minVotes)
	if n == 0 {
		return decimal.Zero, fmt.Errorf("%w: no premium votes", ErrNoPrice)
	}
	padded := make([]decimal.Decimal, n)
	copy(padded, votes)
	for i := len(votes); i < n; i++ {
		padded[i] = decimal.Zero
	}
	slices.SortFunc(padded, decimal.Decimal.Cmp)
	if n%2 == 1 {
		return padded[n/2], nil
	}
	m := padded[n/2-1].Add(padded[n/2]).Mul(half)
	away := num.Ceil
	if m.Sign() < 0 {
		away = num.Floor
	}
	return num.Round(m, dydxScale, away), nil
}

// dydxScale is dYdX's parts-per-million: 6 places.
const dydxScale = 6
