package liquidation

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"

	"github.com/failsafe-fi/failsafe/internal/testkit"
)

func drawBids(t *rapid.T, n int) []BatchBid {
	bids := make([]BatchBid, n)
	for i := range bids {
		bids[i] = BatchBid{Seq: uint64(i + 1), Bidder: fmt.Sprintf("b%d", i),
			Quantity: testkit.Decimal(1, 5000, 2).Draw(t, "qty"),
			Limit:    testkit.Decimal(90, 110, 0).Draw(t, "limit")} // narrow: many ties at the margin
	}
	return bids
}

// Properties: batch fills sum exactly to the lot (or to the demand when it
// falls short), and every filled bid's limit is at or above the clearing
// price (issue 5).
func TestBatchClearingProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		lot := testkit.Decimal(1, 10000, 2).Draw(t, "lot")
		bids := drawBids(t, rapid.IntRange(1, 12).Draw(t, "n"))
		price, fills, err := clearBids(lot, bids, 2)
		if err != nil {
			t.Fatal(err)
		}
		sum, demand := decimal.Zero, decimal.Zero
		for _, f := range fills {
			sum = sum.Add(f.Filled)
			demand = demand.Add(f.Quantity)
			if f.Filled.Sign() > 0 && f.Limit.LessThan(price) {
				t.Fatalf("bid %d filled below its limit: %s < %s", f.Seq, f.Limit, price)
			}
		}
		if demand.GreaterThanOrEqual(lot) && !sum.Equal(lot) {
			t.Fatalf("fills %s ≠ lot %s", sum, lot)
		}
		if err := CheckClearing(lot, price, fills); err != nil {
			t.Fatal(err)
		}
	})
}

type batchOp struct {
	kind  int // 0 open, 1 bid, 2 clear/reopen
	dt    time.Duration
	idx   int
	bid   BatchBid
	lot   decimal.Decimal
	price decimal.Decimal
}

func drawBatchOp(t *rapid.T) batchOp {
	return batchOp{kind: rapid.SampledFrom([]int{0, 1, 1, 1, 1, 2}).Draw(t, "kind"),
		dt:    time.Duration(rapid.IntRange(0, 400).Draw(t, "dt")) * time.Second,
		idx:   rapid.IntRange(0, 3).Draw(t, "idx"),
		bid:   drawBids(t, 1)[0],
		lot:   testkit.Decimal(1, 10000, 2).Draw(t, "lot"),
		price: testkit.Decimal(100, 130, 0).Draw(t, "price")}
}

func applyBatch(t *rapid.T, h *BatchHouse, now time.Time, op batchOp) string {
	active := h.Active()
	if len(active) == 0 {
		op.kind = 0
	}
	switch op.kind {
	case 0:
		id, _, err := h.Open(now, AuctionParams{Tab: op.lot.Mul(op.price), Lot: op.lot, Owner: "o", Price: op.price}, now.Add(10*time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		return fmt.Sprint("open ", id)
	case 1:
		seq, _, err := h.Bid(now, active[op.idx%len(active)], op.bid.Bidder, op.bid.Quantity, op.bid.Limit)
		if err != nil {
			return "bid-err"
		}
		return fmt.Sprint("bid ", seq)
	default:
		id := active[op.idx%len(active)]
		r, err := h.Clear(now, id)
		if err != nil {
			return "clear-err"
		}
		if r.Refusal != "" {
			h.Reopen(now, id, op.price, now.Add(time.Minute))
			return "reopen"
		}
		if err := CheckSettlement(*r.Settlement); err != nil {
			t.Fatal(err)
		}
		if err := CheckClearing(r.Settlement.Lot, r.ClearingPrice, r.Fills); err != nil {
			t.Fatal(err)
		}
		return fmt.Sprint("clear ", r.ClearingPrice, r.Settlement.CollateralSold)
	}
}

// Property: snapshot → JSON → restore → continue equals continuing.
func TestBatchSnapshotContinue(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := BatchSettings{ReserveRatio: d("0.9"), LotScale: 2, PriceScale: 2}
		a, _ := NewBatchHouse(s)
		now := t0
		for i, n := 0, rapid.IntRange(0, 20).Draw(t, "before"); i < n; i++ {
			op := drawBatchOp(t)
			now = now.Add(op.dt)
			applyBatch(t, a, now, op)
		}
		b, err := RestoreBatchHouse(s, jsonRoundTrip(t, a.Snapshot()))
		if err != nil {
			t.Fatalf("restore: %v", err)
		}
		for i, n := 0, rapid.IntRange(1, 20).Draw(t, "after"); i < n; i++ {
			op := drawBatchOp(t)
			now = now.Add(op.dt)
			if ra, rb := applyBatch(t, a, now, op), applyBatch(t, b, now, op); ra != rb {
				t.Fatalf("step %d: %q vs restored %q", i, ra, rb)
			}
		}
		sameState(t, a.Snapshot(), b.Snapshot())
	})
}

func FuzzClearBids(f *testing.F) {
	f.Add("10", "4", "105", "6", "100", "3", "100")
	f.Add("1.1", "1", "40", "1", "40", "1", "40")
	f.Fuzz(func(t *testing.T, lot, q1, l1, q2, l2, q3, l3 string) {
		parse := func(s string) (decimal.Decimal, bool) { // any decimal: clearBids validates
			v, err := decimal.NewFromString(s)
			return v, err == nil && len(s) < 40
		}
		L, ok := parse(lot)
		if !ok {
			return
		}
		var bids []BatchBid
		for i, p := range [][2]string{{q1, l1}, {q2, l2}, {q3, l3}} {
			q, ok1 := parse(p[0])
			l, ok2 := parse(p[1])
			if ok1 && ok2 {
				bids = append(bids, BatchBid{Seq: uint64(i + 1), Bidder: "b", Quantity: q, Limit: l})
			}
		}
		price, fills, err := clearBids(L, bids, 2)
		if err != nil {
			return
		}
		if err := CheckClearing(L, price, fills); err != nil {
			t.Fatal(err)
		}
	})
}

func FuzzRestoreBatch(f *testing.F) {
	s := BatchSettings{ReserveRatio: d("0.9"), LotScale: 2, PriceScale: 2}
	h, _ := NewBatchHouse(s)
	id, _, _ := h.Open(t0, AuctionParams{Tab: d("900"), Lot: d("10"), Owner: "o", Price: d("100")}, t0.Add(time.Minute))
	h.Bid(t0, id, "a", d("4"), d("105"))
	good, _ := json.Marshal(h.Snapshot())
	f.Add(good)
	f.Add([]byte(`{"kicks":1,"auctions":[{"id":1,"owner":"o","tab":"1","lot":"1","reserve":"1","bids":[{"seq":1,"bidder":"a","quantity":"1e-99","limit":"1"}]}]}`))
	f.Add([]byte(`{"kicks":1,"auctions":[{"id":1,"owner":"o","tab":"1","lot":"1","reserve":"-1"}]}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		var snap BatchSnapshot
		if json.Unmarshal(raw, &snap) != nil {
			return
		}
		h, err := RestoreBatchHouse(s, snap)
		if err != nil {
			return
		}
		for _, id := range h.Active() {
			h.Bid(snap.Last, id, "x", d("1"), d("1000"))
			if r, err := h.Clear(snap.Last.Add(time.Hour), id); err == nil && r.Settlement != nil {
				if err := CheckSettlement(*r.Settlement); err != nil {
					t.Fatal(err)
				}
			}
		}
	})
}
