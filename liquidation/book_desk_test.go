package liquidation

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/failsafe-fi/failsafe/internal/testkit"
)

var bookT0 = time.Date(2026, 12, 2, 14, 0, 0, 0, time.UTC)

// bybitMarket has risk tiers in steps of 1M notional, as in the
// illustrated example of Bybit's "Liquidation Process (USDT Contract)"
// (help.bybit.com/hc/en-us/articles/900000167723), where a 1.5M position
// plus 1M of active orders "correspond[s] to the third tier". The rates
// (0.5%, +0.5% per tier) are Bybit's BTCUSDT base maintenance and step;
// the maintenance amounts make the schedule continuous (Binance's rule).
func bybitMarket() BookMarket {
	return BookMarket{Market: "BTCUSDT", Oracle: d("25000"), Tick: d("0.01"), Step: d("0.001"), Tiers: []RiskTier{
		{MaxNotional: d("1000000"), MaintenanceRate: d("0.005")},
		{MaxNotional: d("2000000"), MaintenanceRate: d("0.01"), MaintenanceAmount: d("5000")},
		{MaxNotional: d("3000000"), MaintenanceRate: d("0.015"), MaintenanceAmount: d("15000")},
	}}
}

// bybitAccount: 60 BTC long (1.5M) and a 40 BTC buy order (1M) at 25,000,
// with equity eq.
func bybitAccount(eq string) BookAccount {
	return BookAccount{ID: "A", Collateral: d(eq).Sub(d("1500000")),
		Positions:  []BookPosition{{Market: "BTCUSDT", Size: d("60")}},
		OpenOrders: []OpenOrder{{ID: "o1", Market: "BTCUSDT", Size: d("40"), Price: d("25000")}}}
}

func mustDesk(t *testing.T, s BookSettings) *BookDesk {
	t.Helper()
	b, err := NewBookDesk(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestBookBybitIllustratedExampleCancelsFirst: position + orders = 2.5M is
// the third tier (maintenance 22,500); cancelling the active order
// "retaining the existing position to reduce the margin" leaves 1.5M in
// the second tier (maintenance 10,000), which equity 15,000 meets: the
// liquidation ends with the cancel alone.
func TestBookBybitIllustratedExampleCancelsFirst(t *testing.T) {
	b := mustDesk(t, BookSettings{})
	step, err := b.Start(bookT0, BookStartParams{Account: bybitAccount("15000"), Markets: []BookMarket{bybitMarket()}})
	if err != nil {
		t.Fatal(err)
	}
	if step.Status != BookRestored || len(step.Cancels) != 1 || step.Cancels[0] != "o1" || step.Order != nil {
		t.Fatalf("step %+v, want restored by cancelling o1", step)
	}
	if !step.Maintenance.Equal(d("10000")) || len(b.Active()) != 0 {
		t.Fatalf("maintenance %s after cancels, active %v", step.Maintenance, b.Active())
	}
	// With equity 25,000 the account meets even the third tier: healthy.
	step, _ = b.Start(bookT0, BookStartParams{Account: bybitAccount("25000"), Markets: []BookMarket{bybitMarket()}})
	if step.Status != BookHealthy || len(step.Cancels) != 0 || !step.Maintenance.Equal(d("22500")) {
		t.Fatalf("step %+v, want healthy at 22,500", step)
	}
}

// TestBookBybitIllustratedExampleTierStep: with equity 8,000 the cancel is
// not enough; the first order is "the difference between the current
// position value and the lower margin tier value" — 1.5M − 1M = 0.5M, 20
// BTC — limited at its bankruptcy price 25,000 − 8,000 × 5,000 / 10,000 /
// 20 = 24,800. Filled at 24,900 with Binance's BTCUSDT clearance fee
// (0.3%): proceeds 498,000, 2,000 above bankruptcy, fee 1,494, kept 506.
// Equity 4,506 is still below the first tier's 5,000, so the second
// order closes the rest at its bankruptcy price.
func TestBookBybitIllustratedExampleTierStep(t *testing.T) {
	b := mustDesk(t, BookSettings{FeeRate: d("0.003")})
	step, err := b.Start(bookT0, BookStartParams{Account: bybitAccount("8000"), Markets: []BookMarket{bybitMarket()}})
	if err != nil {
		t.Fatal(err)
	}
	want := &BookOrder{Seq: 1, Market: "BTCUSDT", Side: Sell, Size: d("20"), Limit: d("24800"), Bankruptcy: d("24800"), Quote: d("496000"),
		FromTier: 1, ToTier: 0, TimeInForce: "IOC", Filled: d("0")}
	if diff := cmp.Diff(want, step.Order, testkit.EquateDecimals); diff != "" || step.Cancels[0] != "o1" {
		t.Fatalf("first order (-want +got):\n%s cancels %v", diff, step.Cancels)
	}
	if step.Events[0].Kind != EventBookCancel || step.Events[1].Kind != EventBookStart || step.Events[2].Kind != EventBookOrder {
		t.Fatalf("events %v: want cancel, start, order", step.Events)
	}
	f, err := b.Fill(bookT0, BookFillParams{Account: "A", Size: d("20"), Price: d("24900")})
	if err != nil {
		t.Fatal(err)
	}
	wantSplit := FillSplit{Proceeds: d("498000"), Bankruptcy: d("496000"), Surplus: d("2000"), Fee: d("1494"), Fund: d("0"), Kept: d("506")}
	if diff := cmp.Diff(wantSplit, f.Split, testkit.EquateDecimals); diff != "" {
		t.Fatal(diff)
	}
	if f.Compliant || !f.Equity.Equal(d("4506")) || !f.Maintenance.Equal(d("5000")) {
		t.Fatalf("after the first fill: %+v", f)
	}
	step, _ = b.Next(bookT0, BookNextParams{Account: "A"})
	want = &BookOrder{Seq: 2, Market: "BTCUSDT", Side: Sell, Size: d("40"), Limit: d("24887.35"), Bankruptcy: d("24887.35"), Quote: d("995494"),
		FromTier: 0, ToTier: 0, Close: true, TimeInForce: "IOC", Filled: d("0")}
	if diff := cmp.Diff(want, step.Order, testkit.EquateDecimals); diff != "" {
		t.Fatalf("second order (-want +got):\n%s", diff)
	}
	f, _ = b.Fill(bookT0, BookFillParams{Account: "A", Size: d("40"), Price: d("24900")})
	// 996,000 − 995,494 = 506 above bankruptcy: the fee (0.3% = 2,988) is
	// capped at 506 so the trader is not taken below zero.
	if !f.Split.Fee.Equal(d("506")) || !f.Split.Kept.IsZero() || !f.Compliant {
		t.Fatalf("second fill %+v", f.Split)
	}
	step, _ = b.Next(bookT0, BookNextParams{Account: "A"})
	if step.Status != BookRestored || len(b.Active()) != 0 {
		t.Fatalf("final step %+v", step)
	}
	if tot := b.Totals(); !tot.Fee.Equal(d("2000")) || !tot.Surplus.Equal(d("2506")) || !tot.Kept.Equal(d("506")) {
		t.Fatalf("totals %+v", tot)
	}
	if err := b.CheckInvariants(); err != nil {
		t.Fatal(err)
	}
}

// TestBookHandoverWhenTheBookComesBackShort: the first IOC order fills 10
// of 20 BTC; the book could not take the rest at the limit, so Next hands
// the whole position left (50 BTC) to the fallbacks at its bankruptcy
// price — Binance: "the user's position will be closed at the bankruptcy
// price and the Insurance Fund will take over the position".
func TestBookHandoverWhenTheBookComesBackShort(t *testing.T) {
	b := mustDesk(t, BookSettings{FeeRate: d("0.003"), Fallbacks: []Fallback{FallbackBackstop, FallbackDeleverage}})
	if _, err := b.Start(bookT0, BookStartParams{Account: bybitAccount("8000"), Markets: []BookMarket{bybitMarket()}}); err != nil {
		t.Fatal(err)
	}
	f, err := b.Fill(bookT0, BookFillParams{Account: "A", Size: d("10"), Price: d("24900")})
	if err != nil {
		t.Fatal(err)
	}
	// 10 BTC: bankruptcy 250,000 − 8,000 × 2,500 / 10,000 = 248,000; 1,000
	// above it, fee 747, kept 253; equity 6,253 against 7,500.
	if !f.Split.Fee.Equal(d("747")) || !f.Split.Kept.Equal(d("253")) || !f.Equity.Equal(d("6253")) || !f.Remaining.Equal(d("10")) {
		t.Fatalf("fill %+v", f)
	}
	step, _ := b.Next(bookT0, BookNextParams{Account: "A"})
	want := &Handover{Items: []HandoverItem{{Market: "BTCUSDT", Side: Sell, Size: d("50"), Bankruptcy: d("24874.94"), Quote: d("1243747")}},
		Targets: []Fallback{FallbackBackstop, FallbackDeleverage}}
	if diff := cmp.Diff(want, step.Handover, testkit.EquateDecimals); diff != "" || step.Status != BookHandedOver {
		t.Fatalf("handover (-want +got):\n%s", diff)
	}
	if _, err := b.Next(bookT0, BookNextParams{Account: "A"}); !errors.Is(err, ErrUnknownAuction) {
		t.Fatalf("a handed-over liquidation is over: %v", err)
	}
}

// TestBookDydxV4EndToEnd runs dYdX's first fillable-price case through the
// desk: 0.1 BTC long, TNC 499, TMMR 500. The order closes it (one tier)
// limited at the fillable price 49,999 (the bankruptcy price is 45,010);
// filled there, 498.9 above bankruptcy pays the 0.5% fee (24.9995) and
// the trader keeps 473.9005. The short mirror buys at 50,001.
func TestBookDydxV4EndToEnd(t *testing.T) {
	for name, tc := range map[string]struct {
		size, collateral, limit, bankruptcy, fee, kept string
		side                                           Side
	}{
		"long":  {"0.1", "-4501", "49999", "45010", "24.9995", "473.9005", Sell},
		"short": {"-0.1", "5499", "50001", "54990", "25.0005", "473.8995", Buy},
	} {
		t.Run(name, func(t *testing.T) {
			b := mustDesk(t, BookSettings{Limit: LimitFillable, FeeRate: d("0.005"), QuoteScale: 6})
			acct := BookAccount{ID: "S", Collateral: d(tc.collateral), Positions: []BookPosition{{Market: "BTC", Size: d(tc.size)}}}
			step, err := b.Start(bookT0, BookStartParams{Account: acct, Markets: []BookMarket{dydxMarket("BTC", "50000")}})
			if err != nil {
				t.Fatal(err)
			}
			o := step.Order
			if o == nil || o.Side != tc.side || !o.Limit.Equal(d(tc.limit)) || !o.Bankruptcy.Equal(d(tc.bankruptcy)) || !o.Close {
				t.Fatalf("order %+v", o)
			}
			f, err := b.Fill(bookT0, BookFillParams{Account: "S", Size: d("0.1"), Price: d(tc.limit)})
			if err != nil {
				t.Fatal(err)
			}
			if !f.Split.Fee.Equal(d(tc.fee)) || !f.Split.Kept.Equal(d(tc.kept)) || !f.Compliant {
				t.Fatalf("split %+v", f.Split)
			}
			if step, _ = b.Next(bookT0, BookNextParams{Account: "S"}); step.Status != BookRestored || !step.Equity.Equal(d(tc.kept)) {
				t.Fatalf("final %+v", step)
			}
		})
	}
}

// TestBookNeverLimitsBeyondBankruptcy: dYdX's "below the bankruptcy price"
// case (TNC −500) has a fillable price of 49,500 while its bankruptcy price
// is 55,000: dYdX would trade at 49,500 with the fund paying 550; this
// planner limits at 55,000 and hands the position over when the book does
// not take it there.
func TestBookNeverLimitsBeyondBankruptcy(t *testing.T) {
	b := mustDesk(t, BookSettings{Limit: LimitFillable, QuoteScale: 6})
	acct := BookAccount{ID: "S", Collateral: d("-5500"), Positions: []BookPosition{{Market: "BTC", Size: d("0.1")}}}
	step, err := b.Start(bookT0, BookStartParams{Account: acct, Markets: []BookMarket{dydxMarket("BTC", "50000")}})
	if err != nil {
		t.Fatal(err)
	}
	if !step.Order.Limit.Equal(d("55000")) {
		t.Fatalf("limit %s, want the bankruptcy price 55000", step.Order.Limit)
	}
	if _, err := b.Fill(bookT0, BookFillParams{Account: "S", Size: d("0.1"), Price: d("49500")}); !errors.Is(err, ErrInvalidInput) {
		t.Fatalf("a fill beyond the limit: %v", err)
	}
	step, _ = b.Next(bookT0, BookNextParams{Account: "S"})
	if step.Status != BookHandedOver || !step.Handover.Items[0].Quote.Equal(d("5500")) ||
		len(step.Handover.Targets) != 3 || step.Handover.Targets[0] != FallbackAuction {
		t.Fatalf("step %+v", step)
	}
}

func TestBookRefusals(t *testing.T) {
	mk := []BookMarket{bybitMarket()}
	b := mustDesk(t, BookSettings{})
	if _, err := b.Start(bookT0, BookStartParams{Account: bybitAccount("8000"), Markets: mk}); err != nil {
		t.Fatal(err)
	}
	snap, _ := json.Marshal(b.Snapshot())
	for name, call := range map[string]func() error{
		"already liquidating": func() error {
			_, err := b.Start(bookT0, BookStartParams{Account: bybitAccount("8000"), Markets: mk})
			return err
		},
		"fill beyond the limit": func() error {
			_, err := b.Fill(bookT0, BookFillParams{Account: "A", Size: d("1"), Price: d("24799.99")})
			return err
		},
		"fill above the order": func() error {
			_, err := b.Fill(bookT0, BookFillParams{Account: "A", Size: d("20.001"), Price: d("24900")})
			return err
		},
		"fill off the step": func() error {
			_, err := b.Fill(bookT0, BookFillParams{Account: "A", Size: d("0.0001"), Price: d("24900")})
			return err
		},
		"fill of an unknown account": func() error {
			_, err := b.Fill(bookT0, BookFillParams{Account: "B", Size: d("1"), Price: d("24900")})
			return err
		},
		"time backwards": func() error {
			_, err := b.Next(bookT0.Add(-time.Second), BookNextParams{Account: "A"})
			return err
		},
		"unknown market": func() error {
			a := bybitAccount("8000")
			a.ID = "B"
			_, err := b.Start(bookT0, BookStartParams{Account: a})
			return err
		},
		"absurd collateral": func() error {
			a := bybitAccount("8000")
			a.ID, a.Collateral = "B", d("1e-40")
			_, err := b.Start(bookT0, BookStartParams{Account: a, Markets: mk})
			return err
		},
		"tier maintenance falling at a boundary": func() error {
			m := bybitMarket()
			m.Tiers[1].MaintenanceAmount = d("6000")
			a := bybitAccount("8000")
			a.ID = "B"
			_, err := b.Start(bookT0, BookStartParams{Account: a, Markets: []BookMarket{m}})
			return err
		},
	} {
		t.Run(name, func(t *testing.T) {
			if err := call(); err == nil {
				t.Fatal("accepted")
			}
			after, _ := json.Marshal(b.Snapshot())
			if string(after) != string(snap) {
				t.Fatal("a refused call changed the state")
			}
		})
	}
	for name, s := range map[string]BookSettings{
		"unknown limit rule":  {Limit: "mid"},
		"fee above 1":         {FeeRate: d("1.5")},
		"repeated fallback":   {Fallbacks: []Fallback{FallbackAuction, FallbackAuction}},
		"unknown fallback":    {Fallbacks: []Fallback{"hope"}},
		"negative adjustment": {Fillable: FillableSettings{BankruptcyAdjustment: d("-1")}},
	} {
		if _, err := NewBookDesk(s); !errors.Is(err, ErrInvalidSettings) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// TestBookIdempotentKeys: a replayed Start, Fill or Next returns its first
// outcome and changes nothing; the same key with other input is refused.
func TestBookIdempotentKeys(t *testing.T) {
	b := mustDesk(t, BookSettings{FeeRate: d("0.003")})
	start := BookStartParams{Key: "s1", Account: bybitAccount("8000"), Markets: []BookMarket{bybitMarket()}}
	first, err := b.Start(bookT0, start)
	if err != nil {
		t.Fatal(err)
	}
	again, err := b.Start(bookT0, start)
	if err != nil || !cmp.Equal(first, again, testkit.EquateDecimals) {
		t.Fatalf("replayed start: %v %v", err, cmp.Diff(first, again, testkit.EquateDecimals))
	}
	other := start
	other.Account = bybitAccount("7000")
	if _, err := b.Start(bookT0, other); !errors.Is(err, ErrKeyReused) {
		t.Fatalf("same key, other account: %v", err)
	}
	fill := BookFillParams{Key: "f1", Account: "A", Size: d("10"), Price: d("24900")}
	f1, err := b.Fill(bookT0, fill)
	if err != nil {
		t.Fatal(err)
	}
	f2, err := b.Fill(bookT0.Add(time.Second), fill)
	if err != nil || !cmp.Equal(f1, f2, testkit.EquateDecimals) || !b.Totals().Fee.Equal(d("747")) {
		t.Fatalf("replayed fill applied twice: fee total %s, err %v", b.Totals().Fee, err)
	}
	if _, err := b.Fill(bookT0, BookFillParams{Key: "f1", Account: "A", Size: d("5"), Price: d("24900")}); !errors.Is(err, ErrKeyReused) {
		t.Fatalf("same key, other fill: %v", err)
	}
}

// TestBookSnapshotRoundTrip: snapshot mid-liquidation → JSON → restore →
// continue equals continuing without the round trip.
func TestBookSnapshotRoundTrip(t *testing.T) {
	s := BookSettings{FeeRate: d("0.003"), SurplusToFund: true}
	run := func(b *BookDesk) (BookFillResult, BookStep) {
		f, err := b.Fill(bookT0, BookFillParams{Key: "f2", Account: "A", Size: d("20"), Price: d("24900")})
		if err != nil {
			t.Fatal(err)
		}
		step, err := b.Next(bookT0, BookNextParams{Account: "A"})
		if err != nil {
			t.Fatal(err)
		}
		return f, step
	}
	a := mustDesk(t, s)
	if _, err := a.Start(bookT0, BookStartParams{Key: "s", Account: bybitAccount("8000"), Markets: []BookMarket{bybitMarket()}}); err != nil {
		t.Fatal(err)
	}
	raw, err := json.Marshal(a.Snapshot())
	if err != nil {
		t.Fatal(err)
	}
	var snap BookSnapshot
	if err := json.Unmarshal(raw, &snap); err != nil {
		t.Fatal(err)
	}
	b, err := RestoreBookDesk(s, snap)
	if err != nil {
		t.Fatal(err)
	}
	fa, sa := run(a)
	fb, sb := run(b)
	if diff := cmp.Diff([]any{fa, sa, a.Snapshot()}, []any{fb, sb, b.Snapshot()}, testkit.EquateDecimals); diff != "" {
		t.Fatalf("restored desk diverged:\n%s", diff)
	}
	snap.Live[0].Order.Limit = d("1")
	if _, err := RestoreBookDesk(s, snap); !errors.Is(err, ErrInvalidSnapshot) {
		t.Fatalf("a snapshot with an order limited beyond bankruptcy: %v", err)
	}
}

// TestBookBinanceSmallUsersAreBankruptOnEntry reproduces Binance's
// statement in "Liquidation" (binance.zendesk.com/hc/en-us/articles/
// 360033525271): the liquidation fee (0.3% on BTCUSDT, 0.5% on other
// perpetuals) is "charged on the amount liquidated", and "for smaller
// users, the effective maintenance margin is lower than the liquidation
// fee rate, so they are already bankrupt when first entering liquidation,
// regardless of the final price when clearing". 1 BTC at 40,000 in
// Binance's first BTCUSDT bracket (maintenance 0.4% → 160) entering
// liquidation with equity 150: the order is limited at the bankruptcy
// price 39,850; filled at the mark, 150 is above bankruptcy; a 0.5% fee
// (200) takes all of it, the trader keeps nothing; at 0.3% (120) it keeps
// 30. With SurplusToFund (Binance's takeover) the 30 goes to the fund.
func TestBookBinanceSmallUsersAreBankruptOnEntry(t *testing.T) {
	m := BookMarket{Market: "BTCUSDT", Oracle: d("40000"), Tick: d("0.1"), Step: d("0.001"),
		Tiers: []RiskTier{{MaxNotional: d("50000"), MaintenanceRate: d("0.004")}}}
	for name, tc := range map[string]struct {
		fee    string
		toFund bool
		want   FillSplit
	}{
		"0.5% (other perpetuals): bankrupt on entry": {"0.005", false,
			FillSplit{Proceeds: d("40000"), Bankruptcy: d("39850"), Surplus: d("150"), Fee: d("150"), Fund: d("0"), Kept: d("0")}},
		"0.3% (BTCUSDT): keeps 30": {"0.003", false,
			FillSplit{Proceeds: d("40000"), Bankruptcy: d("39850"), Surplus: d("150"), Fee: d("120"), Fund: d("0"), Kept: d("30")}},
		"0.3%, taken over: the rest to the fund": {"0.003", true,
			FillSplit{Proceeds: d("40000"), Bankruptcy: d("39850"), Surplus: d("150"), Fee: d("120"), Fund: d("30"), Kept: d("0")}},
	} {
		t.Run(name, func(t *testing.T) {
			b := mustDesk(t, BookSettings{FeeRate: d(tc.fee), SurplusToFund: tc.toFund})
			acct := BookAccount{ID: "small", Collateral: d("-39850"), Positions: []BookPosition{{Market: "BTCUSDT", Size: d("1")}}}
			step, err := b.Start(bookT0, BookStartParams{Account: acct, Markets: []BookMarket{m}})
			if err != nil {
				t.Fatal(err)
			}
			if !step.Order.Limit.Equal(d("39850")) || !step.Order.Close {
				t.Fatalf("order %+v", step.Order)
			}
			f, err := b.Fill(bookT0, BookFillParams{Account: "small", Size: d("1"), Price: d("40000")})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, f.Split, testkit.EquateDecimals); diff != "" {
				t.Fatal(diff)
			}
		})
	}
}

// BenchmarkBookStep is one round of a book liquidation on a three-tier
// market: Start (cancel and first order), one partial Fill and Next (the
// handover), without keys.
func BenchmarkBookStep(b *testing.B) {
	desk, _ := NewBookDesk(BookSettings{FeeRate: d("0.003")})
	mk := []BookMarket{bybitMarket()}
	acct := bybitAccount("8000")
	fill := BookFillParams{Account: "A", Size: d("10"), Price: d("24900")}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := desk.Start(bookT0, BookStartParams{Account: acct, Markets: mk}); err != nil {
			b.Fatal(err)
		}
		if _, err := desk.Fill(bookT0, fill); err != nil {
			b.Fatal(err)
		}
		if _, err := desk.Next(bookT0, BookNextParams{Account: "A"}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestBookFillOrKill: Bybit's orders are FillOrKill — a partial fill is
// refused and changes nothing; the whole order fills.
func TestBookFillOrKill(t *testing.T) {
	b := mustDesk(t, BookSettings{FillOrKill: true})
	step, err := b.Start(bookT0, BookStartParams{Account: bybitAccount("8000"), Markets: []BookMarket{bybitMarket()}})
	if err != nil || step.Order.TimeInForce != "FOK" {
		t.Fatalf("start: %v %+v", err, step.Order)
	}
	if _, err := b.Fill(bookT0, BookFillParams{Account: "A", Size: d("10"), Price: d("24900")}); !errors.Is(err, ErrInvalidInput) {
		t.Fatalf("partial fill of a FOK order: %v", err)
	}
	if f, err := b.Fill(bookT0, BookFillParams{Account: "A", Size: d("20"), Price: d("24900")}); err != nil || !f.Remaining.IsZero() {
		t.Fatalf("whole fill: %v %+v", err, f)
	}
}

// TestBookLowerTierWhichSatisfies: Bybit's order is "the difference
// between the current position value and the lower margin tier value
// which satisfies the margin requirement". 100 BTC (2.5M, third tier,
// maintenance 22,500): with equity 20,000 the second tier (2M, 15,000)
// satisfies — sell 20; with 8,000 only the first (1M, 5,000) does — sell
// 60 in one order; with 3,000 none does, or none once the 0.3% fee on the
// 1.5M closed (4,500) is paid — one tier down, step by step.
func TestBookLowerTierWhichSatisfies(t *testing.T) {
	for name, tc := range map[string]struct {
		equity, fee, size string
		to                int
	}{
		"second tier satisfies":         {"20000", "0", "20", 1},
		"only the first tier satisfies": {"8000", "0", "60", 0},
		"none satisfies: one step":      {"3000", "0", "20", 1},
		"none satisfies after the fee":  {"8000", "0.003", "20", 1},
	} {
		t.Run(name, func(t *testing.T) {
			b := mustDesk(t, BookSettings{FeeRate: d(tc.fee)})
			acct := BookAccount{ID: "A", Collateral: d(tc.equity).Sub(d("2500000")), Positions: []BookPosition{{Market: "BTCUSDT", Size: d("100")}}}
			step, err := b.Start(bookT0, BookStartParams{Account: acct, Markets: []BookMarket{bybitMarket()}})
			if err != nil {
				t.Fatal(err)
			}
			if o := step.Order; !o.Size.Equal(d(tc.size)) || o.FromTier != 2 || o.ToTier != tc.to || o.Close {
				t.Fatalf("order %+v, want %s BTC to tier %d", o, tc.size, tc.to)
			}
		})
	}
}
