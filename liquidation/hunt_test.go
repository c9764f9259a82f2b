package liquidation

import (
	"errors"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/testkit"
)

// Issue 10's hunt: every exported function and method that takes host
// input, with the bad inputs tried for each — absurd decimals (1e9999,
// 1e-40), zero and negative where a positive amount is needed, huge
// scales, nil and typed-nil interfaces, empty and duplicate IDs, backwards
// times, inconsistent snapshots. Every call must be refused within a second
// (the defects were minutes-long hangs) with an error that wraps one of
// this package's sentinels and says "liquidation: " exactly once, and must
// change nothing: the snapshots of an engine and of one house of each kind,
// all holding live state, are identical before and after.
//
// −0 is not listed: shopspring decimal has no negative zero ("-0" parses
// to 0), so it is the zero case.
func TestHuntBadInputs(t *testing.T) {
	huge, tiny := decimal.New(1, 9999), decimal.New(1, -40)
	vast := decimal.New(1, 999_999_999) // formatting or rescaling it takes minutes
	last := sec(100)

	// Live fixtures at time sec(100).
	es := EngineSettings{Penalty: d("0.1"), GlobalCap: d("10000"), MarketCaps: map[string]decimal.Decimal{"ETH": d("2000")},
		Window: time.Minute, MaxCount: 3, MaxNotional: d("5000")}
	e := mustEngine(t, es)
	p, err := e.Plan(last, []Account{acct("a", "0", "100", "1000", leg("ETH", "10", "1000"))})
	if err != nil || len(p.Orders) != 1 {
		t.Fatalf("plan %+v %v", p, err)
	}
	if _, err := e.Commit(last, p.Orders); err != nil {
		t.Fatal(err)
	}
	ds := testDutchSettings(t)
	h := mustHouse(t, ds)
	k, err := h.Kick(last, KickParams{Tab: d("1000"), Lot: d("10"), Owner: "o", Price: d("100")})
	if err != nil {
		t.Fatal(err)
	}
	ens := EnglishSettings{ReserveRatio: d("0.9")}
	en, _ := NewEnglishHouse(ens)
	eid, _, _ := en.Kick(last, AuctionParams{Tab: d("1000"), Lot: d("10"), Owner: "o", Price: d("100")})
	if _, err := en.Bid(last, eid, "a", d("900")); err != nil {
		t.Fatal(err)
	}
	bs := BatchSettings{ReserveRatio: d("0.9")}
	b, _ := NewBatchHouse(bs)
	bid, _, _ := b.Open(last, AuctionParams{Tab: d("1000"), Lot: d("10"), Owner: "o", Price: d("100")}, sec(200))
	if _, _, err := b.Bid(last, bid, "a", d("1"), d("95")); err != nil {
		t.Fatal(err)
	}
	// A second batch auction whose close has passed, with no bid.
	bid2, _, _ := b.Open(last, AuctionParams{Tab: d("1000"), Lot: d("10"), Owner: "o", Price: d("100")}, sec(101))

	state := func() any { return []any{e.Snapshot(), h.Snapshot(), en.Snapshot(), b.Snapshot()} }
	var typedNil *StaticAccount
	good := acct("g", "0", "100", "1000", leg("ETH", "10", "1000"))
	order := p.Orders[0]
	withTab := func(tab decimal.Decimal) []Order { o := order; o.Tab = tab; return []Order{o} }
	engineSnap := func(f func(*EngineSnapshot)) EngineSnapshot { s := e.Snapshot(); f(&s); return s }
	dutchSnap := func(f func(*DutchSnapshot)) DutchSnapshot {
		s := h.Snapshot()
		s.Auctions = append([]DutchAuctionSnapshot(nil), s.Auctions...)
		f(&s)
		return s
	}
	englishSnap := func(f func(*EnglishSnapshot)) EnglishSnapshot {
		s := en.Snapshot()
		s.Auctions = append([]EnglishAuctionSnapshot(nil), s.Auctions...)
		f(&s)
		return s
	}
	batchSnap := func(f func(*BatchSnapshot)) BatchSnapshot {
		s := b.Snapshot()
		s.Auctions = append([]BatchAuctionSnapshot(nil), s.Auctions...)
		f(&s)
		return s
	}
	ap := func(tab, lot, price decimal.Decimal, owner string) AuctionParams {
		return AuctionParams{Tab: tab, Lot: lot, Owner: owner, Price: price}
	}
	one := d("1")
	err1 := func(_ any, err error) error { return err }
	err2 := func(_, _ any, err error) error { return err }
	dutchWith := func(f func(*DutchSettings)) DutchSettings { s := ds; f(&s); return s }
	engineWith := func(f func(*EngineSettings)) EngineSettings { s := es; f(&s); return s }
	englishWith := func(f func(*EnglishSettings)) EnglishSettings { s := ens; f(&s); return s }

	tests := []struct {
		fn, input string
		call      func() error
	}{
		// Engine settings and restore.
		{"NewEngine", "target health 1e9999", func() error { return err1(NewEngine(engineWith(func(s *EngineSettings) { s.TargetHealth = huge }))) }},
		{"NewEngine", "target health 1e999999999", func() error { return err1(NewEngine(engineWith(func(s *EngineSettings) { s.TargetHealth = vast }))) }},
		{"NewEngine", "close factor 1e-40", func() error { return err1(NewEngine(engineWith(func(s *EngineSettings) { s.CloseFactor = tiny }))) }},
		{"NewEngine", "penalty −1", func() error { return err1(NewEngine(engineWith(func(s *EngineSettings) { s.Penalty = d("-1") }))) }},
		{"NewEngine", "penalty 2 (above 100%)", func() error { return err1(NewEngine(engineWith(func(s *EngineSettings) { s.Penalty = d("2") }))) }},
		{"NewEngine", "liquidator bonus 1.5", func() error {
			return err1(NewEngine(engineWith(func(s *EngineSettings) { s.LiquidatorBonus = d("1.5") })))
		}},
		{"NewEngine", "debt scale 1e9", func() error { return err1(NewEngine(engineWith(func(s *EngineSettings) { s.DebtScale = 1e9 }))) }},
		{"NewEngine", "lot scale −1", func() error { return err1(NewEngine(engineWith(func(s *EngineSettings) { s.LotScale = -1 }))) }},
		{"NewEngine", "window −1", func() error { return err1(NewEngine(engineWith(func(s *EngineSettings) { s.Window = -1 }))) }},
		{"NewEngine", "max count −1", func() error { return err1(NewEngine(engineWith(func(s *EngineSettings) { s.MaxCount = -1 }))) }},
		{"NewEngine", "market cap 0", func() error {
			return err1(NewEngine(engineWith(func(s *EngineSettings) { s.MarketCaps = map[string]decimal.Decimal{"X": decimal.Zero} })))
		}},
		{"NewEngine", "market cap 1e9999", func() error {
			return err1(NewEngine(engineWith(func(s *EngineSettings) { s.MarketCaps = map[string]decimal.Decimal{"X": huge} })))
		}},
		{"RestoreEngine", "dirt 1e9999", func() error { return err1(RestoreEngine(es, engineSnap(func(s *EngineSnapshot) { s.Dirt = huge }))) }},
		{"RestoreEngine", "dirt ≠ Σ markets", func() error { return err1(RestoreEngine(es, engineSnap(func(s *EngineSnapshot) { s.Dirt = one }))) }},
		{"RestoreEngine", "duplicate market", func() error {
			return err1(RestoreEngine(es, engineSnap(func(s *EngineSnapshot) { s.Markets = append(s.Markets, s.Markets...) })))
		}},
		{"RestoreEngine", "market debt 0", func() error {
			return err1(RestoreEngine(es, engineSnap(func(s *EngineSnapshot) { s.Markets = []MarketDebt{{Market: "ETH", Debt: decimal.Zero}} })))
		}},
		{"RestoreEngine", "market above its cap", func() error {
			return err1(RestoreEngine(es, engineSnap(func(s *EngineSnapshot) {
				s.Dirt = d("3000")
				s.Markets = []MarketDebt{{Market: "ETH", Debt: d("3000")}}
			})))
		}},
		{"RestoreEngine", "throttle entry after last", func() error {
			return err1(RestoreEngine(es, engineSnap(func(s *EngineSnapshot) { s.Recent = []ThrottleEntry{{Time: sec(200), Notional: one}} })))
		}},
		{"RestoreEngine", "throttle entry 1e-40", func() error {
			return err1(RestoreEngine(es, engineSnap(func(s *EngineSnapshot) { s.Recent = []ThrottleEntry{{Time: last, Notional: tiny}} })))
		}},
		{"RestoreEngine", "more entries than MaxCount", func() error {
			return err1(RestoreEngine(es, engineSnap(func(s *EngineSnapshot) {
				s.Recent = []ThrottleEntry{{last, one}, {last, one}, {last, one}, {last, one}}
			})))
		}},
		// Engine calls.
		{"Engine.Plan", "time backwards", func() error { return err1(e.Plan(sec(50), []Account{good})) }},
		{"Engine.Plan", "nil account", func() error { return err1(e.Plan(last, []Account{nil})) }},
		{"Engine.Plan", "typed-nil account", func() error { return err1(e.Plan(last, []Account{typedNil})) }},
		{"Engine.Plan", "empty ID", func() error { return err1(e.Plan(last, []Account{acct("", "0", "1", "0")})) }},
		{"Engine.Plan", "duplicate ID", func() error { return err1(e.Plan(last, []Account{good, good})) }},
		{"Engine.Plan", "legs' debts ≠ Debt()", func() error { return err1(e.Plan(last, []Account{acct("x", "0", "1", "5", leg("ETH", "1", "4"))})) }},
		{"Engine.Plan", "equity 1e999999999", func() error {
			return err1(e.Plan(last, []Account{StaticAccount{ID: "x", EquityValue: vast, MaintenanceValue: one}}))
		}},
		{"Engine.Plan", "maintenance 1e-40", func() error {
			return err1(e.Plan(last, []Account{StaticAccount{ID: "x", EquityValue: one, MaintenanceValue: tiny}}))
		}},
		{"Engine.Plan", "negative debt", func() error {
			return err1(e.Plan(last, []Account{StaticAccount{ID: "x", EquityValue: one, MaintenanceValue: one, DebtValue: d("-1")}}))
		}},
		{"Engine.Plan", "debt whose tab leaves the range", func() error {
			big := d("9.5e35") // × 1.1 = 1.045e36: 37 integer digits
			return err1(e.Plan(last, []Account{StaticAccount{ID: "x", EquityValue: decimal.Zero, MaintenanceValue: one, DebtValue: big,
				Legs: []Position{{Market: "ETH", Size: one, Value: one, Debt: big}}}}))
		}},
		{"Engine.Plan", "leg size 1e9999", func() error {
			return err1(e.Plan(last, []Account{acct("x", "0", "1", "1", Position{Market: "ETH", Size: huge, Value: one, Debt: one})}))
		}},
		{"Engine.Plan", "must-reduce 1e9999", func() error {
			return err1(e.Plan(last, []Account{reducer{acct("x", "0", "1", "1", leg("ETH", "1", "1")), huge}}))
		}},
		{"Engine.Commit", "time backwards", func() error { return err1(e.Commit(sec(50), p.Orders)) }},
		{"Engine.Commit", "tab 0", func() error { return err1(e.Commit(last, withTab(decimal.Zero))) }},
		{"Engine.Commit", "tab −1", func() error { return err1(e.Commit(last, withTab(d("-1")))) }},
		{"Engine.Commit", "tab 1e999999999", func() error { return err1(e.Commit(last, withTab(vast))) }},
		{"Engine.Commit", "debt 1e999999999 (reaches the event)", func() error { o := order; o.Debt = vast; return err1(e.Commit(last, []Order{o})) }},
		{"Engine.Commit", "lot 1e-40", func() error { o := order; o.Lot = tiny; return err1(e.Commit(last, []Order{o})) }},
		{"Engine.Commit", "empty account", func() error { o := order; o.Account = ""; return err1(e.Commit(last, []Order{o})) }},
		{"Engine.Commit", "tab above the market cap room", func() error { return err1(e.Commit(last, withTab(d("1000")))) }},
		{"Engine.Commit", "one order over the notional throttle", func() error { return err1(e.Commit(last, append(withTab(d("1")), withTab(d("4000"))...))) }},
		{"Engine.Release", "time backwards", func() error { return err1(e.Release(sec(50), "ETH", one)) }},
		{"Engine.Release", "amount 0", func() error { return err1(e.Release(last, "ETH", decimal.Zero)) }},
		{"Engine.Release", "amount −1", func() error { return err1(e.Release(last, "ETH", d("-1"))) }},
		{"Engine.Release", "amount 1e-40", func() error { return err1(e.Release(last, "ETH", tiny)) }},
		{"Engine.Release", "amount 1e999999999", func() error { return err1(e.Release(last, "ETH", vast)) }},
		{"Engine.Release", "more than held", func() error { return err1(e.Release(last, "ETH", d("1000000"))) }},
		{"Engine.Release", "unknown market", func() error { return err1(e.Release(last, "nope", one)) }},
		// Dutch house.
		{"NewDutchHouse", "nil curve", func() error { return err1(NewDutchHouse(dutchWith(func(s *DutchSettings) { s.Curve = nil }))) }},
		{"NewDutchHouse", "typed-nil curve (panicked on the first price)", func() error {
			var c *LinearDecrease
			return err1(NewDutchHouse(dutchWith(func(s *DutchSettings) { s.Curve = c })))
		}},
		{"NewDutchHouse", "buf 0", func() error { return err1(NewDutchHouse(dutchWith(func(s *DutchSettings) { s.Buf = decimal.Zero }))) }},
		{"NewDutchHouse", "buf 1e999999999", func() error { return err1(NewDutchHouse(dutchWith(func(s *DutchSettings) { s.Buf = vast }))) }},
		{"NewDutchHouse", "tail 0", func() error { return err1(NewDutchHouse(dutchWith(func(s *DutchSettings) { s.Tail = 0 }))) }},
		{"NewDutchHouse", "cusp 1", func() error { return err1(NewDutchHouse(dutchWith(func(s *DutchSettings) { s.Cusp = one }))) }},
		{"NewDutchHouse", "cusp 1e-40", func() error { return err1(NewDutchHouse(dutchWith(func(s *DutchSettings) { s.Cusp = tiny }))) }},
		{"NewDutchHouse", "chop 0.5", func() error { return err1(NewDutchHouse(dutchWith(func(s *DutchSettings) { s.Chop = d("0.5") }))) }},
		{"NewDutchHouse", "dust −1", func() error { return err1(NewDutchHouse(dutchWith(func(s *DutchSettings) { s.Dust = d("-1") }))) }},
		{"NewDutchHouse", "price scale 28", func() error { return err1(NewDutchHouse(dutchWith(func(s *DutchSettings) { s.PriceScale = 28 }))) }},
		{"NewDutchHouse", "price + lot scale 37", func() error {
			return err1(NewDutchHouse(dutchWith(func(s *DutchSettings) { s.PriceScale, s.LotScale = 27, 10 })))
		}},
		{"RestoreDutchHouse", "stop level 4", func() error { return err1(RestoreDutchHouse(ds, dutchSnap(func(s *DutchSnapshot) { s.Stop = 4 }))) }},
		{"RestoreDutchHouse", "auction ID 0", func() error {
			return err1(RestoreDutchHouse(ds, dutchSnap(func(s *DutchSnapshot) { s.Auctions[0].ID = 0 })))
		}},
		{"RestoreDutchHouse", "auction ID above kicks", func() error { return err1(RestoreDutchHouse(ds, dutchSnap(func(s *DutchSnapshot) { s.Kicks = 0 }))) }},
		{"RestoreDutchHouse", "duplicate auction", func() error {
			return err1(RestoreDutchHouse(ds, dutchSnap(func(s *DutchSnapshot) { s.Auctions = append(s.Auctions, s.Auctions[0]) })))
		}},
		{"RestoreDutchHouse", "tab 1e999999999", func() error {
			return err1(RestoreDutchHouse(ds, dutchSnap(func(s *DutchSnapshot) { s.Auctions[0].Tab = vast })))
		}},
		{"RestoreDutchHouse", "empty owner", func() error {
			return err1(RestoreDutchHouse(ds, dutchSnap(func(s *DutchSnapshot) { s.Auctions[0].Owner = "" })))
		}},
		{"RestoreDutchHouse", "started after last", func() error {
			return err1(RestoreDutchHouse(ds, dutchSnap(func(s *DutchSnapshot) { s.Auctions[0].Started = sec(200) })))
		}},
		{"RestoreDutchHouse", "sold + lot ≠ initial lot", func() error {
			return err1(RestoreDutchHouse(ds, dutchSnap(func(s *DutchSnapshot) { s.Auctions[0].Sold = one })))
		}},
		{"DutchHouse.Kick", "time backwards", func() error { return err1(h.Kick(sec(50), KickParams{Tab: one, Lot: one, Owner: "o", Price: one})) }},
		{"DutchHouse.Kick", "tab 0", func() error {
			return err1(h.Kick(last, KickParams{Tab: decimal.Zero, Lot: one, Owner: "o", Price: one}))
		}},
		{"DutchHouse.Kick", "tab 1e999999999", func() error { return err1(h.Kick(last, KickParams{Tab: vast, Lot: one, Owner: "o", Price: one})) }},
		{"DutchHouse.Kick", "lot 1e-40", func() error { return err1(h.Kick(last, KickParams{Tab: one, Lot: tiny, Owner: "o", Price: one})) }},
		{"DutchHouse.Kick", "lot off the lot grid", func() error {
			return err1(h.Kick(last, KickParams{Tab: one, Lot: decimal.New(1, -19), Owner: "o", Price: one}))
		}},
		{"DutchHouse.Kick", "price −1", func() error { return err1(h.Kick(last, KickParams{Tab: one, Lot: one, Owner: "o", Price: d("-1")})) }},
		{"DutchHouse.Kick", "penalty above tab", func() error {
			return err1(h.Kick(last, KickParams{Tab: one, Lot: one, Owner: "o", Price: one, Penalty: d("2")}))
		}},
		{"DutchHouse.Kick", "empty owner", func() error { return err1(h.Kick(last, KickParams{Tab: one, Lot: one, Price: one})) }},
		{"DutchHouse.Status", "time backwards", func() error { return err1(h.Status(sec(50), k.ID)) }},
		{"DutchHouse.Status", "unknown auction", func() error { return err1(h.Status(last, 99)) }},
		{"DutchHouse.Redo", "time backwards", func() error { return err1(h.Redo(sec(50), RedoParams{ID: k.ID, Price: one})) }},
		{"DutchHouse.Redo", "unknown auction", func() error { return err1(h.Redo(last, RedoParams{ID: 99, Price: one})) }},
		{"DutchHouse.Redo", "price 0", func() error { return err1(h.Redo(last, RedoParams{ID: k.ID, Price: decimal.Zero})) }},
		{"DutchHouse.Redo", "price 1e9999", func() error { return err1(h.Redo(last, RedoParams{ID: k.ID, Price: huge})) }},
		{"DutchHouse.Take", "time backwards", func() error { return err1(h.Take(sec(50), TakeParams{ID: k.ID, MaxLot: one, MaxPrice: huge})) }},
		{"DutchHouse.Take", "unknown auction", func() error { return err1(h.Take(last, TakeParams{ID: 99, MaxLot: one, MaxPrice: one})) }},
		{"DutchHouse.Take", "max lot 0", func() error {
			return err1(h.Take(last, TakeParams{ID: k.ID, MaxLot: decimal.Zero, MaxPrice: d("1000")}))
		}},
		{"DutchHouse.Take", "max lot 1e999999999", func() error { return err1(h.Take(last, TakeParams{ID: k.ID, MaxLot: vast, MaxPrice: d("1000")})) }},
		{"DutchHouse.Take", "max price 1e-40", func() error { return err1(h.Take(last, TakeParams{ID: k.ID, MaxLot: one, MaxPrice: tiny})) }},
		{"DutchHouse.Take", "max price −1", func() error { return err1(h.Take(last, TakeParams{ID: k.ID, MaxLot: one, MaxPrice: d("-1")})) }},
		{"DutchHouse.Yank", "time backwards", func() error { return err1(h.Yank(sec(50), k.ID)) }},
		{"DutchHouse.Yank", "unknown auction", func() error { return err1(h.Yank(last, 99)) }},
		{"DutchHouse.SetStop", "time backwards", func() error { return err1(h.SetStop(sec(50), StopNone)) }},
		{"DutchHouse.SetStop", "level 4", func() error { return err1(h.SetStop(last, 4)) }},
		{"DutchHouse.SetStop", "level −1", func() error { return err1(h.SetStop(last, -1)) }},
		// English house.
		{"NewEnglishHouse", "reserve ratio 0", func() error { return err1(NewEnglishHouse(EnglishSettings{})) }},
		{"NewEnglishHouse", "reserve ratio 1e999999999", func() error {
			return err1(NewEnglishHouse(englishWith(func(s *EnglishSettings) { s.ReserveRatio = vast })))
		}},
		{"NewEnglishHouse", "min decrement 1", func() error {
			return err1(NewEnglishHouse(englishWith(func(s *EnglishSettings) { s.MinDecrement = one })))
		}},
		{"NewEnglishHouse", "min increment −1", func() error {
			return err1(NewEnglishHouse(englishWith(func(s *EnglishSettings) { s.MinIncrement = d("-1") })))
		}},
		{"NewEnglishHouse", "bid duration > max duration", func() error {
			return err1(NewEnglishHouse(englishWith(func(s *EnglishSettings) { s.BidDuration, s.MaxDuration = time.Hour, time.Minute })))
		}},
		{"NewEnglishHouse", "negative max duration", func() error {
			return err1(NewEnglishHouse(englishWith(func(s *EnglishSettings) { s.MaxDuration = -1 })))
		}},
		{"NewEnglishHouse", "lot scale 19", func() error { return err1(NewEnglishHouse(englishWith(func(s *EnglishSettings) { s.LotScale = 19 }))) }},
		{"RestoreEnglishHouse", "bid above tab", func() error {
			return err1(RestoreEnglishHouse(ens, englishSnap(func(s *EnglishSnapshot) { s.Auctions[0].Bid = d("2000") })))
		}},
		{"RestoreEnglishHouse", "lot above the initial lot", func() error {
			return err1(RestoreEnglishHouse(ens, englishSnap(func(s *EnglishSnapshot) { s.Auctions[0].Lot = d("11") })))
		}},
		{"RestoreEnglishHouse", "max end beyond last + max duration", func() error {
			return err1(RestoreEnglishHouse(ens, englishSnap(func(s *EnglishSnapshot) { s.Auctions[0].MaxEnd = sec(1e7) })))
		}},
		{"RestoreEnglishHouse", "duplicate auction", func() error {
			return err1(RestoreEnglishHouse(ens, englishSnap(func(s *EnglishSnapshot) { s.Auctions = append(s.Auctions, s.Auctions[0]) })))
		}},
		{"RestoreEnglishHouse", "reserve 1e9999", func() error {
			return err1(RestoreEnglishHouse(ens, englishSnap(func(s *EnglishSnapshot) { s.Auctions[0].Reserve = huge })))
		}},
		{"EnglishHouse.Kick", "time backwards", func() error { return err2(en.Kick(sec(50), ap(one, one, one, "o"))) }},
		{"EnglishHouse.Kick", "tab 0", func() error { return err2(en.Kick(last, ap(decimal.Zero, one, one, "o"))) }},
		{"EnglishHouse.Kick", "price 1e999999999", func() error { return err2(en.Kick(last, ap(one, one, vast, "o"))) }},
		{"EnglishHouse.Kick", "empty owner", func() error { return err2(en.Kick(last, ap(one, one, one, ""))) }},
		{"EnglishHouse.Status", "unknown auction", func() error { return err1(en.Status(last, 99)) }},
		{"EnglishHouse.Bid", "time backwards", func() error { return err1(en.Bid(sec(50), eid, "b", d("950"))) }},
		{"EnglishHouse.Bid", "unknown auction", func() error { return err1(en.Bid(last, 99, "b", d("950"))) }},
		{"EnglishHouse.Bid", "empty bidder", func() error { return err1(en.Bid(last, eid, "", d("950"))) }},
		{"EnglishHouse.Bid", "amount 0", func() error { return err1(en.Bid(last, eid, "b", decimal.Zero)) }},
		{"EnglishHouse.Bid", "amount 1e999999999", func() error { return err1(en.Bid(last, eid, "b", vast)) }},
		{"EnglishHouse.Bid", "amount above tab", func() error { return err1(en.Bid(last, eid, "b", d("1001"))) }},
		{"EnglishHouse.Bid", "below the increment", func() error { return err1(en.Bid(last, eid, "b", d("901"))) }},
		{"EnglishHouse.Bid", "after the end", func() error { return err1(en.Bid(sec(1e6), eid, "b", d("950"))) }},
		{"EnglishHouse.BidLot", "in the forward phase", func() error { return err1(en.BidLot(last, eid, "b", one)) }},
		{"EnglishHouse.BidLot", "lot 1e-40", func() error { return err1(en.BidLot(last, eid, "b", tiny)) }},
		{"EnglishHouse.Settle", "before the end", func() error { return err1(en.Settle(last, eid)) }},
		{"EnglishHouse.Settle", "time backwards", func() error { return err1(en.Settle(sec(50), eid)) }},
		{"EnglishHouse.Restart", "before the end", func() error { return err1(en.Restart(last, eid, one)) }},
		{"EnglishHouse.Restart", "price 0", func() error { return err1(en.Restart(sec(1e6), eid, decimal.Zero)) }},
		{"EnglishHouse.Yank", "unknown auction", func() error { return err1(en.Yank(last, 99)) }},
		// Batch house.
		{"NewBatchHouse", "zero value (no reserve)", func() error { return err1(NewBatchHouse(BatchSettings{})) }},
		{"NewBatchHouse", "reserve ratio 1e999999999", func() error { return err1(NewBatchHouse(BatchSettings{ReserveRatio: vast})) }},
		{"NewBatchHouse", "NoReserve and a ratio", func() error { return err1(NewBatchHouse(BatchSettings{ReserveRatio: one, NoReserve: true})) }},
		{"NewBatchHouse", "price scale 1e9", func() error { return err1(NewBatchHouse(BatchSettings{ReserveRatio: one, PriceScale: 1e9})) }},
		{"RestoreBatchHouse", "bid sequence gap", func() error {
			return err1(RestoreBatchHouse(bs, batchSnap(func(s *BatchSnapshot) {
				a := s.Auctions[0]
				a.Bids = []BatchBid{{Seq: 2, Bidder: "a", Quantity: one, Limit: d("95")}}
				s.Auctions[0] = a
			})))
		}},
		{"RestoreBatchHouse", "bid below reserve", func() error {
			return err1(RestoreBatchHouse(bs, batchSnap(func(s *BatchSnapshot) {
				a := s.Auctions[0]
				a.Bids = []BatchBid{{Seq: 1, Bidder: "a", Quantity: one, Limit: one}}
				s.Auctions[0] = a
			})))
		}},
		{"RestoreBatchHouse", "zero reserve", func() error {
			return err1(RestoreBatchHouse(bs, batchSnap(func(s *BatchSnapshot) { s.Auctions[1].Reserve = decimal.Zero })))
		}},
		{"RestoreBatchHouse", "quantity 1e999999999", func() error {
			return err1(RestoreBatchHouse(bs, batchSnap(func(s *BatchSnapshot) {
				a := s.Auctions[0]
				a.Bids = []BatchBid{{Seq: 1, Bidder: "a", Quantity: vast, Limit: d("95")}}
				s.Auctions[0] = a
			})))
		}},
		{"BatchHouse.Open", "time backwards", func() error { return err2(b.Open(sec(50), ap(one, one, one, "o"), sec(300))) }},
		{"BatchHouse.Open", "close = now", func() error { return err2(b.Open(last, ap(one, one, one, "o"), last)) }},
		{"BatchHouse.Open", "tab 1e-40", func() error { return err2(b.Open(last, ap(tiny, one, one, "o"), sec(300))) }},
		{"BatchHouse.Open", "empty owner", func() error { return err2(b.Open(last, ap(one, one, one, ""), sec(300))) }},
		{"BatchHouse.Bid", "time backwards", func() error { return err2(b.Bid(sec(50), bid, "b", one, d("95"))) }},
		{"BatchHouse.Bid", "after the close", func() error { return err2(b.Bid(sec(200), bid, "b", one, d("95"))) }},
		{"BatchHouse.Bid", "empty bidder", func() error { return err2(b.Bid(last, bid, "", one, d("95"))) }},
		{"BatchHouse.Bid", "quantity 0", func() error { return err2(b.Bid(last, bid, "b", decimal.Zero, d("95"))) }},
		{"BatchHouse.Bid", "quantity 1e999999999", func() error { return err2(b.Bid(last, bid, "b", vast, d("95"))) }},
		{"BatchHouse.Bid", "quantity off the lot grid", func() error { return err2(b.Bid(last, bid, "b", decimal.New(1, -19), d("95"))) }},
		{"BatchHouse.Bid", "limit −1", func() error { return err2(b.Bid(last, bid, "b", one, d("-1"))) }},
		{"BatchHouse.Bid", "limit below the reserve", func() error { return err2(b.Bid(last, bid, "b", one, d("89"))) }},
		{"BatchHouse.Clear", "before the close", func() error { return err1(b.Clear(last, bid)) }},
		{"BatchHouse.Clear", "unknown auction", func() error { return err1(b.Clear(sec(300), 99)) }},
		{"BatchHouse.Reopen", "with bids", func() error { return err1(b.Reopen(sec(300), bid, one, sec(400))) }},
		{"BatchHouse.Reopen", "price 0", func() error { return err1(b.Reopen(sec(300), bid2, decimal.Zero, sec(400))) }},
		{"BatchHouse.Reopen", "close = now", func() error { return err1(b.Reopen(sec(300), bid2, one, sec(300))) }},
		// Pure functions.
		{"clearBids", "lot scale −1", func() error { return err2(clearBids(one, nil, -1)) }},
		{"clearBids", "lot scale 1e9", func() error { return err2(clearBids(one, nil, 1e9)) }},
		{"clearBids", "lot 1e999999999", func() error { return err2(clearBids(vast, nil, 18)) }},
		{"clearBids", "quantity 0", func() error {
			return err2(clearBids(one, []BatchBid{{Seq: 1, Quantity: decimal.Zero, Limit: one}}, 18))
		}},
		{"clearBids", "limit 1e999999999", func() error { return err2(clearBids(one, []BatchBid{{Seq: 1, Quantity: one, Limit: vast}}, 18)) }},
		{"CheckClearing", "lot 1e999999999", func() error { return CheckClearing(vast, one, nil) }},
		{"CheckClearing", "fill 1e999999999", func() error {
			return CheckClearing(one, one, []Fill{{BatchBid: BatchBid{Seq: 1, Quantity: one, Limit: one}, Filled: vast, Paid: one}})
		}},
		{"CheckSettlement", "lot 1e999999999", func() error { return CheckSettlement(Settlement{Lot: vast}) }},
		{"CheckSettlement", "negative 1e999999999", func() error { return CheckSettlement(Settlement{Tab: vast.Neg()}) }},
		{"rpow", "nil base", func() error { return err1(rpow(nil, 5)) }},
		{"rpow", "2^400 to the 1e6", func() error { return err1(rpow(new(big.Int).Lsh(big.NewInt(1), 400), 1e6)) }},
		{"NewLinearDecrease", "tau 0", func() error { return err1(NewLinearDecrease(0)) }},
		{"NewLinearDecrease", "tau 1.5 s", func() error { return err1(NewLinearDecrease(1500 * time.Millisecond)) }},
		{"NewStairstepExponentialDecrease", "cut 0", func() error { return err1(NewStairstepExponentialDecrease(decimal.Zero, time.Second)) }},
		{"NewStairstepExponentialDecrease", "cut 1.1", func() error { return err1(NewStairstepExponentialDecrease(d("1.1"), time.Second)) }},
		{"NewStairstepExponentialDecrease", "cut 28 places", func() error {
			return err1(NewStairstepExponentialDecrease(decimal.New(1, -28), time.Second))
		}},
		{"NewStairstepExponentialDecrease", "step −1 s", func() error { return err1(NewStairstepExponentialDecrease(d("0.99"), -time.Second)) }},
		{"NewExponentialDecrease", "cut 1e-40", func() error { return err1(NewExponentialDecrease(tiny)) }},
		{"NewExponentialDecrease", "cut 1e999999999", func() error { return err1(NewExponentialDecrease(vast)) }},
	}
	for _, tc := range tests {
		t.Run(tc.fn+"/"+tc.input, func(t *testing.T) {
			before := state()
			start := time.Now()
			done := make(chan error, 1)
			go func() { done <- tc.call() }()
			var err error
			select {
			case err = <-done:
			case <-time.After(5 * time.Second):
				t.Fatal("still running after 5 s (hang)")
			}
			if el := time.Since(start); el > time.Second {
				t.Errorf("took %s", el)
			}
			if err == nil {
				t.Fatal("accepted")
			}
			known := false
			for _, s := range sentinels {
				known = known || errors.Is(err, s)
			}
			if !known {
				t.Errorf("error %q wraps no sentinel", err)
			}
			if n := strings.Count(err.Error(), "liquidation: "); n != 1 {
				t.Errorf("error %q says \"liquidation: \" %d times", err, n)
			}
			if diff := cmp.Diff(before, state(), testkit.EquateDecimals); diff != "" {
				t.Fatalf("refused call changed state:\n%s", diff)
			}
		})
	}
}

// Exported calls that answer rather than refuse must still return at once
// on absurd input: a curve asked to price a top of 1e999999999 (hung for
// minutes before) returns the top unchanged, and a nil curve pointer (it
// panicked) never falls.
func TestHuntCurvesOnAbsurdTop(t *testing.T) {
	vast := decimal.New(1, 999_999_999)
	lin, _ := NewLinearDecrease(time.Hour)
	st, _ := NewStairstepExponentialDecrease(d("0.99"), time.Second)
	ex, _ := NewExponentialDecrease(d("0.99"))
	var nilLin *LinearDecrease
	var nilSt *StairstepExponentialDecrease
	var nilEx *ExponentialDecrease
	for _, c := range []Curve{nilLin, nilSt, nilEx} { // typed nils (panicked before)
		if p := c.Price(d("100"), time.Minute); !p.Equal(d("100")) {
			t.Errorf("%T nil: %s", c, p)
		}
	}
	for _, c := range []Curve{lin, st, ex} {
		start := time.Now()
		if p := c.Price(vast, time.Minute); !p.Equal(vast) || time.Since(start) > time.Second {
			t.Errorf("%T: price changed or took %s", c, time.Since(start))
		}
	}
}

// Found by FuzzDutchOps: a lot spelled 10 × 10^-19 (one unit of an
// 18-place grid, with a trailing zero) was stored as given, so lot × price
// carried 37 places and the settlement left the 36-place range every
// package accepts. Stored amounts are canonical: the product keeps at most
// LotScale + PriceScale places.
func TestStoredAmountsAreCanonical(t *testing.T) {
	h := mustHouse(t, testDutchSettings(t))
	k, err := h.Kick(t0, KickParams{Tab: d("1000"), Lot: decimal.New(10, -19), Owner: "o", Price: d("100")})
	if err != nil {
		t.Fatal(err)
	}
	r, err := h.Take(sec(30), TakeParams{ID: k.ID, MaxLot: d("1"), MaxPrice: d("200")})
	if err != nil || r.Settlement == nil {
		t.Fatalf("take %+v %v", r, err)
	}
	s := r.Settlement
	for _, v := range []decimal.Decimal{s.Lot, s.CollateralSold, s.DebtRecovered, s.Shortfall} {
		if v.Exponent() < -36 {
			t.Errorf("%s carries %d places", v, -v.Exponent())
		}
	}
}
