package liquidation

import (
	"encoding/json"
	"errors"
	"testing"
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
