package portfolio

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
)

// secondsPerYear is the year of 365 days that times to expiry are measured
// in (Deribit's convention).
const secondsPerYear = 365 * 86400

// Kind is an instrument's kind.
type Kind int

const (
	// Future is a dated future or a perpetual (zero Expiry): delta one.
	Future Kind = iota + 1
	// Option is a European option valued with Black-76.
	Option
	// RiskArray is an instrument whose scenario gains and losses the host
	// supplies (a SPAN risk parameter file's risk array), one per grid
	// scenario.
	RiskArray
)

// String names the kind.
func (k Kind) String() string {
	switch k {
	case Future:
		return "future"
	case Option:
		return "option"
	case RiskArray:
		return "risk array"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Instrument describes a contract the Engine margins.
type Instrument struct {
	// ID names the instrument (the Position key).
	ID string `json:"id"`
	// Underlying is the ID of the Underlying whose price moves it.
	Underlying string `json:"underlying"`
	// Kind is Future, Option or RiskArray.
	Kind Kind `json:"kind"`
	// Right is Call or Put (options only).
	Right Right `json:"right,omitempty"`
	// Strike is the strike price (options only); > 0.
	Strike decimal.Decimal `json:"strike"`
	// Expiry is the expiry (options: required; futures: zero for a
	// perpetual). Inter-month spreads group positions by expiry.
	// Options: in [1970-01-01, 2200-01-01] UTC. CheckOrder refuses a new
	// order on an option at or past its expiry or more than MaxYears (10 ×
	// 365 days) before it; a position expiring beyond MaxYears is valued
	// by its bounds (see Arrays).
	// An option position still held at or past expiry is valued at its
	// intrinsic value, undiscounted, at the mark and at each scenario's
	// moved price (so it is still scanned, at zero time value): the host
	// should settle it at the venue's settlement price and remove it.
	Expiry time.Time `json:"expiry"`
	// ContractSize is the underlying quantity per contract (linear and
	// inverse options, linear futures) or the quote amount per contract
	// (inverse futures: USD 10 on Deribit); > 0.
	ContractSize decimal.Decimal `json:"contract_size"`
	// Inverse marks a contract settled in the underlying coin: an inverse
	// option is worth its quote value / the underlying price, an inverse
	// future pays ContractSize × (1/entry − 1/price) a contract. A book
	// holds only inverse or only linear instruments (one settlement
	// asset).
	Inverse bool `json:"inverse,omitempty"`
	// Array is the RiskArray's gain (positive) or loss (negative) per long
	// contract in each scenario of the Engine's grid, in settlement
	// currency, as published (extreme scenarios already covered).
	Array []decimal.Decimal `json:"array,omitempty"`
}

// Underlying is a price the grid moves, and the group (SPAN combined
// commodity, Deribit settlement currency) whose scenarios move together.
type Underlying struct {
	// ID names the underlying (the Marks.Prices key).
	ID string `json:"id"`
	// Group is the combined commodity: the worst scenario is taken per
	// group, across all its underlyings at once. Empty means ID.
	Group string `json:"group,omitempty"`
	// ScanFraction is the price scan range as a fraction of the price
	// (Deribit: 0.16), in [0, 10]. Exactly one of ScanFraction and
	// ScanAmount is positive.
	ScanFraction decimal.Decimal `json:"scan_fraction"`
	// ScanAmount is the price scan range in price units (SPAN: 120 index
	// points).
	ScanAmount decimal.Decimal `json:"scan_amount"`
}

func (u Underlying) group() string {
	if u.Group == "" {
		return u.ID
	}
	return u.Group
}

func validateUnderlying(u Underlying) error {
	if u.ID == "" {
		return fmt.Errorf("%w: underlying with empty ID", ErrInvalidSettings)
	}
	if err := num.CheckNonNegative(u.ScanFraction); err != nil {
		return fmt.Errorf("%w: underlying %q scan fraction: %w", ErrInvalidSettings, u.ID, err)
	}
	if err := num.CheckNonNegative(u.ScanAmount); err != nil {
		return fmt.Errorf("%w: underlying %q scan amount: %w", ErrInvalidSettings, u.ID, err)
	}
	if (u.ScanFraction.Sign() > 0) == (u.ScanAmount.Sign() > 0) {
		return fmt.Errorf("%w: underlying %q: give exactly one of scan fraction and scan amount", ErrInvalidSettings, u.ID)
	}
	if u.ScanFraction.Cmp(decimal.NewFromInt(10)) > 0 {
		return fmt.Errorf("%w: underlying %q: scan fraction %s above 10", ErrInvalidSettings, u.ID, u.ScanFraction)
	}
	return nil
}

// minExpiry and maxExpiry bound an option's expiry (New has no clock):
// from any now in [1970, 2200] the time to expiry is at most 230 years,
// which the kernel holds (maxYearsTo). An option more than MaxYears ahead
// is valued by its bounds (bounds.go) and CheckOrder refuses orders on
// it.
var (
	minExpiry = time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)
	maxExpiry = time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC)
)

func validateInstrument(in Instrument, scenarios int) error {
	if in.ID == "" {
		return fmt.Errorf("%w: instrument with empty ID", ErrInvalidSettings)
	}
	if err := num.CheckPositive(in.ContractSize); err != nil {
		return fmt.Errorf("%w: instrument %q contract size: %w", ErrInvalidSettings, in.ID, err)
	}
	switch in.Kind {
	case Future:
	case Option:
		if in.Right != Call && in.Right != Put {
			return fmt.Errorf("%w: instrument %q: right %d is neither call nor put", ErrInvalidSettings, in.ID, int(in.Right))
		}
		if err := num.CheckPositive(in.Strike); err != nil {
			return fmt.Errorf("%w: instrument %q strike: %w", ErrInvalidSettings, in.ID, err)
		}
		if in.Expiry.IsZero() {
			return fmt.Errorf("%w: instrument %q: option without expiry", ErrInvalidSettings, in.ID)
		}
		if in.Expiry.Before(minExpiry) || in.Expiry.After(maxExpiry) {
			return fmt.Errorf("%w: instrument %q: expiry %s outside [1970, 2200]", ErrInvalidSettings, in.ID, in.Expiry.UTC().Format(time.RFC3339))
		}
	case RiskArray:
		if len(in.Array) != scenarios {
			return fmt.Errorf("%w: instrument %q: risk array of %d values for a grid of %d scenarios", ErrInvalidSettings, in.ID, len(in.Array), scenarios)
		}
		for i, v := range in.Array {
			if err := num.Check(v); err != nil {
				return fmt.Errorf("%w: instrument %q risk array value %d: %w", ErrInvalidSettings, in.ID, i, err)
			}
		}
	default:
		return fmt.Errorf("%w: instrument %q: kind %d", ErrInvalidSettings, in.ID, int(in.Kind))
	}
	return nil
}
