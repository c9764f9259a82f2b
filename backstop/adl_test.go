package backstop

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/testkit"
)

// scoreTable ranks by a given table of scores, as in BitMEX's worked
// example, where the scores are stated rather than computed.
func scoreTable(scores map[string]string) Ranking {
	return func(p Position, _ decimal.Decimal) (decimal.Decimal, error) {
		return d(scores[p.Account]), nil
	}
}

func long(acct, size string) Position {
	return Position{Account: acct, Size: d(size), EntryPrice: d("600"), BankruptcyPrice: d("500")}
}

// TestDeleverageBitMEXExample encodes BitMEX's "Auto-Deleveraging Further
// Information" example (testnet.bitmex.com/app/autoDeleveragingExamples):
// six longs (account, quantity, PnL ranking) (1,10,3) (2,10,6) (3,20,1)
// (4,30,4) (5,20,5) (6,10,2); a short of 20 is liquidated with bankruptcy
// price 650 → queue 2,5,4,1,6,3; account 2 is closed for its whole 10 and
// account 5 for 10 of its 20, both at 650.
func TestDeleverageBitMEXExample(t *testing.T) {
	longs := []Position{long("1", "10"), long("2", "10"), long("3", "20"), long("4", "30"), long("5", "20"), long("6", "10")}
	scores := map[string]string{"1": "3", "2": "6", "3": "1", "4": "4", "5": "5", "6": "2"}
	tests := []struct {
		name      string
		bankrupt  Position
		size      string
		wantQueue []string
		wantFills []Fill
		unfilled  string
	}{
		{
			name:      "BitMEX ADL example: short of 20 at 650",
			bankrupt:  Position{Account: "liq", Size: d("-20"), EntryPrice: d("600"), BankruptcyPrice: d("650")},
			wantQueue: []string{"2", "5", "4", "1", "6", "3"},
			wantFills: []Fill{
				{Account: "2", Closed: d("10"), After: d("0"), Price: d("650"), Score: d("6"), Rank: 0},
				{Account: "5", Closed: d("10"), After: d("10"), Price: d("650"), Score: d("5"), Rank: 1},
			},
			unfilled: "0",
		},
		{
			name:      "short of 45 reaches account 4 partially",
			bankrupt:  Position{Account: "liq", Size: d("-45"), EntryPrice: d("600"), BankruptcyPrice: d("650")},
			wantQueue: []string{"2", "5", "4", "1", "6", "3"},
			wantFills: []Fill{
				{Account: "2", Closed: d("10"), After: d("0"), Price: d("650"), Score: d("6"), Rank: 0},
				{Account: "5", Closed: d("20"), After: d("0"), Price: d("650"), Score: d("5"), Rank: 1},
				{Account: "4", Closed: d("15"), After: d("15"), Price: d("650"), Score: d("4"), Rank: 2},
			},
			unfilled: "0",
		},
		{
			name:      "short larger than the long side leaves unfilled",
			bankrupt:  Position{Account: "liq", Size: d("-120"), EntryPrice: d("600"), BankruptcyPrice: d("650")},
			wantQueue: []string{"2", "5", "4", "1", "6", "3"},
			wantFills: []Fill{
				{Account: "2", Closed: d("10"), After: d("0"), Price: d("650"), Score: d("6"), Rank: 0},
				{Account: "5", Closed: d("20"), After: d("0"), Price: d("650"), Score: d("5"), Rank: 1},
				{Account: "4", Closed: d("30"), After: d("0"), Price: d("650"), Score: d("4"), Rank: 2},
				{Account: "1", Closed: d("10"), After: d("0"), Price: d("650"), Score: d("3"), Rank: 3},
				{Account: "6", Closed: d("10"), After: d("0"), Price: d("650"), Score: d("2"), Rank: 4},
				{Account: "3", Closed: d("20"), After: d("0"), Price: d("650"), Score: d("1"), Rank: 5},
			},
			unfilled: "20",
		},
		{
			name:      "a long bankrupt position meets no longs",
			bankrupt:  Position{Account: "liq", Size: d("5"), EntryPrice: d("600"), BankruptcyPrice: d("550")},
			wantQueue: nil,
			wantFills: nil,
			unfilled:  "5",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Deleverage(DeleverageRequest{Bankrupt: tc.bankrupt, Mark: d("660"), Candidates: longs, Ranking: scoreTable(scores)})
			if err != nil {
				t.Fatal(err)
			}
			var q []string
			for _, r := range res.Queue {
				q = append(q, r.Position.Account)
			}
			if diff := cmp.Diff(tc.wantQueue, q); diff != "" {
				t.Errorf("queue (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.wantFills, res.Fills, testkit.EquateDecimals); diff != "" {
				t.Errorf("fills (-want +got):\n%s", diff)
			}
			if !res.Unfilled.Equal(d(tc.unfilled)) {
				t.Errorf("unfilled %s, want %s", res.Unfilled, tc.unfilled)
			}
		})
	}
}

// TestBitMEXRankFormula checks BitMEXRank against hand-computed values of
// BitMEX's formula (bitmex.com/app/autoDeleveraging).
func TestBitMEXRankFormula(t *testing.T) {
	tests := []struct {
		name string
		p    Position
		mark string
		want string
	}{
		// long 10 @100, mark 120, bankrupt 90: MV 1200, EV 1000, BV 900;
		// PnL% = 200/1000 = 0.2; lev = 1200/300 = 4; rank = 0.8.
		{"long in profit", Position{"a", d("10"), d("100"), d("90")}, "120", "0.8"},
		// long 10 @100, mark 95, bankrupt 90: PnL% = −50/1000 = −0.05;
		// lev = 950/50 = 19; rank = −0.05/19 = −0.00263157894736842105…
		{"long at a loss", Position{"b", d("10"), d("100"), d("90")}, "95", "-0.002631578947368422"}, // floored
		// short −10 @100, mark 80, bankrupt 110: MV −800, EV −1000, BV −1100;
		// PnL% = 200/1000 = 0.2; lev = 800/300 = 8/3; rank = 0.5333…
		{"short in profit", Position{"c", d("-10"), d("100"), d("110")}, "80", "0.533333333333333333"},
		{"flat", Position{"e", d("3"), d("100"), d("50")}, "100", "0"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := BitMEXRank(tc.p, d(tc.mark))
			if err != nil {
				t.Fatal(err)
			}
			if !got.Equal(d(tc.want)) {
				t.Errorf("rank %s, want %s", got, tc.want)
			}
		})
	}
	bad := []Position{
		{"z", d("0"), d("100"), d("90")},
		{"e0", d("1"), d("0"), d("90")},
		{"bk", d("1"), d("100"), d("-1")},
		{"beyond", d("1"), d("100"), d("130")}, // long with bankruptcy above mark
		{"", d("1"), d("100"), d("90")},
	}
	for _, p := range bad {
		if _, err := BitMEXRank(p, d("120")); !errors.Is(err, ErrInvalidInput) {
			t.Errorf("%+v: %v", p, err)
		}
	}
	if _, err := BitMEXRank(Position{"a", d("1"), d("1"), d("0")}, d("0")); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("zero mark: %v", err)
	}
}

func TestRankTieBreakIsByAccount(t *testing.T) {
	ps := []Position{long("c", "1"), long("a", "1"), long("b", "1")}
	same := func(Position, decimal.Decimal) (decimal.Decimal, error) { return d("1"), nil }
	r, err := Rank(ps, d("700"), same)
	if err != nil {
		t.Fatal(err)
	}
	got := []string{r[0].Position.Account, r[1].Position.Account, r[2].Position.Account}
	if diff := cmp.Diff([]string{"a", "b", "c"}, got); diff != "" {
		t.Error(diff)
	}
	if _, err := Rank([]Position{long("a", "1"), long("a", "2")}, d("700"), nil); !errors.Is(err, ErrDuplicateID) {
		t.Errorf("duplicate: %v", err)
	}
}

func TestADLLayerInWaterfall(t *testing.T) {
	// The short of 20 at bankruptcy 650 from BitMEX's example, with the mark
	// at 660: each unit closed at 650 instead of 660 moves 10 of loss to
	// the long it is closed against. A shortfall of 150 closes 15 units:
	// account 2 (10) pays 100, account 5 (5) pays 50.
	longs := []Position{long("1", "10"), long("2", "10"), long("3", "20"), long("4", "30"), long("5", "20"), long("6", "10")}
	scores := map[string]string{"1": "3", "2": "6", "3": "1", "4": "4", "5": "5", "6": "2"}
	l, err := NewADLLayer(ADLSettings{Request: DeleverageRequest{
		Bankrupt: Position{Account: "liq", Size: d("-20"), EntryPrice: d("600"), BankruptcyPrice: d("650")},
		Mark:     d("660"), Candidates: longs, Ranking: scoreTable(scores)}, Unit: d("1"), SizeUnit: d("1")})
	if err != nil {
		t.Fatal(err)
	}
	if !l.Capacity().Equal(d("200")) {
		t.Fatalf("capacity %s, want 200", l.Capacity())
	}
	w, _ := New(Settings{Layers: []Layer{l}, Unit: d("1")})
	a, err := w.Cover(t0, Claim{ID: "s", Amount: d("150")})
	if err != nil {
		t.Fatal(err)
	}
	want := []Movement{
		{From: "adl:2", To: "shortfall:s", Amount: d("100"), Reason: "auto-deleveraging at 650"},
		{From: "adl:5", To: "shortfall:s", Amount: d("50"), Reason: "auto-deleveraging at 650"},
	}
	if diff := cmp.Diff(want, a.Draws[0].Movements, testkit.EquateDecimals); diff != "" {
		t.Error(diff)
	}
	if !l.Capacity().Equal(d("50")) {
		t.Errorf("capacity after %s, want 50", l.Capacity())
	}
}
