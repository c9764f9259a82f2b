package oracle

import (
	"errors"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

// Pyth JSON is host data: any bytes either decode to a price that Decode
// accepts exactly (price × 10^expo round-trips) or are ErrInvalidQuote.
func FuzzDecodePythJSON(f *testing.F) {
	f.Add([]byte(`{"price":"12345","conf":"267","expo":-2,"publish_time":100}`))
	f.Add([]byte(`{"price":6140993501000,"conf":3362490000,"expo":-8,"publish_time":1713390100}`))
	f.Add([]byte(`{"price":"-1","conf":"0","expo":0,"publish_time":1}`))
	f.Add([]byte(`{"price":"1","conf":"1","expo":2147483647,"publish_time":1}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := DecodePythJSON(data)
		if err != nil {
			if !errors.Is(err, ErrInvalidQuote) {
				t.Fatalf("error without the sentinel: %v", err)
			}
			return
		}
		price, conf, _, err := p.Decode()
		if err != nil {
			t.Fatalf("accepted JSON does not decode: %v", err)
		}
		if !price.Equal(decimal.New(p.Price, p.Expo)) || conf.Sign() < 0 {
			t.Fatalf("%+v decoded to %s ± %s", p, price, conf)
		}
		sp, err := ConservativePrices(price, conf, decimal.NewFromInt(1))
		if err != nil || sp.Collateral.GreaterThan(sp.Price) || sp.Price.GreaterThan(sp.Debt) {
			t.Fatalf("%+v: %v", sp, err)
		}
	})
}

// Tick cumulatives are host data (read from a pool): ConsultTick answers a
// tick in range that floors the true mean, or refuses.
func FuzzConsultTick(f *testing.F) {
	f.Add(uint32(3), int64(7), int64(12))
	f.Add(uint32(3), int64(-7), int64(-12))
	f.Add(uint32(4), int64(-100), int64(36028797018963967))
	f.Add(uint32(0), int64(0), int64(0))
	f.Fuzz(func(t *testing.T, secs uint32, c0, c1 int64) {
		tick, err := ConsultTick(secs, [2]int64{c0, c1})
		if err != nil {
			if !errors.Is(err, ErrInvalidInput) {
				t.Fatalf("error without the sentinel: %v", err)
			}
			return
		}
		if tick < MinTick || tick > MaxTick {
			t.Fatalf("tick %d out of range", tick)
		}
		delta := c1 - c0
		if delta > maxInt56 || delta < minInt56 { // wrapped: int56 arithmetic
			return
		}
		s := int64(secs)
		if int64(tick)*s > delta || (int64(tick)+1)*s <= delta {
			t.Fatalf("tick %d is not ⌊%d / %d⌋", tick, delta, s)
		}
		if _, err := TickPrice(tick, 8); err != nil {
			t.Fatal(err)
		}
	})
}

// A ballot is host data (votes from validators): TallyBallot refuses it or
// returns a median that is one of the rates, σ ≥ 0, spread ≥ σ, and
// winners that include every voter at the median.
func FuzzTallyBallot(f *testing.F) {
	f.Add(int64(100), int32(-2), int64(5), int64(101), int32(-2), int64(3), int64(99), int32(-2), int64(1), int64(20), uint8(6))
	f.Add(int64(1), int32(40), int64(1), int64(-1), int32(0), int64(1), int64(0), int32(0), int64(0), int64(2000), uint8(200))
	f.Fuzz(func(t *testing.T, r1 int64, e1 int32, p1, r2 int64, e2 int32, p2, r3 int64, e3 int32, p3, band int64, scale uint8) {
		votes := []Vote{{"a", decimal.New(r1, e1), p1}, {"b", decimal.New(r2, e2), p2}, {"c", decimal.New(r3, e3), p3}}
		var res BallotResult
		var err error
		within(t, 500*time.Millisecond, "TallyBallot", func() { res, err = TallyBallot(votes, decimal.New(band, -3), int32(scale)) })
		if err != nil {
			if !errors.Is(err, ErrInvalidInput) && !errors.Is(err, ErrNoQuorum) {
				t.Fatalf("error without a sentinel: %v", err)
			}
			return
		}
		found := false
		for _, v := range votes {
			if v.Rate.Equal(res.WeightedMedian) {
				found = true
			}
		}
		if !found || res.StandardDeviation.Sign() < 0 || res.RewardSpread.LessThan(res.StandardDeviation) {
			t.Fatalf("%+v", res)
		}
		for _, v := range votes {
			if v.Rate.Equal(res.WeightedMedian) {
				ok := false
				for _, w := range res.Winners {
					ok = ok || w == v.Voter
				}
				if !ok {
					t.Fatalf("voter %s at the median did not win: %+v", v.Voter, res)
				}
			}
		}
	})
}
