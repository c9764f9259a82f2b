package margin

import (
	"bytes"
	"encoding/gob"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

// The issue-10 hunt table: every exported function and method of margin
// that takes host input, with the bad inputs tried for each. Every call
// must return within a second without panicking; every refused call must
// wrap the expected sentinel and leave its inputs exactly as they were
// (the Account, Order and Calculator are snapshotted as JSON before and
// compared after). Margin holds no mutable state (a Calculator, Schedule
// and Lending are immutable once built), so "no state changed" means: the
// caller's values are untouched and the built objects answer as before.
//
// Inputs tried (see the rows): absurd decimals (1e9999, 1e-40, an exponent
// of −10⁹, −0), zero or negative where positive is needed, huge scales,
// steps and counts, typed-nil and nil interfaces and receivers, empty and
// duplicate IDs, zero and backwards times, inconsistent snapshots (a
// Summary or Health with absurd figures, an account JSON with two
// positions in one market).

var (
	absurdBig   = decimal.New(1, 9999)
	absurdSmall = decimal.New(1, -40)
	absurdExp   = decimal.New(1, -1_000_000_000) // aligning it allocates 10⁹ digits
	negZero     = d("-0")
)

type nilPricer struct{ p map[string]decimal.Decimal }

func (n *nilPricer) Price(_ time.Time, m string) (decimal.Decimal, error) { return n.p[m], nil }

// huntRow is one call with its bad input.
type huntRow struct {
	fn, input string
	want      error // nil: the call must succeed (a safe answer, checked in call)
	call      func() error
}

func huntCalc(t *testing.T, prices PriceSource) *Calculator {
	t.Helper()
	c, err := New(Settings{Markets: []Market{linearMarket("X"), {ID: "I", Kind: Inverse, Settlement: "BTC", Tiers: bybitTiers()}}, Prices: prices})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestHuntTable(t *testing.T) {
	good := Account{ID: "a", Wallet: d("1000"), Positions: []Position{{Market: "X", Size: d("1"), EntryPrice: d("100")}},
		Collateral: []Collateral{{Asset: "C", Amount: d("1"), Ratio: d("0.9")}}}
	prices := StaticPrices{"X": d("100"), "I": d("100"), "C": d("10"), "ZERO": d("0"), "NEG": d("-1"), "HUGE": absurdBig, "TINY": absurdSmall}
	c := huntCalc(t, prices)
	errSrc := PriceFunc(func(time.Time, string) (decimal.Decimal, error) { return decimal.Zero, errors.New("feed down") })
	cErr := huntCalc(t, errSrc)
	sched, _ := NewSchedule(Marginal, bybitTiers())
	lend, _ := NewLending(LendingSettings{Reserves: []Reserve{{Asset: "ETH", LTV: d("0.8"), LiquidationThreshold: d("0.825"), LiquidationBonus: d("1.05")}, {Asset: "DAI"}},
		Prices: StaticPrices{"ETH": d("1000"), "DAI": d("1"), "ZERO": d("0")}})

	// Account variants, each built from a fresh copy of good.
	acct := func(f func(*Account)) Account { a := good.Clone(); f(&a); return a }
	badAccounts := []struct {
		name string
		a    Account
		want error
	}{
		{"wallet 1e9999", acct(func(a *Account) { a.Wallet = absurdBig }), ErrInvalidInput},
		{"wallet 1e-40", acct(func(a *Account) { a.Wallet = absurdSmall }), ErrInvalidInput},
		{"wallet exponent -1e9", acct(func(a *Account) { a.Wallet = absurdExp }), ErrInvalidInput},
		{"size -0", acct(func(a *Account) { a.Positions[0].Size = negZero }), ErrInvalidInput},
		{"size 1e9999", acct(func(a *Account) { a.Positions[0].Size = absurdBig }), ErrInvalidInput},
		{"size exponent -1e9", acct(func(a *Account) { a.Positions[0].Size = absurdExp }), ErrInvalidInput},
		{"entry 0", acct(func(a *Account) { a.Positions[0].EntryPrice = decimal.Zero }), ErrInvalidInput},
		{"entry -1", acct(func(a *Account) { a.Positions[0].EntryPrice = d("-1") }), ErrInvalidInput},
		{"entry 1e-40", acct(func(a *Account) { a.Positions[0].EntryPrice = absurdSmall }), ErrInvalidInput},
		{"isolated margin -1", acct(func(a *Account) { a.Positions[0].Isolated, a.Positions[0].Margin = true, d("-1") }), ErrInvalidInput},
		{"cross with margin", acct(func(a *Account) { a.Positions[0].Margin = d("1") }), ErrInvalidInput},
		{"leverage 0.5", acct(func(a *Account) { a.Positions[0].Leverage = d("0.5") }), ErrInvalidInput},
		{"leverage 1e9999", acct(func(a *Account) { a.Positions[0].Leverage = absurdBig }), ErrInvalidInput},
		{"duplicate market (inconsistent snapshot)", acct(func(a *Account) { a.Positions = append(a.Positions, a.Positions[0]) }), ErrInvalidInput},
		{"unknown market", acct(func(a *Account) { a.Positions[0].Market = "Y" }), ErrUnknownMarket},
		{"empty market ID", acct(func(a *Account) { a.Positions[0].Market = "" }), ErrUnknownMarket},
		{"two settlement assets", acct(func(a *Account) {
			a.Positions = append(a.Positions, Position{Market: "I", Size: d("1"), EntryPrice: d("100")})
		}), ErrInvalidInput},
		{"collateral ratio 0", acct(func(a *Account) { a.Collateral[0].Ratio = decimal.Zero }), ErrInvalidInput},
		{"collateral ratio 1.01", acct(func(a *Account) { a.Collateral[0].Ratio = d("1.01") }), ErrInvalidInput},
		{"collateral ratio 1e-40", acct(func(a *Account) { a.Collateral[0].Ratio = absurdSmall }), ErrInvalidInput},
		{"collateral amount -1", acct(func(a *Account) { a.Collateral[0].Amount = d("-1") }), ErrInvalidInput},
		{"collateral amount 1e9999", acct(func(a *Account) { a.Collateral[0].Amount = absurdBig }), ErrInvalidInput},
		{"collateral without a price", acct(func(a *Account) { a.Collateral[0].Asset = "NOPE" }), ErrPrice},
		{"collateral price 0", acct(func(a *Account) { a.Collateral[0].Asset = "ZERO" }), ErrPrice},
		{"collateral price -1", acct(func(a *Account) { a.Collateral[0].Asset = "NEG" }), ErrPrice},
		{"collateral price 1e9999", acct(func(a *Account) { a.Collateral[0].Asset = "HUGE" }), ErrPrice},
		{"collateral price 1e-40", acct(func(a *Account) { a.Collateral[0].Asset = "TINY" }), ErrPrice},
	}
	okOrder := Order{Market: "X", Size: d("0.5")}
	badOrders := []struct {
		name string
		o    Order
		want error
	}{
		{"size 0", Order{Market: "X", Size: decimal.Zero}, ErrInvalidInput},
		{"size -0", Order{Market: "X", Size: negZero}, ErrInvalidInput},
		{"size 1e9999", Order{Market: "X", Size: absurdBig}, ErrInvalidInput},
		{"size exponent -1e9", Order{Market: "X", Size: absurdExp}, ErrInvalidInput},
		{"price -1", Order{Market: "X", Size: d("1"), Price: d("-1")}, ErrInvalidInput},
		{"price 1e-40", Order{Market: "X", Size: d("1"), Price: absurdSmall}, ErrInvalidInput},
		{"price 1e9999", Order{Market: "X", Size: d("1"), Price: absurdBig}, ErrInvalidInput},
		{"leverage 0.5", Order{Market: "X", Size: d("1"), Leverage: d("0.5")}, ErrInvalidInput},
		{"leverage 1e9999", Order{Market: "X", Size: d("1"), Leverage: absurdBig}, ErrInvalidInput},
		{"unknown market", Order{Market: "Y", Size: d("1")}, ErrUnknownMarket},
		{"empty market", Order{Size: d("1")}, ErrUnknownMarket},
	}

	var rows []huntRow
	// Calculator methods taking an account, each with every bad account.
	for _, ba := range badAccounts {
		a := ba.a
		rows = append(rows,
			huntRow{"Calculator.ValidateAccount", ba.name, validateWant(ba.want), func() error { return c.ValidateAccount(a) }},
			huntRow{"Calculator.Summary", ba.name, ba.want, func() error { _, err := c.Summary(t0, a); return err }},
			huntRow{"Calculator.Risk", ba.name, ba.want, func() error { _, err := c.Risk(t0, a); return err }},
			huntRow{"Calculator.LiquidationPrices", ba.name, ba.want, func() error { _, err := c.LiquidationPrices(t0, a, "X"); return err }},
			huntRow{"Calculator.CheckOrder", ba.name, ba.want, func() error { _, err := c.CheckOrder(t0, a, okOrder); return err }},
			huntRow{"Calculator.MaxOrderSize", ba.name, ba.want, func() error { _, err := c.MaxOrderSize(t0, a, okOrder); return err }},
			huntRow{"Calculator.ApplyFill", ba.name, validateWant(ba.want), func() error { _, err := c.ApplyFill(a, okOrder, d("100")); return err }},
		)
	}
	for _, bo := range badOrders {
		o := bo.o
		rows = append(rows,
			huntRow{"Calculator.CheckOrder", "order " + bo.name, bo.want, func() error { _, err := c.CheckOrder(t0, good, o); return err }},
			huntRow{"Calculator.MaxOrderSize", "order " + bo.name, bo.want, func() error { _, err := c.MaxOrderSize(t0, good, o); return err }},
			huntRow{"Calculator.ApplyFill", "order " + bo.name, bo.want, func() error { _, err := c.ApplyFill(good, o, d("100")); return err }},
		)
	}
	var nilCalc *Calculator
	zeroCalc := &Calculator{}
	for name, cc := range map[string]*Calculator{"nil *Calculator": nilCalc, "zero Calculator": zeroCalc} {
		cc := cc
		rows = append(rows,
			huntRow{"Calculator.ValidateAccount", name, ErrInvalidSettings, func() error { return cc.ValidateAccount(good) }},
			huntRow{"Calculator.Summary", name, ErrInvalidSettings, func() error { _, err := cc.Summary(t0, good); return err }},
			huntRow{"Calculator.Risk", name, ErrInvalidSettings, func() error { _, err := cc.Risk(t0, good); return err }},
			huntRow{"Calculator.Risk", name + ", empty account", ErrInvalidSettings, func() error { _, err := cc.Risk(t0, Account{}); return err }},
			huntRow{"Calculator.LiquidationPrices", name, ErrInvalidSettings, func() error { _, err := cc.LiquidationPrices(t0, good, "X"); return err }},
			huntRow{"Calculator.CheckOrder", name, ErrInvalidSettings, func() error { _, err := cc.CheckOrder(t0, good, okOrder); return err }},
			huntRow{"Calculator.MaxOrderSize", name, ErrInvalidSettings, func() error { _, err := cc.MaxOrderSize(t0, good, okOrder); return err }},
			huntRow{"Calculator.ApplyFill", name, ErrInvalidSettings, func() error { _, err := cc.ApplyFill(good, okOrder, d("100")); return err }},
			huntRow{"Calculator.Requirement", name, ErrInvalidSettings, func() error { _, err := cc.Requirement("X", d("1"), d("1")); return err }},
			huntRow{"Calculator.Schedule", name, ErrInvalidSettings, func() error { _, err := cc.Schedule("X"); return err }},
			huntRow{"Calculator.Scale", name, nil, func() error { return zeroIs(cc.Scale(), int32(0)) }},
		)
	}
	rows = append(rows,
		huntRow{"Calculator.ApplyFill", "fill price 0", ErrInvalidInput, func() error { _, err := c.ApplyFill(good, okOrder, decimal.Zero); return err }},
		huntRow{"Calculator.ApplyFill", "fill price -1", ErrInvalidInput, func() error { _, err := c.ApplyFill(good, okOrder, d("-1")); return err }},
		huntRow{"Calculator.ApplyFill", "fill price exponent -1e9", ErrInvalidInput, func() error { _, err := c.ApplyFill(good, okOrder, absurdExp); return err }},
		huntRow{"Calculator.LiquidationPrices", "unknown market", ErrUnknownMarket, func() error { _, err := c.LiquidationPrices(t0, good, "Y"); return err }},
		huntRow{"Calculator.LiquidationPrices", "empty market ID", ErrUnknownMarket, func() error { _, err := c.LiquidationPrices(t0, good, ""); return err }},
		huntRow{"Calculator.LiquidationPrices", "no position", ErrNoPosition, func() error { _, err := c.LiquidationPrices(t0, Account{}, "X"); return err }},
		huntRow{"Calculator.LiquidationPrices", "price source fails", ErrPrice, func() error { _, err := cErr.LiquidationPrices(t0, good, "X"); return err }},
		huntRow{"Calculator.Summary", "price source fails", ErrPrice, func() error { _, err := cErr.Summary(t0, good); return err }},
		huntRow{"Calculator.Summary", "zero time (refused, as oracle, breaker and liquidation refuse it)", ErrPrice, func() error { _, err := c.Summary(time.Time{}, good); return err }},
		huntRow{"Calculator.Risk", "price source panics (a failure of that market, not a crash)", ErrPrice, func() error {
			cp := huntCalc(t, PriceFunc(func(time.Time, string) (decimal.Decimal, error) { panic("feed down") }))
			_, err := cp.Risk(t0, good)
			return err
		}},
		huntRow{"Calculator.Risk", "time going backwards (stateless)", nil, func() error { _, err := c.Risk(t0.Add(-time.Hour), good); return err }},
		huntRow{"Calculator.CheckOrder", "price source fails", ErrPrice, func() error { _, err := cErr.CheckOrder(t0, good, okOrder); return err }},
		huntRow{"Calculator.MaxOrderSize", "price source fails", ErrPrice, func() error { _, err := cErr.MaxOrderSize(t0, good, okOrder); return err }},
		huntRow{"Calculator.Requirement", "unknown market", ErrUnknownMarket, func() error { _, err := c.Requirement("Y", d("1"), d("1")); return err }},
		huntRow{"Calculator.Requirement", "size 1e9999", ErrInvalidInput, func() error { _, err := c.Requirement("X", absurdBig, d("1")); return err }},
		huntRow{"Calculator.Requirement", "price 0", ErrInvalidInput, func() error { _, err := c.Requirement("X", d("1"), decimal.Zero); return err }},
		huntRow{"Calculator.Requirement", "price exponent -1e9", ErrInvalidInput, func() error { _, err := c.Requirement("X", d("1"), absurdExp); return err }},
		huntRow{"Calculator.Schedule", "unknown market", ErrUnknownMarket, func() error { _, err := c.Schedule("Y"); return err }},

		// Constructors.
		huntRow{"New", "nil Prices", ErrInvalidSettings, func() error { _, err := New(Settings{Markets: []Market{linearMarket("X")}}); return err }},
		huntRow{"New", "typed-nil PriceFunc", ErrInvalidSettings, func() error {
			_, err := New(Settings{Markets: []Market{linearMarket("X")}, Prices: PriceFunc(nil)})
			return err
		}},
		huntRow{"New", "typed-nil pointer PriceSource", ErrInvalidSettings, func() error {
			_, err := New(Settings{Markets: []Market{linearMarket("X")}, Prices: (*nilPricer)(nil)})
			return err
		}},
		huntRow{"New", "nil StaticPrices map", ErrInvalidSettings, func() error {
			_, err := New(Settings{Markets: []Market{linearMarket("X")}, Prices: StaticPrices(nil)})
			return err
		}},
		huntRow{"New", "no markets", ErrInvalidSettings, func() error { _, err := New(Settings{Prices: prices}); return err }},
		huntRow{"New", "empty market ID", ErrInvalidSettings, func() error { _, err := New(Settings{Markets: []Market{linearMarket("")}, Prices: prices}); return err }},
		huntRow{"New", "duplicate market ID", ErrInvalidSettings, func() error {
			_, err := New(Settings{Markets: []Market{linearMarket("X"), linearMarket("X")}, Prices: prices})
			return err
		}},
		huntRow{"New", "scale -1", ErrInvalidSettings, func() error {
			_, err := New(Settings{Markets: []Market{linearMarket("X")}, Prices: prices, Scale: -1})
			return err
		}},
		huntRow{"New", "scale MaxInt32", ErrInvalidSettings, func() error {
			_, err := New(Settings{Markets: []Market{linearMarket("X")}, Prices: prices, Scale: math.MaxInt32})
			return err
		}},
		huntRow{"New", "price scale 37", ErrInvalidSettings, func() error {
			_, err := New(Settings{Markets: []Market{linearMarket("X")}, Prices: prices, PriceScale: 37})
			return err
		}},
		huntRow{"New", "kind 99", ErrInvalidSettings, func() error {
			m := linearMarket("X")
			m.Kind = 99
			_, err := New(Settings{Markets: []Market{m}, Prices: prices})
			return err
		}},
		huntRow{"New", "basis 99", ErrInvalidSettings, func() error {
			m := linearMarket("X")
			m.Basis = 99
			_, err := New(Settings{Markets: []Market{m}, Prices: prices})
			return err
		}},
		huntRow{"New", "rule 99", ErrInvalidTiers, func() error {
			m := linearMarket("X")
			m.Rule = 99
			_, err := New(Settings{Markets: []Market{m}, Prices: prices})
			return err
		}},
		huntRow{"New", "contract size 1e9999", ErrInvalidSettings, func() error {
			m := linearMarket("X")
			m.ContractSize = absurdBig
			_, err := New(Settings{Markets: []Market{m}, Prices: prices})
			return err
		}},
		huntRow{"New", "contract size -1", ErrInvalidSettings, func() error {
			m := linearMarket("X")
			m.ContractSize = d("-1")
			_, err := New(Settings{Markets: []Market{m}, Prices: prices})
			return err
		}},
		huntRow{"New", "tick 1e-40", ErrInvalidSettings, func() error {
			m := linearMarket("X")
			m.TickSize = absurdSmall
			_, err := New(Settings{Markets: []Market{m}, Prices: prices})
			return err
		}},
		huntRow{"New", "lot -1", ErrInvalidSettings, func() error {
			m := linearMarket("X")
			m.LotSize = d("-1")
			_, err := New(Settings{Markets: []Market{m}, Prices: prices})
			return err
		}},
		huntRow{"New", "no tiers", ErrInvalidTiers, func() error {
			m := linearMarket("X")
			m.Tiers = nil
			_, err := New(Settings{Markets: []Market{m}, Prices: prices})
			return err
		}},
		huntRow{"New", "tier cap 1e9999", ErrInvalidTiers, func() error {
			m := linearMarket("X")
			m.Tiers = []Tier{{Floor: d("0"), Cap: absurdBig, MaintenanceRate: d("0.01"), InitialRate: d("0.02")}}
			_, err := New(Settings{Markets: []Market{m}, Prices: prices})
			return err
		}},
		huntRow{"NewLending", "nil Prices", ErrInvalidSettings, func() error { _, err := NewLending(LendingSettings{Reserves: []Reserve{{Asset: "A"}}}); return err }},
		huntRow{"NewLending", "typed-nil pointer PriceSource", ErrInvalidSettings, func() error {
			_, err := NewLending(LendingSettings{Reserves: []Reserve{{Asset: "A"}}, Prices: (*nilPricer)(nil)})
			return err
		}},
		huntRow{"NewLending", "no reserves", ErrInvalidSettings, func() error { _, err := NewLending(LendingSettings{Prices: prices}); return err }},
		huntRow{"NewLending", "duplicate reserve", ErrInvalidSettings, func() error {
			_, err := NewLending(LendingSettings{Reserves: []Reserve{{Asset: "A"}, {Asset: "A"}}, Prices: prices})
			return err
		}},
		huntRow{"NewLending", "empty asset", ErrInvalidInput, func() error {
			_, err := NewLending(LendingSettings{Reserves: []Reserve{{}}, Prices: prices})
			return err
		}},
		huntRow{"NewLending", "bonus 1e9999", ErrInvalidInput, func() error {
			_, err := NewLending(LendingSettings{Reserves: []Reserve{{Asset: "A", LTV: d("0.5"), LiquidationThreshold: d("0.8"), LiquidationBonus: absurdBig}}, Prices: prices})
			return err
		}},
		huntRow{"NewLending", "health scale -1", ErrInvalidSettings, func() error {
			_, err := NewLending(LendingSettings{Reserves: []Reserve{{Asset: "A"}}, Prices: prices, HealthScale: -1})
			return err
		}},
		huntRow{"ValidateReserve", "threshold 1", ErrInvalidInput, func() error {
			return ValidateReserve(Reserve{Asset: "A", LiquidationThreshold: d("1"), LiquidationBonus: d("1.01")})
		}},
		huntRow{"ValidateReserve", "ltv exponent -1e9", ErrInvalidInput, func() error { return ValidateReserve(Reserve{Asset: "A", LTV: absurdExp}) }},
		huntRow{"NewSchedule", "rule 99", ErrInvalidTiers, func() error { _, err := NewSchedule(99, bybitTiers()); return err }},
		huntRow{"NewSchedule", "nil tiers", ErrInvalidTiers, func() error { _, err := NewSchedule(Marginal, nil); return err }},
		huntRow{"NewSchedule", "MaxTiers + 1 tiers", ErrInvalidTiers, func() error { _, err := NewSchedule(Step, make([]Tier, MaxTiers+1)); return err }},
		huntRow{"NewSchedule", "first floor 1", ErrInvalidTiers, func() error {
			tt := bybitTiers()
			tt[0].Floor = d("1")
			_, err := NewSchedule(Marginal, tt)
			return err
		}},
		huntRow{"NewSchedule", "gap", ErrInvalidTiers, func() error {
			tt := bybitTiers()
			tt[1].Floor = d("1001")
			_, err := NewSchedule(Marginal, tt)
			return err
		}},
		huntRow{"NewSchedule", "cum 1e9999", ErrInvalidTiers, func() error {
			tt := bybitTiers()
			tt[1].Cum = &absurdBig
			_, err := NewSchedule(Marginal, tt)
			return err
		}},
		huntRow{"RiskLimitTiers", "steps 1e8", ErrInvalidTiers, func() error { _, err := RiskLimitTiers(d("200"), d("150"), d("0.005"), d("0.01"), 1e8); return err }},
		huntRow{"RiskLimitTiers", "steps -1", ErrInvalidTiers, func() error { _, err := RiskLimitTiers(d("200"), d("150"), d("0.005"), d("0.01"), -1); return err }},
		huntRow{"RiskLimitTiers", "step exponent -1e9", ErrInvalidTiers, func() error { _, err := RiskLimitTiers(d("200"), absurdExp, d("0.005"), d("0.01"), 3); return err }},

		// Schedule methods.
		huntRow{"Schedule.TierIndex", "notional -1", ErrInvalidInput, func() error { _, err := sched.TierIndex(d("-1")); return err }},
		huntRow{"Schedule.TierIndex", "notional 1e9999", ErrInvalidInput, func() error { _, err := sched.TierIndex(absurdBig); return err }},
		huntRow{"Schedule.TierIndex", "above the last cap", ErrAboveLastCap, func() error { _, err := sched.TierIndex(d("4001")); return err }},
		huntRow{"Schedule.Maintenance", "notional exponent -1e9", ErrInvalidInput, func() error { _, err := sched.Maintenance(absurdExp); return err }},
		huntRow{"Schedule.Maintenance", "notional -1", ErrInvalidInput, func() error { _, err := sched.Maintenance(d("-1")); return err }},
		huntRow{"Schedule.Initial", "scale MaxInt32", ErrInvalidInput, func() error { _, err := sched.Initial(d("1"), math.MaxInt32); return err }},
		huntRow{"Schedule.Initial", "scale -1", ErrInvalidInput, func() error { _, err := sched.Initial(d("1"), -1); return err }},
		huntRow{"Schedule.Initial", "notional 1e9999", ErrInvalidInput, func() error { _, err := sched.Initial(absurdBig, 8); return err }},
		huntRow{"Schedule.MaxNotional", "leverage 0", ErrInvalidInput, func() error { _, _, err := sched.MaxNotional(decimal.Zero); return err }},
		huntRow{"Schedule.MaxNotional", "leverage 0.5", ErrInvalidInput, func() error { _, _, err := sched.MaxNotional(d("0.5")); return err }},
		huntRow{"Schedule.MaxNotional", "leverage 1e9999", ErrInvalidInput, func() error { _, _, err := sched.MaxNotional(absurdBig); return err }},
		huntRow{"Schedule.Cum", "-1", ErrInvalidInput, func() error { _, err := sched.Cum(-1); return err }},
		huntRow{"Schedule.Cum", "Len()", ErrInvalidInput, func() error { _, err := sched.Cum(sched.size()); return err }},
		huntRow{"Schedule.Cum", "MaxInt", ErrInvalidInput, func() error { _, err := sched.Cum(math.MaxInt); return err }},

		// Lending.
		huntRow{"Lending.Health", "unknown asset", ErrUnknownAsset, func() error {
			_, err := lend.Health(t0, LendingAccount{Supplied: []Balance{{Asset: "X", Amount: d("1")}}})
			return err
		}},
		huntRow{"Lending.Health", "amount -1", ErrInvalidInput, func() error {
			_, err := lend.Health(t0, LendingAccount{Borrowed: []Balance{{Asset: "DAI", Amount: d("-1")}}})
			return err
		}},
		huntRow{"Lending.Health", "amount 1e9999", ErrInvalidInput, func() error {
			_, err := lend.Health(t0, LendingAccount{Supplied: []Balance{{Asset: "ETH", Amount: absurdBig}}})
			return err
		}},
		huntRow{"Lending.Health", "amount exponent -1e9", ErrInvalidInput, func() error {
			_, err := lend.Health(t0, LendingAccount{Supplied: []Balance{{Asset: "ETH", Amount: absurdExp}}})
			return err
		}},
		huntRow{"Lending.Health", "nil *Lending", ErrInvalidSettings, func() error { var l *Lending; _, err := l.Health(t0, LendingAccount{}); return err }},
		huntRow{"Lending.Health", "zero Lending", ErrInvalidSettings, func() error { _, err := (&Lending{}).Health(t0, LendingAccount{}); return err }},

		// Pure helpers on host values: a safe answer, never a hang.
		huntRow{"Summary.MarginRatio", "scale MaxInt32 (clamped)", nil, func() error {
			r, ok := Summary{Maintenance: d("1"), Equity: d("3")}.MarginRatio(math.MaxInt32)
			if !ok || r.Exponent() != -num36 {
				return fmt.Errorf("ratio %s ok %v", r, ok)
			}
			return nil
		}},
		huntRow{"Summary.MarginRatio", "equity exponent -1e9", nil, func() error {
			if _, ok := (Summary{Maintenance: d("1"), Equity: absurdExp}).MarginRatio(8); ok {
				return errors.New("absurd equity gave a ratio")
			}
			return nil
		}},
		huntRow{"Health.CanBorrow", "value exponent -1e9", nil, func() error { return falseIs((Health{Debt: d("1"), BorrowLimit: d("2")}).CanBorrow(absurdExp)) }},
		huntRow{"Health.CanBorrow", "value 1e9999", nil, func() error { return falseIs((Health{Debt: d("1"), BorrowLimit: d("2")}).CanBorrow(absurdBig)) }},
		huntRow{"Health.CanBorrow", "value -1", nil, func() error { return falseIs((Health{Debt: d("1"), BorrowLimit: d("2")}).CanBorrow(d("-1"))) }},
		huntRow{"CompareRisk", "absurd summary ranks riskiest", nil, func() error {
			return zeroIs(compareSummaries(Summary{Maintenance: d("1"), Equity: absurdExp}, Summary{Maintenance: d("1"), Equity: d("-100")}), 1)
		}},
		huntRow{"CompareAccountRisk", "absurd figures rank riskiest", nil, func() error {
			return zeroIs(CompareAccountRisk(AccountRisk{Maintenance: d("1"), Equity: d("5")}, AccountRisk{Maintenance: absurdBig, Equity: d("1")}), -1)
		}},
		huntRow{"CheckSummary", "absurd figure", ErrInvariant, func() error { return CheckSummary(Account{}, Summary{Equity: absurdExp}) }},
		huntRow{"CheckSummary", "summary of another account", ErrInvariant, func() error { return CheckSummary(good, Summary{}) }},
		huntRow{"CheckHealth", "absurd figure", ErrInvariant, func() error { return CheckHealth(Health{Debt: absurdExp}) }},
		huntRow{"Schedule.CheckContinuity", "nil *Schedule", ErrInvalidTiers, func() error { var s *Schedule; return s.CheckContinuity() }},
		huntRow{"Schedule.TierIndex", "zero Schedule", ErrInvalidTiers, func() error { _, err := (&Schedule{}).TierIndex(d("1")); return err }},
		huntRow{"Schedule.Maintenance", "nil *Schedule", ErrInvalidTiers, func() error { var s *Schedule; _, err := s.Maintenance(d("1")); return err }},
		huntRow{"Schedule.Initial", "nil *Schedule", ErrInvalidTiers, func() error { var s *Schedule; _, err := s.Initial(d("1"), 8); return err }},
		huntRow{"Schedule.MaxNotional", "nil *Schedule", ErrInvalidTiers, func() error { var s *Schedule; _, _, err := s.MaxNotional(d("1")); return err }},
		huntRow{"Schedule.Cum", "nil *Schedule", ErrInvalidTiers, func() error { var s *Schedule; _, err := s.Cum(0); return err }},
		huntRow{"Schedule.LastCap/Tiers", "nil *Schedule", nil, func() error {
			var s *Schedule
			if !s.LastCap().IsZero() || s.size() != 0 || s.Tiers() != nil || s.ruleOf() != Marginal {
				return errors.New("nil schedule answered")
			}
			return nil
		}},
		huntRow{"StaticPrices.Price", "missing key", ErrPrice, func() error { _, err := prices.Price(t0, "NOPE"); return err }},
		huntRow{"Account.Position", "empty market", nil, func() error {
			if _, ok := good.Position(""); ok {
				return errors.New("found a position in market \"\"")
			}
			return nil
		}},
	)

	// gob, not JSON: a decimal's binary form is its exponent and
	// coefficient, while printing 1e-1000000000 takes 10⁹ characters.
	snapshot := func() []byte {
		var buf bytes.Buffer
		err := gob.NewEncoder(&buf).Encode(struct {
			Good   Account
			Bad    []Account
			Orders []Order
			Sched  []Tier
			X, I   []Tier
			Scale  int32
		}{good, accountsOf(badAccounts), ordersOf(badOrders), sched.Tiers(), mustTiers(c, "X"), mustTiers(c, "I"), c.Scale()})
		if err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	for _, r := range rows {
		t.Run(r.fn+"/"+r.input, func(t *testing.T) {
			before := snapshot()
			err := callBounded(t, r.call)
			switch {
			case r.want == nil && err != nil:
				t.Fatalf("want a safe answer, got %v", err)
			case r.want != nil && !errors.Is(err, r.want):
				t.Fatalf("err = %v, want %v", err, r.want)
			case err != nil && strings.Count(err.Error(), "margin: ") != 1:
				// Decision 2 of issue 11: the package prefix once per chain.
				t.Fatalf("error repeats or lacks the package prefix: %v", err)
			}
			if after := snapshot(); !bytes.Equal(after, before) {
				t.Fatalf("inputs changed by the call")
			}
		})
	}
	t.Logf("%d rows", len(rows))
}

const num36 = 36

// validateWant maps the sentinel a pricing call returns to the one a call
// that does not price (ValidateAccount, ApplyFill) returns: those accept an
// account whose only fault is a collateral price.
func validateWant(want error) error {
	if want == ErrPrice {
		return nil
	}
	return want
}

func accountsOf(bs []struct {
	name string
	a    Account
	want error
}) []Account {
	out := make([]Account, len(bs))
	for i, b := range bs {
		out[i] = b.a
	}
	return out
}

func ordersOf(bs []struct {
	name string
	o    Order
	want error
}) []Order {
	out := make([]Order, len(bs))
	for i, b := range bs {
		out[i] = b.o
	}
	return out
}

func mustTiers(c *Calculator, id string) []Tier {
	s, err := c.Schedule(id)
	if err != nil {
		return nil
	}
	return s.Tiers()
}

func zeroIs[T comparable](got, want T) error {
	if got != want {
		return fmt.Errorf("got %v, want %v", got, want)
	}
	return nil
}

func falseIs(b bool) error {
	if b {
		return errors.New("got true, want false")
	}
	return nil
}

// callBounded runs f, failing on a panic or on a call slower than a second.
func callBounded(t *testing.T, f func() error) (err error) {
	t.Helper()
	done := make(chan struct{})
	var p any
	go func() {
		defer close(done)
		defer func() { p = recover() }()
		err = f()
	}()
	select {
	case <-done:
	case <-time.After(time.Second):
		t.Fatalf("call still running after 1 s (hang)")
	}
	if p != nil {
		t.Fatalf("panic: %v", p)
	}
	_ = reflect.TypeOf
	return err
}
