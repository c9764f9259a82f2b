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

// FuzzBookRestoreOrder forges the current order of a snapshot (the 60 BTC
// long of Bybit's illustrated example, its first order fresh or 10 of 20
// filled): never a panic; either RestoreBookDesk refuses it with
// ErrInvalidSnapshot, or the order it accepts still reduces the position
// and filling the rest at its limit costs the fund at most one quote unit
// (before the forged-order fix, a flipped side grew the position and a
// forged quote or limit made the fund pay hundreds of thousands).
func FuzzBookRestoreOrder(f *testing.F) {
	f.Add(true, int64(20), int32(0), int64(24800), int32(0), int64(24800), int32(0), int64(496000), int32(0), false, int8(1), int8(0), false)
	f.Add(false, int64(20), int32(0), int64(25000), int32(0), int64(25000), int32(0), int64(496000), int32(0), true, int8(1), int8(0), false)
	f.Add(true, int64(20), int32(0), int64(1), int32(0), int64(1), int32(0), int64(20), int32(0), true, int8(1), int8(0), false)
	f.Add(true, int64(20), int32(0), int64(24800), int32(0), int64(24800), int32(0), int64(1), int32(9), false, int8(1), int8(0), false)
	f.Fuzz(func(t *testing.T, sell bool, zC int64, zE int32, lC int64, lE int32, bC int64, bE int32, qC int64, qE int32,
		partly bool, from, to int8, closes bool) {
		s := BookSettings{}
		desk, _ := NewBookDesk(s)
		if _, err := desk.Start(bookT0, BookStartParams{Account: bybitAccount("8000"), Markets: []BookMarket{bybitMarket()}}); err != nil {
			t.Fatal(err)
		}
		if partly {
			if _, err := desk.Fill(bookT0, BookFillParams{Account: "A", Size: d("10"), Price: d("24800")}); err != nil {
				t.Fatal(err)
			}
		}
		snap := desk.Snapshot()
		o := snap.Live[0].Order
		o.Side = Buy
		if sell {
			o.Side = Sell
		}
		o.Size, o.Limit, o.Bankruptcy, o.Quote = fdec(zC, zE), fdec(lC, lE), fdec(bC, bE), fdec(qC, qE)
		o.FromTier, o.ToTier, o.Close = int(from), int(to), closes
		r, err := RestoreBookDesk(s, snap)
		if err != nil {
			if !errors.Is(err, ErrInvalidSnapshot) || r != nil {
				t.Fatalf("refusal %v (desk %v), want ErrInvalidSnapshot and no desk", err, r)
			}
			return
		}
		before := snap.Live[0].Positions[0].Size
		fr, err := r.Fill(bookT0, BookFillParams{Account: "A", Size: o.Size.Sub(o.Filled), Price: o.Limit})
		if err != nil {
			return // nothing left to fill, or off the grid: refused, nothing changed
		}
		after := r.Snapshot().Live[0].Positions[0].Size
		if after.Abs().GreaterThan(before.Abs()) || after.Sign()*before.Sign() < 0 {
			t.Fatalf("accepted order %+v moved the position from %s to %s", *o, before, after)
		}
		if fr.Split.Fund.LessThan(d("-0.000000000000000001")) {
			t.Fatalf("accepted order %+v: the fund pays %s", *o, fr.Split.Fund.Neg())
		}
	})
}
