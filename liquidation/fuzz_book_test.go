package liquidation

import (
	"errors"
	"testing"
	"time"
)

// FuzzBookDesk drives Start, Fill and Next with fuzzed decimals (oracle,
// tier, tick, step, collateral, size, fill): never a panic or a hang, an
// error wraps ErrInvalidInput or ErrUnknownAuction and changes nothing
// the invariants can see, and every split conserves value.
func FuzzBookDesk(f *testing.F) {
	f.Add(int64(25000), int32(0), int64(1), int32(6), int64(5), int32(-3), int64(1), int32(-2), int64(1), int32(-3),
		int64(-1492000), int32(0), int64(60), int32(0), int64(10), int32(0), int64(24900), int32(0))
	f.Add(int64(1), int32(-36), int64(1), int32(36), int64(1), int32(-36), int64(1), int32(36), int64(1), int32(-36),
		int64(-1), int32(36), int64(-1), int32(-36), int64(1), int32(-36), int64(1), int32(36))
	f.Fuzz(func(t *testing.T, oC int64, oE int32, capC int64, capE int32, rC int64, rE int32, tC int64, tE int32, sC int64, sE int32,
		cC int64, cE int32, zC int64, zE int32, qC int64, qE int32, pC int64, pE int32) {
		start := time.Now()
		m := BookMarket{Market: "M", Oracle: fdec(oC, oE), Tick: fdec(tC, tE), Step: fdec(sC, sE),
			Tiers: []RiskTier{{MaxNotional: fdec(capC, capE), MaintenanceRate: fdec(rC, rE)}}}
		desk, _ := NewBookDesk(BookSettings{Limit: LimitFillable, FeeRate: fdec(5, -3)})
		ok := func(err error) {
			if err != nil && !errors.Is(err, ErrInvalidInput) && !errors.Is(err, ErrUnknownAuction) {
				t.Fatalf("unexpected error %v", err)
			}
			if err := desk.CheckInvariants(); err != nil {
				t.Fatal(err)
			}
		}
		_, err := desk.Start(start, BookStartParams{Markets: []BookMarket{m}, Account: BookAccount{ID: "A",
			Collateral: fdec(cC, cE), Positions: []BookPosition{{Market: "M", Size: fdec(zC, zE)}}}})
		ok(err)
		f, err := desk.Fill(start, BookFillParams{Account: "A", Size: fdec(qC, qE), Price: fdec(pC, pE)})
		ok(err)
		if err == nil {
			if err := CheckFillSplit(f.Split); err != nil {
				t.Fatal(err)
			}
		}
		_, err = desk.Next(start, BookNextParams{Account: "A"})
		ok(err)
		if d := time.Since(start); d > 2*time.Second {
			t.Fatalf("took %s", d)
		}
	})
}
