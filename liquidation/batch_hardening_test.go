package liquidation

import (
	"errors"
	"testing"
)

// Issue 10 item 5: a zero-value batch house had no reserve, and one bid of
// 0.000001 cleared 100 ETH against a 100,000 tab. The zero value is now
// refused; no reserve is the explicit NoReserve.
func TestBatchReserveIsAnExplicitChoice(t *testing.T) {
	if _, err := NewBatchHouse(BatchSettings{}); !errors.Is(err, ErrInvalidSettings) {
		t.Fatalf("zero value: %v, want ErrInvalidSettings", err)
	}
	if _, err := NewBatchHouse(BatchSettings{NoReserve: true, ReserveRatio: d("0.9")}); !errors.Is(err, ErrInvalidSettings) {
		t.Fatalf("NoReserve with a ratio: %v, want ErrInvalidSettings", err)
	}
	h, err := NewBatchHouse(BatchSettings{ReserveRatio: d("0.9")})
	if err != nil {
		t.Fatal(err)
	}
	id, _, err := h.Open(t0, AuctionParams{Tab: d("100000"), Lot: d("100"), Owner: "o", Price: d("2000")}, sec(60))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := h.Bid(sec(1), id, "sniper", d("100"), d("0.000001")); !errors.Is(err, ErrBidTooLow) {
		t.Fatalf("dust bid: %v, want ErrBidTooLow", err)
	}
	// Boundary: a limit exactly at the reserve (2000 × 0.9 = 1800) is
	// accepted, one unit below is not (Bid: limit < reserve refused).
	if _, _, err := h.Bid(sec(1), id, "a", d("1"), d("1799.999999999999999999")); !errors.Is(err, ErrBidTooLow) {
		t.Fatalf("one unit below the reserve: %v", err)
	}
	if _, _, err := h.Bid(sec(1), id, "a", d("1"), d("1800")); err != nil {
		t.Fatalf("at the reserve: %v", err)
	}
	// The explicit choice still works.
	n, err := NewBatchHouse(BatchSettings{NoReserve: true})
	if err != nil {
		t.Fatal(err)
	}
	id, _, _ = n.Open(t0, AuctionParams{Tab: d("10"), Lot: d("1"), Owner: "o", Price: d("10")}, sec(60))
	if _, _, err := n.Bid(sec(1), id, "a", d("1"), d("0.000001")); err != nil {
		t.Fatalf("NoReserve bid: %v", err)
	}
	// A snapshot with a zero reserve restores only into a NoReserve house.
	snap := n.Snapshot()
	if _, err := RestoreBatchHouse(BatchSettings{ReserveRatio: d("0.9")}, snap); !errors.Is(err, ErrInvalidSnapshot) {
		t.Fatalf("zero reserve restored into a reserved house: %v", err)
	}
	if _, err := RestoreBatchHouse(BatchSettings{NoReserve: true}, snap); err != nil {
		t.Fatal(err)
	}
}
