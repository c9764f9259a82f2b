package margin

import (
	"testing"

	"github.com/shopspring/decimal"
)

// Settings are host input: New and NewLending refuse a bad configuration
// (zero, negative or absurd-exponent decimals, duplicate IDs, empty tiers)
// with an error, never a panic, and an accepted one answers Risk and Health.
func FuzzSettings(f *testing.F) {
	// One valid configuration, then invalid ones.
	f.Add("A", "B", int64(1), int64(6), int64(5), int64(-3), int64(1), int64(1), int64(1), int64(0), uint8(2), int32(0), int64(1), int64(0))
	f.Add("A", "A", int64(1), int64(6), int64(5), int64(-3), int64(1), int64(-2), int64(1), int64(0), uint8(2), int32(0), int64(1), int64(0))
	f.Add("", "B", int64(0), int64(0), int64(-5), int64(-3), int64(0), int64(0), int64(0), int64(0), uint8(0), int32(-1), int64(-1), int64(0))
	f.Add("A", "B", int64(1), int64(1<<40), int64(5), int64(-1<<30), int64(1), int64(1<<31-1), int64(1), int64(-1<<31), uint8(9), int32(1000), int64(9), int64(1<<40))
	f.Fuzz(func(t *testing.T, id1, id2 string, cCoef, cExp, mCoef, mExp, lCoef, lExp, kind, kExp int64, nTiers uint8, scale int32, pCoef, pExp int64) {
		dec := func(coef, exp int64) decimal.Decimal { return decimal.New(coef, int32(exp)) }
		// No arithmetic on fuzzed decimals here: an absurd exponent would
		// stall the harness itself; only the library must refuse them.
		var tiers []Tier
		floor := decimal.Zero
		for i := int64(1); i <= int64(nTiers%4); i++ {
			cp := dec(cCoef*i, cExp)
			tiers = append(tiers, Tier{Floor: floor, Cap: cp, MaintenanceRate: dec(mCoef, mExp), MaxLeverage: dec(lCoef, lExp)})
			floor = cp
		}
		price := dec(pCoef, pExp)
		c, err := New(Settings{
			Markets: []Market{
				{ID: id1, Kind: Kind(kind % 3), Tiers: tiers, ContractSize: dec(kind, kExp)},
				{ID: id2, Rule: Rule(nTiers / 4 % 3), Basis: Basis(nTiers / 16 % 3), Tiers: tiers, TickSize: dec(lCoef, kExp)},
			},
			Prices: StaticPrices{id1: price, id2: price},
			Scale:  scale,
		})
		if err == nil {
			a := Account{Wallet: dec(mCoef, 0), Positions: []Position{{Market: id1, Size: dec(lCoef, -1), EntryPrice: price}}}
			_, _ = c.Risk(t0, a)
		}
		l, err := NewLending(LendingSettings{
			Reserves: []Reserve{
				{Asset: id1, LTV: dec(mCoef, mExp), LiquidationThreshold: dec(mCoef, mExp+2), LiquidationBonus: dec(1000+mCoef%1000, -3)},
				{Asset: id2, LiquidationThreshold: dec(kind, kExp-1), LiquidationBonus: dec(1000+mCoef%1000, -3)},
			},
			Prices:      StaticPrices{id1: price, id2: price},
			Scale:       scale,
			HealthScale: int32(pExp),
		})
		if err == nil {
			a := LendingAccount{Supplied: []Balance{{Asset: id1, Amount: dec(pCoef, 0)}}, Borrowed: []Balance{{Asset: id2, Amount: dec(cCoef, -2)}}}
			_, _ = l.Health(t0, a)
		}
	})
}
