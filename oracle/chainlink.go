package oracle

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
)

// Chainlink consumer semantics (issue 16 item 4): what a consumer of a
// Chainlink feed must check before using a round, when the feed owes a new
// round, and the L2 sequencer-uptime gate. Pure functions; the stateful
// gate with events and snapshots is Sequencer (sequencer.go).

// RoundID is a Chainlink proxy round ID: (phaseId << 64) | aggregatorRoundId,
// an 80-bit number (AggregatorProxy.sol, uint80 roundId). Compare with Cmp.
type RoundID struct {
	Phase uint16 `json:"phase"`
	Round uint64 `json:"round"`
}

// Cmp compares two round IDs as the 80-bit numbers they encode.
func (a RoundID) Cmp(b RoundID) int {
	switch {
	case a.Phase != b.Phase:
		if a.Phase < b.Phase {
			return -1
		}
		return 1
	case a.Round != b.Round:
		if a.Round < b.Round {
			return -1
		}
		return 1
	}
	return 0
}

// Round is what AggregatorV3Interface.latestRoundData returns, with the
// answer already scaled by the feed's decimals (decimal.New(answer,
// −decimals)) and the Unix timestamps as times.
type Round struct {
	RoundID         RoundID         `json:"roundId"`
	Answer          decimal.Decimal `json:"answer"`
	StartedAt       time.Time       `json:"startedAt"`
	UpdatedAt       time.Time       `json:"updatedAt"`
	AnsweredInRound RoundID         `json:"answeredInRound"`
}

// RoundSettings are a consumer's checks on a round.
type RoundSettings struct {
	// MaxAge: the round is stale when now − UpdatedAt > MaxAge (Liquity
	// PriceFeed._chainlinkIsFrozen: block.timestamp − timestamp > TIMEOUT).
	// Required, > 0; set it a little above the feed's heartbeat.
	MaxAge time.Duration
	// MaxFutureSkew: a round updated after now + MaxFutureSkew is refused
	// (Liquity _badChainlinkResponse: timestamp > block.timestamp). Default 0.
	MaxFutureSkew time.Duration
}

// CheckRound returns the round's answer when a consumer may use it, the
// checks Chainlink's consumer guidance and Liquity's PriceFeed make:
//
//   - complete: UpdatedAt is set ("Round not complete": timeStamp != 0) and
//     AnsweredInRound ≥ RoundID ("Stale price": answeredInRound >= roundID),
//     else ErrIncompleteRound;
//   - answer > 0 and within num.Check's range (Liquity: answer <= 0 is a bad
//     response), else ErrInvalidQuote;
//   - not from the future (UpdatedAt ≤ now + MaxFutureSkew), else ErrInvalidQuote;
//   - fresh: now − UpdatedAt ≤ MaxAge, else ErrStale.
//
// now comes first, as everywhere in the library.
func CheckRound(now time.Time, s RoundSettings, r Round) (decimal.Decimal, error) {
	if s.MaxAge <= 0 || s.MaxFutureSkew < 0 {
		return decimal.Zero, fmt.Errorf("%w: round checks need MaxAge > 0 and MaxFutureSkew ≥ 0", ErrInvalidSettings)
	}
	if err := checkNow(now); err != nil {
		return decimal.Zero, err
	}
	if r.UpdatedAt.IsZero() || r.UpdatedAt.Unix() == 0 {
		return decimal.Zero, fmt.Errorf("%w: round %d/%d has updatedAt 0 (Chainlink: round not complete)", ErrIncompleteRound, r.RoundID.Phase, r.RoundID.Round)
	}
	if r.AnsweredInRound.Cmp(r.RoundID) < 0 {
		return decimal.Zero, fmt.Errorf("%w: answeredInRound %d/%d < roundId %d/%d (Chainlink: stale price)", ErrIncompleteRound,
			r.AnsweredInRound.Phase, r.AnsweredInRound.Round, r.RoundID.Phase, r.RoundID.Round)
	}
	if err := num.CheckPositive(r.Answer); err != nil {
		return decimal.Zero, fmt.Errorf("%w: round answer: %w", ErrInvalidQuote, err)
	}
	if !writable(r.UpdatedAt) || r.UpdatedAt.After(now.Add(s.MaxFutureSkew)) {
		return decimal.Zero, fmt.Errorf("%w: round updated at %s, after now + skew %s", ErrInvalidQuote, r.UpdatedAt.UTC().Format(time.RFC3339), s.MaxFutureSkew)
	}
	if age := now.Sub(r.UpdatedAt); age > s.MaxAge {
		return decimal.Zero, fmt.Errorf("%w: round updated %s ago, max age %s", ErrStale, age, s.MaxAge)
	}
	return r.Answer, nil
}

// UpdateRule is a push feed's update condition: a new round is due when the
// observed value deviates from the last answer by at least Deviation, or
// when Heartbeat has elapsed since the last update (Chainlink data feeds'
// "deviation threshold" and "heartbeat").
type UpdateRule struct {
	// Deviation is the threshold as a fraction (0.005 = 0.5%). Required, > 0,
	// at most 1e9 (libocr's thresholdPPB is a uint64 of parts per 1e9).
	Deviation decimal.Decimal
	// Heartbeat is the longest time between rounds. Required, > 0.
	Heartbeat time.Duration
}

// UpdateDue says why a new round is due, or "" when none is.
type UpdateDue string

// The reasons UpdateRule.Due gives.
const (
	DueNone      UpdateDue = ""
	DueFirst     UpdateDue = "first"     // no round yet (libocr initialRound)
	DueDeviation UpdateDue = "deviation" // |new − last| ≥ Deviation × |last|
	DueHeartbeat UpdateDue = "heartbeat" // now > last update + Heartbeat
)

// Due reports whether a round is due at now, given the last round's answer
// and update time (lastAt zero: no round yet) and the value observed now.
// The comparisons are libocr's, exactly and without division:
//
//   - deviation (offchainreporting2plus/median Deviates): change ≥ threshold,
//     i.e. |new − last| ≥ Deviation × |last|; from a last answer of 0, any
//     non-zero value deviates;
//   - heartbeat (offchainreporting reportGenerationState.shouldReport,
//     deltaCTimeout): lastAt + Heartbeat is before now, i.e. strictly after.
func (u UpdateRule) Due(now time.Time, last decimal.Decimal, lastAt time.Time, observed decimal.Decimal) (UpdateDue, error) {
	if err := num.CheckPositive(u.Deviation); err != nil || u.Deviation.GreaterThan(decimal.New(1, 9)) || u.Heartbeat <= 0 {
		return DueNone, fmt.Errorf("%w: update rule needs 0 < Deviation ≤ 1e9 and Heartbeat > 0", ErrInvalidSettings)
	}
	if err := checkNow(now); err != nil {
		return DueNone, err
	}
	for _, v := range []decimal.Decimal{last, observed} {
		if err := num.Check(v); err != nil {
			return DueNone, fmt.Errorf("%w: update rule value: %w", ErrInvalidInput, err)
		}
	}
	if lastAt.IsZero() {
		return DueFirst, nil
	}
	if err := checkNow(lastAt); err != nil {
		return DueNone, err
	}
	if now.Before(lastAt) {
		return DueNone, fmt.Errorf("%w: now %s before the last update %s", ErrOutOfOrder, now.UTC().Format(time.RFC3339Nano), lastAt.UTC().Format(time.RFC3339Nano))
	}
	if last.IsZero() {
		if !observed.IsZero() {
			return DueDeviation, nil
		}
	} else if observed.Sub(last).Abs().Cmp(u.Deviation.Mul(last.Abs())) >= 0 {
		return DueDeviation, nil
	}
	if lastAt.Add(u.Heartbeat).Before(now) {
		return DueHeartbeat, nil
	}
	return DueNone, nil
}
