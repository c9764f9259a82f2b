package options

import (
	"errors"
	"fmt"
	"math/rand"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/backstop"
	"github.com/failsafe-fi/failsafe/internal/num"
	"github.com/failsafe-fi/failsafe/join"
	"github.com/failsafe-fi/failsafe/liquidation"
	"github.com/failsafe-fi/failsafe/margin/portfolio"
	"github.com/failsafe-fi/failsafe/stress"
)

// ErrInvalidTick is a tick the model refuses, changing nothing: a price
// that is not positive or that the portfolio engine cannot value (too far
// from the strikes: portfolio.MaxMoneyness), time before the first tick,
// or a scenario longer than MaxHorizon. It wraps stress.ErrModel.
var ErrInvalidTick = fmt.Errorf("%w: options: invalid tick", stress.ErrModel)

// fundID is the insurance fund's ID in its backstop.InsuranceFund.
const fundID = "options"

// Model is the options venue as a stress.Model; see the package doc. A
// Model is not safe for concurrent use.
type Model struct {
	cfg    settled
	eng    *portfolio.Engine
	liq    *liquidation.Engine
	fund   *backstop.InsuranceFund
	insts  map[string]int // instrument → index in mmPos
	byID   map[string]int // account ID → index in accts
	ids    []string       // instrument IDs, in listing order
	accts  []portfolio.Account
	closed []bool // the book was closed in full: the account holds nothing
	mm     portfolio.Account
	mmPos  []decimal.Decimal // the market maker's net size per instrument

	cashStart              decimal.Decimal // Σ deposits + the fund's seed: every wallet + the fund, ever after
	fundStart, fundMin     decimal.Decimal
	penalties, draws       decimal.Decimal
	badDebt, uncovered     decimal.Decimal
	liquidated             decimal.Decimal
	liquidations, ticks    int
	exhausted              bool
	first, now             time.Time
	settle                 decimal.Decimal // the futures' last settlement price
	lastOrders, lastClosed int             // of the last tick, for tests
}

// newEmpty builds the venue of c with no accounts yet, and the arrays at
// the opening marks.
func newEmpty(c settled) (*Model, *portfolio.Arrays, error) {
	var err error
	m := &Model{cfg: c, insts: map[string]int{}, byID: map[string]int{}}
	if m.eng, err = engineFor(c.Preset); err != nil {
		return nil, nil, err
	}
	if m.liq, err = liquidation.NewEngine(liquidation.EngineSettings{Penalty: c.Penalty, CloseFactor: decimal.New(1, 0),
		DebtScale: Scale, LotScale: 8}); err != nil {
		return nil, nil, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	if m.fund, err = backstop.NewInsuranceFund(backstop.FundSettings{Funds: []backstop.FundSpec{{ID: fundID}}, Unit: decimal.New(1, -Scale)}); err != nil {
		return nil, nil, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	if c.InsuranceFund.IsPositive() {
		if _, err := m.fund.Deposit(Epoch, "", fundID, c.InsuranceFund, "treasury", "seed"); err != nil {
			return nil, nil, fmt.Errorf("%w: %w", ErrConfig, err)
		}
	}
	m.fundStart, m.fundMin, m.cashStart = c.InsuranceFund, c.InsuranceFund, c.InsuranceFund
	z := decimal.Zero
	m.penalties, m.draws, m.badDebt, m.uncovered, m.liquidated = z, z, z, z, z
	for _, in := range instruments() {
		m.insts[in.ID] = len(m.ids)
		m.ids = append(m.ids, in.ID)
		m.mmPos = append(m.mmPos, z)
	}
	m.mm = portfolio.Account{ID: "market-maker", Wallet: z}
	m.settle = OpenPrice
	arrays, err := m.eng.Arrays(Epoch, m.marks(OpenPrice))
	if err != nil {
		return nil, nil, fmt.Errorf("%w: opening marks: %w", ErrConfig, err)
	}
	return m, arrays, nil
}

// New builds the venue of cfg for one scenario: the accounts' strategies,
// sizes and headroom are drawn from seed (math/rand, integer draws only);
// every account opens its book against the market maker at Black-76
// prices at OpenPrice and Vol, and deposits what brings its equity to its
// drawn multiple of the initial requirement (rounded up to the cent). It
// fails with ErrConfig.
func New(cfg Config, seed int64) (*Model, error) {
	c, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	m, arrays, err := newEmpty(c)
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewSource(seed))
	hundredths := c.Headroom.Shift(2).IntPart()
	for i := 0; i < c.Accounts; i++ {
		s, q := draw(rng, c.ShortShare)
		h := decimal.New(rng.Int63n(hundredths+1), -2)
		if err := m.open(arrays, fmt.Sprintf("acct-%04d", i), s.legs(q), h); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// open opens one account: its legs bought or sold from the market maker
// at the opening arrays' prices, then a deposit bringing its equity to
// (1 + h) × its initial requirement, rounded up to the cent.
func (m *Model) open(arrays *portfolio.Arrays, id string, legs []portfolio.Position, h decimal.Decimal) error {
	a := portfolio.Account{ID: id, Wallet: decimal.Zero}
	for _, p := range legs {
		if err := m.trade(arrays, &a, p.Instrument, p.Size, OpenPrice); err != nil {
			return fmt.Errorf("%w: opening %s: %w", ErrConfig, id, err)
		}
	}
	risk, _, err := arrays.Risk(a)
	if err != nil {
		return fmt.Errorf("%w: opening %s: %w", ErrConfig, id, err)
	}
	target := num.MulRound(risk.Initial, decimal.New(1, 0).Add(h), Scale, num.Ceil)
	if dep := target.Sub(risk.Equity); dep.IsPositive() {
		a.Wallet = a.Wallet.Add(dep)
		m.cashStart = m.cashStart.Add(dep)
	}
	m.byID[a.ID] = len(m.accts)
	m.accts = append(m.accts, a)
	m.closed = append(m.closed, false)
	return nil
}

// Factory returns a stress.Factory building New(cfg, seed) for each
// scenario; cfg is validated once, here.
func Factory(cfg Config) (stress.Factory, error) {
	c, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if _, err := engineFor(c.Preset); err != nil {
		return nil, err
	}
	return func(seed int64) (stress.Model, error) { return New(cfg, seed) }, nil
}

// vol is the volatility rule at price p (see Config.VolBeta).
func (m *Model) vol(p decimal.Decimal) decimal.Decimal {
	if !p.LessThan(OpenPrice) || m.cfg.VolBeta.IsZero() {
		return m.cfg.Vol
	}
	fall := num.Div(OpenPrice.Sub(p), OpenPrice, 8, num.HalfEven)
	return num.Round(m.cfg.Vol.Mul(decimal.New(1, 0).Add(m.cfg.VolBeta.Mul(fall))), 4, num.HalfEven)
}

// marks are the valuation inputs at price p: every option at vol(p), rate
// zero.
func (m *Model) marks(p decimal.Decimal) portfolio.Marks {
	v := m.vol(p)
	vols := make(map[string]decimal.Decimal, len(m.insts))
	for id := range m.insts {
		vols[id] = v
	}
	return portfolio.Marks{Prices: map[string]decimal.Decimal{Underlying: p}, Vols: vols}
}

// trade books size contracts of instrument id bought (size > 0) or sold
// by account a from the market maker at the arrays' model price: the
// account pays the value of what it acquires, rounded in the market
// maker's favour (−Equity of the opposite position, each term rounded
// down: a buyer pays the value rounded up, a seller receives it rounded
// down); a future trades at price, the last settlement (no cash).
func (m *Model) trade(a *portfolio.Arrays, acct *portfolio.Account, id string, size, price decimal.Decimal) error {
	k, ok := m.insts[id]
	if !ok {
		return fmt.Errorf("unknown instrument %q", id)
	}
	v, err := a.Equity(portfolio.Account{ID: "trade", Wallet: decimal.Zero, Positions: []portfolio.Position{{Instrument: id, Size: size.Neg(), Entry: price}}})
	if err != nil {
		return err
	}
	cost := v.Neg()
	acct.Wallet = acct.Wallet.Sub(cost)
	m.mm.Wallet = m.mm.Wallet.Add(cost)
	m.mmPos[k] = m.mmPos[k].Sub(size)
	for j := range acct.Positions {
		if acct.Positions[j].Instrument == id {
			acct.Positions[j].Size = acct.Positions[j].Size.Add(size)
			if acct.Positions[j].Size.IsZero() {
				acct.Positions = append(acct.Positions[:j], acct.Positions[j+1:]...)
			}
			return nil
		}
	}
	acct.Positions = append(acct.Positions, portfolio.Position{Instrument: id, Size: size, Entry: price})
	return nil
}

// Step implements stress.Model. One tick, at the venue's clock Epoch +
// (t.Time − the first tick's time):
//
//  1. the futures settle variation margin at t.Price (every account's
//     wallet moves by size × (price − last settlement), rounded down to
//     the cent, the market maker's by the opposite of their sum);
//  2. every open account is valued at t.Price and the volatility rule
//     (each distinct book once: see screen); those margin's predicate
//     calls liquidatable are revalued by join.OptionsAccount (which must
//     agree) and go to liquidation.Engine.Plan (close factor 1, target
//     health 1.1, Config.Penalty on the gross notional closed);
//  3. each order closes its Lot of every position of the book against
//     the market maker at model prices (join.OptionsCloses, rounded up to
//     SizeScale); Liquidated books what the closes trade
//     (join.OptionsClosed), and the order's penalty goes to the fund; an
//     account the rounding left liquidatable is planned again in the same
//     tick (at most maxRounds rounds); an order closing the
//     whole book charges only what the account has left, and a negative
//     wallet after it is bad debt: the fund covers what it can, the rest
//     is Uncovered.
//
// t.Quotes and t.Congestion are not read: the venue marks at t.Price.
func (m *Model) Step(t stress.Tick) error {
	if err := num.CheckPositive(t.Price); err != nil {
		return fmt.Errorf("%w: tick %d price: %w", ErrInvalidTick, t.Seq, err)
	}
	if t.Time.IsZero() {
		return fmt.Errorf("%w: tick %d has no time", ErrInvalidTick, t.Seq)
	}
	if m.ticks == 0 {
		m.first = t.Time
	}
	el := t.Time.Sub(m.first)
	if el < 0 || el > MaxHorizon {
		return fmt.Errorf("%w: tick %d is %s after the first, outside [0, %s]", ErrInvalidTick, t.Seq, el, MaxHorizon)
	}
	now := Epoch.Add(el)
	if now.Before(m.now) {
		return fmt.Errorf("%w: tick %d goes back in time", ErrInvalidTick, t.Seq)
	}
	arrays, err := m.eng.Arrays(now, m.marks(t.Price))
	if err != nil {
		return fmt.Errorf("%w: tick %d: %w", ErrInvalidTick, t.Seq, err)
	}
	m.now = now
	m.settleFutures(t.Price)
	var cands []liquidation.Account
	books := map[string]bookValue{}
	for i := range m.accts {
		if m.closed[i] {
			continue
		}
		screened, err := m.screen(arrays, books, m.accts[i])
		if err != nil {
			return fmt.Errorf("%w: tick %d: %w", stress.ErrModel, t.Seq, err)
		}
		if !screened.Liquidatable {
			continue
		}
		sa, risk, err := join.OptionsAccount(arrays, m.accts[i], Book)
		if err != nil {
			return fmt.Errorf("%w: tick %d: %w", stress.ErrModel, t.Seq, err)
		}
		if !risk.Equity.Equal(screened.Equity) || !risk.Maintenance.Equal(screened.Maintenance) || !risk.Initial.Equal(screened.Initial) || !risk.Liquidatable {
			return fmt.Errorf("%w: tick %d: account %s: screened %+v, valued %+v", stress.ErrModel, t.Seq, m.accts[i].ID, screened, risk)
		}
		cands = append(cands, sa)
	}
	m.lastOrders, m.lastClosed = 0, 0
	for round := 0; len(cands) > 0; round++ {
		if err := m.liquidate(now, arrays, t.Price, cands); err != nil {
			return fmt.Errorf("%w: tick %d: %w", stress.ErrModel, t.Seq, err)
		}
		// Each close is rounded up to the contract step on its own, so a
		// small book's remainder is not an exact scaling of the book: a
		// hedge leg can lose more than its share and leave the account
		// just below maintenance (a short call and its future hedge, 39
		// and 23 ten-thousandths, closed 44% and 48%). The venue plans
		// the account again in the same tick, at most maxRounds times;
		// the remainder shrinks each round until the closes take whole
		// positions.
		if round+1 == maxRounds {
			break
		}
		var again []liquidation.Account
		for _, c := range cands {
			i := m.byID[c.AccountID()]
			if m.closed[i] {
				continue
			}
			r, _, err := arrays.Risk(m.accts[i])
			if err != nil {
				return fmt.Errorf("%w: tick %d: %w", stress.ErrModel, t.Seq, err)
			}
			if !r.Liquidatable {
				continue
			}
			sa, _, err := join.OptionsAccount(arrays, m.accts[i], Book)
			if err != nil {
				return fmt.Errorf("%w: tick %d: %w", stress.ErrModel, t.Seq, err)
			}
			again = append(again, sa)
		}
		cands = again
	}
	m.ticks++
	return nil
}

// maxRounds bounds the liquidation rounds of one tick (see Step).
const maxRounds = 4

// settleFutures pays variation margin at price p and moves every future's
// entry to p: each account's wallet moves by size × (p − the last
// settlement), rounded down to the cent (the venue's favour), and the
// market maker, the other side of every future, pays or receives the
// opposite of their sum, so the transfers sum to zero exactly (the market
// maker keeps the roundings).
func (m *Model) settleFutures(p decimal.Decimal) {
	move := p.Sub(m.settle)
	if move.IsZero() {
		return
	}
	sum := decimal.Zero
	for i := range m.accts {
		a := &m.accts[i]
		for j := range a.Positions {
			if a.Positions[j].Instrument == Future {
				vm := num.Round(a.Positions[j].Size.Mul(move), Scale, num.Floor)
				a.Wallet = a.Wallet.Add(vm)
				sum = sum.Add(vm)
				a.Positions[j].Entry = p
			}
		}
	}
	m.mm.Wallet = m.mm.Wallet.Sub(sum)
	m.settle = p
}

// liquidate plans the candidates and executes the plan.
func (m *Model) liquidate(now time.Time, arrays *portfolio.Arrays, p decimal.Decimal, cands []liquidation.Account) error {
	plan, err := m.liq.Plan(now, cands)
	if err != nil {
		return err
	}
	for _, o := range plan.Orders {
		i, ok := m.byID[o.Account]
		if !ok {
			return fmt.Errorf("plan names unknown account %q", o.Account)
		}
		a := &m.accts[i]
		closes, err := join.OptionsCloses(*a, o.Lot, SizeScale)
		if err != nil {
			return err
		}
		// The ledger books what the closes trade (each size rounded up),
		// not the order's Debt; the penalty is the order's.
		closed, err := join.OptionsClosed(arrays, closes)
		if err != nil {
			return err
		}
		for _, c := range closes {
			if err := m.trade(arrays, a, c.Instrument, c.Size, p); err != nil {
				return err
			}
		}
		m.liquidations++
		m.lastOrders++
		m.liquidated = m.liquidated.Add(closed)
		pen := o.Penalty
		if len(a.Positions) == 0 {
			pen = num.MinOf(pen, num.MaxOf(a.Wallet, decimal.Zero))
		}
		if pen.IsPositive() {
			if _, err := m.fund.Deposit(now, "", fundID, pen, a.ID, "liquidation penalty"); err != nil {
				return err
			}
			a.Wallet = a.Wallet.Sub(pen)
			m.penalties = m.penalties.Add(pen)
		}
		if len(a.Positions) == 0 {
			m.closed[i] = true
			m.lastClosed++
			if a.Wallet.IsNegative() {
				if err := m.cover(now, a); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// cover books a closed account's negative wallet as bad debt: the fund
// pays what it has (down to zero) into the wallet; what it cannot is
// Uncovered, left on the wallet as a loss the venue carries.
func (m *Model) cover(now time.Time, a *portfolio.Account) error {
	debt := a.Wallet.Neg()
	m.badDebt = m.badDebt.Add(debt)
	avail, err := m.fund.Available(fundID)
	if err != nil {
		return err
	}
	pay := num.MinOf(avail, debt)
	if pay.IsPositive() {
		if _, err := m.fund.Draw(now, "", fundID, pay, a.ID, "bad debt"); err != nil {
			return err
		}
		a.Wallet = a.Wallet.Add(pay)
		m.draws = m.draws.Add(pay)
	}
	if pay.LessThan(debt) {
		m.uncovered = m.uncovered.Add(debt.Sub(pay))
		m.exhausted = true
	}
	bal, err := m.fund.Balance(fundID)
	if err != nil {
		return err
	}
	if bal.IsZero() {
		m.exhausted = true
	}
	if bal.LessThan(m.fundMin) {
		m.fundMin = bal
	}
	return nil
}

// Check implements stress.Model: conservation to the cent. Every wallet
// (accounts' and the market maker's) plus the fund equals what was
// deposited plus the fund's seed (value only moved between them); every
// instrument's sizes, the market maker's included, sum to zero (each
// trade has two sides); the fund is its seed plus penalties less draws and
// its own ledger checks (backstop's CheckInvariants); and Uncovered is
// exactly the negative wallets of the closed accounts.
func (m *Model) Check() error {
	cash := m.mm.Wallet
	sizes := append([]decimal.Decimal(nil), m.mmPos...)
	neg := decimal.Zero
	for i, a := range m.accts {
		cash = cash.Add(a.Wallet)
		for _, p := range a.Positions {
			sizes[m.insts[p.Instrument]] = sizes[m.insts[p.Instrument]].Add(p.Size)
		}
		if m.closed[i] && a.Wallet.IsNegative() {
			neg = neg.Sub(a.Wallet)
		}
	}
	bal, err := m.fund.Balance(fundID)
	if err != nil {
		return fmt.Errorf("%w: %w", stress.ErrNotConserved, err)
	}
	var errs []error
	if got := cash.Add(bal); !got.Equal(m.cashStart) {
		errs = append(errs, fmt.Errorf("wallets %s + fund %s = %s, want %s", cash, bal, got, m.cashStart))
	}
	for k, s := range sizes {
		if !s.IsZero() {
			errs = append(errs, fmt.Errorf("instrument %s: sizes sum to %s", m.ids[k], s))
		}
	}
	if want := m.fundStart.Add(m.penalties).Sub(m.draws); !bal.Equal(want) {
		errs = append(errs, fmt.Errorf("fund %s, want seed %s + penalties %s − draws %s", bal, m.fundStart, m.penalties, m.draws))
	}
	if !neg.Equal(m.uncovered) {
		errs = append(errs, fmt.Errorf("uncovered %s, closed accounts' negative wallets %s", m.uncovered, neg))
	}
	if err := m.fund.CheckInvariants(); err != nil {
		errs = append(errs, err)
	}
	if len(errs) > 0 {
		return fmt.Errorf("%w: options: %w", stress.ErrNotConserved, errors.Join(errs...))
	}
	return nil
}

// Outcome implements stress.Model. BadDebt is the closed accounts'
// negative equity before the fund; Liquidations counts plan orders
// executed; Liquidated is Σ the gross notional they closed; nothing is
// socialised (the model has no auto-deleveraging).
func (m *Model) Outcome() stress.Outcome {
	end, _ := m.fund.Balance(fundID)
	return stress.Outcome{Ticks: m.ticks, BadDebt: m.badDebt, Liquidations: m.liquidations, Liquidated: m.liquidated,
		FundStart: m.fundStart, FundEnd: end, FundMin: m.fundMin, FundExhausted: m.exhausted,
		Socialised: decimal.Zero, Uncovered: m.uncovered}
}

// Accounts returns a copy of the accounts (for tests and reports).
func (m *Model) Accounts() []portfolio.Account {
	out := make([]portfolio.Account, len(m.accts))
	for i, a := range m.accts {
		out[i] = a.Clone()
	}
	return out
}
