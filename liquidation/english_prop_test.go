package liquidation

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"

	"github.com/failsafe-fi/failsafe/internal/testkit"
)

func drawEnglishSettings(t *rapid.T) EnglishSettings {
	return EnglishSettings{Market: "M", ReserveRatio: testkit.Decimal(50, 100, 2).Draw(t, "reserve"),
		MinIncrement: testkit.Decimal(1, 10, 2).Draw(t, "inc"), MinDecrement: testkit.Decimal(1, 10, 2).Draw(t, "dec"),
		BidDuration: time.Hour, MaxDuration: 6 * time.Hour, LotScale: 6, PriceScale: 6}
}

type englishOp struct {
	kind  int // 0 kick, 1 bid, 2 bid lot, 3 settle/restart
	dt    time.Duration
	idx   int
	tab   decimal.Decimal
	lot   decimal.Decimal
	price decimal.Decimal
	f     decimal.Decimal // factor on the minimum bid / maximum lot
	free  decimal.Decimal // when > 0, a bid of free × tab, not derived from the minimum
}

func drawEnglishOp(t *rapid.T) englishOp {
	return englishOp{
		kind:  rapid.SampledFrom([]int{0, 1, 1, 1, 2, 2, 3}).Draw(t, "kind"),
		dt:    time.Duration(rapid.IntRange(0, 5400).Draw(t, "dt")) * time.Second,
		idx:   rapid.IntRange(0, 3).Draw(t, "idx"),
		tab:   testkit.Decimal(100, 100000, 2).Draw(t, "tab"),
		lot:   testkit.Decimal(1_000000, 100_000000, 6).Draw(t, "lot"),
		price: testkit.Decimal(100, 10000, 2).Draw(t, "price"),
		f:     testkit.Decimal(90, 130, 2).Draw(t, "factor"),
		free: rapid.OneOf(rapid.Just(decimal.Zero), testkit.Decimal(1, 100, 2),
			testkit.Decimal(9000, 9999, 4)).Draw(t, "free fraction"), // near 1: just inside the increment/decrement
	}
}

// applyEnglish runs one op, checking the bid and settlement properties, and
// returns a comparable outcome.
func applyEnglish(t *rapid.T, h *EnglishHouse, cfg EnglishSettings, now time.Time, op englishOp) string {
	active := h.Active()
	if len(active) == 0 {
		op.kind = 0
	}
	if op.kind == 0 {
		id, _, err := h.Kick(now, AuctionParams{Tab: op.tab, Lot: op.lot, Owner: "o", Price: op.price})
		if err != nil {
			t.Fatalf("kick: %v", err)
		}
		return "kick " + decimal.NewFromInt(int64(id)).String()
	}
	id := active[op.idx%len(active)]
	st, err := h.Status(now, id)
	if err != nil {
		t.Fatal(err)
	}
	one := decimal.NewFromInt(1)
	switch op.kind {
	case 1:
		if st.Bid.Sign() > 0 && !st.Reverse { // a raise of half the increment must be refused
			probe := st.Bid.Mul(one.Add(cfg.MinIncrement.Mul(d("0.5")))).Round(6)
			// Rounding a tiny bid can land the probe on the increment itself,
			// which is a legal bid: probe only strictly inside it.
			inside := probe.LessThan(st.Bid.Mul(one.Add(cfg.MinIncrement)))
			if inside {
				if _, err := h.Bid(now, id, "p", probe); now.Before(st.End) && probe.LessThan(st.Tab) && !errors.Is(err, ErrBidTooLow) {
					t.Fatalf("bid %s over %s within the increment %s: %v", probe, st.Bid, cfg.MinIncrement, err)
				}
			}
		}
		amount := decimalMin(st.Tab, st.MinBid.Mul(op.f).Round(6))
		if op.free.Sign() > 0 { // bids not derived from the minimum probe the reserve guard
			amount = st.Tab.Mul(op.free).Round(6)
		}
		if _, err := h.Bid(now, id, "b", amount); err != nil {
			return "bid-err"
		}
		if after, _ := h.Status(now, id); after.Bid.Equal(st.Bid) && after.Bidder == st.Bidder && after.End.Equal(st.End) {
			// Unchanged: only a repeat of a bid that applied before may do that (issue 14).
			dg, _ := digestInput("bid", id, "b", amount)
			if _, ok := h.keys.m["bid:"+dg]; !ok {
				t.Fatalf("bid %s accepted without changing the auction, and it is no repeat", amount)
			}
			return "bid-repeat"
		}
		if !amount.GreaterThan(st.Bid) {
			t.Fatalf("bid %s does not beat %s", amount, st.Bid)
		}
		if st.Bid.Sign() > 0 && !amount.Equal(st.Tab) && amount.LessThan(st.Bid.Mul(one.Add(cfg.MinIncrement))) {
			t.Fatalf("bid %s beats %s by less than the increment %s", amount, st.Bid, cfg.MinIncrement)
		}
		if amount.LessThan(decimalMin(st.Tab, st.Lot.Mul(st.Reserve))) {
			t.Fatalf("bid %s below reserve value of lot %s at %s", amount, st.Lot, st.Reserve)
		}
		return "bid " + amount.String()
	case 2:
		if st.Reverse { // a cut of half the decrement must be refused
			probe := st.Lot.Mul(one.Sub(cfg.MinDecrement.Mul(d("0.5")))).Truncate(6)
			// Truncating a tiny lot can land the probe on the decrement
			// itself, which is a legal bid: probe only strictly inside it.
			inside := probe.GreaterThan(st.Lot.Mul(one.Sub(cfg.MinDecrement)))
			if inside {
				if _, err := h.BidLot(now, id, "p", probe); now.Before(st.End) && probe.LessThan(st.Lot) && !errors.Is(err, ErrBidTooLow) {
					t.Fatalf("lot bid %s from %s within the decrement %s: %v", probe, st.Lot, cfg.MinDecrement, err)
				}
			}
		}
		lot := st.MaxLot.Mul(op.f).Truncate(6)
		if op.free.Sign() > 0 { // lot bids not derived from the maximum probe the decrement guard
			lot = st.Lot.Mul(op.free).Truncate(6)
		}
		if _, err := h.BidLot(now, id, "b", lot); err != nil {
			return "lot-err"
		}
		if after, _ := h.Status(now, id); after.Lot.Equal(st.Lot) && after.Bidder == st.Bidder && after.End.Equal(st.End) {
			dg, _ := digestInput("bid-lot", id, "b", lot) // unchanged: only a repeat may do that (issue 14)
			if _, ok := h.keys.m["bid-lot:"+dg]; !ok {
				t.Fatalf("lot bid %s accepted without changing the auction, and it is no repeat", lot)
			}
			return "lot-repeat"
		}
		if lot.GreaterThan(st.Lot.Mul(one.Sub(cfg.MinDecrement))) || !st.Reverse {
			t.Fatalf("lot bid %s from %s breaks the decrement %s", lot, st.Lot, cfg.MinDecrement)
		}
		return "lot " + lot.String()
	default:
		r, err := h.Settle(now, id)
		if err != nil {
			return "settle-err"
		}
		if r.Refusal == RefusalNoBid {
			if _, err := h.Restart(now, id, op.price); err != nil {
				t.Fatal(err)
			}
			return "restart"
		}
		if err := CheckSettlement(*r.Settlement); err != nil {
			t.Fatal(err)
		}
		if r.Settlement.DebtRecovered.LessThan(decimalMin(st.Tab, r.Settlement.Lot.Mul(st.Reserve))) {
			t.Fatalf("settled %s below reserve value %s × %s", r.Settlement.DebtRecovered, r.Settlement.Lot, st.Reserve)
		}
		if sold := r.Settlement.CollateralSold; r.Settlement.DebtRecovered.LessThan(sold.Mul(st.Reserve)) &&
			sold.GreaterThan(decimal.New(1, -6)) { // one lot unit is the floor when tab/reserve rounds to 0
			t.Fatalf("sold %s for %s, below the reserve price %s", sold, r.Settlement.DebtRecovered, st.Reserve)
		}
		return "settle " + r.Settlement.DebtRecovered.String() + " " + r.Settlement.CollateralSold.String()
	}
}

// Properties: English bids strictly improve by at least the increment (or
// reach the tab exactly), lot bids shrink by at least the decrement, and no
// auction settles below its reserve (issue 5).
func TestEnglishBidProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		cfg := drawEnglishSettings(t)
		h, err := NewEnglishHouse(cfg)
		if err != nil {
			t.Fatal(err)
		}
		now := t0
		for i, n := 0, rapid.IntRange(5, 40).Draw(t, "steps"); i < n; i++ {
			op := drawEnglishOp(t)
			now = now.Add(op.dt)
			applyEnglish(t, h, cfg, now, op)
			if err := h.CheckInvariants(); err != nil {
				t.Fatal(err)
			}
		}
	})
}

// Property: snapshot → JSON → restore → continue equals continuing.
func TestEnglishSnapshotContinue(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		cfg := drawEnglishSettings(t)
		a, _ := NewEnglishHouse(cfg)
		now := t0
		for i, n := 0, rapid.IntRange(0, 20).Draw(t, "before"); i < n; i++ {
			op := drawEnglishOp(t)
			now = now.Add(op.dt)
			applyEnglish(t, a, cfg, now, op)
		}
		b, err := RestoreEnglishHouse(cfg, jsonRoundTrip(t, a.Snapshot()))
		if err != nil {
			t.Fatalf("restore: %v", err)
		}
		for i, n := 0, rapid.IntRange(1, 20).Draw(t, "after"); i < n; i++ {
			op := drawEnglishOp(t)
			now = now.Add(op.dt)
			if ra, rb := applyEnglish(t, a, cfg, now, op), applyEnglish(t, b, cfg, now, op); ra != rb {
				t.Fatalf("step %d: %q vs restored %q", i, ra, rb)
			}
		}
		sameState(t, a.Snapshot(), b.Snapshot())
	})
}

func FuzzRestoreEnglish(f *testing.F) {
	s := EnglishSettings{ReserveRatio: d("0.8")}
	h, _ := NewEnglishHouse(s)
	h.Kick(t0, AuctionParams{Tab: d("1000"), Lot: d("10"), Owner: "o", Price: d("100")})
	h.Bid(t0, 1, "b", d("900"))
	good, _ := json.Marshal(h.Snapshot())
	f.Add(good)
	f.Add([]byte(`{"kicks":1,"auctions":[{"id":1,"owner":"o","tab":"10","init_lot":"1","lot":"2","bid":"0","reserve":"1"}]}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		var snap EnglishSnapshot
		if json.Unmarshal(raw, &snap) != nil {
			return
		}
		h, err := RestoreEnglishHouse(s, snap)
		if err != nil {
			return
		}
		if err := h.CheckInvariants(); err != nil {
			t.Fatal(err)
		}
		for _, id := range h.Active() {
			h.Bid(snap.Last, id, "x", d("1"))
			h.Settle(snap.Last.Add(72*time.Hour), id)
		}
	})
}
