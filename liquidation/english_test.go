package liquidation

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/failsafe-fi/failsafe/internal/testkit"
)

func mustEnglish(t testing.TB) *EnglishHouse {
	h, err := NewEnglishHouse(EnglishSettings{Market: "ETH-A", ReserveRatio: d("0.8")})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// Flipper tend/dent/deal walk-through with Maker defaults (beg 5%, ttl 3 h,
// tau 2 days) plus a reserve at 80% of the oracle: tab 1000, lot 10, oracle 100.
func TestEnglishTwoPhase(t *testing.T) {
	h := mustEnglish(t)
	id, _, err := h.Kick(t0, AuctionParams{Tab: d("1000"), Lot: d("10"), Owner: "vault", Price: d("100"), Penalty: d("100")})
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name    string
		at      time.Duration
		reverse bool
		v       string
		wantErr error
	}{
		{"first bid below reserve value 800", 0, false, "700", ErrBidTooLow},
		{"first bid at reserve value", 0, false, "800", nil},
		{"raise below 5%", time.Hour, false, "830", ErrBidTooLow},
		{"raise by 5%", time.Hour, false, "840", nil},
		{"equal bid", time.Hour, false, "840", ErrBidTooLow},
		{"above tab", time.Hour, false, "1001", ErrInvalidInput},
		{"lot bid in forward phase", time.Hour, true, "9", ErrInvalidInput},
		{"bid the tab (less than 5% allowed)", 2 * time.Hour, false, "1000", nil},
		{"forward bid in reverse phase", 2 * time.Hour, false, "1000", ErrInvalidInput},
		{"lot cut below 5%", 3 * time.Hour, true, "9.6", ErrBidTooLow},
		{"lot cut by 5%", 3 * time.Hour, true, "9.5", nil},
		{"after end (3 h after last bid)", 6 * time.Hour, true, "9", ErrAuctionEnded},
	}
	for _, s := range steps {
		var err error
		bidder := "keeper"
		if s.name == "equal bid" || s.name == "forward bid in reverse phase" { // the keeper's own repeat is idempotent (issue 14): a rival's is refused
			bidder = "rival"
		}
		if s.reverse {
			_, err = h.BidLot(t0.Add(s.at), id, bidder, d(s.v))
		} else {
			_, err = h.Bid(t0.Add(s.at), id, bidder, d(s.v))
		}
		if !errors.Is(err, s.wantErr) {
			t.Fatalf("%s: err %v want %v", s.name, err, s.wantErr)
		}
		if err := h.CheckInvariants(); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := h.Settle(t0.Add(6*time.Hour-time.Nanosecond), id); !errors.Is(err, ErrAuctionNotEnded) {
		t.Fatalf("early settle: %v", err)
	}
	r, err := h.Settle(t0.Add(6*time.Hour), id)
	if err != nil {
		t.Fatal(err)
	}
	want := Settlement{Type: AuctionEnglish, Auction: 1, Market: "ETH-A", Owner: "vault", Lot: d("10"), Tab: d("1000"),
		CollateralSold: d("9.5"), CollateralReturned: d("0.5"), CollateralYanked: d("0"), DebtRecovered: d("1000"),
		Penalty: d("100"), KeeperRewards: d("0"), Shortfall: d("0"), DebtYanked: d("0"), Surplus: d("0")}
	if diff := cmp.Diff(want, *r.Settlement, testkit.EquateDecimals); diff != "" {
		t.Fatalf("(-want +got)\n%s", diff)
	}
	if _, err := h.Bid(t0.Add(7*time.Hour), id, "k", d("1")); !errors.Is(err, ErrUnknownAuction) {
		t.Fatalf("bid after settlement: %v", err)
	}
}

// Black Thursday: with no bid the auction restarts at a fresh reserve
// instead of selling for zero.
func TestEnglishZeroBidRestarts(t *testing.T) {
	h := mustEnglish(t)
	id, _, _ := h.Kick(t0, AuctionParams{Tab: d("1000"), Lot: d("10"), Owner: "vault", Price: d("100")})
	if _, err := h.Bid(t0, id, "zero-bidder", d("0")); !errors.Is(err, ErrInvalidInput) {
		t.Fatalf("zero bid: %v", err)
	}
	if _, err := h.Restart(t0.Add(time.Hour), id, d("50")); !errors.Is(err, ErrAuctionNotEnded) {
		t.Fatalf("early restart: %v", err)
	}
	end := t0.Add(48 * time.Hour)
	r, err := h.Settle(end, id)
	if err != nil || r.Refusal != RefusalNoBid {
		t.Fatalf("settle with no bid: %+v %v", r, err)
	}
	if _, err := h.Restart(end, id, d("50")); err != nil {
		t.Fatal(err)
	}
	st, _ := h.Status(end, id)
	if !st.Reserve.Equal(d("40")) || !st.MinBid.Equal(d("400")) || !st.End.Equal(end.Add(48*time.Hour)) {
		t.Fatalf("after restart %+v", st)
	}
	// one lone bid at the reserve value settles with a reported shortfall
	if _, err := h.Bid(end, id, "lone", d("400")); err != nil {
		t.Fatal(err)
	}
	s, err := h.Settle(end.Add(3*time.Hour), id)
	if err != nil || !s.Settlement.Shortfall.Equal(d("600")) || s.Winner != "lone" {
		t.Fatalf("%+v %v", s, err)
	}
	if err := CheckSettlement(*s.Settlement); err != nil {
		t.Fatal(err)
	}
}

func TestEnglishBadSettings(t *testing.T) {
	for name, s := range map[string]EnglishSettings{
		"no reserve":          {},
		"negative increment":  {ReserveRatio: d("0.8"), MinIncrement: d("-0.1")},
		"decrement one":       {ReserveRatio: d("0.8"), MinDecrement: d("1")},
		"bid longer than max": {ReserveRatio: d("0.8"), BidDuration: 3 * time.Hour, MaxDuration: time.Hour},
	} {
		if _, err := NewEnglishHouse(s); !errors.Is(err, ErrInvalidSettings) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestEnglishBatchBadInputLeavesStateUnchanged(t *testing.T) {
	h := mustEnglish(t)
	id, _, _ := h.Kick(sec(100), AuctionParams{Tab: d("1000"), Lot: d("10"), Owner: "vault", Price: d("100")})
	before := h.Snapshot()
	checks := []struct {
		name string
		err  error
		want error
	}{
		{"time backwards", func() error { _, e := h.Bid(sec(99), id, "b", d("900")); return e }(), ErrTimeBackwards},
		{"unknown auction", func() error { _, e := h.Bid(sec(100), 42, "b", d("900")); return e }(), ErrUnknownAuction},
		{"no bidder", func() error { _, e := h.Bid(sec(100), id, "", d("900")); return e }(), ErrInvalidInput},
		{"negative bid", func() error { _, e := h.Bid(sec(100), id, "b", d("-1")); return e }(), ErrInvalidInput},
		{"zero tab kick", func() error {
			_, _, e := h.Kick(sec(100), AuctionParams{Tab: d("0"), Lot: d("1"), Owner: "o", Price: d("1")})
			return e
		}(), ErrInvalidInput},
		{"restart with a zero price", func() error { _, e := h.Restart(sec(100), id, d("0")); return e }(), ErrInvalidInput},
	}
	for _, c := range checks {
		if !errors.Is(c.err, c.want) {
			t.Errorf("%s: %v want %v", c.name, c.err, c.want)
		}
	}
	if diff := cmp.Diff(before, h.Snapshot(), testkit.EquateDecimals); diff != "" {
		t.Fatalf("state changed:\n%s", diff)
	}
	y, err := h.Yank(sec(100), id)
	if err != nil || !y.Settlement.Yanked || CheckSettlement(y.Settlement) != nil {
		t.Fatalf("yank %+v %v", y, err)
	}

	b, _ := NewBatchHouse(BatchSettings{NoReserve: true})
	bid, _, _ := b.Open(sec(100), AuctionParams{Tab: d("10"), Lot: d("1"), Owner: "o", Price: d("10")}, sec(200))
	bs := b.Snapshot()
	if _, _, err := b.Bid(sec(50), bid, "x", d("1"), d("1")); !errors.Is(err, ErrTimeBackwards) {
		t.Errorf("batch time backwards: %v", err)
	}
	if _, _, err := b.Open(sec(100), AuctionParams{Tab: d("10"), Lot: d("1"), Owner: "o", Price: d("10")}, sec(100)); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("close not after now: %v", err)
	}
	if _, err := b.Clear(sec(150), 9); !errors.Is(err, ErrUnknownAuction) {
		t.Errorf("unknown: %v", err)
	}
	if diff := cmp.Diff(bs, b.Snapshot(), testkit.EquateDecimals); diff != "" {
		t.Fatalf("batch state changed:\n%s", diff)
	}
}

// The reserve holds in the reverse phase too (review of issue 5): tab 500,
// lot 10, oracle 100, reserve ratio 0.8 → reserve 80 and the first bid must
// be min(500, 10 × 80) = 500, the whole tab. Flipper would then let a lone
// bidder take all 10 units (worth 1,000) for 500; here the lot is cut to
// floor(500 / 80) = 6.25 and 3.75 returns to the owner.
func TestEnglishReverseStartsAtReserve(t *testing.T) {
	h := mustEnglish(t)
	id, _, _ := h.Kick(t0, AuctionParams{Tab: d("500"), Lot: d("10"), Owner: "vault", Price: d("100")})
	ev, err := h.Bid(t0, id, "lone", d("500"))
	if err != nil || !ev[0].Lot.Equal(d("6.25")) {
		t.Fatalf("bid the tab: %+v %v", ev, err)
	}
	st, _ := h.Status(t0, id)
	if !st.Reverse || !st.Lot.Equal(d("6.25")) || !st.MaxLot.Equal(d("5.9375")) {
		t.Fatalf("status %+v", st)
	}
	r, err := h.Settle(st.End, id)
	if err != nil {
		t.Fatal(err)
	}
	want := Settlement{Type: AuctionEnglish, Auction: 1, Market: "ETH-A", Owner: "vault", Lot: d("10"), Tab: d("500"),
		CollateralSold: d("6.25"), CollateralReturned: d("3.75"), CollateralYanked: d("0"), DebtRecovered: d("500"),
		Penalty: d("0"), KeeperRewards: d("0"), Shortfall: d("0"), DebtYanked: d("0"), Surplus: d("0")}
	if diff := cmp.Diff(want, *r.Settlement, testkit.EquateDecimals); diff != "" {
		t.Fatalf("(-want +got)\n%s", diff)
	}
}
