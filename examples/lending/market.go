package main

import (
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
)

// scale is the number of decimal places of every amount and price in the
// simulation (DAI, ETH and ETH/DAI).
const scale = 8

// knot is one point of the crash's shape: at Hour hours after midnight UTC
// the market has fallen Drop (a fraction of the whole crash) of the way.
type knot struct {
	Hour int
	Drop decimal.Decimal
}

// shape is the 12 March 2020 ETH/USD day, as a share of the day's fall
// (about 43%: from about $194 at midnight UTC to about $111 at the next
// midnight, CoinGecko/CoinMarketCap daily data): a slow slide in the
// morning, the first crash around 10:00–13:00 UTC, a short bounce, and a
// second leg down into the evening.
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

// Market is the simulated ETH/DAI market: the spot price keepers trade at,
// Maker's Oracle Security Module (OSM) price the protocol acts on, and how
// congested the network is. All of it is a pure function of time.
type Market struct {
	start time.Time
	open  decimal.Decimal
	depth decimal.Decimal
}

// NewMarket returns the market of a crash of depth (0.43 for 12 March
// 2020) from open, starting at start.
func NewMarket(start time.Time, open, depth decimal.Decimal) Market {
	return Market{start: start, open: open, depth: depth}
}

// Spot is the market price at now, linear between the shape's knots at
// one-minute resolution, flat after the last knot, rounded down to scale.
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
	return m.open.Mul(decimal.NewFromInt(1).Sub(m.depth.Mul(drop))).RoundFloor(scale)
}

// OSM is the price the protocol sees: MakerDAO's Oracle Security Module
// publishes the median once an hour and delays it by one hour, so at now
// it is the spot price at the start of the previous hour. In a crash the
// protocol therefore acts on a price up to two hours old — one of the
// reasons 12 March 2020 went badly (MakerDAO, "The Market Collapse of
// March 12-13, 2020").
func (m Market) OSM(now time.Time) decimal.Decimal {
	hour := now.Sub(m.start).Truncate(time.Hour) - time.Hour
	if hour < 0 {
		hour = 0
	}
	return m.Spot(m.start.Add(hour))
}

// Congestion is how congested the Ethereum network is at now, in basis
// points (0 = normal, 10000 = transactions almost never land): it rises
// from 08:00 to 10:00 UTC, stays saturated until 20:00 and clears by
// midnight. The profile is an assumption shaped after the day's reports
// (gas prices spiked and transactions waited through the crash), not
// measured block data.
func (m Market) Congestion(now time.Time) int64 {
	min := int64(now.Sub(m.start) / time.Minute)
	switch {
	case min < 8*60:
		return 0
	case min < 10*60:
		return (min - 8*60) * 10000 / 120
	case min < 20*60:
		return 10000
	case min < 24*60:
		return 10000 - (min-20*60)*10000/240
	default:
		return 0
	}
}
