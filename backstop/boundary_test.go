package backstop

import (
	"errors"
	"testing"

	"github.com/shopspring/decimal"
)

// Issue 10 item 9: a test at the exact boundary of every threshold in
// backstop, each comparison checked against its anchor.

// Insurance fund floor (dYdX v4 and Binance publish per-market fund
// minimums; FundSpec.Floor): the fund is drawn DOWN TO its floor — a draw of
// exactly Available (balance − floor) is allowed and leaves balance = floor;
// the floor itself is not drawable: one unit more is ErrBelowFloor.
func TestBoundaryFundFloor(t *testing.T) {
	f, _ := NewInsuranceFund(FundSettings{Funds: []FundSpec{{ID: "f", Floor: d("100")}}, Unit: d("0.01")})
	if _, err := f.Deposit(t0, "", "f", d("500"), "fees", ""); err != nil {
		t.Fatal(err)
	}
	before := snapJSON(t, f.Snapshot())
	if _, err := f.Draw(t0, "", "f", d("400.01"), "loss", ""); !errors.Is(err, ErrBelowFloor) {
		t.Fatalf("draw of Available + one unit: %v, want ErrBelowFloor", err)
	}
	if snapJSON(t, f.Snapshot()) != before {
		t.Fatal("refused draw changed state")
	}
	if _, err := f.Draw(t0, "", "f", d("400"), "loss", ""); err != nil {
		t.Fatalf("draw of exactly Available: %v", err)
	}
	if b, _ := f.Balance("f"); !b.Equal(d("100")) {
		t.Fatalf("balance %s, want the floor 100", b)
	}
	if c := f.Layer("x").Capacity(); !c.IsZero() {
		t.Fatalf("layer capacity at the floor %s, want 0", c)
	}
	if _, err := f.Draw(t0, "", "f", d("0.01"), "loss", ""); !errors.Is(err, ErrBelowFloor) {
		t.Fatalf("draw of one unit at the floor: %v, want ErrBelowFloor", err)
	}
	// Through a waterfall: a loss of Available + one unit leaves one unit.
	g, _ := NewInsuranceFund(FundSettings{Funds: []FundSpec{{ID: "f", Floor: d("100")}}, Unit: d("0.01")})
	_, _ = g.Deposit(t0, "", "f", d("500"), "fees", "")
	w, _ := New(Settings{Layers: []Layer{g.Layer("x")}, Unit: d("0.01")})
	a, err := w.Cover(t0, Claim{ID: "c", Amount: d("400.01")})
	if err != nil || !a.Covered().Equal(d("400")) || !a.Residual.Equal(d("0.01")) {
		t.Fatalf("covered %s residual %s err %v", a.Covered(), a.Residual, err)
	}
}

// Waterfall order (DESIGN: "layer k is touched only when layers before it
// are exhausted"; BitMEX/Binance: defaulter, then insurance fund, then
// ADL): a loss of exactly layer 1's capacity leaves layer 2 untouched; one
// unit more draws exactly one unit from layer 2; Σ capacities exactly
// leaves no residual, one unit more leaves one unit.
func TestBoundaryWaterfallLayerExhaustion(t *testing.T) {
	cases := []struct {
		loss, l1, l2, residual string
	}{
		{"100", "100", "0", "0"},
		{"100.01", "100", "0.01", "0"},
		{"150", "100", "50", "0"},
		{"150.01", "100", "50", "0.01"},
	}
	for _, tc := range cases {
		w, _ := New(Settings{Layers: []Layer{&fixedLayer{id: "l1", left: d("100")}, &fixedLayer{id: "l2", left: d("50")}}, Unit: d("0.01")})
		a, err := w.Cover(t0, Claim{ID: "c", Amount: d(tc.loss)})
		if err != nil {
			t.Fatal(err)
		}
		if !a.DrawOf("l1").Equal(d(tc.l1)) || !a.DrawOf("l2").Equal(d(tc.l2)) || !a.Residual.Equal(d(tc.residual)) {
			t.Errorf("loss %s: l1 %s l2 %s residual %s, want %s %s %s", tc.loss, a.DrawOf("l1"), a.DrawOf("l2"), a.Residual, tc.l1, tc.l2, tc.residual)
		}
		if err := CheckAllocation(a); err != nil {
			t.Error(err)
		}
	}
}

// EMIR (Regulation (EU) No 648/2012) Art. 45(2)-(4): survivors'
// contributions are used only after the defaulter's margin, its
// contribution and the CCP's dedicated own resources; assessments (Art.
// 43(3), ESMA Q&A 886) only after all prefunded resources; no member beyond
// its cap. issueFundSettings: defaulter D contributes 50, skin 10,
// survivors 100 + 60 + 40, assessments capped at 1× contribution (200).
func TestBoundaryDefaultFundOrder(t *testing.T) {
	cases := []struct {
		name                                   string
		loss                                   string
		skin, survivors, assessments, residual string
	}{
		{"loss = margin + own contribution: skin untouched", "250", "0", "0", "0", "0"},
		{"one unit more: skin drawn 1", "251", "1", "0", "0", "0"},
		{"loss = margin + contribution + skin: survivors untouched", "260", "10", "0", "0", "0"},
		{"one unit more: survivors drawn 1", "261", "10", "1", "0", "0"},
		{"all prefunded: no assessment", "460", "10", "200", "0", "0"},
		{"one unit more: assessed 1", "461", "10", "200", "1", "0"},
		{"assessments at their caps: no residual", "660", "10", "200", "200", "0"},
		{"one unit beyond the caps: residual 1", "661", "10", "200", "200", "1"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f, _ := NewDefaultFund(issueFundSettings())
			a, err := f.Cover(t0, Default{ID: "x", Member: "D", Loss: d(tc.loss), Margin: d("200")})
			if err != nil {
				t.Fatal(err)
			}
			got := []decimal.Decimal{a.DrawOf(StepSkinInTheGame), a.DrawOf(StepSurvivorContributions), a.DrawOf(StepAssessments), a.Residual}
			for i, want := range []string{tc.skin, tc.survivors, tc.assessments, tc.residual} {
				if !got[i].Equal(d(want)) {
					t.Errorf("skin/survivors/assessments/residual = %v, want %s %s %s %s", got, tc.skin, tc.survivors, tc.assessments, tc.residual)
					break
				}
			}
			if err := f.CheckInvariants(); err != nil { // no member above its cap
				t.Fatal(err)
			}
		})
	}
}

// FTX, "Liquidations" (help.ftx.com/hc/en-us/articles/360027937831):
// "Position is closed against BLPs in proportion to remaining capacity";
// none beyond what it has left. A takeover of exactly the pool's room is
// fully taken, each provider to exactly zero; one lot more leaves one lot
// unfilled.
func TestBoundaryBackstopPoolRoom(t *testing.T) {
	for _, tc := range []struct{ size, unfilled string }{{"40", "0"}, {"41", "1"}} {
		p, _ := NewBackstopPool(PoolSettings{Providers: []Provider{{"P", d("3000")}, {"Q", d("1000")}}, Unit: d("1"), SizeUnit: d("1")})
		res, err := p.TakeOver(t0, Takeover{ID: "t", Account: "x", Size: d(tc.size), Price: d("100")})
		if err != nil {
			t.Fatal(err)
		}
		if !res.Unfilled.Equal(d(tc.unfilled)) || !res.Taken.Equal(d("40")) {
			t.Errorf("size %s: taken %s unfilled %s", tc.size, res.Taken, res.Unfilled)
		}
		// In proportion to remaining capacity, 3:1.
		if len(res.Assignments) != 2 || !res.Assignments[0].Size.Equal(d("30")) || !res.Assignments[1].Size.Equal(d("10")) {
			t.Errorf("size %s: assignments %+v", tc.size, res.Assignments)
		}
		for _, r := range p.Remaining() {
			if !r.Capacity.IsZero() {
				t.Errorf("size %s: provider %s has %s left at full room", tc.size, r.ID, r.Capacity)
			}
		}
	}
	// A BLP layer at a takeover price equal to the mark moves no loss:
	// capacity zero at the boundary, positive one tick beyond.
	p, _ := NewBackstopPool(PoolSettings{Providers: []Provider{{"P", d("3000")}}, Unit: d("1"), SizeUnit: d("1")})
	tk := Takeover{ID: "t", Account: "x", Size: d("10"), Price: d("100")}
	for mark, want := range map[string]string{"100": "0", "99": "10"} {
		l, err := p.Layer(tk, d(mark))
		if err != nil {
			t.Fatal(err)
		}
		if c := l.Capacity(); !c.Equal(d(want)) {
			t.Errorf("BLP layer at mark %s: capacity %s, want %s", mark, c, want)
		}
	}
}

// BitMEX, "Auto Deleveraging" (bitmex.com/app/autoDeleveraging): Ranking
// = PnL% × Effective Leverage if PnL% > 0, PnL% / Effective Leverage if
// PnL% < 0 (0 at 0), Effective Leverage = |Mark Value| / (Mark Value −
// Bankrupt Value): at PnL% exactly 0 the score is 0, one tick either side
// has the sign of the PnL; at the bankruptcy price the leverage is
// undefined and the position is refused, one tick before it is ranked.
// ADL "will occur" once the mark reaches the bankruptcy price: the ADL
// layer's capacity is zero with the mark exactly at the bankrupt
// position's bankruptcy price and positive one tick beyond.
func TestBoundaryADL(t *testing.T) {
	p := Position{Account: "a", Size: d("2"), EntryPrice: d("100"), BankruptcyPrice: d("50")}
	for mark, sign := range map[string]int{"100": 0, "100.01": 1, "99.99": -1} {
		s, err := BitMEXRank(p, d(mark))
		if err != nil || s.Sign() != sign {
			t.Errorf("mark %s: score %s err %v, want sign %d", mark, s, err, sign)
		}
	}
	if _, err := BitMEXRank(p, d("50")); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("mark at the bankruptcy price: %v, want ErrInvalidInput", err)
	}
	if _, err := BitMEXRank(p, d("50.01")); err != nil {
		t.Errorf("one tick before bankruptcy: %v", err)
	}
	short := Position{Account: "s", Size: d("-2"), EntryPrice: d("100"), BankruptcyPrice: d("150")}
	if _, err := BitMEXRank(short, d("150")); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("short at its bankruptcy price: %v", err)
	}
	// Equal scores: ties go by account (documented in BitMEXRank), so the
	// queue does not depend on input order.
	a1 := Position{Account: "b", Size: d("1"), EntryPrice: d("100"), BankruptcyPrice: d("50")}
	a2 := Position{Account: "a", Size: d("1"), EntryPrice: d("100"), BankruptcyPrice: d("50")}
	q, err := Rank([]Position{a1, a2}, d("120"), nil)
	if err != nil || len(q) != 2 || q[0].Position.Account != "a" {
		t.Errorf("tie order %+v %v", q, err)
	}
	bankrupt := Position{Account: "liq", Size: d("-1"), EntryPrice: d("100"), BankruptcyPrice: d("110")}
	for mark, want := range map[string]string{"110": "0", "110.01": "0.01"} {
		l, err := NewADLLayer(ADLSettings{Request: DeleverageRequest{Bankrupt: bankrupt, Mark: d(mark), Candidates: []Position{a2}},
			Unit: d("0.01"), SizeUnit: d("1")})
		if err != nil {
			t.Fatal(err)
		}
		if c := l.Capacity(); !c.Equal(d(want)) {
			t.Errorf("ADL at mark %s: capacity %s, want %s", mark, c, want)
		}
	}
}

// Socialised loss (BitMEX's pre-ADL socialised loss; OKX/Deribit
// clawback): a loss of exactly Σ positive amounts is fully haircut, one
// unit more leaves one unit; an account at exactly zero pays nothing.
func TestBoundarySocialise(t *testing.T) {
	accts := []Balance{{"a", d("30")}, {"b", d("10")}, {"z", d("0")}}
	for loss, residual := range map[string]string{"40": "0", "40.01": "0.01"} {
		s, err := Socialise(d(loss), accts, 2)
		if err != nil || !s.Residual.Equal(d(residual)) || !s.Total.Equal(d("40")) {
			t.Errorf("loss %s: %+v %v", loss, s, err)
		}
		for _, h := range s.Haircuts {
			if h.Account == "z" {
				t.Errorf("an account at zero was haircut")
			}
		}
	}
}
