package liquidation

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"

	"github.com/failsafe-fi/failsafe/internal/testkit"
)

type badCall struct {
	name string
	call func() error
	want error
}

// runBadCalls makes each call, expects its error, and compares the
// snapshot before and after: bad input changes nothing (issue 5).
func runBadCalls[S any](t *testing.T, snap func() S, calls []badCall) {
	t.Helper()
	before := snap()
	for _, c := range calls {
		if err := c.call(); !errors.Is(err, c.want) {
			t.Errorf("%s: %v want %v", c.name, err, c.want)
		}
		if diff := cmp.Diff(before, snap(), testkit.EquateDecimals); diff != "" {
			t.Fatalf("%s changed state:\n%s", c.name, diff)
		}
	}
}

func TestEnglishBadCallsLeaveStateUnchanged(t *testing.T) {
	h := mustEnglish(t) // reserve 0.8, increment and decrement 5%, bid duration 3 h, max 48 h
	fwd, _, _ := h.Kick(sec(0), AuctionParams{Tab: d("1000"), Lot: d("10"), Owner: "v", Price: d("100")})
	rev, _, _ := h.Kick(sec(0), AuctionParams{Tab: d("1000"), Lot: d("10"), Owner: "v", Price: d("100")})
	idle, _, _ := h.Kick(sec(0), AuctionParams{Tab: d("1000"), Lot: d("10"), Owner: "v", Price: d("100")})
	mustNil(t, ignore(h.Bid(sec(0), fwd, "a", d("800"))))
	mustNil(t, ignore(h.Bid(sec(0), rev, "a", d("1000"))))
	now := sec(60)
	runBadCalls(t, h.Snapshot, []badCall{
		{"bid below increment", func() error { return ignore(h.Bid(now, fwd, "b", d("839.99"))) }, ErrBidTooLow},
		{"bid equal", func() error { return ignore(h.Bid(now, fwd, "b", d("800"))) }, ErrBidTooLow},
		{"first bid below reserve", func() error { return ignore(h.Bid(now, idle, "b", d("799"))) }, ErrBidTooLow},
		{"bid above tab", func() error { return ignore(h.Bid(now, fwd, "b", d("1000.01"))) }, ErrInvalidInput},
		{"absurd bid", func() error { return ignore(h.Bid(now, fwd, "b", decimal.New(1, 100000))) }, ErrInvalidInput},
		{"lot bid too small a cut", func() error { return ignore(h.BidLot(now, rev, "b", d("9.51"))) }, ErrBidTooLow},
		{"lot bid zero", func() error { return ignore(h.BidLot(now, rev, "b", d("0"))) }, ErrInvalidInput},
		{"lot bid off grid", func() error { return ignore(h.BidLot(now, rev, "b", decimal.New(1, -30))) }, ErrInvalidInput},
		{"lot bid in forward phase", func() error { return ignore(h.BidLot(now, fwd, "b", d("9"))) }, ErrInvalidInput},
		{"settle before end", func() error { _, e := h.Settle(now, fwd); return e }, ErrAuctionNotEnded},
		{"restart before end", func() error { return ignore(h.Restart(now, idle, d("100"))) }, ErrAuctionNotEnded},
		{"restart with a bid", func() error { return ignore(h.Restart(sec(3*3600), fwd, d("100"))) }, ErrInvalidInput},
		{"bid after end", func() error { return ignore(h.Bid(sec(3*3600), fwd, "b", d("900"))) }, ErrAuctionEnded},
		{"bid unknown", func() error { return ignore(h.Bid(now, 99, "b", d("900"))) }, ErrUnknownAuction},
		{"yank unknown", func() error { _, e := h.Yank(now, 99); return e }, ErrUnknownAuction},
		{"time backwards", func() error { _, e := h.Settle(sec(-1), fwd); return e }, ErrTimeBackwards},
	})
}

func TestBatchBadCallsLeaveStateUnchanged(t *testing.T) {
	h, _ := NewBatchHouse(BatchSettings{ReserveRatio: d("0.8"), LotScale: 6, PriceScale: 6})
	id, _, _ := h.Open(sec(0), AuctionParams{Tab: d("900"), Lot: d("10"), Owner: "v", Price: d("100")}, sec(600))
	empty, _, _ := h.Open(sec(0), AuctionParams{Tab: d("900"), Lot: d("10"), Owner: "v", Price: d("100")}, sec(600))
	if _, _, err := h.Bid(sec(1), id, "a", d("4"), d("100")); err != nil {
		t.Fatal(err)
	}
	now := sec(10)
	runBadCalls(t, h.Snapshot, []badCall{
		{"limit below reserve", func() error { _, _, e := h.Bid(now, id, "b", d("1"), d("79.99")); return e }, ErrBidTooLow},
		{"quantity off grid", func() error { _, _, e := h.Bid(now, id, "b", d("0.0000001"), d("90")); return e }, ErrInvalidInput},
		{"limit off grid", func() error { _, _, e := h.Bid(now, id, "b", d("1"), d("90.0000001")); return e }, ErrInvalidInput},
		{"negative quantity", func() error { _, _, e := h.Bid(now, id, "b", d("-1"), d("90")); return e }, ErrInvalidInput},
		{"no bidder", func() error { _, _, e := h.Bid(now, id, "", d("1"), d("90")); return e }, ErrInvalidInput},
		{"bid after close", func() error { _, _, e := h.Bid(sec(600), id, "b", d("1"), d("90")); return e }, ErrAuctionEnded},
		{"clear before close", func() error { _, e := h.Clear(now, id); return e }, ErrAuctionNotEnded},
		{"reopen with bids", func() error { return ignore(h.Reopen(sec(600), id, d("100"), sec(700))) }, ErrInvalidInput},
		{"reopen close in the past", func() error { return ignore(h.Reopen(sec(600), empty, d("100"), sec(600))) }, ErrInvalidInput},
		{"reopen zero price", func() error { return ignore(h.Reopen(sec(600), empty, d("0"), sec(700))) }, ErrInvalidInput},
		{"clear unknown", func() error { _, e := h.Clear(sec(600), 99); return e }, ErrUnknownAuction},
		{"time backwards", func() error { _, e := h.Clear(sec(-1), id); return e }, ErrTimeBackwards},
	})
	if r, err := h.Clear(sec(600), empty); err != nil || r.Refusal != RefusalNoBid {
		t.Fatalf("clear with no bid: %+v %v", r, err)
	}
}

func TestEngineBadCallsLeaveStateUnchanged(t *testing.T) {
	e := mustEngine(t, EngineSettings{GlobalCap: d("1000"), MarketCaps: map[string]decimal.Decimal{"ETH": d("600")}})
	if _, err := e.Commit(sec(10), []Order{{Account: "a", Market: "ETH", Debt: d("500"), Lot: d("1"), Tab: d("500")}}); err != nil {
		t.Fatal(err)
	}
	now := sec(20)
	runBadCalls(t, e.Snapshot, []badCall{
		{"commit over market cap", func() error {
			return ignore(e.Commit(now, []Order{{Account: "b", Market: "ETH", Debt: d("100"), Lot: d("1"), Tab: d("101")}}))
		}, ErrCapExceeded},
		{"commit over global cap, second order", func() error {
			return ignore(e.Commit(now, []Order{{Account: "b", Market: "BTC", Tab: d("400")}, {Account: "c", Market: "SOL", Tab: d("101")}}))
		}, ErrCapExceeded},
		{"commit zero tab", func() error { return ignore(e.Commit(now, []Order{{Account: "b", Market: "BTC", Tab: d("0")}})) }, ErrInvalidInput},
		{"commit time backwards", func() error { return ignore(e.Commit(sec(9), nil)) }, ErrTimeBackwards},
		{"release more than held", func() error { return ignore(e.Release(now, "ETH", d("500.01"))) }, ErrInvalidInput},
		{"release unknown market", func() error { return ignore(e.Release(now, "BTC", d("1"))) }, ErrInvalidInput},
		{"release zero", func() error { return ignore(e.Release(now, "ETH", d("0"))) }, ErrInvalidInput},
		{"plan time backwards", func() error { return ignore(e.Plan(sec(9), nil)) }, ErrTimeBackwards},
	})
}

func ignore[T any](_ T, err error) error { return err }

func mustNil(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// jsonRoundTrip sends a snapshot through JSON, as a standby node would
// receive it.
func jsonRoundTrip[S any](t *rapid.T, snap S) S {
	raw, err := json.Marshal(snap)
	if err != nil {
		t.Fatal(err)
	}
	var out S
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// sameState fails when two snapshots differ.
func sameState[S any](t *rapid.T, a, b S) {
	if diff := cmp.Diff(a, b, testkit.EquateDecimals); diff != "" {
		t.Fatalf("diverged:\n%s", diff)
	}
}
