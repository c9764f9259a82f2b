package liquidation

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/failsafe-fi/failsafe/internal/testkit"
)

// TestBookRestoreRefusesForgedOrders: a snapshot whose current order was
// tampered with is refused (ErrInvalidSnapshot) — before the fix each of
// these restored and the forged order then filled: (a) the side flipped
// to Buy on the 60 BTC long grew it to 80 and the fund paid 996,000; (b)
// Quote set to 1e9 made the fund pay 999,500,000 on a fill at 25,000; (c)
// a Sell limited at 1 with Bankruptcy 1 accepted a fill at 1 and the fund
// paid 495,980. Each is tried on a fresh order (Filled 0, recomputed from
// the state) and on one partly filled (Filled 10, checked against the
// position, the tiers and the limit rule).
func TestBookRestoreRefusesForgedOrders(t *testing.T) {
	s := BookSettings{FeeRate: d("0.003")}
	forgeries := map[string]func(o *BookOrder){
		"side flipped to buy":            func(o *BookOrder) { o.Side = Buy; o.Limit, o.Bankruptcy = d("25000"), d("25000") },
		"quote 1e9":                      func(o *BookOrder) { o.Quote = d("1000000000") },
		"limit and bankruptcy 1":         func(o *BookOrder) { o.Limit, o.Bankruptcy = d("1"), d("1") },
		"limit, bankruptcy and quote 1":  func(o *BookOrder) { o.Limit, o.Bankruptcy, o.Quote = d("1"), d("1"), d("20") },
		"size beyond the position":       func(o *BookOrder) { o.Size = d("70") },
		"another size within the tiers":  func(o *BookOrder) { o.Size = d("30") },
		"close flag on a tier step":      func(o *BookOrder) { o.Close = true },
		"fill-or-kill on an IOC desk":    func(o *BookOrder) { o.TimeInForce = "FOK" },
		"tier index off":                 func(o *BookOrder) { o.FromTier = 2 },
		"limit above bankruptcy (sell)":  func(o *BookOrder) { o.Limit = d("24900") },
		"bankruptcy below its own quote": func(o *BookOrder) { o.Bankruptcy, o.Limit = d("24700"), d("24700") },
	}
	for _, filled := range []string{"0", "10"} {
		for name, forge := range forgeries {
			t.Run("filled "+filled+"/"+name, func(t *testing.T) {
				b := mustDesk(t, s)
				if _, err := b.Start(bookT0, BookStartParams{Account: bybitAccount("8000"), Markets: []BookMarket{bybitMarket()}}); err != nil {
					t.Fatal(err)
				}
				if filled != "0" {
					if _, err := b.Fill(bookT0, BookFillParams{Account: "A", Size: d(filled), Price: d("24900")}); err != nil {
						t.Fatal(err)
					}
				}
				raw, err := json.Marshal(b.Snapshot())
				if err != nil {
					t.Fatal(err)
				}
				var snap BookSnapshot
				if err := json.Unmarshal(raw, &snap); err != nil {
					t.Fatal(err)
				}
				if _, err := RestoreBookDesk(s, snap); err != nil {
					t.Fatalf("the genuine snapshot: %v", err)
				}
				forge(snap.Live[0].Order)
				r, err := RestoreBookDesk(s, snap)
				if !errors.Is(err, ErrInvalidSnapshot) || r != nil {
					o := snap.Live[0].Order
					f, ferr := r.Fill(bookT0, BookFillParams{Account: "A", Size: o.Size.Sub(o.Filled), Price: o.Limit})
					t.Fatalf("forged order %+v restored (err %v); its fill: %+v %v", *o, err, f.Split, ferr)
				}
			})
		}
	}
}

// TestBookNextRepricesAFallingMarket: equity 8,000 on the 60 BTC long; the
// first order sells 20 BTC, filled at 24,900 with no fee: equity 6,000
// against 5,000 at the 25,000 read at Start. The price then falls to
// 24,800: equity −2,000 against 4,960. Given the current market, Next
// must not end the liquidation as restored (before the fix it could not
// be told the price and returned BookRestored); it orders the rest or
// hands it over. A changed tick, step or tier, or a market it does not
// hold, is refused and changes nothing.
func TestBookNextRepricesAFallingMarket(t *testing.T) {
	b := mustDesk(t, BookSettings{})
	if _, err := b.Start(bookT0, BookStartParams{Account: bybitAccount("8000"), Markets: []BookMarket{bybitMarket()}}); err != nil {
		t.Fatal(err)
	}
	f, err := b.Fill(bookT0, BookFillParams{Account: "A", Size: d("20"), Price: d("24900")})
	if err != nil || !f.Compliant || !f.Equity.Equal(d("6000")) {
		t.Fatalf("fill %+v %v: want compliant at 6,000 at the Start price", f, err)
	}
	fallen := bybitMarket()
	fallen.Oracle = d("24800")
	for name, ms := range map[string][]BookMarket{
		"tick changed":   {func() BookMarket { m := fallen; m.Tick = d("0.1"); return m }()},
		"step changed":   {func() BookMarket { m := fallen; m.Step = d("0.01"); return m }()},
		"tier changed":   {func() BookMarket { m := fallen; m.Tiers = m.Tiers[:2]; return m }()},
		"unknown market": {func() BookMarket { m := fallen; m.Market = "ETHUSDT"; return m }()},
		"twice":          {fallen, fallen},
		"zero oracle":    {func() BookMarket { m := fallen; m.Oracle = d("0"); return m }()},
	} {
		before := b.Snapshot()
		if _, err := b.Next(bookT0, BookNextParams{Account: "A", Markets: ms}); !errors.Is(err, ErrInvalidInput) {
			t.Fatalf("%s: %v, want ErrInvalidInput", name, err)
		}
		if diff := cmp.Diff(before, b.Snapshot(), testkit.EquateDecimals); diff != "" {
			t.Fatalf("%s: a refused Next changed the desk:\n%s", name, diff)
		}
	}
	step, err := b.Next(bookT0, BookNextParams{Account: "A", Markets: []BookMarket{fallen}})
	if err != nil {
		t.Fatal(err)
	}
	if step.Status == BookRestored || step.Equity.GreaterThanOrEqual(step.Maintenance) {
		t.Fatalf("step %+v: restored below maintenance at the current price", step)
	}
	if !step.Equity.Equal(d("-2000")) || !step.Maintenance.Equal(d("4960")) {
		t.Fatalf("equity %s, maintenance %s: want −2,000 and 4,960 at 24,800", step.Equity, step.Maintenance)
	}
	if step.Status == BookOrdering && !step.Order.Close {
		t.Fatalf("order %+v: want the rest closed", step.Order)
	}
	if err := b.CheckInvariants(); err != nil {
		t.Fatal(err)
	}
}

// TestBookHandoverReportsTheDeficit: an account with no position and
// collateral −5 is handed over with no item; the 5 of bad debt is its
// Deficit (before the fix it was reported nowhere). With a position the
// bankruptcy quotes carry the loss and the Deficit is 0.
func TestBookHandoverReportsTheDeficit(t *testing.T) {
	for name, tc := range map[string]struct {
		acct    BookAccount
		items   int
		deficit string
	}{
		"no position, collateral −5": {BookAccount{ID: "A", Collateral: d("-5")}, 0, "5"},
		"60 BTC long below zero equity": {BookAccount{ID: "A", Collateral: d("-1500100"),
			Positions: []BookPosition{{Market: "BTCUSDT", Size: d("60")}}}, 1, "0"},
	} {
		t.Run(name, func(t *testing.T) {
			b := mustDesk(t, BookSettings{})
			step, err := b.Start(bookT0, BookStartParams{Account: tc.acct, Markets: []BookMarket{bybitMarket()}})
			if err != nil {
				t.Fatal(err)
			}
			if tc.items > 0 { // the book takes nothing: handed over
				if step.Status != BookOrdering {
					t.Fatalf("step %+v", step)
				}
				if step, err = b.Next(bookT0, BookNextParams{Account: "A"}); err != nil {
					t.Fatal(err)
				}
			}
			if step.Status != BookHandedOver || len(step.Handover.Items) != tc.items || !step.Handover.Deficit.Equal(d(tc.deficit)) {
				t.Fatalf("step %+v handover %+v: want %d items and a deficit of %s", step, step.Handover, tc.items, tc.deficit)
			}
		})
	}
}

// TestBookDeskNotBuilt: the zero value and a nil *BookDesk are refused
// with ErrInvalidSettings by every method returning an error, read as
// empty by the others, and never change (before the fix the zero value's
// Start on an underwater account panicked "assignment to entry in nil
// map" after moving its clock and sequence; nil's Next and Snapshot
// panicked).
func TestBookDeskNotBuilt(t *testing.T) {
	acct := BookAccount{ID: "A", Collateral: d("-1500100"), Positions: []BookPosition{{Market: "BTCUSDT", Size: d("60")}}}
	for name, b := range map[string]*BookDesk{"zero value": {}, "nil": nil} {
		t.Run(name, func(t *testing.T) {
			calls := map[string]func() error{
				"Start": func() error {
					_, err := b.Start(bookT0, BookStartParams{Key: "k", Account: acct, Markets: []BookMarket{bybitMarket()}})
					return err
				},
				"Fill": func() error {
					_, err := b.Fill(bookT0, BookFillParams{Account: "A", Size: d("1"), Price: d("25000")})
					return err
				},
				"Next":            func() error { _, err := b.Next(bookT0, BookNextParams{Account: "A"}); return err },
				"CheckInvariants": func() error { return b.CheckInvariants() },
			}
			for _, m := range []string{"Start", "Fill", "Next", "CheckInvariants"} {
				if err := calls[m](); !errors.Is(err, ErrInvalidSettings) {
					t.Fatalf("%s: %v, want ErrInvalidSettings", m, err)
				}
			}
			if a, tot, snap := b.Active(), b.Totals(), b.Snapshot(); len(a) != 0 || tot.Fills != 0 || !tot.Fee.IsZero() || len(snap.Live) != 0 || snap.Seq != 0 {
				t.Fatalf("active %v, totals %+v, snapshot %+v: want empty", a, tot, snap)
			}
			if b != nil && !reflect.DeepEqual(*b, BookDesk{}) {
				t.Fatalf("the refused calls changed the desk: %+v", *b)
			}
		})
	}
}

// TestBookTakeOverAfterStep: 100 BTC long (2.5M, the third tier:
// maintenance 22,500) with equity 20,000. The first order steps down to
// the second tier (80 BTC kept, where 20,000 would meet 15,000 at the
// oracle); filled at its bankruptcy price the account keeps its health
// ratio (equity 13,333.33… against 15,000) and is still in liquidation.
// By default the desk steps down again (40 BTC more, to the first tier);
// with TakeOverAfterStep it follows Bybit ("If the position is still in
// liquidation, this position shall be taken over by the liquidation
// engine at the bankruptcy price") and closes all 80 BTC at bankruptcy.
// A standby restores either second order, fresh or partly filled.
func TestBookTakeOverAfterStep(t *testing.T) {
	acct := BookAccount{ID: "A", Collateral: d("-2480000"), Positions: []BookPosition{{Market: "BTCUSDT", Size: d("100")}}}
	for name, tc := range map[string]struct {
		takeOver bool
		size     string
		close    bool
	}{"default: another tier step": {false, "40", false}, "Bybit: the rest taken over": {true, "80", true}} {
		t.Run(name, func(t *testing.T) {
			s := BookSettings{TakeOverAfterStep: tc.takeOver, SurplusToFund: true}
			b := mustDesk(t, s)
			step, err := b.Start(bookT0, BookStartParams{Account: acct, Markets: []BookMarket{bybitMarket()}})
			if err != nil {
				t.Fatal(err)
			}
			if o := step.Order; o == nil || !o.Size.Equal(d("20")) || o.FromTier != 2 || o.ToTier != 1 || o.Close {
				t.Fatalf("first order %+v: want 20 BTC from tier 2 to 1", o)
			}
			if _, err := b.Fill(bookT0, BookFillParams{Account: "A", Size: d("20"), Price: step.Order.Bankruptcy}); err != nil {
				t.Fatal(err)
			}
			if step, err = b.Next(bookT0, BookNextParams{Account: "A"}); err != nil {
				t.Fatal(err)
			}
			o := step.Order
			if o == nil || o.Seq != 2 || !o.Size.Equal(d(tc.size)) || o.Close != tc.close || o.FromTier != 1 || o.ToTier != 0 {
				t.Fatalf("second order %+v: want %s BTC, close %v", o, tc.size, tc.close)
			}
			for _, filled := range []string{"0", "10"} {
				if filled != "0" {
					if _, err := b.Fill(bookT0, BookFillParams{Account: "A", Size: d(filled), Price: o.Limit}); err != nil {
						t.Fatal(err)
					}
				}
				raw, _ := json.Marshal(b.Snapshot())
				var snap BookSnapshot
				if err := json.Unmarshal(raw, &snap); err != nil {
					t.Fatal(err)
				}
				if _, err := RestoreBookDesk(s, snap); err != nil {
					t.Fatalf("restore with %s filled: %v", filled, err)
				}
				other := s
				other.TakeOverAfterStep = !tc.takeOver
				if _, err := RestoreBookDesk(other, snap); !errors.Is(err, ErrInvalidSnapshot) {
					t.Fatalf("restore under the other rule with %s filled: %v, want ErrInvalidSnapshot", filled, err)
				}
			}
		})
	}
}
