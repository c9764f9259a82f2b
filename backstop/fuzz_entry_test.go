package backstop

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

// Fuzz targets for the entry points that take host data and had none:
// Waterfall.Cover (with repeated claim IDs), RestoreWaterfall, the fund's
// Deposit/Draw, ProRata/Socialise with any scale, ranking and
// deleveraging, and DefaultFund.Cover. Each must never panic or hang; what
// is accepted keeps the package's invariants; what is refused changes
// nothing.

// FuzzWaterfallCover covers fuzzed claims, some under repeated IDs, through
// an exchange waterfall: a repeated ID never pays twice, the journal and
// every allocation pass CheckInvariants, and a refused cover changes no
// state.
func FuzzWaterfallCover(f *testing.F) {
	f.Add("c1", int64(500), int64(-2), int64(60), "c1", int64(500), int64(-2), int64(0))
	f.Add("c1", int64(500), int64(0), int64(60), "c1", int64(501), int64(0), int64(60))
	f.Add("", int64(1), int64(1<<31-1), int64(-60), "x", int64(-1), int64(-40), int64(1<<40))
	f.Fuzz(func(t *testing.T, id1 string, c1, e1, dt1 int64, id2 string, c2, e2, dt2 int64) {
		def, fund, _, blp, adl, social, state := exchangeLayers(t)
		j := NewJournal()
		w, err := New(Settings{Layers: []Layer{def, fund.Layer("x"), blp, adl, social}, Unit: d("0.01"), Journal: j})
		if err != nil {
			t.Fatal(err)
		}
		all := func() string { return state() + snapJSON(t, []any{j.Snapshot(), w.Snapshot()}) }
		var allocs []Allocation
		covered := map[string]Allocation{}
		for _, c := range []struct {
			id     string
			co, ex int64
			dt     int64
		}{{id1, c1, e1, dt1}, {id2, c2, e2, dt2}} {
			claim := Claim{ID: c.id, Amount: decimal.New(c.co, int32(c.ex))}
			now := t0.Add(time.Duration(c.dt) * time.Second)
			before := all()
			a, err := w.Cover(now, claim)
			if err != nil { // no host layer here: every refusal changes nothing
				if after := all(); after != before {
					t.Fatalf("refused cover of %q changed state: %v", claim.ID, err)
				}
				continue
			}
			if prev, seen := covered[c.id]; seen {
				if all() != before {
					t.Fatalf("repeated claim %q changed state (paid twice)", c.id)
				}
				if !prev.Covered().Equal(a.Covered()) {
					t.Fatalf("repeated claim %q returned another allocation", c.id)
				}
				continue
			}
			covered[c.id] = a
			allocs = append(allocs, a)
		}
		if err := CheckInvariants(j, allocs...); err != nil {
			t.Fatal(err)
		}
		if err := fund.CheckInvariants(); err != nil {
			t.Fatal(err)
		}
	})
}

// FuzzRestoreWaterfall feeds arbitrary JSON to RestoreWaterfall: it must
// never panic, and every claim it accepts is covered again without drawing
// anything.
func FuzzRestoreWaterfall(f *testing.F) {
	l := &fixedLayer{id: "h", left: d("100")}
	s := Settings{Layers: []Layer{l}, Unit: d("0.01")}
	w, _ := New(s)
	_, _ = w.Cover(t0, Claim{ID: "a", Amount: d("30")})
	_, _ = w.Cover(t0, Claim{ID: "b", Amount: d("80")})
	raw, _ := json.Marshal(w.Snapshot())
	f.Add(raw)
	f.Add([]byte(`{"claims":[{"claim":{"id":"a","amount":"1e2147483647"},"allocation":{"claim":"a","loss":"1e2147483647"}}]}`))
	f.Add([]byte(`{"claims":[{"claim":{"id":"","amount":"1"}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var snap WaterfallSnapshot
		if json.Unmarshal(data, &snap) != nil {
			return
		}
		layer := &fixedLayer{id: "h", left: d("100")}
		g, err := RestoreWaterfall(Settings{Layers: []Layer{layer}, Unit: d("0.01")}, snap)
		if err != nil {
			return
		}
		for _, id := range g.claimIDs() {
			rec, ok := g.Covered(id)
			if !ok {
				t.Fatalf("claim %q listed but not remembered", id)
			}
			if err := CheckAllocation(rec.Allocation); err != nil {
				t.Fatal(err)
			}
			_, _ = g.Cover(t0.Add(time.Hour), rec.Claim)
			if !layer.left.Equal(d("100")) {
				t.Fatalf("restored claim %q drew again", id)
			}
		}
	})
}

// FuzzFundDepositDraw runs fuzzed deposits and draws: a refused one
// changes nothing, and the fund's invariants (ledger matching history
// included) hold after every step.
func FuzzFundDepositDraw(f *testing.F) {
	f.Add(int64(500), int64(0), int64(10), int64(490), int64(0), int64(20), true)
	f.Add(int64(1), int64(1<<31-1), int64(-10), int64(-1), int64(-40), int64(0), false)
	f.Fuzz(func(t *testing.T, c1, e1, dt1, c2, e2, dt2 int64, draw bool) {
		fund, _ := NewInsuranceFund(FundSettings{Funds: []FundSpec{{ID: "f", Floor: d("10")}}, Unit: d("0.01")})
		key := "" // an odd e1 puts both ops under one idempotency key
		if e1%2 != 0 {
			key = "k"
		}
		for i, op := range [][3]int64{{c1, e1, dt1}, {c2, e2, dt2}} {
			amt := decimal.New(op[0], int32(op[1]))
			now := t0.Add(time.Duration(op[2]) * time.Second)
			before := snapJSON(t, fund.Snapshot())
			var err error
			if draw && i == 1 {
				_, err = fund.Draw(now, key, "f", amt, "loss", "fuzz")
			} else {
				_, err = fund.Deposit(now, key, "f", amt, "fees", "fuzz")
			}
			if err != nil && snapJSON(t, fund.Snapshot()) != before {
				t.Fatalf("refused op changed state: %v", err)
			}
			if err := fund.CheckInvariants(); err != nil {
				t.Fatal(err)
			}
		}
	})
}

// FuzzProRataSocialise splits fuzzed totals over fuzzed weights at any
// scale: refused fast (the scale bound) or shares that sum exactly.
func FuzzProRataSocialise(f *testing.F) {
	f.Add(int64(100), int64(0), int64(1), int64(0), int64(3), int64(0), int32(2))
	f.Add(int64(1), int64(0), int64(1), int64(0), int64(2), int64(0), int32(1e9))
	f.Add(int64(1), int64(0), int64(1), int64(0), int64(2), int64(0), int32(-1e8))
	f.Fuzz(func(t *testing.T, tc, te, w1c, w1e, w2c, w2e int64, scale int32) {
		total := decimal.New(tc, int32(te))
		ws := []decimal.Decimal{decimal.New(w1c, int32(w1e)), decimal.New(w2c, int32(w2e))}
		start := time.Now()
		if shares, err := proRataExact(total, ws, scale); err == nil {
			if !shares[0].Add(shares[1]).Equal(total) {
				t.Fatalf("shares %v do not sum to %s", shares, total)
			}
		}
		if s, err := Socialise(total, []Balance{{"a", ws[0]}, {"b", ws[1]}}, scale); err == nil {
			sum := decimal.Zero
			for _, h := range s.Haircuts {
				sum = sum.Add(h.Amount)
			}
			if !sum.Equal(s.Total) || !s.Total.Add(s.Residual).Equal(total) {
				t.Fatalf("socialisation %+v of %s", s, total)
			}
		}
		if took := time.Since(start); took > 2*time.Second {
			t.Fatalf("took %v at scale %d", took, scale)
		}
	})
}

// FuzzDeleverage ranks and deleverages fuzzed positions: never a panic,
// and what is accepted closes exactly min(size, opposite side).
func FuzzDeleverage(f *testing.F) {
	f.Add(int64(-10), int64(650), int64(600), int64(700), int64(5), int64(600), int64(500), int64(3), int64(0))
	f.Add(int64(1), int64(1<<40), int64(1), int64(0), int64(-1), int64(1), int64(0), int64(0), int64(1<<31-1))
	f.Fuzz(func(t *testing.T, bSize, bBank, mark, cEntry, cSize, c2Entry, cBank, size, exp int64) {
		dec := func(c int64) decimal.Decimal { return decimal.New(c, int32(exp%40)) }
		req := DeleverageRequest{
			Bankrupt: Position{Account: "liq", Size: decimal.NewFromInt(bSize), EntryPrice: decimal.NewFromInt(600), BankruptcyPrice: decimal.NewFromInt(bBank)},
			Mark:     decimal.NewFromInt(mark),
			Candidates: []Position{
				{Account: "a", Size: decimal.NewFromInt(cSize), EntryPrice: dec(cEntry), BankruptcyPrice: dec(cBank)},
				{Account: "b", Size: decimal.NewFromInt(-cSize), EntryPrice: dec(c2Entry), BankruptcyPrice: decimal.Zero},
			},
			Size: decimal.NewFromInt(size),
		}
		res, err := Deleverage(req)
		if err != nil {
			return
		}
		closed := decimal.Zero
		for _, fl := range res.Fills {
			closed = closed.Add(fl.Closed)
		}
		if !closed.Equal(res.Closed) || res.Closed.Add(res.Unfilled).Cmp(req.Bankrupt.Size.Abs()) > 0 {
			t.Fatalf("closed %s unfilled %s of %s", res.Closed, res.Unfilled, req.Bankrupt.Size)
		}
	})
}

// FuzzDefaultFundCover covers fuzzed defaults, the second under the same
// or another ID: never a panic, invariants hold, a repeated ID changes
// nothing.
func FuzzDefaultFundCover(f *testing.F) {
	f.Add("x", int64(500), int64(200), int64(7), "x", int64(500))
	f.Add("", int64(1), int64(-1), int64(1<<31-1), "y", int64(-5))
	f.Fuzz(func(t *testing.T, id1 string, loss, margin, gain int64, id2 string, loss2 int64) {
		df, _ := NewDefaultFund(issueFundSettings())
		_, _ = df.Cover(t0, Default{ID: id1, Member: "D", Loss: decimal.NewFromInt(loss), Margin: decimal.NewFromInt(margin),
			VariationGains: []Balance{{"A", decimal.New(gain, 0)}}})
		if err := df.CheckInvariants(); err != nil {
			t.Fatal(err)
		}
		before := snapJSON(t, df.Snapshot())
		_, err := df.Cover(t0.Add(time.Minute), Default{ID: id2, Member: "B", Loss: decimal.NewFromInt(loss2)})
		if err != nil && snapJSON(t, df.Snapshot()) != before {
			t.Fatalf("refused default changed state: %v", err)
		}
		if err := df.CheckInvariants(); err != nil {
			t.Fatal(err)
		}
		if _, err := RestoreDefaultFund(issueFundSettings(), roundTrip(t, df.Snapshot())); err != nil {
			t.Fatalf("own snapshot refused: %v", err)
		}
	})
}
