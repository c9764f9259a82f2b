package liquidation

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/testkit"
)

func TestClearBidsTable(t *testing.T) {
	bid := func(seq uint64, q, l string) BatchBid {
		return BatchBid{Seq: seq, Bidder: string(rune('A' + seq - 1)), Quantity: d(q), Limit: d(l)}
	}
	tests := []struct {
		name      string
		lot       string
		scale     int32
		bids      []BatchBid
		wantPrice string
		wantFills []string
	}{
		{"pro rata at the margin", "10", 18,
			[]BatchBid{bid(1, "4", "105"), bid(2, "6", "100"), bid(3, "3", "100"), bid(4, "5", "90")},
			"100", []string{"4", "4", "2", "0"}},
		{"largest remainder, tie to the earlier bid", "1.1", 2,
			[]BatchBid{bid(1, "1", "50"), bid(2, "1", "40"), bid(3, "1", "40"), bid(4, "1", "40")},
			"40", []string{"1", "0.04", "0.03", "0.03"}},
		{"demand short of the lot: all fill at the lowest limit", "10", 18,
			[]BatchBid{bid(1, "2", "105"), bid(2, "3", "95")},
			"95", []string{"2", "3"}},
		{"exact fit", "5", 18,
			[]BatchBid{bid(1, "2", "105"), bid(2, "3", "95"), bid(3, "9", "90")},
			"95", []string{"2", "3", "0"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			price, fills, err := clearBids(d(tc.lot), tc.bids, tc.scale)
			if err != nil {
				t.Fatal(err)
			}
			got := []string{}
			for _, f := range fills {
				got = append(got, f.Filled.String())
			}
			if !price.Equal(d(tc.wantPrice)) {
				t.Fatalf("price %s want %s", price, tc.wantPrice)
			}
			if diff := cmp.Diff(tc.wantFills, got); diff != "" {
				t.Fatalf("fills (-want +got)\n%s", diff)
			}
			if err := CheckClearing(d(tc.lot), price, fills); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestBatchHouse(t *testing.T) {
	h, err := NewBatchHouse(BatchSettings{Market: "ETH-A", ReserveRatio: d("0.8")})
	if err != nil {
		t.Fatal(err)
	}
	id, _, err := h.Open(t0, AuctionParams{Tab: d("900"), Lot: d("10"), Owner: "vault", Price: d("100"), Penalty: d("90")}, sec(600))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := h.Bid(sec(1), id, "low", d("1"), d("79")); !errors.Is(err, ErrBidTooLow) {
		t.Fatalf("below reserve: %v", err)
	}
	for _, b := range []struct{ who, q, l string }{{"A", "4", "105"}, {"B", "6", "100"}, {"C", "3", "100"}, {"D", "5", "90"}} {
		if _, _, err := h.Bid(sec(10), id, b.who, d(b.q), d(b.l)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := h.Clear(sec(599), id); !errors.Is(err, ErrAuctionNotEnded) {
		t.Fatalf("early clear: %v", err)
	}
	if _, _, err := h.Bid(sec(600), id, "late", d("1"), d("200")); !errors.Is(err, ErrAuctionEnded) {
		t.Fatalf("late bid: %v", err)
	}
	r, err := h.Clear(sec(600), id)
	if err != nil {
		t.Fatal(err)
	}
	want := Settlement{Type: AuctionBatch, Auction: 1, Market: "ETH-A", Owner: "vault", Lot: d("10"), Tab: d("900"),
		CollateralSold: d("10"), CollateralReturned: d("0"), CollateralYanked: d("0"), DebtRecovered: d("900"),
		Penalty: d("90"), KeeperRewards: d("0"), Shortfall: d("0"), DebtYanked: d("0"), Surplus: d("100")}
	if diff := cmp.Diff(want, *r.Settlement, testkit.EquateDecimals); diff != "" {
		t.Fatalf("(-want +got)\n%s", diff)
	}
	if err := CheckSettlement(*r.Settlement); err != nil {
		t.Fatal(err)
	}
	// no bid: refused, then reopened at a fresh reserve
	id2, _, _ := h.Open(sec(600), AuctionParams{Tab: d("1"), Lot: d("1"), Owner: "v", Price: d("1")}, sec(700))
	if r, err := h.Clear(sec(700), id2); err != nil || r.Refusal != RefusalNoBid {
		t.Fatalf("%+v %v", r, err)
	}
	if _, err := h.Reopen(sec(700), id2, d("2"), sec(800)); err != nil {
		t.Fatal(err)
	}
	if _, _, err := h.Bid(sec(701), id2, "x", d("1"), d("1.5")); !errors.Is(err, ErrBidTooLow) {
		t.Fatalf("reserve after reopen: %v", err)
	}
	for name, q := range map[string]decimal.Decimal{"zero qty": d("0"), "too precise": decimal.New(1, -30)} {
		if _, _, err := h.Bid(sec(701), id2, "x", q, d("2")); !errors.Is(err, ErrInvalidInput) {
			t.Errorf("%s: %v", name, err)
		}
	}
}
