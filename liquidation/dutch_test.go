package liquidation

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"

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
	r, err := h.Kick(now, KickParams{Tab: d(tab), Lot: d(lot), Owner: "vault-1", Keeper: "k", Price: d(price), Penalty: d(tab).Sub(d(tab).Div(d("1.1"))).Round(10)})
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
