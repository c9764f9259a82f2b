package liquidation

import (
	"errors"
	"testing"
	"time"
)

// Issue 10 item 9: every threshold of the Dutch house at its exact
// boundary, against dss clip.sol (commit fa4f663 of makerdao/dss):
//
//	status: done = (block.timestamp − tic > tail || rdiv(price, top) < cusp)
//	take:   require(max >= price, "Clipper/too-expensive")
//	        if (tab − owe < chost) { require(tab > chost, "no-partial-purchase"); owe = tab − chost }
//	redo:   if (tab >= chost && lot·feedPrice >= chost) coin = tip + tab·chip
//	isStopped(n): require(stopped < n)
func TestDutchThresholdBoundaries(t *testing.T) {
	lin, err := NewLinearDecrease(10 * time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	// Buf 1 so top = price; a slow curve (10 h) so tail binds before cusp.
	s := DutchSettings{Market: "ETH-A", Curve: lin, Buf: d("1"), Tail: 2 * time.Hour, Cusp: d("0.5"),
		Chop: d("1.1"), Dust: d("100"), Tip: d("5"), Chip: d("0.01")} // chost 110
	status := func(h *DutchHouse, id uint64, at time.Time) DutchStatus {
		st, err := h.Status(at, id)
		if err != nil {
			t.Fatal(err)
		}
		return st
	}

	t.Run("tail: age = tail takeable, tail + 1 s needs redo (strict >)", func(t *testing.T) {
		h := mustHouse(t, s)
		k, _ := h.Kick(t0, KickParams{Tab: d("1000"), Lot: d("10"), Owner: "o", Price: d("100")})
		if status(h, k.ID, sec(7200)).NeedsRedo {
			t.Fatal("needs redo at age = tail")
		}
		if !status(h, k.ID, sec(7201)).NeedsRedo {
			t.Fatal("no redo at age = tail + 1 s")
		}
	})

	t.Run("cusp: price/top = cusp takeable, below needs redo (strict <)", func(t *testing.T) {
		fast, _ := NewLinearDecrease(time.Hour)
		c := s
		c.Curve, c.Tail = fast, 10*time.Hour
		h := mustHouse(t, c)
		k, _ := h.Kick(t0, KickParams{Tab: d("1000"), Lot: d("10"), Owner: "o", Price: d("100")})
		if st := status(h, k.ID, sec(1800)); st.NeedsRedo || !st.Price.Equal(d("50")) {
			t.Fatalf("at price = top × cusp: %+v", st)
		}
		if !status(h, k.ID, sec(1801)).NeedsRedo {
			t.Fatal("no redo below cusp")
		}
	})

	t.Run("too expensive: max = price buys, one unit below refused (max >= price)", func(t *testing.T) {
		h := mustHouse(t, s)
		k, _ := h.Kick(t0, KickParams{Tab: d("1000"), Lot: d("10"), Owner: "o", Price: d("100")})
		r, err := h.Take(t0, TakeParams{ID: k.ID, MaxLot: d("1"), MaxPrice: d("99.999999999999999999")})
		if err != nil || r.Refusal != RefusalTooExpensive {
			t.Fatalf("below price: %+v %v", r, err)
		}
		r, err = h.Take(t0, TakeParams{ID: k.ID, MaxLot: d("1"), MaxPrice: d("100")})
		if err != nil || r.Refusal != "" || !r.Paid.Equal(d("100")) {
			t.Fatalf("at price: %+v %v", r, err)
		}
	})

	t.Run("chost: a take leaving exactly chost stands, one leaving less is cut to chost", func(t *testing.T) {
		h := mustHouse(t, s)
		k, _ := h.Kick(t0, KickParams{Tab: d("330"), Lot: d("10"), Owner: "o", Price: d("100")})
		// owe 220 leaves 110 = chost: not < chost, taken as asked.
		r, err := h.Take(t0, TakeParams{ID: k.ID, MaxLot: d("2.2"), MaxPrice: d("100")})
		if err != nil || !r.TabLeft.Equal(d("110")) || !r.Lot.Equal(d("2.2")) {
			t.Fatalf("leaving chost: %+v %v", r, err)
		}
		h = mustHouse(t, s)
		k, _ = h.Kick(t0, KickParams{Tab: d("330"), Lot: d("10"), Owner: "o", Price: d("100")})
		// owe 220.000000000000000001 would leave less than chost: owe = tab − chost.
		r, err = h.Take(t0, TakeParams{ID: k.ID, MaxLot: d("2.200000000000000001"), MaxPrice: d("100")})
		if err != nil || !r.TabLeft.Equal(d("110")) || !r.Paid.Equal(d("220")) {
			t.Fatalf("leaving less than chost: %+v %v", r, err)
		}
	})

	t.Run("no partial purchase once tab = chost (require tab > chost)", func(t *testing.T) {
		h := mustHouse(t, s)
		k, _ := h.Kick(t0, KickParams{Tab: d("110"), Lot: d("10"), Owner: "o", Price: d("100")})
		r, err := h.Take(t0, TakeParams{ID: k.ID, MaxLot: d("0.5"), MaxPrice: d("100")})
		if err != nil || r.Refusal != RefusalNoPartial {
			t.Fatalf("tab = chost partial: %+v %v", r, err)
		}
	})

	t.Run("redo reward: tab = chost and lot × price = chost paid, one unit less not (>=)", func(t *testing.T) {
		for _, tc := range []struct {
			lot    string
			reward string
		}{{"1.1", "6.1"}, {"1.099999999999999999", "0"}} {
			h := mustHouse(t, s)
			k, _ := h.Kick(t0, KickParams{Tab: d("110"), Lot: d(tc.lot), Owner: "o", Price: d("100")})
			r, err := h.Redo(sec(7201), RedoParams{ID: k.ID, Keeper: "k", Price: d("100")})
			if err != nil || r.Refusal != "" || !r.Reward.Equal(d(tc.reward)) {
				t.Fatalf("lot %s: %+v %v, want reward %s", tc.lot, r, err, tc.reward)
			}
		}
	})

	t.Run("stop levels: an operation of level n is allowed while stopped < n", func(t *testing.T) {
		h := mustHouse(t, s)
		k, _ := h.Kick(t0, KickParams{Tab: d("1000"), Lot: d("10"), Owner: "o", Price: d("100")})
		h.SetStop(t0, StopNoKick)
		if _, err := h.Kick(t0, KickParams{Tab: d("1"), Lot: d("1"), Owner: "o", Price: d("1")}); !errors.Is(err, ErrStopped) {
			t.Fatalf("kick at 1: %v", err)
		}
		if r, err := h.Redo(sec(7201), RedoParams{ID: k.ID, Price: d("100")}); err != nil || r.Refusal != "" {
			t.Fatalf("redo at 1: %+v %v", r, err)
		}
		h.SetStop(sec(7201), StopNoRedo)
		if _, err := h.Redo(sec(7201), RedoParams{ID: k.ID, Price: d("100")}); !errors.Is(err, ErrStopped) {
			t.Fatalf("redo at 2: %v", err)
		}
		if r, err := h.Take(sec(7201), TakeParams{ID: k.ID, MaxLot: d("1"), MaxPrice: d("100")}); err != nil || r.Refusal != "" {
			t.Fatalf("take at 2: %+v %v", r, err)
		}
		h.SetStop(sec(7201), StopNoTakes)
		if _, err := h.Take(sec(7201), TakeParams{ID: k.ID, MaxLot: d("1"), MaxPrice: d("100")}); !errors.Is(err, ErrStopped) {
			t.Fatalf("take at 3: %v", err)
		}
	})

	t.Run("keeper incentive guard: dust × (chop − 1) must exceed tip + chip × dust (strict)", func(t *testing.T) {
		c := s
		c.Tip = d("9") // 100 × 0.1 = 10 = 9 + 0.01 × 100: refused
		if _, err := NewDutchHouse(c); !errors.Is(err, ErrInvalidSettings) {
			t.Fatalf("equal: %v", err)
		}
		c.Tip = d("8.999999999999999999")
		if _, err := NewDutchHouse(c); err != nil {
			t.Fatalf("one unit less: %v", err)
		}
	})
}

// The English house at its boundaries, against dss flip.sol (Flipper):
//
//	tend: require(b.end > now); require(bid > b.bid);
//	      require(bid·ONE >= beg·b.bid || bid == tab)
//	deal: require(b.end < now || b.tic < now)
//
// Bids are taken while now < end, as Flipper; Settle is allowed from end on
// (Flipper waits one second more, end < now; no bid can arrive at end
// either way, so settling at end changes nothing but the wait).
func TestEnglishThresholdBoundaries(t *testing.T) {
	h, err := NewEnglishHouse(EnglishSettings{ReserveRatio: d("0.9"), BidDuration: time.Hour, MaxDuration: 10 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	id, _, err := h.Kick(t0, AuctionParams{Tab: d("10000"), Lot: d("10"), Owner: "o", Price: d("100")})
	if err != nil {
		t.Fatal(err)
	}
	// First bid ≥ min(tab, lot × reserve) = 10 × 90 = 900.
	if _, err := h.Bid(sec(1), id, "a", d("899.999999999999999999")); !errors.Is(err, ErrBidTooLow) {
		t.Fatalf("below reserve: %v", err)
	}
	if _, err := h.Bid(sec(1), id, "a", d("900")); err != nil {
		t.Fatalf("at reserve: %v", err)
	}
	// Next bid ≥ 900 × 1.05 = 945.
	if _, err := h.Bid(sec(2), id, "b", d("944.999999999999999999")); !errors.Is(err, ErrBidTooLow) {
		t.Fatalf("below increment: %v", err)
	}
	if _, err := h.Bid(sec(2), id, "b", d("945")); err != nil {
		t.Fatalf("at increment: %v", err)
	}
	end := sec(2).Add(time.Hour)
	if _, err := h.Bid(end.Add(-time.Nanosecond), id, "c", d("1000")); err != nil {
		t.Fatalf("just before end: %v", err)
	}
	end = end.Add(-time.Nanosecond).Add(time.Hour)
	if _, err := h.Bid(end, id, "d", d("2000")); !errors.Is(err, ErrAuctionEnded) {
		t.Fatalf("bid at end: %v", err)
	}
	if _, err := h.Settle(end.Add(-time.Nanosecond), id); !errors.Is(err, ErrAuctionNotEnded) {
		t.Fatalf("settle before end: %v", err)
	}
	if r, err := h.Settle(end, id); err != nil || r.Winner != "c" {
		t.Fatalf("settle at end: %+v %v", r, err)
	}
}
