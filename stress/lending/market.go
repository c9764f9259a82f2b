package lending

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
	"github.com/failsafe-fi/failsafe/oracle"
	"github.com/failsafe-fi/failsafe/stress"
)

// Start is midnight UTC on 12 March 2020, the start of the Black Thursday
// scenario.
var Start = time.Date(2020, 3, 12, 0, 0, 0, 0, time.UTC)

// OpenPrice is ETH/USD at midnight UTC, 12 March 2020 (about $194,
// CoinGecko/CoinMarketCap daily data).
var OpenPrice = dec("194")

// DefaultDepth is the day's fall as a fraction of the opening price: 43%,
// from about $194 to about $111 (daily closes, CoinMarketCap).
var DefaultDepth = dec("0.43")

// ReplayLength is how long the Black Thursday scenario runs: the crash day
// and two more days for the auctions to settle.
const ReplayLength = 72 * time.Hour

// knot is one point of the crash's shape: at Hour hours after midnight UTC
// the market has fallen Drop (a fraction of the whole crash) of the way.
type knot struct {
	Hour int
	Drop decimal.Decimal
}

// shape is the 12 March 2020 ETH/USD day, as a share of the day's fall: a
// slow slide in the morning, the first crash around 10:00–13:00 UTC, a
// short bounce, and a second leg down into the evening. A RECONSTRUCTION
// from the daily figures and the day's reports, not tick data.
var shape = []knot{
	{0, dec("0")},
	{6, dec("0.09")},
	{9, dec("0.23")},
	{11, dec("0.49")},
	{13, dec("0.70")},
	{15, dec("0.63")},
	{17, dec("0.74")},
	{21, dec("0.88")},
	{24, dec("1")},
}

// Market is the Black Thursday ETH/DAI market: the spot price, the price
// Maker's OSM publishes, and how congested the network is. All of it is a
// pure function of time.
type Market struct {
	start time.Time
	open  decimal.Decimal
	depth decimal.Decimal
}

// NewMarket returns the market of a crash of depth (DefaultDepth for 12
// March 2020) from open at start. depth must be in (0, 0.95], open > 0,
// both with at most 8 places; otherwise ErrInvalidConfig.
func NewMarket(start time.Time, open, depth decimal.Decimal) (Market, error) {
	if err := num.CheckPositive(open); err != nil {
		return Market{}, fmt.Errorf("%w: open price: %w", ErrInvalidConfig, err)
	}
	if err := num.CheckPositive(depth); err != nil {
		return Market{}, fmt.Errorf("%w: crash depth: %w", ErrInvalidConfig, err)
	}
	if depth.GreaterThan(dec("0.95")) || depth.Exponent() < -Scale || open.Exponent() < -Scale || open.GreaterThan(dec("1e12")) {
		return Market{}, fmt.Errorf("%w: crash depth %s outside (0, 0.95] or open %s off the 10⁻⁸ grid", ErrInvalidConfig, depth, open)
	}
	return Market{start: start, open: open, depth: depth}, nil
}

// Spot is the market price at now, linear between the shape's knots at
// one-minute resolution, flat after the last knot, rounded down to Scale:
//
//	spot = open × (1 − depth × drop(t))
func (m Market) Spot(now time.Time) decimal.Decimal {
	minute := int64(now.Sub(m.start) / time.Minute)
	if minute < 0 {
		minute = 0
	}
	drop := shape[len(shape)-1].Drop
	for i := 1; i < len(shape); i++ {
		a, b := shape[i-1], shape[i]
		lo, hi := int64(a.Hour*60), int64(b.Hour*60)
		if minute < hi {
			frac := num.Div(decimal.NewFromInt(minute-lo), decimal.NewFromInt(hi-lo), 18, num.HalfEven)
			drop = a.Drop.Add(b.Drop.Sub(a.Drop).Mul(frac))
			break
		}
	}
	return m.open.Mul(decimal.NewFromInt(1).Sub(m.depth.Mul(drop))).RoundFloor(Scale)
}

// OSM is the price the pool acts on at now when its oracle is fed this
// market's spot price: MakerDAO's Oracle Security Module publishes once an
// hour and delays by one hour, so it is the spot price at the start of the
// previous hour (the spot at the start for the first hour). The model
// computes it through oracle.Delayed; this closed form is for reports and
// tests. In a crash the protocol acts on a price up to two hours old
// (MakerDAO, "The Market Collapse of March 12-13, 2020").
func (m Market) OSM(now time.Time) decimal.Decimal {
	hour := now.Sub(m.start).Truncate(time.Hour) - time.Hour
	if hour < 0 {
		hour = 0
	}
	return m.Spot(m.start.Add(hour))
}

// CongestionBP is how congested the Ethereum network is at now, in basis
// points (0 = normal, 10,000 = transactions almost never land): it rises
// from 08:00 to 10:00 UTC, stays saturated until 20:00 and clears by
// midnight. The profile is an ASSUMPTION shaped after the day's reports
// (gas prices spiked and transactions waited through the crash), not
// measured block data.
func (m Market) CongestionBP(now time.Time) int {
	min := int64(now.Sub(m.start) / time.Minute)
	switch {
	case min < 8*60:
		return 0
	case min < 10*60:
		return int((min - 8*60) * 10000 / 120)
	case min < 20*60:
		return 10000
	case min < 24*60:
		return int(10000 - (min-20*60)*10000/240)
	default:
		return 0
	}
}

// Tick returns the scenario's tick seq (one minute each): the spot price,
// one oracle quote of it (source "market"), and the congestion in whole
// percent, rounded down (use CongestionBP for the exact profile).
func (m Market) Tick(seq int) stress.Tick {
	now := m.start.Add(time.Duration(seq) * time.Minute)
	p := m.Spot(now)
	return stress.Tick{Seq: seq, Time: now, Price: p,
		Quotes:     []oracle.Quote{{Source: "market", Price: p, Time: now}},
		Congestion: m.CongestionBP(now) / 100}
}

// BlackThursday is the scripted crash of 12 March 2020 as a
// stress.Generator: minute ticks from Start for ReplayLength (4,321 ticks),
// the shape and congestion above, a fall of depth (DefaultDepth when zero).
// Every seed draws the same path: the story is scripted; the seed varies
// the model's book and keepers.
type BlackThursday struct {
	// Depth is the day's fall, in (0, 0.95]; zero means DefaultDepth.
	Depth decimal.Decimal
}

// Market returns the generator's market, or ErrInvalidConfig.
func (g BlackThursday) Market() (Market, error) {
	d := g.Depth
	if d.IsZero() {
		d = DefaultDepth
	}
	return NewMarket(Start, OpenPrice, d)
}

// Name implements stress.Generator.
func (g BlackThursday) Name() string {
	d := g.Depth
	if d.IsZero() {
		d = DefaultDepth
	}
	if num.Check(d) != nil {
		return "black-thursday(invalid depth)"
	}
	return fmt.Sprintf("black-thursday(depth=%s, reconstruction)", d)
}

// Scenario implements stress.Generator; the seed is not used.
func (g BlackThursday) Scenario(int64) (stress.Scenario, error) {
	m, err := g.Market()
	if err != nil {
		return nil, err
	}
	return &replay{m: m, n: int(ReplayLength/time.Minute) + 1}, nil
}

// replay is the Black Thursday path, a tick at a time.
type replay struct {
	m    Market
	i, n int
}

func (r *replay) Next() (stress.Tick, bool, error) {
	if r.i >= r.n {
		return stress.Tick{}, false, nil
	}
	t := r.m.Tick(r.i)
	r.i++
	return t, true, nil
}
