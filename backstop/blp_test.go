package backstop

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/testkit"
)

func TestBackstopPoolTakeOver(t *testing.T) {
	tests := []struct {
		name     string
		caps     []string
		size     string
		price    string
		want     []Assignment
		unfilled string
	}{
		{
			// FTX: "Position is closed against BLPs in proportion to
			// remaining capacity": 6000:4000 of a 5000 notional → 6 and 4.
			name: "pro rata to capacity", caps: []string{"6000", "4000"}, size: "10", price: "500",
			want: []Assignment{{"P1", d("6"), d("3000")}, {"P2", d("4"), d("2000")}}, unfilled: "0",
		},
		{
			name: "short side keeps its sign", caps: []string{"6000", "4000"}, size: "-10", price: "500",
			want: []Assignment{{"P1", d("-6"), d("3000")}, {"P2", d("-4"), d("2000")}}, unfilled: "0",
		},
		{
			// P1 can hold ⌊1499/500⌋ = 2 lots though its proportional share
			// is 19 × 0.1499 = 2.85: water-filling caps it at 2 and P2
			// takes the other 17.
			name: "lot floors bind: water-filled", caps: []string{"1499", "8501"}, size: "19", price: "500",
			want: []Assignment{{"P1", d("2"), d("1000")}, {"P2", d("17"), d("8500")}}, unfilled: "0",
		},
		{
			name: "too big: the rest is unfilled", caps: []string{"1000", "1000"}, size: "5", price: "500",
			want: []Assignment{{"P1", d("2"), d("1000")}, {"P2", d("2"), d("1000")}}, unfilled: "1",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := NewBackstopPool(PoolSettings{Providers: []Provider{{"P1", d(tc.caps[0])}, {"P2", d(tc.caps[1])}}, Unit: d("1"), SizeUnit: d("1")})
			if err != nil {
				t.Fatal(err)
			}
			res, err := p.TakeOver(t0, Takeover{ID: "t", Account: "x", Size: d(tc.size), Price: d(tc.price)})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, res.Assignments, testkit.EquateDecimals); diff != "" {
				t.Errorf("assignments (-want +got):\n%s", diff)
			}
			if !res.Unfilled.Equal(d(tc.unfilled)) {
				t.Errorf("unfilled %s, want %s", res.Unfilled, tc.unfilled)
			}
			if err := p.CheckInvariants(); err != nil {
				t.Error(err)
			}
		})
	}
}

func TestBackstopPoolBadInput(t *testing.T) {
	if _, err := NewBackstopPool(PoolSettings{Providers: []Provider{{"P1", d("-1")}}}); !errors.Is(err, ErrInvalidSettings) {
		t.Errorf("negative capacity: %v", err)
	}
	if _, err := NewBackstopPool(PoolSettings{}); !errors.Is(err, ErrInvalidSettings) {
		t.Errorf("no providers: %v", err)
	}
	if _, err := NewBackstopPool(PoolSettings{Providers: []Provider{{"P1", d("1")}, {"P1", d("1")}}}); !errors.Is(err, ErrDuplicateID) {
		t.Errorf("duplicate: %v", err)
	}
	p, _ := NewBackstopPool(PoolSettings{Providers: []Provider{{"P1", d("100")}}, SizeUnit: d("1")})
	for _, tk := range []Takeover{{Account: "", Size: d("1"), Price: d("1")}, {Account: "a", Size: d("0"), Price: d("1")},
		{Account: "a", Size: d("1.5"), Price: d("1")}, {Account: "a", Size: d("1"), Price: d("0")}} {
		if _, err := p.TakeOver(t0, tk); !errors.Is(err, ErrInvalidInput) {
			t.Errorf("%+v: %v", tk, err)
		}
	}
	if !p.Remaining()[0].Capacity.Equal(d("100")) {
		t.Error("bad input changed state")
	}
}

func TestBLPLayerInWaterfall(t *testing.T) {
	// A long of 10 bankrupt at 500 while the mark is 480: providers taking
	// it at 500 absorb 20 a unit. A shortfall of 150 → 7.5 → 8 lots,
	// shared 6000:4000 → P1 5 (charged 93.75→94), P2 3 (56).
	p, _ := NewBackstopPool(PoolSettings{Providers: []Provider{{"P1", d("6000")}, {"P2", d("4000")}}, Unit: d("1"), SizeUnit: d("1")})
	l, err := p.Layer(Takeover{ID: "t", Account: "x", Size: d("10"), Price: d("500")}, d("480"))
	if err != nil {
		t.Fatal(err)
	}
	if !l.Capacity().Equal(d("200")) {
		t.Fatalf("capacity %s", l.Capacity())
	}
	w, _ := New(Settings{Layers: []Layer{l}, Unit: d("1")})
	a, err := w.Cover(t0, Claim{ID: "s", Amount: d("150")})
	if err != nil {
		t.Fatal(err)
	}
	if err := CheckAllocation(a); err != nil {
		t.Fatal(err)
	}
	wantA := []Assignment{{"P1", d("5"), d("2500")}, {"P2", d("3"), d("1500")}}
	if diff := cmp.Diff(wantA, l.assignmentsCopy(), testkit.EquateDecimals); diff != "" {
		t.Error(diff)
	}
	var got []decimal.Decimal
	for _, m := range a.Draws[0].Movements {
		got = append(got, m.Amount)
	}
	if diff := cmp.Diff([]decimal.Decimal{d("94"), d("56")}, got, testkit.EquateDecimals); diff != "" {
		t.Error(diff)
	}
}

func TestBackstopPoolByCommitment(t *testing.T) {
	// With 2000 and 4000 left of commitments of 6000 and 4000, a takeover
	// of 6 at 500: by remaining capacity P2 takes twice P1's share (2, 4);
	// by commitment P1 takes 60 % (3.6 → 4 by largest remainder), which
	// still fits in what P1 has left.
	for _, tc := range []struct {
		byCommitment bool
		want         []Assignment
	}{
		{false, []Assignment{{"P1", d("2"), d("1000")}, {"P2", d("4"), d("2000")}}},
		{true, []Assignment{{"P1", d("4"), d("2000")}, {"P2", d("2"), d("1000")}}},
	} {
		p, _ := NewBackstopPool(PoolSettings{Providers: []Provider{{"P1", d("6000")}, {"P2", d("4000")}}, Unit: d("1"), SizeUnit: d("1"), ByCommitment: tc.byCommitment})
		p.providers["P1"].remaining, p.providers["P2"].remaining = d("2000"), d("4000")
		res, err := p.TakeOver(t0, Takeover{ID: "b", Account: "y", Size: d("6"), Price: d("500")})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(tc.want, res.Assignments, testkit.EquateDecimals); diff != "" {
			t.Errorf("byCommitment=%v (-want +got):\n%s", tc.byCommitment, diff)
		}
	}
}

// Two pools in one waterfall need distinct layer IDs.
func TestTwoPoolsInOneWaterfall(t *testing.T) {
	tk := Takeover{ID: "t", Account: "x", Size: d("10"), Price: d("500")}
	a, _ := NewBackstopPool(PoolSettings{Providers: []Provider{{"P1", d("2000")}}, Unit: d("1"), SizeUnit: d("1")})
	b, _ := NewBackstopPool(PoolSettings{LayerID: "hlp", Providers: []Provider{{"H1", d("5000")}}, Unit: d("1"), SizeUnit: d("1")})
	shared, _ := NewSharedPosition(d("10"))
	la, _ := a.SharedLayer(tk, d("480"), shared)
	lb, _ := b.SharedLayer(tk, d("480"), shared)
	w, err := New(Settings{Layers: []Layer{la, lb}, Unit: d("1")})
	if err != nil {
		t.Fatal(err)
	}
	al, err := w.Cover(t0, Claim{ID: "s", Amount: d("200")})
	if err != nil {
		t.Fatal(err)
	}
	// P1 holds ⌊2000 / 500⌋ = 4 lots (80 of loss); the HLP takes the other 6 (120).
	if !al.DrawOf("blp").Equal(d("80")) || !al.DrawOf("hlp").Equal(d("120")) || !shared.Remaining().IsZero() {
		t.Fatalf("blp %s, hlp %s, left %s", al.DrawOf("blp"), al.DrawOf("hlp"), shared.Remaining())
	}
}
