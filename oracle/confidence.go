package oracle

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
)

// PythPrice is Pyth's fixed-point price (PythStructs.sol struct Price;
// pyth-sdk Price): the value is Price × 10^Expo, give or take
// Conf × 10^Expo, published at PublishTime (Unix seconds). Pyth's own
// example: {Price: 12345, Conf: 267, Expo: −2} is 123.45 ± 2.67, and
// {Price: 123, Conf: 1, Expo: 2} is 12300 ± 100.
type PythPrice struct {
	Price       int64  `json:"price"`
	Conf        uint64 `json:"conf"`
	Expo        int32  `json:"expo"`
	PublishTime int64  `json:"publish_time"`
}

// PythExpo bounds the exponents Decode accepts: −36 ≤ Expo ≤ 17, so that
// every decoded value (at most 20 digits) has at most num.MaxScale places
// and num.MaxIntDigits integer digits.
const (
	MinPythExpo = -num.MaxScale
	MaxPythExpo = 17
)

// Decode returns the price, its confidence and its publish time exactly
// (Price × 10^Expo, Conf × 10^Expo: no rounding, no float). The price must
// be positive (a price feed), the exponent within [MinPythExpo, MaxPythExpo]
// and the time within years 1–9999; otherwise ErrInvalidQuote.
func (p PythPrice) Decode() (price, conf decimal.Decimal, at time.Time, err error) {
	if p.Expo < MinPythExpo || p.Expo > MaxPythExpo {
		return decimal.Zero, decimal.Zero, time.Time{}, fmt.Errorf("%w: pyth expo %d outside [%d, %d]", ErrInvalidQuote, p.Expo, MinPythExpo, MaxPythExpo)
	}
	if p.Price <= 0 {
		return decimal.Zero, decimal.Zero, time.Time{}, fmt.Errorf("%w: pyth price %d ≤ 0", ErrInvalidQuote, p.Price)
	}
	at = time.Unix(p.PublishTime, 0).UTC()
	if p.PublishTime <= 0 || !writable(at) {
		return decimal.Zero, decimal.Zero, time.Time{}, fmt.Errorf("%w: pyth publish time %d", ErrInvalidQuote, p.PublishTime)
	}
	price = decimal.New(p.Price, p.Expo)
	conf = decimal.NewFromUint64(p.Conf).Shift(p.Expo)
	if p.Conf == 0 {
		conf = decimal.Zero
	}
	// A uint64 confidence at the largest exponent has 37 integer digits,
	// beyond what every other call of the package accepts: refuse it here,
	// where the feed's value enters, rather than at the first use.
	if err := num.Check(price); err != nil {
		return decimal.Zero, decimal.Zero, time.Time{}, fmt.Errorf("%w: pyth price: %w", ErrInvalidQuote, err)
	}
	if err := num.Check(conf); err != nil {
		return decimal.Zero, decimal.Zero, time.Time{}, fmt.Errorf("%w: pyth confidence: %w", ErrInvalidQuote, err)
	}
	return price, conf, at, nil
}

// Quote returns p as a Quote from source, with its confidence, ready for
// an Aggregator (whose MaxConfidenceRatio then applies).
func (p PythPrice) Quote(source string) (Quote, error) {
	price, conf, at, err := p.Decode()
	if err != nil {
		return Quote{}, err
	}
	q := Quote{Source: source, Price: price, Confidence: conf, Time: at}
	if err := q.Validate(); err != nil {
		return Quote{}, err
	}
	return q, nil
}

// DecodePythJSON reads the price object of Pyth's Hermes API
// ({"price":"12345","conf":"267","expo":-2,"publish_time":100}; price and
// conf are decimal strings there, numbers are accepted too) and checks it
// as Decode does. Anything else is ErrInvalidQuote.
func DecodePythJSON(data []byte) (PythPrice, error) {
	var raw struct {
		Price       json.RawMessage `json:"price"`
		Conf        json.RawMessage `json:"conf"`
		Expo        *int32          `json:"expo"`
		PublishTime *int64          `json:"publish_time"`
	}
	if len(data) > 4096 {
		return PythPrice{}, fmt.Errorf("%w: pyth JSON of %d bytes", ErrInvalidQuote, len(data))
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return PythPrice{}, fmt.Errorf("%w: pyth JSON: %s", ErrInvalidQuote, err.Error())
	}
	if raw.Price == nil || raw.Conf == nil || raw.Expo == nil || raw.PublishTime == nil {
		return PythPrice{}, fmt.Errorf("%w: pyth JSON needs price, conf, expo and publish_time", ErrInvalidQuote)
	}
	unquote := func(m json.RawMessage) string {
		var s string
		if json.Unmarshal(m, &s) == nil {
			return s
		}
		return string(m)
	}
	price, err := strconv.ParseInt(unquote(raw.Price), 10, 64)
	if err != nil {
		return PythPrice{}, fmt.Errorf("%w: pyth price is not an int64", ErrInvalidQuote)
	}
	conf, err := strconv.ParseUint(unquote(raw.Conf), 10, 64)
	if err != nil {
		return PythPrice{}, fmt.Errorf("%w: pyth conf is not a uint64", ErrInvalidQuote)
	}
	p := PythPrice{Price: price, Conf: conf, Expo: *raw.Expo, PublishTime: *raw.PublishTime}
	if _, _, _, err := p.Decode(); err != nil {
		return PythPrice{}, err
	}
	return p, nil
}

// SidePrices are the prices by side for a consumer that must be
// conservative (Pyth best practices, "confidence intervals": value
// collateral at price − conf and debt at price + conf, widened by a
// multiple k): Collateral ≤ Price ≤ Debt always.
type SidePrices struct {
	// Collateral is max(Price − k × Conf, 0): an asset the venue lends
	// against is worth no more than this (zero when the interval reaches 0:
	// fail closed, the collateral counts for nothing).
	Collateral decimal.Decimal `json:"collateral"`
	// Price is the point price.
	Price decimal.Decimal `json:"price"`
	// Debt is Price + k × Conf: a liability is worth at least this.
	Debt decimal.Decimal `json:"debt"`
}

// maxConfMultiple bounds k in ConservativePrices: 1000.
var maxConfMultiple = decimal.NewFromInt(1000)

// ConservativePrices returns the collateral and debt prices for a price
// and its confidence, widened by k (0 ≤ k ≤ 1000; k = 1 is
// Pyth's recommendation). Exact: k × conf is a product of decimals, and
// nothing is rounded, so collateral ≤ price ≤ debt holds exactly
// (TestPropConservativeSides). A price ≤ 0, a negative conf or k, or an
// absurd decimal is ErrInvalidInput.
func ConservativePrices(price, conf, k decimal.Decimal) (SidePrices, error) {
	if err := num.CheckPositive(price); err != nil {
		return SidePrices{}, fmt.Errorf("%w: price: %w", ErrInvalidInput, err)
	}
	if err := num.CheckNonNegative(conf); err != nil {
		return SidePrices{}, fmt.Errorf("%w: confidence: %w", ErrInvalidInput, err)
	}
	if err := num.CheckNonNegative(k); err != nil || k.GreaterThan(maxConfMultiple) {
		return SidePrices{}, fmt.Errorf("%w: confidence multiple must lie in [0, 1000]", ErrInvalidInput)
	}
	w := k.Mul(conf)
	lo := price.Sub(w)
	if lo.Sign() < 0 {
		lo = decimal.Zero
	}
	return SidePrices{Collateral: lo, Price: price, Debt: price.Add(w)}, nil
}
