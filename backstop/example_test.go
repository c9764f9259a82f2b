package backstop_test

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/backstop"
)

var now = time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// An exchange's waterfall for a liquidation shortfall: the defaulter's own
// margin and penalty, the market's insurance fund (kept above its floor),
// auto-deleveraging, and finally a socialised loss over winners' profits.
func Example_waterfall() {
	fund, _ := backstop.NewInsuranceFund(backstop.FundSettings{
		Funds: []backstop.FundSpec{{ID: "btc", Floor: dec("100")}},
		Unit:  dec("0.01"),
	})
	_, _ = fund.Deposit(now, "", "btc", dec("400"), "fees", "trading fees")

	defaulter, _ := backstop.NewDefaulterLayer("bob", dec("50"), dec("10"))
	adl, _ := backstop.NewADLLayer(backstop.ADLSettings{
		Request: backstop.DeleverageRequest{
			Bankrupt: backstop.Position{Account: "bob", Size: dec("-20"), EntryPrice: dec("600"), BankruptcyPrice: dec("650")},
			Mark:     dec("660"),
			Candidates: []backstop.Position{
				{Account: "carol", Size: dec("10"), EntryPrice: dec("500"), BankruptcyPrice: dec("450")},
				{Account: "dave", Size: dec("5"), EntryPrice: dec("600"), BankruptcyPrice: dec("500")},
			},
		},
		Unit: dec("0.01"), SizeUnit: dec("1"),
	})
	social, _ := backstop.NewSocialLayer("socialised", []backstop.Balance{
		{Account: "erin", Amount: dec("300")}, {Account: "frank", Amount: dec("100")},
	}, dec("0.01"))

	journal := backstop.NewJournal()
	w, _ := backstop.New(backstop.Settings{
		Layers:  []backstop.Layer{defaulter, fund.Layer("BTC-PERP"), adl, social},
		Unit:    dec("0.01"),
		Journal: journal,
	})
	a, _ := w.Cover(now, backstop.Claim{ID: "bob-1", Amount: dec("600.50")})
	for _, d := range a.Draws {
		fmt.Printf("%-18s %7s\n", d.Layer, d.Drawn.StringFixed(2))
	}
	fmt.Printf("%-18s %7s\n", "residual", a.Residual.StringFixed(2))
	for _, f := range adl.Fills() {
		fmt.Printf("deleveraged %s for %s at %s\n", f.Account, f.Closed, f.Price)
	}
	for _, h := range social.Snapshot().Haircuts {
		fmt.Printf("haircut %s %s\n", h.Account, h.Amount)
	}
	fmt.Println("conserved:", backstop.CheckInvariants(journal, a) == nil)
	// Output:
	// defaulter:bob        60.00
	// insurance:btc       300.00
	// adl                 150.00
	// socialised           90.50
	// residual              0.00
	// deleveraged carol for 10 at 650
	// deleveraged dave for 5 at 650
	// haircut erin 67.88
	// haircut frank 22.62
	// conserved: true
}

// BitMEX's auto-deleveraging example: six longs ranked by their PnL
// ranking, a short of 20 liquidated at a bankruptcy price of 650.
func ExampleDeleverage() {
	scores := map[string]int64{"1": 3, "2": 6, "3": 1, "4": 4, "5": 5, "6": 2}
	byTable := func(p backstop.Position, _ decimal.Decimal) (decimal.Decimal, error) {
		return decimal.NewFromInt(scores[p.Account]), nil
	}
	var longs []backstop.Position
	for _, l := range []struct{ acct, size string }{{"1", "10"}, {"2", "10"}, {"3", "20"}, {"4", "30"}, {"5", "20"}, {"6", "10"}} {
		longs = append(longs, backstop.Position{Account: l.acct, Size: dec(l.size), EntryPrice: dec("600"), BankruptcyPrice: dec("500")})
	}
	res, _ := backstop.Deleverage(backstop.DeleverageRequest{
		Bankrupt:   backstop.Position{Account: "liquidated", Size: dec("-20"), EntryPrice: dec("600"), BankruptcyPrice: dec("650")},
		Mark:       dec("660"),
		Candidates: longs,
		Ranking:    byTable, // nil would use backstop.BitMEXRank
	})
	fmt.Print("queue:")
	for _, r := range res.Queue {
		fmt.Print(" ", r.Position.Account)
	}
	fmt.Println()
	for _, f := range res.Fills {
		fmt.Printf("account %s closed %s at %s, %s left\n", f.Account, f.Closed, f.Price, f.After)
	}
	// Output:
	// queue: 2 5 4 1 6 3
	// account 2 closed 10 at 650, 0 left
	// account 5 closed 10 at 650, 10 left
}

// A clearing house's default waterfall in EMIR Art. 45 order, with
// assessments capped at one contribution.
func ExampleDefaultFund() {
	df, _ := backstop.NewDefaultFund(backstop.DefaultFundSettings{
		Members: []backstop.MemberSpec{
			{ID: "D", Contribution: dec("50")},
			{ID: "A", Contribution: dec("100")},
			{ID: "B", Contribution: dec("60")},
			{ID: "C", Contribution: dec("40")},
		},
		SkinInTheGame: dec("10"),
		Assessment:    backstop.AssessmentRule{Multiple: dec("1")},
		Unit:          dec("1"),
	})
	a, _ := df.Cover(now, backstop.Default{ID: "D-default", Member: "D", Loss: dec("500"), Margin: dec("200")})
	for _, step := range a.Draws {
		fmt.Printf("%-24s %4s", step.Layer, step.Drawn)
		for _, m := range step.Movements {
			fmt.Printf("  %s=%s", m.From, m.Amount)
		}
		fmt.Println()
	}
	fmt.Println("residual", a.Residual)
	// Output:
	// defaulter-margin          200  margin:D=200
	// defaulter-contribution     50  contribution:D=50
	// skin-in-the-game           10  ccp:skin-in-the-game=10
	// survivor-contributions    200  contribution:A=100  contribution:B=60  contribution:C=40
	// assessments                40  assessment:A=20  assessment:B=12  assessment:C=8
	// vm-gains-haircut            0
	// residual 0
}

// An insurance fund's ledger with a floor, and the balance history a host
// can chart.
func ExampleInsuranceFund() {
	fund, _ := backstop.NewInsuranceFund(backstop.FundSettings{
		Funds: []backstop.FundSpec{{ID: "shared", Floor: dec("1000")}},
		Unit:  dec("0.01"),
	})
	_, _ = fund.Deposit(now, "", "shared", dec("5000"), "fees", "daily fees")
	_, _ = fund.Draw(now.Add(time.Hour), "", "shared", dec("3500"), "shortfall:42", "cover")
	_, err := fund.Draw(now.Add(2*time.Hour), "", "shared", dec("600"), "shortfall:43", "cover")
	fmt.Println(err)
	avail, _ := fund.Available("shared")
	fmt.Println("available", avail)
	h, _ := fund.History("shared")
	for _, p := range h {
		fmt.Println(p.Time.Format("15:04"), p.Change, p.Balance)
	}
	// Output:
	// backstop: draw below the fund's floor: fund "shared" draw 600, balance 1500, floor 1000
	// available 500
	// 12:00 5000 5000
	// 13:00 -3500 1500
}

// A socialised loss: a pro-rata haircut of winners' profits whose shares sum
// exactly to the loss.
func ExampleSocialise() {
	res, _ := backstop.Socialise(dec("100"), []backstop.Balance{
		{Account: "a", Amount: dec("1")}, {Account: "b", Amount: dec("1")},
		{Account: "c", Amount: dec("1")}, {Account: "loser", Amount: dec("-5")},
	}, 2)
	fmt.Println(res.Haircuts, res.Residual)
	// Output:
	// [{a 1} {b 1} {c 1}] 97
}

// Backstop liquidity providers take over a bankrupt position in proportion
// to their remaining capacity.
func ExampleBackstopPool() {
	pool, _ := backstop.NewBackstopPool(backstop.PoolSettings{
		Providers: []backstop.Provider{{ID: "blp-1", Capacity: dec("6000")}, {ID: "hlp", Capacity: dec("4000")}},
		Unit:      dec("0.01"), SizeUnit: dec("0.001"),
	})
	res, _ := pool.TakeOver(now, backstop.Takeover{ID: "t1", Account: "bob", Size: dec("2.5"), Price: dec("1000")})
	for _, a := range res.Assignments {
		fmt.Println(a.Provider, a.Size, a.Notional)
	}
	fmt.Println("unfilled", res.Unfilled)
	// Output:
	// blp-1 1.5 1500
	// hlp 1 1000
	// unfilled 0
}
