package liquidation

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
	"github.com/failsafe-fi/failsafe/internal/testkit"
)

var t0 = time.Date(2020, 3, 12, 0, 0, 0, 0, time.UTC)

func sec(n int) time.Time { return t0.Add(time.Duration(n) * time.Second) }

// testDutchSettings: linear curve over an hour, buf 1.2, chop 1.1, dust 100
// (chost 110), tip 5, chip 1% (dust × (chop − 1) = 10 > 5 + 1).
func testDutchSettings(t testing.TB) DutchSettings {
	c, err := NewLinearDecrease(time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	return DutchSettings{Market: "ETH-A", Curve: c, Buf: d("1.2"), Tail: 2 * time.Hour, Cusp: d("0.5"),
		Chop: d("1.1"), Dust: d("100"), Tip: d("5"), Chip: d("0.01")}
}

func mustHouse(t testing.TB, s DutchSettings) *DutchHouse {
	h, err := NewDutchHouse(s)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func kick(t testing.TB, h *DutchHouse, now time.Time, tab, lot, price string) KickResult {
	r, err := h.Kick(now, KickParams{Tab: d(tab), Lot: d(lot), Owner: "vault-1", Keeper: "k", Price: d(price), Penalty: d(tab).Sub(num.Div(d(tab), d("1.1"), 10, num.HalfEven))})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestDutchKick(t *testing.T) {
	h := mustHouse(t, testDutchSettings(t))
	r := kick(t, h, t0, "1100", "10", "100")
	if r.ID != 1 || !r.Top.Equal(d("120")) || !r.Reward.Equal(d("16")) {
		t.Fatalf("kick = id %d top %s reward %s; want 1, 120, 16 (tip 5 + 1%% × 1100)", r.ID, r.Top, r.Reward)
	}
	if !h.Chost().Equal(d("110")) {
		t.Fatalf("chost %s", h.Chost())
	}
}

// Clipper take walk-through (dss clip.sol take): partial, chost clamp,
// lot runs out with shortfall.
func TestDutchTakeShortfall(t *testing.T) {
	h := mustHouse(t, testDutchSettings(t))
	kick(t, h, t0, "1100", "10", "100")
	steps := []struct {
		name             string
		at               int
		maxLot, maxPrice string
		want             TakeResult
	}{
		{"partial at 360 s, price 108", 360, "5", "110",
			TakeResult{Price: d("108"), Lot: d("5"), Paid: d("540"), TabLeft: d("560"), LotLeft: d("5"), Released: d("540")}},
		{"clamped so tab stays at chost", 720, "4.9", "96",
			TakeResult{Price: d("96"), Lot: d("4.6875"), Paid: d("450"), TabLeft: d("110"), LotLeft: d("0.3125"), Released: d("450")}},
		{"rest of the lot: shortfall 80", 720, "10", "96",
			TakeResult{Price: d("96"), Lot: d("0.3125"), Paid: d("30"), TabLeft: d("80"), LotLeft: d("0"), Released: d("110")}},
	}
	for _, s := range steps {
		got, err := h.Take(sec(s.at), TakeParams{ID: 1, Keeper: "k", MaxLot: d(s.maxLot), MaxPrice: d(s.maxPrice)})
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		got.Events, got.Settlement = nil, nil
		if diff := cmp.Diff(s.want, got, testkit.EquateDecimals); diff != "" {
			t.Fatalf("%s (-want +got):\n%s", s.name, diff)
		}
		if err := h.CheckInvariants(); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := h.Take(sec(721), TakeParams{ID: 1, MaxLot: d("1"), MaxPrice: d("1000")}); !errors.Is(err, ErrUnknownAuction) {
		t.Fatalf("take after settlement: %v", err)
	}
}

func TestDutchTakeCoversTabReturnsCollateral(t *testing.T) {
	h := mustHouse(t, testDutchSettings(t))
	kick(t, h, t0, "1100", "10", "200") // top 240
	got, err := h.Take(sec(360), TakeParams{ID: 1, MaxLot: d("10"), MaxPrice: d("216")})
	if err != nil {
		t.Fatal(err)
	}
	if got.Settlement == nil {
		t.Fatal("no settlement")
	}
	want := Settlement{Type: AuctionDutch, Auction: 1, Market: "ETH-A", Owner: "vault-1", Lot: d("10"), Tab: d("1100"),
		CollateralSold: d("5.092592592592592592"), CollateralReturned: d("4.907407407407407408"),
		CollateralYanked: d("0"), DebtRecovered: d("1100"), Penalty: d("100"), KeeperRewards: d("16"),
		Shortfall: d("0"), DebtYanked: d("0"), Surplus: d("0")}
	if diff := cmp.Diff(want, *got.Settlement, testkit.EquateDecimals); diff != "" {
		t.Fatalf("settlement (-want +got):\n%s", diff)
	}
	if err := CheckSettlement(*got.Settlement); err != nil {
		t.Fatal(err)
	}
}

func TestDutchRefusals(t *testing.T) {
	h := mustHouse(t, testDutchSettings(t))
	kick(t, h, t0, "1100", "10", "100")
	cases := []struct {
		name string
		at   int
		p    TakeParams
		want Refusal
	}{
		{"too expensive", 360, TakeParams{ID: 1, MaxLot: d("1"), MaxPrice: d("107.99")}, RefusalTooExpensive},
		{"at cusp exactly is takeable", 1800, TakeParams{ID: 1, MaxLot: d("1"), MaxPrice: d("60")}, ""},
		{"just below cusp needs redo", 1801, TakeParams{ID: 1, MaxLot: d("1"), MaxPrice: d("1000")}, RefusalNeedsRedo},
	}
	for _, c := range cases {
		got, err := h.Take(sec(c.at), c.p)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if got.Refusal != c.want {
			t.Fatalf("%s: refusal %q want %q", c.name, got.Refusal, c.want)
		}
	}
}

func TestDutchNoPartialBelowChost(t *testing.T) {
	h := mustHouse(t, testDutchSettings(t))
	kick(t, h, t0, "110", "10", "100") // tab = chost: only the whole lot
	got, err := h.Take(sec(0), TakeParams{ID: 1, MaxLot: d("0.5"), MaxPrice: d("120")})
	if err != nil || got.Refusal != RefusalNoPartial {
		t.Fatalf("got %+v, %v", got.Refusal, err)
	}
	got, err = h.Take(sec(0), TakeParams{ID: 1, MaxLot: d("10"), MaxPrice: d("120")})
	if err != nil || got.Settlement == nil || !got.Paid.Equal(d("110")) {
		t.Fatalf("whole take: %+v, %v", got, err)
	}
}

func TestDutchRedo(t *testing.T) {
	flat, _ := NewExponentialDecrease(d("1"))
	s := testDutchSettings(t)
	s.Curve, s.Tail = flat, time.Hour
	h := mustHouse(t, s)
	kick(t, h, t0, "1100", "10", "100")
	r, err := h.Redo(sec(3600), RedoParams{ID: 1, Keeper: "k2", Price: d("90")})
	if err != nil || r.Refusal != RefusalNoRedoNeeded {
		t.Fatalf("age = tail must not need redo: %+v %v", r, err)
	}
	tk, _ := h.Take(t0.Add(time.Hour+time.Nanosecond), TakeParams{ID: 1, MaxLot: d("1"), MaxPrice: d("1000")})
	if tk.Refusal != RefusalNeedsRedo {
		t.Fatalf("age > tail: %q", tk.Refusal)
	}
	r, err = h.Redo(sec(3601), RedoParams{ID: 1, Keeper: "k2", Price: d("90")})
	if err != nil || r.Refusal != "" || !r.Top.Equal(d("108")) || !r.Reward.Equal(d("16")) {
		t.Fatalf("redo: %+v %v", r, err)
	}
	st, _ := h.Status(sec(3601), 1)
	if st.NeedsRedo || !st.Price.Equal(d("108")) {
		t.Fatalf("status after redo %+v", st)
	}
}

func TestDutchRedoDustyNoReward(t *testing.T) {
	h := mustHouse(t, testDutchSettings(t))
	kick(t, h, t0, "1100", "1", "100") // lot value at price 50: 50 < chost 110
	r, err := h.Redo(sec(3000), RedoParams{ID: 1, Price: d("50")})
	if err != nil || r.Refusal != "" || !r.Reward.IsZero() {
		t.Fatalf("dusty redo: %+v %v", r, err)
	}
}

func TestDutchStopAndYank(t *testing.T) {
	h := mustHouse(t, testDutchSettings(t))
	kick(t, h, t0, "1100", "10", "100")
	for level, blocked := range map[StopLevel][3]bool{1: {true, false, false}, 2: {true, true, false}, 3: {true, true, true}} {
		if _, err := h.SetStop(t0, level); err != nil {
			t.Fatal(err)
		}
		_, errK := h.Kick(t0, KickParams{Tab: d("1"), Lot: d("1"), Owner: "o", Price: d("1")})
		_, errR := h.Redo(t0, RedoParams{ID: 1, Price: d("1")})
		_, errT := h.Take(t0, TakeParams{ID: 1, MaxLot: d("1"), MaxPrice: d("1")})
		got := [3]bool{errors.Is(errK, ErrStopped), errors.Is(errR, ErrStopped), errors.Is(errT, ErrStopped)}
		if got != blocked {
			t.Errorf("level %d: stopped kick/redo/take = %v want %v", level, got, blocked)
		}
	}
	y, err := h.Yank(sec(10), 1)
	if err != nil || !y.Released.Equal(d("1100")) || !y.Settlement.CollateralYanked.Equal(d("10")) {
		t.Fatalf("yank: %+v %v", y, err)
	}
	if err := CheckSettlement(y.Settlement); err != nil {
		t.Fatal(err)
	}
}

func TestDutchBadInput(t *testing.T) {
	s := testDutchSettings(t)
	badSettings := map[string]func(*DutchSettings){
		"no curve":      func(s *DutchSettings) { s.Curve = nil },
		"buf zero":      func(s *DutchSettings) { s.Buf = decimal.Zero },
		"buf negative":  func(s *DutchSettings) { s.Buf = d("-1") },
		"cusp zero":     func(s *DutchSettings) { s.Cusp = decimal.Zero },
		"cusp one":      func(s *DutchSettings) { s.Cusp = d("1") },
		"tail zero":     func(s *DutchSettings) { s.Tail = 0 },
		"chop below 1":  func(s *DutchSettings) { s.Chop = d("0.9") },
		"reward > pen.": func(s *DutchSettings) { s.Tip = d("10") },
		"bad scale":     func(s *DutchSettings) { s.LotScale = 40 },
	}
	for name, f := range badSettings {
		c := s
		f(&c)
		if _, err := NewDutchHouse(c); !errors.Is(err, ErrInvalidSettings) {
			t.Errorf("%s: %v", name, err)
		}
	}
	h := mustHouse(t, s)
	kick(t, h, sec(100), "1100", "10", "100")
	before := h.Snapshot()
	kicks := map[string]KickParams{
		"zero tab":      {Tab: d("0"), Lot: d("1"), Owner: "o", Price: d("1")},
		"negative lot":  {Tab: d("1"), Lot: d("-1"), Owner: "o", Price: d("1")},
		"zero price":    {Tab: d("1"), Lot: d("1"), Owner: "o", Price: d("0")},
		"no owner":      {Tab: d("1"), Lot: d("1"), Price: d("1")},
		"absurd tab":    {Tab: decimal.New(1, 400), Lot: d("1"), Owner: "o", Price: d("1")},
		"penalty > tab": {Tab: d("1"), Lot: d("1"), Owner: "o", Price: d("1"), Penalty: d("2")},
	}
	for name, p := range kicks {
		if _, err := h.Kick(sec(100), p); !errors.Is(err, ErrInvalidInput) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := h.Kick(sec(99), KickParams{Tab: d("1"), Lot: d("1"), Owner: "o", Price: d("1")}); !errors.Is(err, ErrTimeBackwards) {
		t.Errorf("time backwards: %v", err)
	}
	if _, err := h.Take(sec(100), TakeParams{ID: 9, MaxLot: d("1"), MaxPrice: d("1")}); !errors.Is(err, ErrUnknownAuction) {
		t.Errorf("unknown: %v", err)
	}
	if _, err := h.Take(sec(100), TakeParams{ID: 1, MaxLot: d("0"), MaxPrice: d("1")}); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("zero amount: %v", err)
	}
	if diff := cmp.Diff(before, h.Snapshot(), testkit.EquateDecimals); diff != "" {
		t.Fatalf("bad input changed state:\n%s", diff)
	}
}

// dss src/test/clip.t.sol takeSetup: oracle 4, buf 1.25 → top 5; tab 110,
// lot 40; dust 20 × chop 1.1 → chost 22; StairstepExponentialDecrease cut
// 0.99 per second. Prices at RAY precision (PriceScale 27, LotScale 9).
func makerTakeSetup(t *testing.T) *DutchHouse {
	c, _ := NewStairstepExponentialDecrease(d("0.99"), time.Second)
	h := mustHouse(t, DutchSettings{Market: "gold", Curve: c, Buf: d("1.25"), Tail: time.Hour, Cusp: d("0.3"),
		Chop: d("1.1"), Dust: d("20"), PriceScale: 27, LotScale: 9})
	k, err := h.Kick(t0, KickParams{Tab: d("110"), Lot: d("40"), Owner: "me", Price: d("4"), Penalty: d("10")})
	if err != nil || !k.Top.Equal(d("5")) {
		t.Fatalf("kick: %+v %v", k, err)
	}
	return h
}

func TestDutchMakerClipTakeTable(t *testing.T) {
	type take struct {
		at       int
		amt, max string
		refusal  Refusal
		lot, pay string // bought, paid
		tab, rem string // tab and lot left
		returned string // to the owner at settlement ("" when running)
	}
	tests := []struct {
		name  string
		takes []take
	}{
		{"test_take_over_tab", []take{{0, "25", "5", "", "22", "110", "0", "18", "18"}}},
		{"test_take_at_tab", []take{{0, "22", "5", "", "22", "110", "0", "18", "18"}}},
		{"test_take_under_tab", []take{{0, "11", "5", "", "11", "55", "55", "29", ""}}},
		{"testFail_take_bid_too_low", []take{{0, "22", "4", RefusalTooExpensive, "", "", "", "", ""}}},
		{"test_take_bid_recalculates_due_to_chost_check", []take{{0, "18", "5", "", "17.6", "88", "22", "22.4", ""}}},
		{"test_take_bid_fails_no_partial_allowed", []take{
			{0, "17.6", "5", "", "17.6", "88", "22", "22.4", ""},
			{0, "1", "5", RefusalNoPartial, "", "", "", "", ""},
			{0, "4.4", "5", "", "4.4", "22", "0", "18", "18"},
		}},
		// 5 × 0.99^60 = 2.735783211953807380973706855 exactly as Maker's
		// getStatus; the whole lot costs 109.43… < 110: the auction ends
		// with the rest as shortfall.
		{"test_take_bid_avoids_recalculate_due_no_more_lot", []take{
			{60, "40", "2.8", "", "40", "109.4313284781522952389482742", "0.5686715218477047610517258", "0", "0"},
		}},
		{"test_take_multiple_bids_different_prices", []take{
			{0, "10", "5", "", "10", "50", "60", "30", ""},
			// 5 × 0.99^30 = 3.69850186694140211365007546; 60 / price = 16.222784835… (floor, 9 places)
			{30, "30", "3.69850186694140211365007546", "", "16.222784835", "60", "0", "13.777215165", "13.777215165"},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := makerTakeSetup(t)
			for i, tk := range tc.takes {
				r, err := h.Take(sec(tk.at), TakeParams{ID: 1, Keeper: "ali", MaxLot: d(tk.amt), MaxPrice: d(tk.max)})
				if err != nil {
					t.Fatalf("take %d: %v", i, err)
				}
				if r.Refusal != tk.refusal {
					t.Fatalf("take %d: refusal %q want %q", i, r.Refusal, tk.refusal)
				}
				if tk.refusal != "" {
					continue
				}
				got := []string{r.Lot.String(), r.Paid.String(), r.TabLeft.String(), r.LotLeft.String()}
				want := []string{tk.lot, tk.pay, tk.tab, tk.rem}
				if tk.returned != "" {
					if r.Settlement == nil {
						t.Fatalf("take %d: no settlement", i)
					}
					if err := CheckSettlement(*r.Settlement); err != nil {
						t.Fatal(err)
					}
					got = append(got, r.Settlement.CollateralReturned.String())
					want = append(want, tk.returned)
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Fatalf("take %d (-want +got): lot, paid, tab left, lot left[, returned]\n%s", i, diff)
				}
			}
		})
	}
}

func TestMakerStairstepRayPrecision(t *testing.T) {
	// dss clip.t.sol test_take_bid_avoids_recalculate_due_no_more_lot:
	// getStatus price 60 s after a kick at top 5 with cut 0.99/s.
	c, _ := NewStairstepExponentialDecrease(d("0.99"), time.Second)
	if got := c.Price(d("5"), time.Minute); !got.Equal(d("2.735783211953807380973706855")) {
		t.Fatalf("got %s", got)
	}
}

// dss src/test/clip.t.sol auctionResetSetup: LinearDecrease, buf 1.25,
// cusp 0.5, tail 3600 s, oracle 4 → top 5; after the oracle moves to 3 a
// redo re-prices top to 3.75. test_auction_reset_tail (tau 10 h) and
// test_auction_reset_cusp (tau 1 h).
func TestDutchMakerAuctionReset(t *testing.T) {
	for _, tc := range []struct {
		name       string
		tau        time.Duration
		still, due int
	}{
		{"test_auction_reset_tail", 10 * time.Hour, 3600, 3601},
		{"test_auction_reset_cusp", time.Hour, 1800, 1801},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, _ := NewLinearDecrease(tc.tau)
			h := mustHouse(t, DutchSettings{Curve: c, Buf: d("1.25"), Cusp: d("0.5"), Tail: time.Hour, Dust: d("20"), Chop: d("1.1")})
			h.Kick(t0, KickParams{Tab: d("110"), Lot: d("40"), Owner: "me", Price: d("4")})
			if st, _ := h.Status(sec(tc.still), 1); st.NeedsRedo {
				t.Fatalf("needs redo at %d s", tc.still)
			}
			if r, _ := h.Redo(sec(tc.still), RedoParams{ID: 1, Price: d("3")}); r.Refusal != RefusalNoRedoNeeded {
				t.Fatalf("redo allowed at %d s", tc.still)
			}
			if st, _ := h.Status(sec(tc.due), 1); !st.NeedsRedo {
				t.Fatalf("no redo needed at %d s", tc.due)
			}
			r, err := h.Redo(sec(tc.due), RedoParams{ID: 1, Price: d("3")})
			if err != nil || r.Refusal != "" || !r.Top.Equal(d("3.75")) {
				t.Fatalf("redo: %+v %v", r, err)
			}
			if r, _ := h.Redo(sec(tc.due), RedoParams{ID: 1, Price: d("3")}); r.Refusal != RefusalNoRedoNeeded {
				t.Fatalf("%s_twice: second redo allowed", tc.name)
			}
		})
	}
}
