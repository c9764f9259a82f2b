package liquidation

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"

	"github.com/failsafe-fi/failsafe/internal/testkit"
)

func drawDutchSettings(t *rapid.T) DutchSettings {
	var c Curve
	switch rapid.IntRange(0, 2).Draw(t, "curve") {
	case 0:
		c, _ = NewLinearDecrease(time.Duration(rapid.IntRange(60, 7200).Draw(t, "tau")) * time.Second)
	case 1:
		c, _ = NewStairstepExponentialDecrease(testkit.Decimal(9000, 9999, 4).Draw(t, "cut"),
			time.Duration(rapid.IntRange(1, 120).Draw(t, "step"))*time.Second)
	default:
		c, _ = NewExponentialDecrease(testkit.Decimal(99000, 99999, 5).Draw(t, "cut"))
	}
	dust := d(rapid.SampledFrom([]string{"0", "1", "10", "100", "1000"}).Draw(t, "dust"))
	tip, chip := decimal.Zero, decimal.Zero
	if dust.Sign() > 0 && rapid.Bool().Draw(t, "rewards") { // 0.05·dust + 0.01·dust < dust × (chop − 1)
		tip, chip = dust.Mul(d("0.05")), d("0.01")
	}
	return DutchSettings{Market: "M", Curve: c, Tip: tip, Chip: chip, Buf: testkit.Decimal(100, 150, 2).Draw(t, "buf"),
		Tail: time.Duration(rapid.IntRange(600, 7200).Draw(t, "tail")) * time.Second,
		Cusp: testkit.Decimal(1, 60, 2).Draw(t, "cusp"), Chop: d("1.1"),
		Dust: dust, LotScale: 6, PriceScale: 6}
}

type dutchOp struct {
	kind   int // 0 kick, 1 take, 2 redo, 3 yank
	dt     time.Duration
	id     uint64
	tab    decimal.Decimal
	lot    decimal.Decimal
	price  decimal.Decimal
	maxLot decimal.Decimal
	maxPx  decimal.Decimal
}

func drawDutchOp(t *rapid.T, i int) dutchOp {
	mag := func(name string) decimal.Decimal {
		return d(rapid.SampledFrom([]string{"1", "10", "100"}).Draw(t, name))
	}
	lot := testkit.Decimal(1_000000, 10_000000, 6).Draw(t, "lot").Mul(mag("lot magnitude"))
	price := testkit.Decimal(100, 1000, 2).Draw(t, "price").Mul(mag("price magnitude"))
	ratio := testkit.Decimal(30, 200, 2).Draw(t, "tab/value")
	return dutchOp{
		kind:   rapid.SampledFrom([]int{0, 1, 1, 1, 1, 2, 3}).Draw(t, "kind"),
		dt:     time.Duration(rapid.IntRange(0, 120).Draw(t, "dt")) * time.Second,
		id:     rapid.Uint64Range(0, 3).Draw(t, "id"),
		tab:    lot.Mul(price).Mul(ratio).RoundCeil(2),
		lot:    lot,
		price:  price,
		maxLot: lot.Mul(testkit.Decimal(1, 150, 2).Draw(t, "maxLot/lot")).Truncate(6).Add(d("0.000001")),
		maxPx:  price.Mul(testkit.Decimal(50, 150, 2).Draw(t, "maxPrice/price")).RoundCeil(2),
	}
}

// applyDutch runs one op and checks the take properties; it returns a
// comparable summary of the outcome.
func applyDutch(t *rapid.T, h *DutchHouse, now time.Time, op dutchOp) string {
	if active := h.Active(); len(active) > 0 {
		op.id = active[int(op.id)%len(active)]
	} else {
		op.kind = 0
	}
	switch op.kind {
	case 0:
		r, err := h.Kick(now, KickParams{Tab: op.tab, Lot: op.lot, Owner: "o", Price: op.price, Penalty: decimal.Zero})
		if err != nil {
			t.Fatalf("kick: %v", err)
		}
		return "kick " + r.Top.String()
	case 1:
		before, err := h.Status(now, op.id)
		if err != nil {
			return "unknown"
		}
		r, err := h.Take(now, TakeParams{ID: op.id, MaxLot: op.maxLot, MaxPrice: op.maxPx})
		if err != nil {
			t.Fatalf("take: %v", err)
		}
		if r.Refusal != "" {
			return string(r.Refusal)
		}
		if r.Lot.GreaterThan(before.Lot) || r.Lot.GreaterThan(op.maxLot) || r.Lot.Sign() <= 0 {
			t.Fatalf("take moved %s collateral from lot %s (max %s)", r.Lot, before.Lot, op.maxLot)
		}
		if r.Paid.GreaterThan(before.Tab) || r.Paid.Sign() <= 0 {
			t.Fatalf("take paid %s against tab %s", r.Paid, before.Tab)
		}
		if r.TabLeft.Sign() > 0 && r.LotLeft.Sign() > 0 && r.TabLeft.LessThan(h.Chost()) {
			t.Fatalf("take left 0 < tab %s < chost %s", r.TabLeft, h.Chost())
		}
		if !r.Paid.Add(r.TabLeft).Equal(before.Tab) || !r.Lot.Add(r.LotLeft).Equal(before.Lot) {
			t.Fatalf("take does not conserve: %+v from %+v", r, before)
		}
		if r.Settlement != nil {
			if err := CheckSettlement(*r.Settlement); err != nil {
				t.Fatal(err)
			}
			s := r.Settlement
			if s.Shortfall.Sign() > 0 && s.CollateralReturned.Sign() > 0 {
				t.Fatalf("shortfall %s with collateral returned %s", s.Shortfall, s.CollateralReturned)
			}
		}
		return "take " + r.Lot.String() + " " + r.Paid.String()
	case 2:
		r, err := h.Redo(now, RedoParams{ID: op.id, Price: op.price})
		if err != nil {
			return "redo-err"
		}
		return "redo " + string(r.Refusal) + r.Top.String()
	default:
		r, err := h.Yank(now, op.id)
		if err != nil {
			return "yank-err"
		}
		if err := CheckSettlement(r.Settlement); err != nil {
			t.Fatal(err)
		}
		return "yank " + r.Released.String()
	}
}

// Properties: a take never moves more collateral than the lot nor more debt
// than the tab; sold + returned = lot; recovered + shortfall = tab; no take
// leaves 0 < tab < chost (issue 5).
func TestDutchTakeProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		h, err := NewDutchHouse(drawDutchSettings(t))
		if err != nil {
			t.Fatal(err)
		}
		now := t0
		n := rapid.IntRange(10, 40).Draw(t, "steps")
		for i := 0; i < n; i++ {
			op := drawDutchOp(t, i)
			now = now.Add(op.dt)
			applyDutch(t, h, now, op)
			if err := h.CheckInvariants(); err != nil {
				t.Fatal(err)
			}
		}
	})
}

// Property: snapshot → JSON → restore → continue equals continuing.
func TestDutchSnapshotContinue(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := drawDutchSettings(t)
		a, _ := NewDutchHouse(s)
		now := t0
		ops := rapid.IntRange(0, 20).Draw(t, "before")
		for i := 0; i < ops; i++ {
			op := drawDutchOp(t, i)
			now = now.Add(op.dt)
			applyDutch(t, a, now, op)
		}
		b, err := RestoreDutchHouse(s, jsonRoundTrip(t, a.Snapshot()))
		if err != nil {
			t.Fatalf("restore: %v", err)
		}
		after := rapid.IntRange(1, 20).Draw(t, "after")
		for i := 0; i < after; i++ {
			op := drawDutchOp(t, i)
			now = now.Add(op.dt)
			ra, rb := applyDutch(t, a, now, op), applyDutch(t, b, now, op)
			if ra != rb {
				t.Fatalf("step %d: %q vs restored %q", i, ra, rb)
			}
		}
		sameState(t, a.Snapshot(), b.Snapshot())
	})
}

func FuzzRestoreDutch(f *testing.F) {
	h, _ := NewDutchHouse(testDutchSettings(f))
	h.Kick(t0, KickParams{Tab: d("1100"), Lot: d("10"), Owner: "o", Price: d("100")})
	good, _ := json.Marshal(h.Snapshot())
	f.Add(good)
	f.Add([]byte(`{"kicks":1,"auctions":[{"id":1,"owner":"o","tab":"-1","lot":"1"}]}`))
	f.Add([]byte(`{"kicks":0,"stop":9}`))
	f.Add([]byte(`{"kicks":2,"auctions":[{"id":2,"owner":"o","tab":"1e999999","lot":"1","top":"1"}]}`))
	s := testDutchSettings(f)
	f.Fuzz(func(t *testing.T, raw []byte) {
		var snap DutchSnapshot
		if json.Unmarshal(raw, &snap) != nil {
			return
		}
		h, err := RestoreDutchHouse(s, snap)
		if err != nil {
			return
		}
		if err := h.CheckInvariants(); err != nil {
			t.Fatalf("restored house breaks invariants: %v", err)
		}
		for _, id := range h.Active() {
			h.Take(snap.Last.Add(time.Minute), TakeParams{ID: id, MaxLot: d("1"), MaxPrice: d("1000000")})
		}
	})
}
