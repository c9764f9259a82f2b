package perp

import (
	"testing"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/liquidation"
	"github.com/failsafe-fi/failsafe/margin"
)

// Closing part or all of a position against the market maker moves value
// from one entry to the other and never changes the sum, at any price.
func TestCloseAtConservesValue(t *testing.T) {
	cases := []struct {
		name                     string
		pos                      margin.Position
		wallet, q, price         string
		wantWallet, wantMargin   string
		wantHole, wantSize, mark string
	}{
		{name: "long partial, cross, at a loss", pos: margin.Position{Market: Market, Size: d("2"), EntryPrice: d("30000")},
			wallet: "6000", q: "0.5", price: "27000", wantWallet: "4500", wantMargin: "0", wantHole: "0", wantSize: "1.5", mark: "26000"},
		{name: "short partial, isolated, at a profit", pos: margin.Position{Market: Market, Size: d("-1"), EntryPrice: d("30000"), Isolated: true, Margin: d("3000")},
			wallet: "100", q: "0.25", price: "20000", wantWallet: "100", wantMargin: "5500", wantHole: "0", wantSize: "-0.75", mark: "21000"},
		{name: "long closed beyond bankruptcy, cross: negative wallet", pos: margin.Position{Market: Market, Size: d("1"), EntryPrice: d("30000")},
			wallet: "3000", q: "1", price: "26000", wantWallet: "-1000", wantMargin: "0", wantHole: "0", wantSize: "0", mark: "25000"},
		{name: "isolated long closed beyond bankruptcy: the hole stays off the wallet", pos: margin.Position{Market: Market, Size: d("1"), EntryPrice: d("30000"), Isolated: true, Margin: d("3000")},
			wallet: "500", q: "1", price: "26000", wantWallet: "500", wantMargin: "0", wantHole: "1000", wantSize: "0", mark: "25000"},
		{name: "isolated short closed in profit: margin back to the wallet", pos: margin.Position{Market: Market, Size: d("-1"), EntryPrice: d("30000"), Isolated: true, Margin: d("3000")},
			wallet: "500", q: "1", price: "29000", wantWallet: "4500", wantMargin: "0", wantHole: "0", wantSize: "0", mark: "28000"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tr, err := ledgerOf(0, margin.Account{Wallet: d(c.wallet), Positions: []margin.Position{c.pos}}, c.pos.Size.IsNegative(), 1)
			if err != nil {
				t.Fatal(err)
			}
			mm := &book{size: c.pos.Size.Neg(), cost: c.pos.Size.Neg().Mul(c.pos.EntryPrice)}
			mark := d(c.mark)
			before := tr.value(mark).Add(mm.value(mark))
			if err := closeAt(&tr, mm, d(c.q), d(c.price)); err != nil {
				t.Fatal(err)
			}
			if _, err := tr.settleFlat(); err != nil {
				t.Fatal(err)
			}
			isolated := decimal.Zero
			if p, ok := tr.position(); ok {
				isolated = p.Margin
			}
			wallet, hole := tr.wallet.Decimal(), tr.hole.Decimal()
			if !tr.sizeDec().Equal(d(c.wantSize)) || !isolated.Equal(d(c.wantMargin)) {
				t.Errorf("size %s margin %s, want %s and %s", tr.sizeDec(), isolated, c.wantSize, c.wantMargin)
			}
			if c.wantWallet == "-1000" { // a flat cross account's negative wallet becomes its hole
				wallet, hole = wallet.Sub(hole), decimal.Zero
			}
			if !wallet.Equal(d(c.wantWallet)) || !hole.Equal(d(c.wantHole)) {
				t.Errorf("wallet %s hole %s, want %s and %s", tr.wallet.Decimal(), tr.hole.Decimal(), c.wantWallet, c.wantHole)
			}
			if after := tr.value(mark).Add(mm.value(mark)); !after.Equal(before) {
				t.Errorf("value %s after, %s before", after, before)
			}
			if !tr.sizeDec().Add(mm.size).IsZero() {
				t.Errorf("sizes do not cancel: %s + %s", tr.sizeDec(), mm.size)
			}
		})
	}
}

func TestReduceRejectsBadSizes(t *testing.T) {
	tr, err := ledgerOf(0, margin.Account{Positions: []margin.Position{{Market: Market, Size: d("1"), EntryPrice: d("100")}}}, false, 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"0", "-1", "1.001"} {
		if _, err := tr.reduce(d(q), decimal.Zero); err == nil {
			t.Errorf("reduce by %s accepted", q)
		}
	}
	flat := &trader{idx: 1}
	if _, err := flat.reduce(d("1"), decimal.Zero); err == nil {
		t.Error("reduce of a flat account accepted")
	}
}

// An account the engine skips as dust is closed in full at the mark and
// its bad debt, if any, queued for the waterfall; value is conserved.
func TestExecuteClosesDust(t *testing.T) {
	v, _, start, err := setUp(Config{Accounts: 5})
	if err != nil {
		t.Fatal(err)
	}
	before := v.total()
	id := v.traders[2].id()
	plan := liquidation.Plan{Skipped: []liquidation.Skip{{Account: id, Reason: liquidation.SkipDust}, {Account: v.traders[3].id(), Reason: liquidation.SkipCap}}}
	if err := v.execute(start, d("20000"), plan); err != nil {
		t.Fatal(err)
	}
	if v.traders[2].open || !v.traders[3].open {
		t.Errorf("dust account not closed or capped account closed: %+v %+v", v.traders[2].account(), v.traders[3].account())
	}
	if err := v.check(before); err != nil {
		t.Error(err)
	}
	if (v.traders[2].hole.Sign() > 0) != (len(v.holes) == 1) {
		t.Errorf("hole %s, queue %v", v.traders[2].hole.Decimal(), v.holes)
	}
}
