package liquidation

import (
	"errors"
	"math/big"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/testkit"
)

// Fuzz targets for every entry point that accepts host data at run time
// (FuzzSettings covers the constructors, FuzzRestore* the snapshots,
// FuzzClearBids the pure clearing). Each: never panics, never hangs; a
// refused call changes nothing; an accepted one keeps the invariants.
//
// Decimals are built as coef × 10^exp from fuzzed integers, so absurd
// exponents reach the library; the targets themselves do no arithmetic on
// them.

func fdec(coef int64, exp int32) decimal.Decimal { return decimal.New(coef, exp) }

func sameSnap(t *testing.T, what string, before, after any) {
	t.Helper()
	if diff := cmp.Diff(before, after, testkit.EquateDecimals); diff != "" {
		t.Fatalf("%s: refused call changed state:\n%s", what, diff)
	}
}

// Engine.Plan, Commit and Release with fuzzed accounts and amounts.
func FuzzEnginePlan(f *testing.F) {
	f.Add("a", int64(50), int32(0), int64(100), int32(0), int64(400), int32(0), int64(4), int32(0), int64(400), int32(0), int64(0), "ETH", int64(10), int32(0), int64(1))
	f.Add("", int64(1), int32(9999), int64(1), int32(-40), int64(-5), int32(0), int64(0), int32(0), int64(1), int32(0), int64(3), "", int64(-1), int32(-19), int64(-7))
	f.Add("b", int64(0), int32(0), int64(1), int32(0), int64(7), int32(-18), int64(1), int32(-18), int64(7), int32(-18), int64(7), "BTC", int64(1), int32(1<<30), int64(0))
	f.Fuzz(func(t *testing.T, id string, eqC int64, eqE int32, mmC int64, mmE int32, debtC int64, debtE int32,
		sizeC int64, sizeE int32, legC int64, legE int32, reduceC int64, market string, relC int64, relE int32, dt int64) {
		e := mustEngine(t, EngineSettings{Penalty: d("0.1"), Dust: d("1"), GlobalCap: d("1000"),
			MarketCaps: map[string]decimal.Decimal{"ETH": d("600")}, Window: time.Minute, MaxCount: 3, MaxNotional: d("900")})
		debt := fdec(debtC, debtE)
		a := StaticAccount{ID: id, EquityValue: fdec(eqC, eqE), MaintenanceValue: fdec(mmC, mmE), DebtValue: debt,
			CollateralValue: fdec(sizeC, sizeE), ReduceDebt: fdec(reduceC, debtE),
			Legs: []Position{{Market: market, Size: fdec(sizeC, sizeE), Value: fdec(sizeC, sizeE), Debt: fdec(legC, legE)}}}
		now := t0.Add(time.Duration(dt) * time.Second)
		for round := 0; round < 2; round++ {
			before := e.Snapshot()
			book := []Account{a, acct("z", "0", "10", "100", leg("ETH", "1", "100"))}
			p, err := e.Plan(now, book)
			// Issue 12: the kernel Plan equals the decimal one (planReference).
			if want, werr := planReference(e, now, book); (err == nil) != (werr == nil) ||
				(err != nil && err.Error() != werr.Error()) || !cmp.Equal(want, p, testkit.EquateDecimals) {
				t.Fatalf("Plan %v / %v differs from planReference %v / %v", p, err, want, werr)
			}
			if err != nil {
				sameSnap(t, "plan", before, e.Snapshot())
				return
			}
			if _, err := e.Commit(now, p.Orders); err != nil {
				t.Fatalf("commit of a fresh plan: %v", err)
			}
			if err := e.CheckInvariants(); err != nil {
				t.Fatal(err)
			}
			before = e.Snapshot()
			if _, err := e.Release(now, market, fdec(relC, relE)); err != nil {
				sameSnap(t, "release", before, e.Snapshot())
			}
			if err := e.CheckInvariants(); err != nil {
				t.Fatal(err)
			}
		}
	})
}

// DutchHouse Kick, Take, Redo, SetStop and Yank with fuzzed amounts and times.
func FuzzDutchOps(f *testing.F) {
	f.Add(int64(1000), int32(0), int64(10), int32(0), int64(100), int32(0), int64(1), int32(0), int64(200), int32(0), int64(30), int64(8000), uint8(0))
	f.Add(int64(1), int32(9999), int64(1), int32(-40), int64(-1), int32(0), int64(0), int32(0), int64(1), int32(-999999999), int64(-5), int64(1), uint8(3))
	f.Fuzz(func(t *testing.T, tabC int64, tabE int32, lotC int64, lotE int32, priceC int64, priceE int32,
		maxLotC int64, maxLotE int32, maxPriceC int64, maxPriceE int32, dt1, dt2 int64, level uint8) {
		h := mustHouse(t, testDutchSettings(t))
		before := h.Snapshot()
		k, err := h.Kick(t0, KickParams{Tab: fdec(tabC, tabE), Lot: fdec(lotC, lotE), Owner: "o", Price: fdec(priceC, priceE)})
		if err != nil {
			sameSnap(t, "kick", before, h.Snapshot())
			k, err = h.Kick(t0, KickParams{Tab: d("1000"), Lot: d("10"), Owner: "o", Price: d("100")})
			if err != nil {
				t.Fatal(err)
			}
		}
		at := func(dt int64) time.Time { return t0.Add(time.Duration(dt%1e6) * time.Second) }
		before = h.Snapshot()
		r, err := h.Take(at(dt1), TakeParams{ID: k.ID, MaxLot: fdec(maxLotC, maxLotE), MaxPrice: fdec(maxPriceC, maxPriceE)})
		if err != nil || r.Refusal != "" {
			sameSnap(t, "take", before, h.Snapshot())
		} else if r.Settlement != nil {
			if err := CheckSettlement(*r.Settlement); err != nil {
				t.Fatal(err)
			}
		}
		if err := h.CheckInvariants(); err != nil {
			t.Fatal(err)
		}
		before = h.Snapshot()
		if rr, err := h.Redo(at(dt2), RedoParams{ID: k.ID, Price: fdec(priceC, priceE)}); err != nil || rr.Refusal != "" {
			sameSnap(t, "redo", before, h.Snapshot())
		}
		before = h.Snapshot()
		if _, err := h.SetStop(at(dt2), StopLevel(int(level)-1)); err != nil {
			sameSnap(t, "stop", before, h.Snapshot())
		}
		if err := h.CheckInvariants(); err != nil {
			t.Fatal(err)
		}
	})
}

// EnglishHouse Kick, Bid, BidLot, Settle and Restart.
func FuzzEnglishOps(f *testing.F) {
	f.Add(int64(1000), int32(0), int64(10), int32(0), int64(100), int32(0), int64(900), int32(0), int64(5), int32(0), int64(10), int64(20000))
	f.Add(int64(1), int32(-40), int64(1), int32(9999), int64(0), int32(0), int64(-1), int32(0), int64(1), int32(-999999999), int64(-1), int64(0))
	f.Fuzz(func(t *testing.T, tabC int64, tabE int32, lotC int64, lotE int32, priceC int64, priceE int32,
		bidC int64, bidE int32, bidLotC int64, bidLotE int32, dt1, dt2 int64) {
		h, _ := NewEnglishHouse(EnglishSettings{ReserveRatio: d("0.9")})
		before := h.Snapshot()
		id, _, err := h.Kick(t0, AuctionParams{Tab: fdec(tabC, tabE), Lot: fdec(lotC, lotE), Owner: "o", Price: fdec(priceC, priceE)})
		if err != nil {
			sameSnap(t, "kick", before, h.Snapshot())
			id, _, _ = h.Kick(t0, AuctionParams{Tab: d("1000"), Lot: d("10"), Owner: "o", Price: d("100")})
		}
		at := func(dt int64) time.Time { return t0.Add(time.Duration(dt%1e6) * time.Second) }
		for _, op := range []func() error{
			func() error { _, err := h.Bid(at(dt1), id, "a", fdec(bidC, bidE)); return err },
			func() error { _, err := h.Bid(at(dt1), id, "b", d("1000")); return err },
			func() error { _, err := h.BidLot(at(dt1), id, "c", fdec(bidLotC, bidLotE)); return err },
			func() error { _, err := h.Restart(at(dt2), id, fdec(priceC, priceE)); return err },
			func() error {
				r, err := h.Settle(at(dt2), id)
				if err == nil && r.Settlement != nil {
					if err := CheckSettlement(*r.Settlement); err != nil {
						t.Fatal(err)
					}
				}
				return err
			},
		} {
			before := h.Snapshot()
			if err := op(); err != nil {
				sameSnap(t, "english op", before, h.Snapshot())
			}
			if err := h.CheckInvariants(); err != nil {
				t.Fatal(err)
			}
		}
	})
}

// BatchHouse Open, Bid, Clear and Reopen.
func FuzzBatchOps(f *testing.F) {
	f.Add(int64(1000), int32(0), int64(10), int32(0), int64(100), int32(0), int64(3), int32(0), int64(95), int32(0), int64(10))
	f.Add(int64(1), int32(9999), int64(1), int32(-40), int64(-1), int32(0), int64(1), int32(-999999999), int64(1), int32(-19), int64(-3))
	f.Fuzz(func(t *testing.T, tabC int64, tabE int32, lotC int64, lotE int32, priceC int64, priceE int32,
		qC int64, qE int32, limC int64, limE int32, dt int64) {
		h, _ := NewBatchHouse(BatchSettings{ReserveRatio: d("0.9")})
		before := h.Snapshot()
		id, _, err := h.Open(t0, AuctionParams{Tab: fdec(tabC, tabE), Lot: fdec(lotC, lotE), Owner: "o", Price: fdec(priceC, priceE)}, sec(60))
		if err != nil {
			sameSnap(t, "open", before, h.Snapshot())
			id, _, _ = h.Open(t0, AuctionParams{Tab: d("1000"), Lot: d("10"), Owner: "o", Price: d("100")}, sec(60))
		}
		at := t0.Add(time.Duration(dt%120) * time.Second)
		before = h.Snapshot()
		if _, _, err := h.Bid(at, id, "a", fdec(qC, qE), fdec(limC, limE)); err != nil {
			sameSnap(t, "bid", before, h.Snapshot())
		}
		before = h.Snapshot()
		r, err := h.Clear(sec(60), id)
		if err != nil || r.Refusal != "" {
			sameSnap(t, "clear", before, h.Snapshot())
			before = h.Snapshot()
			if _, err := h.Reopen(sec(60), id, fdec(priceC, priceE), sec(120)); err != nil {
				sameSnap(t, "reopen", before, h.Snapshot())
			}
			return
		}
		if err := CheckSettlement(*r.Settlement); err != nil {
			t.Fatal(err)
		}
		if err := CheckClearing(r.Settlement.Lot, r.ClearingPrice, r.Fills); err != nil {
			t.Fatal(err)
		}
	})
}

// rpow with fuzzed bases (as bytes, any size) and exponents: an answer or
// ErrInvalidInput, never a panic or a hang; for a factor ≤ RAY it matches
// the precomputed squares the curves use.
func FuzzRpow(f *testing.F) {
	f.Add([]byte{1}, false, uint64(5))
	f.Add(make([]byte, 51), false, uint64(1e6))
	f.Add([]byte{0x0f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, true, uint64(1<<40))
	f.Fuzz(func(t *testing.T, raw []byte, neg bool, n uint64) {
		if len(raw) > 4096 {
			return
		}
		x := new(big.Int).SetBytes(raw)
		if neg {
			x.Neg(x)
		}
		z, err := rpow(x, n)
		if err != nil {
			if !errors.Is(err, ErrInvalidInput) || z != nil {
				t.Fatalf("rpow: %v, %v", z, err)
			}
			return
		}
		if x.Sign() >= 0 && x.Cmp(ray) <= 0 {
			if p := newRayPowers(x).pow(n); p.Cmp(z) != 0 {
				t.Fatalf("pow %s ≠ rpow %s", p, z)
			}
		}
	})
}

// CheckSettlement and CheckClearing take host data (a settlement read back
// from a ledger): an answer, never a hang.
func FuzzCheckSettlement(f *testing.F) {
	f.Add(int64(10), int32(0), int64(900), int32(0), int64(10), int32(0), int64(900), int32(0))
	f.Add(int64(1), int32(999999999), int64(-1), int32(-40), int64(1), int32(9999), int64(0), int32(0))
	f.Fuzz(func(t *testing.T, lotC int64, lotE int32, tabC int64, tabE int32, soldC int64, soldE int32, recC int64, recE int32) {
		s := Settlement{Lot: fdec(lotC, lotE), Tab: fdec(tabC, tabE), CollateralSold: fdec(soldC, soldE), DebtRecovered: fdec(recC, recE)}
		_ = CheckSettlement(s)
		_ = CheckClearing(s.Lot, s.Tab, []Fill{{BatchBid: BatchBid{Seq: 1, Quantity: s.Lot, Limit: s.Tab}, Filled: s.CollateralSold, Paid: s.DebtRecovered}})
	})
}
