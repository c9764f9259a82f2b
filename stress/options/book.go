package options

import (
	"fmt"
	"math/rand"
	"sync"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
	"github.com/failsafe-fi/failsafe/margin/portfolio"
)

// The venue lists one underlying, BTC, struck around OpenPrice.
const (
	// Underlying is the one underlying's ID.
	Underlying = "BTC"
	// Book is the market name the liquidation engine sees: the whole
	// options book of an account as one leg (join.OptionsAccount).
	Book = "BTC-OPTIONS"
	// Future is the linear future (contract size 1 BTC, expiry 90 days).
	Future = "BTC-90D-FUT"
	// Scale is the places of money: USD cents. Requirements round up,
	// equity and what an account receives down.
	Scale = 2
	// SizeScale is the contract step of a liquidation's trades (0.0001
	// contract): join.OptionsCloses rounds each close up to it.
	SizeScale = 4
)

// OpenPrice is BTC's price when the book opens; DefaultCrash starts there.
var OpenPrice = decimal.New(100_000, 0)

// Epoch is the venue's clock at the scenario's first tick: the model
// values options at Epoch + (tick time − first tick time), so the same
// instruments (expiring 7 and 30 days after Epoch) serve every scenario.
var Epoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// MaxHorizon is the longest scenario the book takes: the first expiry
// less a day.
const MaxHorizon = 6 * 24 * time.Hour

// strikes are the listed strikes, as fractions of OpenPrice in tenths.
var strikes = []int64{8, 9, 10, 11, 12}

// expiries are the options' days to expiry from Epoch.
var expiries = []int{7, 30}

// optionID names the option of expiry days, strike k and right r
// (Deribit's style: BTC-7D-100000-C).
func optionID(days int, strike decimal.Decimal, r portfolio.Right) string {
	c := "C"
	if r == portfolio.Put {
		c = "P"
	}
	return fmt.Sprintf("BTC-%dD-%s-%s", days, strike, c)
}

// instruments lists the venue's instruments: calls and puts at every
// strike and expiry, then the future.
func instruments() []portfolio.Instrument {
	var out []portfolio.Instrument
	for _, d := range expiries {
		for _, k := range strikes {
			strike := OpenPrice.Mul(decimal.New(k, -1))
			for _, r := range []portfolio.Right{portfolio.Call, portfolio.Put} {
				out = append(out, portfolio.Instrument{ID: optionID(d, strike, r), Underlying: Underlying, Kind: portfolio.Option,
					Right: r, Strike: strike, Expiry: Epoch.AddDate(0, 0, d), ContractSize: decimal.New(1, 0)})
			}
		}
	}
	return append(out, portfolio.Instrument{ID: Future, Underlying: Underlying, Kind: portfolio.Future,
		Expiry: Epoch.AddDate(0, 0, 90), ContractSize: decimal.New(1, 0)})
}

// settingsFor returns the portfolio settings of a preset.
func settingsFor(preset string) portfolio.Settings {
	s := portfolio.Settings{
		Underlyings: []portfolio.Underlying{{ID: Underlying, ScanFraction: decimal.New(16, -2)}},
		Instruments: instruments(),
		Scale:       Scale,
	}
	if preset == SPAN {
		s.Grid = portfolio.SPAN16(decimal.New(1, -1), 86_400)
		s.InitialFactor = decimal.New(11, -1)
		return s
	}
	s.Grid = portfolio.DeribitPM(portfolio.DeribitBTCShock(), decimal.New(2, -2))
	s.AddOns = portfolio.AddOns{Contingency: decimal.New(6, -3)}
	s.InitialFactor = decimal.New(13, -1)
	return s
}

// engines caches one portfolio.Engine per preset: an Engine is immutable
// and safe for concurrent use, and the instruments are the same for every
// scenario (their expiries are relative to Epoch).
var engines struct {
	sync.Mutex
	m map[string]*portfolio.Engine
}

func engineFor(preset string) (*portfolio.Engine, error) {
	engines.Lock()
	defer engines.Unlock()
	if e, ok := engines.m[preset]; ok {
		return e, nil
	}
	e, err := portfolio.New(settingsFor(preset))
	if err != nil {
		return nil, fmt.Errorf("%w: preset %q: %w", ErrConfig, preset, err)
	}
	if engines.m == nil {
		engines.m = map[string]*portfolio.Engine{}
	}
	engines.m[preset] = e
	return e, nil
}

// Strategy is the shape of an account's book.
type Strategy int

// Strategies, drawn per account: the first four are short options.
const (
	ShortStraddle Strategy = iota // short 7-day calls and puts at 100%
	ShortStrangle                 // short 30-day 110% calls and 90% puts
	DeltaHedged                   // short 30-day 100% calls, long half as many futures
	NakedPut                      // short 7-day 90% puts
	CoveredCall                   // long futures, short as many 30-day 110% calls
	LongStraddle                  // long 30-day calls and puts at 100%
)

var strategyNames = []string{"short straddle", "short strangle", "delta-hedged short call", "naked short put", "covered call", "long straddle"}

// String names the strategy.
func (s Strategy) String() string {
	if s < 0 || int(s) >= len(strategyNames) {
		return fmt.Sprintf("Strategy(%d)", int(s))
	}
	return strategyNames[s]
}

// legs returns the positions of one unit q of the strategy, netted, in
// instrument order of the book's listing.
func (s Strategy) legs(q decimal.Decimal) []portfolio.Position {
	atm, otmC, otmP := OpenPrice, OpenPrice.Mul(decimal.New(11, -1)), OpenPrice.Mul(decimal.New(9, -1))
	opt := func(days int, k decimal.Decimal, r portfolio.Right, size decimal.Decimal) portfolio.Position {
		return portfolio.Position{Instrument: optionID(days, k, r), Size: size}
	}
	fut := func(size decimal.Decimal) portfolio.Position {
		return portfolio.Position{Instrument: Future, Size: size, Entry: OpenPrice}
	}
	switch s {
	case ShortStraddle:
		return []portfolio.Position{opt(7, atm, portfolio.Call, q.Neg()), opt(7, atm, portfolio.Put, q.Neg())}
	case ShortStrangle:
		return []portfolio.Position{opt(30, otmP, portfolio.Put, q.Neg()), opt(30, otmC, portfolio.Call, q.Neg())}
	case DeltaHedged:
		return []portfolio.Position{opt(30, atm, portfolio.Call, q.Neg()), fut(num.Round(q.Mul(decimal.New(5, -1)), 1, num.Ceil))}
	case NakedPut:
		return []portfolio.Position{opt(7, otmP, portfolio.Put, q.Neg())}
	case CoveredCall:
		return []portfolio.Position{opt(30, otmC, portfolio.Call, q.Neg()), fut(q)}
	default:
		return []portfolio.Position{opt(30, atm, portfolio.Call, q), opt(30, atm, portfolio.Put, q)}
	}
}

// units are the unit sizes of the strategies, in contracts.
var units = []decimal.Decimal{decimal.New(5, -1), decimal.New(1, 0), decimal.New(2, 0), decimal.New(3, 0), decimal.New(5, 0)}

// draw picks an account's strategy and unit size from rng: short with
// probability shortShare (in hundredths), one of the four short
// strategies evenly, else a covered call or a long straddle evenly; the
// unit is one of units (0.5 to 5 contracts: few sizes, so accounts share
// books and a tick values each distinct book once). Integer draws only, so
// the same on every platform.
func draw(rng *rand.Rand, shortShare decimal.Decimal) (Strategy, decimal.Decimal) {
	pct := shortShare.Shift(2).IntPart()
	var s Strategy
	if int64(rng.Intn(100)) < pct {
		s = Strategy(rng.Intn(4))
	} else {
		s = CoveredCall + Strategy(rng.Intn(2))
	}
	return s, units[rng.Intn(len(units))]
}
