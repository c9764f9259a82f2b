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

// DYDXPremiumSample is one dYdX v4 premium sample from the block
// proposers' premium votes of a funding-sample epoch
// (keeper.processPremiumVotesIntoSamples): the votes padded with zeros to
// minVotes (DYDXMinVotesPerSample), then their median (lib.Median): the
// middle vote for an odd count, for an even count the mean of the middle
// two rounded half away from zero to a millionth (dYdX's ppm: (5 + 12)/2 =
// 8.5 gives 9, (−12 − 5)/2 = −8.5 gives −9, (−9 + 0)/2 gives −5). Votes
// are fractions (0.000012 is 12 ppm), each within ±MaxFundingCap; no vote
// and no padding is ErrNoPrice.
func DYDXPremiumSample(votes []decimal.Decimal, minVotes int) (decimal.Decimal, error) {
	if len(votes) > MaxQuotes || minVotes < 0 || minVotes > MaxQuotes {
		return decimal.Zero, fmt.Errorf("%w: %d premium votes padded to %d: each must lie in [0, %d]", ErrInvalidInput, len(votes), minVotes, MaxQuotes)
	}
	for i, v := range votes {
		if err := checkPremium(v); err != nil {
			return decimal.Zero, fmt.Errorf("%w: premium vote at index %d: %w", ErrInvalidInput, i, err)
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
