package liquidation

import (
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

// Settings are host input: NewDutchHouse (with each curve), NewEnglishHouse,
// NewBatchHouse and NewEngine refuse a bad configuration (zero, negative or
// absurd-exponent decimals, bad durations) with an error, never a panic, and
// an accepted one answers one Kick or Plan.
func FuzzSettings(f *testing.F) {
	// One valid configuration, then invalid ones.
	f.Add(uint8(0), "ETH", int64(12), int64(-1), int64(5), int64(-1), int64(100), int64(0), int64(time.Hour), int32(0))
	f.Add(uint8(1), "", int64(-1), int64(0), int64(0), int64(0), int64(-100), int64(0), int64(-1), int32(-1))
	f.Add(uint8(2), "ETH", int64(1), int64(1<<31-1), int64(5), int64(-1<<31), int64(1), int64(1<<30), int64(0), int32(1<<30))
	f.Fuzz(func(t *testing.T, curve uint8, market string, rCoef, rExp, cCoef, cExp, aCoef, aExp, dur int64, scale int32) {
		// No arithmetic on fuzzed decimals here: only the library must
		// refuse absurd exponents.
		dec := func(coef, exp int64) decimal.Decimal { return decimal.New(coef, int32(exp)) }
		rate, cut, amt, d := dec(rCoef, rExp), dec(cCoef, cExp), dec(aCoef, aExp), time.Duration(dur)
		var c Curve
		var err error
		switch curve % 3 {
		case 0:
			c, err = NewLinearDecrease(d)
		case 1:
			c, err = NewExponentialDecrease(cut)
		default:
			c, err = NewStairstepExponentialDecrease(cut, d/60)
		}
		if err != nil {
			c = nil // an unset curve must be refused by NewDutchHouse too
		}
		dh, err := NewDutchHouse(DutchSettings{Market: market, Curve: c, Buf: rate, Tail: d, Cusp: cut,
			Chop: rate, Dust: amt, Tip: amt, Chip: dec(1, cExp-1), PriceScale: scale, LotScale: scale, RewardScale: scale})
		if err == nil {
			_, _ = dh.Kick(t0, KickParams{Tab: amt, Lot: dec(1, 0), Owner: "o", Price: rate, Penalty: dec(0, 0)})
		}
		eh, err := NewEnglishHouse(EnglishSettings{Market: market, ReserveRatio: cut, MinIncrement: dec(cCoef, cExp-1),
			MinDecrement: dec(cCoef, cExp-1), BidDuration: d / 2, MaxDuration: d, PriceScale: scale, LotScale: scale})
		if err == nil {
			_, _, _ = eh.Kick(t0, AuctionParams{Tab: amt, Lot: dec(1, 0), Owner: "o", Price: rate, Penalty: dec(0, 0)})
		}
		bh, err := NewBatchHouse(BatchSettings{Market: market, ReserveRatio: cut, NoReserve: curve%2 == 1, PriceScale: scale, LotScale: scale})
		if err == nil {
			_, _, _ = bh.Open(t0, AuctionParams{Tab: amt, Lot: dec(1, 0), Owner: "o", Price: rate, Penalty: dec(0, 0)}, t0.Add(time.Hour))
		}
		e, err := NewEngine(EngineSettings{TargetHealth: rate, CloseFactor: cut, FullCloseHealth: cut, SmallPosition: amt,
			Dust: amt, Penalty: dec(cCoef, cExp-1), LiquidatorBonus: dec(cCoef, cExp-2), GlobalCap: amt,
			MarketCaps: map[string]decimal.Decimal{market: amt}, Window: d, MaxCount: int(curve), MaxNotional: amt,
			DebtScale: scale, LotScale: scale})
		if err == nil {
			acc := StaticAccount{ID: "a", EquityValue: dec(1, 0), MaintenanceValue: amt, DebtValue: amt, CollateralValue: rate,
				Legs: []Position{{Market: market, Size: dec(1, 0), Value: rate, Debt: amt}}}
			_, _ = e.Plan(t0, []Account{acc})
		}
	})
}
