package oracle

import (
	"fmt"
	"math/big"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
)

// Vote is one validator's exchange-rate vote in a Terra/Ojo x/oracle
// ballot (VoteForTally: ExchangeRate, Voter, Power).
type Vote struct {
	Voter string          `json:"voter"`
	Rate  decimal.Decimal `json:"rate"`
	// Power is the voter's voting power, ≥ 0 (0: counted in the standard
	// deviation and the band, as Terra does, but with no weight).
	Power int64 `json:"power"`
}

// BallotResult is a tallied ballot.
type BallotResult struct {
	// WeightedMedian is the first rate, in ascending order, at which the
	// running power reaches half the total (Terra classic-core
	// x/oracle/types/ballot.go WeightedMedian: pivot >= totalPower/2, with
	// Go's integer division).
	WeightedMedian decimal.Decimal `json:"weightedMedian"`
	// StandardDeviation is √(Σ (rate − median)² / n) over every vote
	// (ballot.go StandardDeviation: unweighted, around the weighted median),
	// computed exactly and rounded half-even to the tally's scale (Terra
	// goes through float64 and prints six places; the worked examples
	// agree at scale 6).
	StandardDeviation decimal.Decimal `json:"standardDeviation"`
	// RewardSpread is max(StandardDeviation, WeightedMedian × RewardBand / 2)
	// (x/oracle tally.go Tally: rewardSpread).
	RewardSpread decimal.Decimal `json:"rewardSpread"`
	// Winners are the voters whose rate lies in [median − spread, median +
	// spread], inclusive (tally.go: GTE and LTE), sorted by name. Membership
	// is decided exactly against the unrounded deviation.
	Winners []string `json:"winners"`
	// WinPower is the winners' total power.
	WinPower int64 `json:"winPower"`
}

// MaxBallotPower bounds the total power of a ballot (so sums never
// overflow): 2^62.
const MaxBallotPower = int64(1) << 62

// TallyBallot tallies a ballot as Terra's and Ojo's x/oracle Tally do:
// weighted median, standard deviation, reward spread and the voters inside
// the reward band. rewardBand lies in [0, 1] (Terra's RewardBand param,
// e.g. 0.02); scale (0 to 36) is where StandardDeviation and RewardSpread
// are rounded. Votes need distinct voters, positive rates, power ≥ 0 and
// a positive total power (Terra would return the first rate of an
// all-zero ballot; here it is ErrNoQuorum, never a price).
func TallyBallot(votes []Vote, rewardBand decimal.Decimal, scale int32) (BallotResult, error) {
	if scale < 0 || scale > num.MaxScale {
		return BallotResult{}, fmt.Errorf("%w: ballot scale %d outside [0, %d]", ErrInvalidInput, scale, num.MaxScale)
	}
	if err := num.CheckNonNegative(rewardBand); err != nil || rewardBand.GreaterThan(decimal.NewFromInt(1)) {
		return BallotResult{}, fmt.Errorf("%w: reward band must lie in [0, 1]", ErrInvalidInput)
	}
	if len(votes) == 0 || len(votes) > MaxQuotes {
		return BallotResult{}, fmt.Errorf("%w: %d votes, want 1 to %d", ErrNoQuorum, len(votes), MaxQuotes)
	}
	pb := slices.Clone(votes)
	var total int64
	for i, v := range pb {
		if v.Voter == "" {
			return BallotResult{}, fmt.Errorf("%w: vote %d has no voter", ErrInvalidInput, i)
		}
		if err := num.CheckPositive(v.Rate); err != nil {
			return BallotResult{}, fmt.Errorf("%w: voter %q rate: %w", ErrInvalidInput, v.Voter, err)
		}
		if v.Power < 0 || v.Power > MaxBallotPower-total {
			return BallotResult{}, fmt.Errorf("%w: voter %q power must be ≥ 0, total at most 2^62", ErrInvalidInput, v.Voter)
		}
		total += v.Power
	}
	slices.SortFunc(pb, func(a, b Vote) int { return strings.Compare(a.Voter, b.Voter) })
	for i := 1; i < len(pb); i++ {
		if pb[i].Voter == pb[i-1].Voter {
			return BallotResult{}, fmt.Errorf("%w: voter %q twice", ErrInvalidInput, pb[i].Voter)
		}
	}
	if total == 0 {
		return BallotResult{}, fmt.Errorf("%w: ballot has no voting power", ErrNoQuorum)
	}
	slices.SortStableFunc(pb, func(a, b Vote) int { return a.Rate.Cmp(b.Rate) })
	var median decimal.Decimal
	pivot := int64(0)
	for _, v := range pb {
		pivot += v.Power
		if pivot >= total/2 {
			median = v.Rate
			break
		}
	}
	// Σ (rate − median)², exact.
	sum := decimal.Zero
	for _, v := range pb {
		dv := v.Rate.Sub(median)
		sum = sum.Add(dv.Mul(dv))
	}
	n := int64(len(pb))
	sigma := sqrtMeanHalfEven(sum, n, scale)
	half := rewardBand.Mul(median).Mul(decimal.New(5, -1)) // median × band / 2, exact
	res := BallotResult{WeightedMedian: median, StandardDeviation: sigma}
	res.RewardSpread = num.Round(half, scale, num.HalfEven)
	if sigma.GreaterThan(res.RewardSpread) {
		res.RewardSpread = sigma
	}
	nd := decimal.NewFromInt(n)
	for _, v := range pb {
		dv := v.Rate.Sub(median).Abs()
		// |r − m| ≤ max(σ, m×band/2)  ⇔  |r − m| ≤ m×band/2  or  (r − m)² × n ≤ Σ.
		if dv.Cmp(half) <= 0 || dv.Mul(dv).Mul(nd).Cmp(sum) <= 0 {
			res.Winners = append(res.Winners, v.Voter)
			res.WinPower += v.Power
		}
	}
	slices.Sort(res.Winners)
	return res, nil
}

// sqrtMeanHalfEven returns √(sum / n) rounded half-even to scale places,
// exactly: s = ⌊√(sum×10^(2·scale)/n)⌋ in integers, then s+1 when
// 4×sum×10^(2·scale) > n×(2s+1)² (above the half), or on an exact half when
// s is odd.
func sqrtMeanHalfEven(sum decimal.Decimal, n int64, scale int32) decimal.Decimal {
	if sum.IsZero() {
		return decimal.Zero
	}
	// sum = c × 10^e; x = sum × 10^(2·scale) / n = c × 10^(e + 2·scale) / n.
	c, e := sum.Coefficient(), int64(sum.Exponent())+2*int64(scale)
	num10, den := new(big.Int).Set(c), big.NewInt(n)
	ae := e
	if ae < 0 {
		ae = -ae
	}
	p := new(big.Int).Exp(big.NewInt(10), big.NewInt(ae), nil) // |e| ≤ 4×36 + 2×36: small
	if e >= 0 {
		num10.Mul(num10, p)
	} else {
		den.Mul(den, p)
	}
	fl := new(big.Int).Quo(num10, den)
	s := new(big.Int).Sqrt(fl)
	// Compare 4·num10 with den·(2s+1)².
	l := new(big.Int).Lsh(num10, 2)
	t := new(big.Int).Lsh(s, 1)
	t.Add(t, big.NewInt(1))
	r := new(big.Int).Mul(t, t)
	r.Mul(r, den)
	switch l.Cmp(r) {
	case 1:
		s.Add(s, big.NewInt(1))
	case 0:
		if s.Bit(0) == 1 {
			s.Add(s, big.NewInt(1))
		}
	}
	return decimal.NewFromBigInt(s, -scale)
}
