package backstop

import (
	"errors"
	"fmt"
	"math/big"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"

	"github.com/failsafe-fi/failsafe/internal/testkit"
)

// genLayers draws 1–6 host layers with capacities at 2 places.
func genLayers(t *rapid.T) []Layer {
	n := rapid.IntRange(1, 6).Draw(t, "layers")
	out := make([]Layer, n)
	for i := range out {
		out[i] = &fixedLayer{id: fmt.Sprintf("L%d", i), left: testkit.Decimal(0, 100_000, 2).Draw(t, "cap")}
	}
	return out
}

// Property: Σ drawn by the layers + residual = loss, exactly; the journal's
// sink holds exactly what was covered.
func TestPropertyConservation(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		layers := genLayers(t)
		if rapid.Bool().Draw(t, "liar") {
			// A host layer whose movements do not match its draw: the
			// waterfall must refuse it, not journal a phantom unit.
			layers = append(layers, &liarLayer{fixedLayer{id: "liar", left: d("1000")}})
		}
		j := NewJournal()
		w, err := New(Settings{Layers: layers, Unit: d("0.01"), Journal: j})
		if err != nil {
			t.Fatal(err)
		}
		var allocs []Allocation
		for k := 0; k < 3; k++ {
			loss := testkit.Decimal(0, 400_000, 2).Draw(t, "loss")
			a, err := w.Cover(t0, Claim{ID: fmt.Sprint(k), Amount: loss})
			if err != nil && !errors.Is(err, ErrLayerFailed) {
				t.Fatal(err)
			}
			if a.Residual.Sign() < 0 {
				t.Fatalf("negative residual %s", a.Residual)
			}
			total := a.Residual
			for _, dr := range a.Draws {
				if dr.Drawn.Sign() < 0 {
					t.Fatalf("negative draw %s", dr.Drawn)
				}
				total = total.Add(dr.Drawn)
			}
			if !total.Equal(loss) {
				t.Fatalf("drawn + residual = %s, loss %s", total, loss)
			}
			if !j.Balance("shortfall:" + fmt.Sprint(k)).Equal(loss.Sub(a.Residual)) {
				t.Fatalf("sink %s, covered %s", j.Balance("shortfall:"+fmt.Sprint(k)), loss.Sub(a.Residual))
			}
			// A failed cover's allocation is still a true account of what
			// was drawn: the journal balances with it included.
			allocs = append(allocs, a)
			if err := CheckInvariants(j, allocs...); err != nil {
				t.Fatal(err)
			}
		}
	})
}

// Property: layer k is drawn only when every layer before it is exhausted,
// no layer draws more than it holds, and a residual is left only when all
// are exhausted.
func TestPropertyOrderAndCapacity(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		layers := genLayers(t)
		before := make([]decimal.Decimal, len(layers))
		for i, l := range layers {
			before[i] = l.Capacity()
		}
		w, _ := New(Settings{Layers: layers, Unit: d("0.01")})
		loss := testkit.Decimal(0, 400_000, 2).Draw(t, "loss")
		a, err := w.Cover(t0, Claim{ID: "x", Amount: loss})
		if err != nil {
			t.Fatal(err)
		}
		for i, dr := range a.Draws {
			if dr.Drawn.Sign() < 0 || dr.Drawn.Cmp(before[i]) > 0 {
				t.Fatalf("layer %d drew %s of %s", i, dr.Drawn, before[i])
			}
			if layers[i].Capacity().Sign() < 0 {
				t.Fatalf("layer %d negative after", i)
			}
			if dr.Drawn.Sign() > 0 {
				for k := 0; k < i; k++ {
					if !a.Draws[k].Drawn.Equal(before[k]) {
						t.Fatalf("layer %d drawn while layer %d had %s left", i, k, before[k].Sub(a.Draws[k].Drawn))
					}
				}
			}
		}
		if a.Residual.Sign() > 0 {
			for k := range a.Draws {
				if !a.Draws[k].Drawn.Equal(before[k]) {
					t.Fatalf("residual %s while layer %d not exhausted", a.Residual, k)
				}
			}
		}
		if err := CheckAllocation(a); err != nil {
			t.Fatal(err)
		}
	})
}

// Property: an insurance fund never goes below its floor or negative, and
// its journal balances after every operation, whatever sequence of
// deposits, draws and waterfall covers a host throws at it (bad ones
// included).
func TestPropertyFundFloorAndJournal(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		floor := testkit.Decimal(0, 10_000, 2).Draw(t, "floor")
		f, err := NewInsuranceFund(FundSettings{Funds: []FundSpec{{ID: "f", Floor: floor}}, Unit: d("0.01")})
		if err != nil {
			t.Fatal(err)
		}
		now := t0
		for step := 0; step < 20; step++ {
			now = now.Add(time.Second)
			amt := testkit.Decimal(-1000, 20_000, 2).Draw(t, "amount")
			switch rapid.IntRange(0, 2).Draw(t, "op") {
			case 0:
				_, _ = f.Deposit(now, "", "f", amt, "fees", "fees")
			case 1:
				_, _ = f.Draw(now, "", "f", amt, "out", "draw")
			case 2:
				w, _ := New(Settings{Layers: []Layer{f.Layer("any")}, Unit: d("0.01")})
				if amt.Sign() >= 0 {
					if _, err := w.Cover(now, Claim{ID: "c", Amount: amt}); err != nil {
						t.Fatal(err)
					}
				}
			}
			b, _ := f.Balance("f")
			h, _ := f.History("f")
			if b.Sign() < 0 {
				t.Fatalf("balance %s negative", b)
			}
			if len(h) > 0 && h[len(h)-1].Change.Sign() < 0 && b.Cmp(floor) < 0 {
				t.Fatalf("drawn to %s below floor %s", b, floor)
			}
			if err := f.journal.Check(); err != nil {
				t.Fatal(err)
			}
			if !f.journal.Balance("insurance:f").Equal(b) {
				t.Fatalf("journal %s, balance %s", f.journal.Balance("insurance:f"), b)
			}
		}
	})
}

// exactShare returns total × w / Σw as a rational.
func exactShare(total decimal.Decimal, w decimal.Decimal, sum decimal.Decimal) *big.Rat {
	r := new(big.Rat).Mul(total.Rat(), w.Rat())
	return r.Quo(r, sum.Rat())
}

// Property: socialised shares sum exactly to the amount shared, each
// within one unit of its exact proportion and never above the account's
// amount.
func TestPropertySocialiseProRata(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 30).Draw(t, "n")
		accts := make([]Balance, n)
		sum := decimal.Zero
		for i := range accts {
			accts[i] = Balance{Account: fmt.Sprint("a", i), Amount: testkit.Decimal(-500, 100_000, 2).Draw(t, "amt")}
			if accts[i].Amount.Sign() > 0 {
				sum = sum.Add(accts[i].Amount)
			}
		}
		fine := rapid.Bool().Draw(t, "fine") // amounts finer than the unit: capped at their floor
		if fine {
			sum = decimal.Zero
			for i := range accts {
				accts[i].Amount = accts[i].Amount.Add(decimal.New(rapid.Int64Range(0, 99).Draw(t, "extra"), -4))
				if accts[i].Amount.Sign() > 0 {
					sum = sum.Add(accts[i].Amount.RoundFloor(2))
				}
			}
		}
		loss := testkit.Decimal(0, 3_000_000, 2).Draw(t, "loss")
		res, err := Socialise(loss, accts, 2)
		if err != nil {
			t.Fatal(err)
		}
		got := decimal.Zero
		for _, h := range res.Haircuts {
			got = got.Add(h.Amount)
		}
		want := loss
		if sum.Cmp(loss) < 0 {
			want = sum
		}
		if !got.Equal(want) || !res.Total.Equal(want) || !res.Residual.Equal(loss.Sub(want)) {
			t.Fatalf("haircuts sum %s, total %s, residual %s; want %s", got, res.Total, res.Residual, want)
		}
		unit := big.NewRat(1, 100)
		k := 0
		for _, a := range accts {
			if a.Amount.Sign() <= 0 {
				continue
			}
			h := res.Haircuts[k]
			k++
			if h.Account != a.Account || h.Amount.Cmp(a.Amount) > 0 || h.Amount.Sign() < 0 {
				t.Fatalf("haircut %+v of %+v", h, a)
			}
			if fine {
				continue // water-filled against floored caps: checked by TestPropertyProRataCapped
			}
			diff := new(big.Rat).Sub(h.Amount.Rat(), exactShare(want, a.Amount, sum))
			if diff.Abs(diff).Cmp(unit) >= 0 {
				t.Fatalf("%s haircut %s is a unit or more from exact", a.Account, h.Amount)
			}
		}
	})
}

// Property: capped pro rata (water-filling) sums exactly, respects every
// cap, and gives every uncapped share within one unit of the exact water
// level λ·wᵢ, where λ is the same for all uncapped shares and no capped
// share's cap exceeds λ·wᵢ.
func TestPropertyProRataCapped(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 12).Draw(t, "n")
		ws := make([]decimal.Decimal, n)
		caps := make([]decimal.Decimal, n)
		room := decimal.Zero
		for i := range ws {
			ws[i] = testkit.Decimal(0, 1000, 1).Draw(t, "w")
			caps[i] = testkit.Decimal(0, 10_000, 2).Draw(t, "cap")
			if ws[i].Sign() > 0 {
				room = room.Add(caps[i])
			}
		}
		units := room.Shift(2).IntPart()
		total := decimal.New(rapid.Int64Range(0, units).Draw(t, "total"), -2)
		shares, err := proRataCapped(total, ws, caps, 2)
		if err != nil {
			t.Fatal(err)
		}
		got := decimal.Zero
		for i, s := range shares {
			if s.Sign() < 0 || s.Cmp(caps[i]) > 0 {
				t.Fatalf("share %d = %s, cap %s", i, s, caps[i])
			}
			if ws[i].IsZero() && !s.IsZero() {
				t.Fatalf("zero weight got %s", s)
			}
			got = got.Add(s)
		}
		if !got.Equal(total) {
			t.Fatalf("shares sum %s, total %s", got, total)
		}
		// Reference water-filling in exact rationals.
		exact := waterFill(total, ws, caps)
		unit := big.NewRat(1, 100)
		for i := range shares {
			diff := new(big.Rat).Sub(shares[i].Rat(), exact[i])
			if diff.Abs(diff).Cmp(unit) >= 0 {
				t.Fatalf("share %d = %s, exact water-filled %s", i, shares[i], exact[i].FloatString(6))
			}
		}
	})
}

// waterFill is an independent exact reference: raise the level λ until
// the shares min(capᵢ, λ·wᵢ) sum to total.
func waterFill(total decimal.Decimal, ws, caps []decimal.Decimal) []*big.Rat {
	out := make([]*big.Rat, len(ws))
	active := map[int]bool{}
	for i := range ws {
		out[i] = new(big.Rat)
		if ws[i].Sign() > 0 && caps[i].Sign() > 0 {
			active[i] = true
		}
	}
	rem := total.Rat()
	for len(active) > 0 {
		wsum := new(big.Rat)
		for i := range active {
			wsum.Add(wsum, ws[i].Rat())
		}
		level := new(big.Rat).Quo(rem, wsum)
		fixed := false
		for i := range active {
			if caps[i].Rat().Cmp(new(big.Rat).Mul(level, ws[i].Rat())) <= 0 {
				out[i] = caps[i].Rat()
				rem = new(big.Rat).Sub(rem, caps[i].Rat())
				delete(active, i)
				fixed = true
			}
		}
		if !fixed {
			for i := range active {
				out[i] = new(big.Rat).Mul(level, ws[i].Rat())
			}
			break
		}
	}
	return out
}

// Property: deleveraging closes exactly the bankrupt size (or all the
// opposite side, if smaller), only on the opposite side, at the bankruptcy
// price, in rank order (scores non-increasing, each fill but the last in
// full).
func TestPropertyDeleverage(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		mark := testkit.Decimal(500, 2000, 0).Draw(t, "mark")
		n := rapid.IntRange(0, 25).Draw(t, "n")
		var cands []Position
		for i := 0; i < n; i++ {
			size := testkit.Decimal(1, 1000, 1).Draw(t, "size")
			entry := testkit.Decimal(100, 3000, 1).Draw(t, "entry")
			var bk decimal.Decimal
			if rapid.Bool().Draw(t, "long") {
				bk = testkit.Decimal(0, mark.Shift(1).IntPart()-1, 1).Draw(t, "bk") // below mark
			} else {
				size = size.Neg()
				bk = mark.Add(testkit.Decimal(1, 20_000, 1).Draw(t, "bk")) // above mark
			}
			cands = append(cands, Position{Account: fmt.Sprint("c", i), Size: size, EntryPrice: entry, BankruptcyPrice: bk})
		}
		bsize := testkit.Decimal(1, 5000, 1).Draw(t, "bsize")
		if rapid.Bool().Draw(t, "bankruptLong") {
			// irrelevant to ranking; a long bankrupt meets the shorts
		} else {
			bsize = bsize.Neg()
		}
		b := Position{Account: "bankrupt", Size: bsize, EntryPrice: d("1000"), BankruptcyPrice: testkit.Decimal(1, 3000, 0).Draw(t, "pb")}
		res, err := Deleverage(DeleverageRequest{Bankrupt: b, Mark: mark, Candidates: cands})
		if err != nil {
			t.Fatal(err)
		}
		opp := decimal.Zero
		for _, c := range cands {
			if c.Size.Sign() != b.Size.Sign() {
				opp = opp.Add(c.Size.Abs())
			}
		}
		want := b.Size.Abs()
		if opp.Cmp(want) < 0 {
			want = opp
		}
		closed := decimal.Zero
		for k, f := range res.Fills {
			closed = closed.Add(f.Closed)
			if !f.Price.Equal(b.BankruptcyPrice) {
				t.Fatalf("fill at %s, bankruptcy %s", f.Price, b.BankruptcyPrice)
			}
			q := res.Queue[f.Rank]
			if f.Rank != k || q.Position.Account != f.Account {
				t.Fatalf("fill %d out of rank order", k)
			}
			if q.Position.Size.Sign() == b.Size.Sign() {
				t.Fatalf("fill on the bankrupt's own side: %+v", q.Position)
			}
			if f.Closed.Sign() <= 0 || f.Closed.Cmp(q.Position.Size.Abs()) > 0 {
				t.Fatalf("fill %s of position %s", f.Closed, q.Position.Size)
			}
			if k < len(res.Fills)-1 && !f.Closed.Equal(q.Position.Size.Abs()) {
				t.Fatalf("fill %d partial before the last", k)
			}
		}
		if !closed.Equal(want) || !res.Closed.Equal(want) || !res.Unfilled.Equal(b.Size.Abs().Sub(want)) {
			t.Fatalf("closed %s (res %s, unfilled %s), want %s", closed, res.Closed, res.Unfilled, want)
		}
		for k := 1; k < len(res.Queue); k++ {
			c := res.Queue[k-1].Score.Cmp(res.Queue[k].Score)
			if c < 0 || (c == 0 && res.Queue[k-1].Position.Account > res.Queue[k].Position.Account) {
				t.Fatalf("queue not in rank order at %d", k)
			}
		}
		if len(res.Queue) != len(cands)-countSide(cands, b.Size.Sign()) {
			t.Fatalf("queue has %d, opposite side %d", len(res.Queue), len(cands)-countSide(cands, b.Size.Sign()))
		}
	})
}

func countSide(ps []Position, sign int) int {
	n := 0
	for _, p := range ps {
		if p.Size.Sign() == sign {
			n++
		}
	}
	return n
}

// liarLayer reports one unit more in its movements than it was asked for.
type liarLayer struct{ fixedLayer }

func (l *liarLayer) Absorb(now time.Time, a decimal.Decimal, to string) ([]Movement, []Event, error) {
	ms, evs, err := l.fixedLayer.Absorb(now, a, to)
	if err == nil {
		ms[0].Amount = ms[0].Amount.Add(d("0.01"))
	}
	return ms, evs, err
}
