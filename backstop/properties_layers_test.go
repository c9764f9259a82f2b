package backstop

import (
	"fmt"
	"testing"

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"

	"github.com/failsafe-fi/failsafe/internal/testkit"
)

// Property: a waterfall of every built-in exchange layer (defaulter,
// insurance fund, backstop providers, auto-deleveraging, socialised loss)
// never fails, conserves every unit (CheckInvariants over the journal),
// keeps the fund at or above its floor and the providers within capacity,
// and deleverages no more than the bankrupt size, at its bankruptcy price.
func TestPropertyBuiltInLayers(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		unit := d("0.01")
		fund, _ := NewInsuranceFund(FundSettings{Funds: []FundSpec{{ID: "f", Floor: testkit.Decimal(0, 50_000, 2).Draw(t, "floor")}}, Unit: unit})
		if dep := testkit.Decimal(0, 200_000, 2).Draw(t, "deposit"); dep.Sign() > 0 {
			_, _ = fund.Deposit(t0, "", "f", dep, "fees", "")
		}
		def, _ := NewDefaulterLayer("bad", testkit.Decimal(0, 50_000, 2).Draw(t, "margin"), testkit.Decimal(0, 5_000, 2).Draw(t, "penalty"))
		mark := d("1000")
		pb := testkit.Decimal(1001, 1200, 0).Draw(t, "pb")
		size := testkit.Decimal(1, 500, 0).Draw(t, "size")
		// A bankrupt long: bankruptcy price above the mark.
		bankrupt := Position{Account: "bad", Size: size, EntryPrice: d("1300"), BankruptcyPrice: pb}
		pool, _ := NewBackstopPool(PoolSettings{Providers: []Provider{
			{"p1", testkit.Decimal(0, 100_000, 0).Draw(t, "c1")}, {"p2", testkit.Decimal(0, 100_000, 0).Draw(t, "c2")}}, Unit: unit, SizeUnit: d("1")})
		shared, _ := NewSharedPosition(size)
		blp, err := pool.SharedLayer(Takeover{ID: "t", Account: "bad", Size: size, Price: pb}, mark, shared)
		if err != nil {
			t.Fatal(err)
		}
		var shorts []Position
		for i := 0; i < rapid.IntRange(0, 6).Draw(t, "shorts"); i++ {
			shorts = append(shorts, Position{Account: fmt.Sprint("s", i), Size: testkit.Decimal(1, 200, 0).Draw(t, "ssize").Neg(),
				EntryPrice: testkit.Decimal(900, 1300, 0).Draw(t, "sentry"), BankruptcyPrice: d("1500")})
		}
		adl, err := NewADLLayer(ADLSettings{Request: DeleverageRequest{Bankrupt: bankrupt, Mark: mark, Candidates: shorts}, Unit: unit, SizeUnit: d("1"), Shared: shared})
		if err != nil {
			t.Fatal(err)
		}
		var winners []Balance
		for i := 0; i < rapid.IntRange(0, 6).Draw(t, "winners"); i++ {
			winners = append(winners, Balance{Account: fmt.Sprint("w", i), Amount: testkit.Decimal(-1000, 10_000, 2).Draw(t, "profit")})
		}
		social, _ := NewSocialLayer("social", winners, unit)
		j := NewJournal()
		w, err := New(Settings{Layers: []Layer{def, fund.Layer("x"), blp, adl, social}, Unit: unit, Journal: j})
		if err != nil {
			t.Fatal(err)
		}
		var allocs []Allocation
		for k := 0; k < 2; k++ {
			a, err := w.Cover(t0, Claim{ID: fmt.Sprint(k), Amount: testkit.Decimal(0, 400_000, 2).Draw(t, "loss")})
			if err != nil {
				t.Fatal(err)
			}
			allocs = append(allocs, a)
			if err := CheckInvariants(j, allocs...); err != nil {
				t.Fatal(err)
			}
			if err := fund.CheckInvariants(); err != nil {
				t.Fatal(err)
			}
			if err := pool.CheckInvariants(); err != nil {
				t.Fatal(err)
			}
		}
		closed := decimal.Zero
		for _, f := range adl.Fills() {
			closed = closed.Add(f.Closed)
			if !f.Price.Equal(pb) {
				t.Fatalf("ADL fill at %s", f.Price)
			}
		}
		taken := decimal.Zero
		for _, a := range blp.assignmentsCopy() {
			taken = taken.Add(a.Size.Abs())
		}
		if closed.Add(taken).Cmp(size) > 0 {
			t.Fatalf("deleveraged %s + taken over %s > bankrupt size %s", closed, taken, size)
		}
	})
}

// Property: the default fund's EMIR waterfall conserves every unit, never
// assesses a member beyond its cap, and never draws a survivor before the
// defaulter's resources and the CCP's skin in the game are exhausted.
func TestPropertyDefaultFundCover(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(2, 6).Draw(t, "members")
		var ms []MemberSpec
		for i := 0; i < n; i++ {
			ms = append(ms, MemberSpec{ID: fmt.Sprint("m", i), Contribution: testkit.Decimal(0, 1000, 0).Draw(t, "contribution")})
		}
		rule := AssessmentRule{Multiple: testkit.Decimal(0, 30, 1).Draw(t, "multiple")}
		if rapid.Bool().Draw(t, "fixed") {
			rule = AssessmentRule{Fixed: testkit.Decimal(1, 500, 0).Draw(t, "fixedcap")}
		}
		f, err := NewDefaultFund(DefaultFundSettings{Members: ms, SkinInTheGame: testkit.Decimal(0, 100, 0).Draw(t, "skin"), Assessment: rule, Unit: d("1")})
		if err != nil {
			t.Fatal(err)
		}
		var allocs []Allocation
		for k := 0; k < rapid.IntRange(1, n-1).Draw(t, "defaults"); k++ {
			def := Default{ID: fmt.Sprint("d", k), Member: fmt.Sprint("m", k), Loss: testkit.Decimal(0, 10_000, 0).Draw(t, "loss"),
				Margin: testkit.Decimal(0, 2000, 0).Draw(t, "margin")}
			for i := k + 1; i < n; i++ {
				if rapid.Bool().Draw(t, "gain") {
					def.VariationGains = append(def.VariationGains, Balance{Account: fmt.Sprint("m", i), Amount: testkit.Decimal(0, 300, 0).Draw(t, "vm")})
				}
			}
			a, err := f.Cover(t0, def)
			if err != nil {
				t.Fatal(err)
			}
			allocs = append(allocs, a)
			if err := CheckInvariants(nil, allocs...); err != nil {
				t.Fatal(err)
			}
			if err := f.CheckInvariants(); err != nil {
				t.Fatal(err)
			}
			if !f.journal.Balance("default:" + def.ID).Equal(a.Covered()) {
				t.Fatalf("journal %s, covered %s", f.journal.Balance("default:"+def.ID), a.Covered())
			}
		}
	})
}
