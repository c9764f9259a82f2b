package backstop_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"

	"github.com/failsafe-fi/failsafe/backstop"
)

// A claim's ID is its idempotency key: the same claim again returns the
// first allocation and pays nothing; the same ID with another amount is
// refused.
func ExampleWaterfall_Cover_idempotent() {
	fund, _ := backstop.NewInsuranceFund(backstop.FundSettings{Unit: dec("0.01")})
	_, _ = fund.Deposit(now, "", "shared", dec("1000"), "fees", "seed")
	w, _ := backstop.New(backstop.Settings{Layers: []backstop.Layer{fund.Layer("BTC-PERP")}, Unit: dec("0.01")})

	a, _ := w.Cover(now, backstop.Claim{ID: "liq-42", Amount: dec("300")})
	b, _ := w.Cover(now, backstop.Claim{ID: "liq-42", Amount: dec("300")}) // a retry
	_, err := w.Cover(now, backstop.Claim{ID: "liq-42", Amount: dec("301")})
	bal, _ := fund.Balance("shared")
	fmt.Println(a.Covered(), b.Covered(), bal)
	fmt.Println(errors.Is(err, backstop.ErrDuplicateID))
	// Output:
	// 300 300 700
	// true
}

// A standby restores the waterfall's record of covered claims (with the
// layers' and journal's own snapshots), so a claim the primary covered is
// not paid again after failover.
func ExampleRestoreWaterfall() {
	fs := backstop.FundSettings{Unit: dec("0.01")}
	fund, _ := backstop.NewInsuranceFund(fs)
	_, _ = fund.Deposit(now, "", "shared", dec("1000"), "fees", "seed")
	w, _ := backstop.New(backstop.Settings{Layers: []backstop.Layer{fund.Layer("BTC-PERP")}, Unit: dec("0.01")})
	_, _ = w.Cover(now, backstop.Claim{ID: "liq-42", Amount: dec("300")})

	// Ship both snapshots as JSON; the standby rebuilds from them.
	rawFund, _ := json.Marshal(fund.Snapshot())
	rawWaterfall, _ := json.Marshal(w.Snapshot())
	var fsnap backstop.FundSnapshot
	var wsnap backstop.WaterfallSnapshot
	_ = json.Unmarshal(rawFund, &fsnap)
	_ = json.Unmarshal(rawWaterfall, &wsnap)
	fund2, _ := backstop.RestoreInsuranceFund(fs, fsnap)
	w2, err := backstop.RestoreWaterfall(backstop.Settings{Layers: []backstop.Layer{fund2.Layer("BTC-PERP")}, Unit: dec("0.01")}, wsnap)
	rec, ok := w2.Covered("liq-42")
	fmt.Println(err, ok, rec.Allocation.Covered())

	_, _ = w2.Cover(now, backstop.Claim{ID: "liq-42", Amount: dec("300")}) // the primary's last claim, retried
	bal, _ := fund2.Balance("shared")
	fmt.Println(bal)
	// Output:
	// <nil> true 300
	// 700
}

// Events come back from the call that caused them; each logs as one slog
// group.
func ExampleEvent_LogValue() {
	fund, _ := backstop.NewInsuranceFund(backstop.FundSettings{Unit: dec("0.01")})
	evs, _ := fund.Deposit(now, "", "shared", dec("250"), "fees", "daily fees")
	logger := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if len(groups) == 0 && a.Key == slog.TimeKey { // the logger's own clock: keep the output stable
				return slog.Attr{}
			}
			return a
		},
	}))
	for _, e := range evs {
		logger.Info("backstop", "event", e)
	}
	// Output:
	// level=INFO msg=backstop event.time=2026-11-24T12:00:00.000Z event.kind=deposit event.subject=insurance:shared event.reason="daily fees" event.account=fees event.amount=250
}

// BitMEX's ranking ("Auto Deleveraging", bitmex.com/app/autoDeleveraging):
// PnL% × effective leverage when in profit, PnL% ÷ effective leverage when
// not. A long of 1 entered at 100, bankrupt at 50, with the mark at 120:
// PnL% = 0.2, effective leverage = 120 / (120 − 50) = 12/7, score 0.2 ×
// 12/7 = 0.342857…, floored at 18 places.
func ExampleBitMEXRank() {
	s, _ := backstop.BitMEXRank(backstop.Position{Account: "a", Size: dec("1"), EntryPrice: dec("100"), BankruptcyPrice: dec("50")}, dec("120"))
	fmt.Println(s)
	// Output:
	// 0.342857142857142857
}

// A journal records every movement as a double entry and proves it
// balances.
func ExampleJournal() {
	j := backstop.NewJournal()
	_ = j.Record(now, backstop.Movement{From: "insurance:btc", To: "shortfall:liq-1", Amount: dec("120"), Reason: "cover"},
		backstop.Movement{From: "margin:bob", To: "shortfall:liq-1", Amount: dec("30"), Reason: "defaulter margin"})
	for _, a := range j.Accounts() {
		fmt.Println(a, j.Balance(a))
	}
	fmt.Println("balances:", j.Check() == nil)
	// Output:
	// insurance:btc -120
	// margin:bob -30
	// shortfall:liq-1 150
	// balances: true
}

// A backstop pool and ADL hand over the same bankrupt position through one
// SharedPosition: what the providers take over is no longer there to
// deleverage (FTX closed against BLPs first and deleveraged only what they
// could not hold).
func ExampleSharedPosition() {
	pool, _ := backstop.NewBackstopPool(backstop.PoolSettings{
		Providers: []backstop.Provider{{ID: "blp", Capacity: dec("3000")}}, Unit: dec("0.01"), SizeUnit: dec("1")})
	shared, _ := backstop.NewSharedPosition(dec("10"))
	// A long of 10 bankrupt at 500, the mark at 480: 20 of loss per unit.
	blp, _ := pool.SharedLayer(backstop.Takeover{ID: "t", Account: "bob", Size: dec("10"), Price: dec("500")}, dec("480"), shared)
	adl, _ := backstop.NewADLLayer(backstop.ADLSettings{Request: backstop.DeleverageRequest{
		Bankrupt:   backstop.Position{Account: "bob", Size: dec("10"), EntryPrice: dec("550"), BankruptcyPrice: dec("500")},
		Mark:       dec("480"),
		Candidates: []backstop.Position{{Account: "carol", Size: dec("-8"), EntryPrice: dec("510"), BankruptcyPrice: dec("700")}},
	}, Unit: dec("0.01"), SizeUnit: dec("1"), Shared: shared})
	w, _ := backstop.New(backstop.Settings{Layers: []backstop.Layer{blp, adl}, Unit: dec("0.01")})
	a, _ := w.Cover(now, backstop.Claim{ID: "bob-1", Amount: dec("200")})
	fmt.Println(a.DrawOf("blp"), a.DrawOf("adl"), a.Residual, shared.Remaining())
	// Output:
	// 120 80 0 0
}
