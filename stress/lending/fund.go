package lending

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/backstop"
)

// surplus is the protocol's surplus buffer and what stands behind it, as
// MakerDAO's Vow arranges them (dss vow.sol): liquidation income (the part
// of a tab recovered beyond the debt: chop; the protocol fee of a
// fixed-spread liquidation) is paid into the buffer; a loss (an auction's
// bad debt, a keeper incentive the Vow sucks) is covered by a
// backstop.Waterfall whose first layer is the buffer (heal) and whose
// second is a debt auction (flop: MKR minted and sold for DAI), which
// socialises what the buffer cannot cover to MKR holders. The flop layer's
// capacity is unbounded in practice (flopCapacity), so nothing is left
// uncovered unless a host removes it.
type surplus struct {
	fund  *backstop.InsuranceFund
	w     *backstop.Waterfall
	flop  *flopLayer
	start decimal.Decimal
	min   decimal.Decimal
	// exhausted is set once a loss found the buffer empty or emptied it.
	exhausted bool
	seeded    bool
	// income, losses, socialised and uncovered total what went in, what
	// was covered, what the flop minted and what no layer took.
	income, losses, uncovered decimal.Decimal
	claims                    int
	// pendingIn and pendingOut are the tick's income and losses, settled
	// by flush at its end.
	pendingIn, pendingOut decimal.Decimal
}

// flopCapacity bounds one debt auction's DAI (10¹⁵: no real pool reaches
// it; a waterfall layer needs a finite capacity).
var flopCapacity = decimal.New(1, 15)

// flopLayer is MakerDAO's debt auction (dss flop.sol) as a waterfall layer:
// it absorbs a loss by minting MKR, i.e. socialising it to MKR holders.
type flopLayer struct {
	minted decimal.Decimal
}

func (l *flopLayer) ID() string                { return "flop" }
func (l *flopLayer) Capacity() decimal.Decimal { return flopCapacity.Sub(l.minted) }
func (l *flopLayer) Absorb(_ time.Time, amount decimal.Decimal, to string) ([]backstop.Movement, []backstop.Event, error) {
	l.minted = l.minted.Add(amount)
	return []backstop.Movement{{From: "flop:mkr-minted", To: to, Amount: amount, Reason: "debt auction (Flop): MKR minted"}}, nil, nil
}

// newSurplus returns a buffer that will hold start from the first tick.
func newSurplus(start decimal.Decimal) (*surplus, error) {
	f, err := backstop.NewInsuranceFund(backstop.FundSettings{Funds: []backstop.FundSpec{{ID: "surplus"}}})
	if err != nil {
		return nil, err
	}
	layer, err := f.FundLayer("surplus")
	if err != nil {
		return nil, err
	}
	flop := &flopLayer{minted: decimal.Zero}
	w, err := backstop.New(backstop.Settings{Layers: []backstop.Layer{layer, flop}})
	if err != nil {
		return nil, err
	}
	return &surplus{fund: f, w: w, flop: flop, start: start, min: start, income: decimal.Zero, losses: decimal.Zero,
		uncovered: decimal.Zero, pendingIn: decimal.Zero, pendingOut: decimal.Zero}, nil
}

// seed pays the starting buffer in at the first tick.
func (s *surplus) seed(now time.Time) error {
	if s.seeded {
		return nil
	}
	s.seeded = true
	if s.start.Sign() == 0 {
		s.exhausted = false
		return nil
	}
	_, err := s.fund.Deposit(now, "", "surplus", s.start, "initial", "surplus buffer at the start")
	return err
}

// balance is the buffer now.
func (s *surplus) balance() decimal.Decimal {
	b, _ := s.fund.Balance("surplus") // the fund exists by construction
	return b
}

// earn books amount (≥ 0) of liquidation income for the buffer, rounded
// down to the unit (a Dutch take's payment may be finer): the buffer never
// counts more than came in. It is paid in at the end of the tick (flush).
func (s *surplus) earn(_ time.Time, amount decimal.Decimal, _ string) error {
	if amount = amount.RoundFloor(Scale); amount.Sign() > 0 {
		s.pendingIn = s.pendingIn.Add(amount)
	}
	return nil
}

// lose books a loss of amount (≥ 0), rounded up to the unit, to be covered
// at the end of the tick (flush).
func (s *surplus) lose(_ time.Time, amount decimal.Decimal, _ string) error {
	if amount = amount.RoundCeil(Scale); amount.Sign() > 0 {
		s.pendingOut = s.pendingOut.Add(amount)
	}
	return nil
}

// flush settles the tick's income and losses: the income is paid into the
// buffer first, then the losses are covered as one claim — the buffer
// first, then the flop. (Per tick, not per liquidation: a tick's income
// covers the same tick's losses.)
func (s *surplus) flush(now time.Time) error {
	if s.pendingIn.Sign() > 0 {
		if _, err := s.fund.Deposit(now, "", "surplus", s.pendingIn, "liquidations", "liquidation income"); err != nil {
			return err
		}
		s.income = s.income.Add(s.pendingIn)
		s.pendingIn = decimal.Zero
	}
	if s.pendingOut.Sign() <= 0 {
		return nil
	}
	amount := s.pendingOut
	s.claims++
	a, err := s.w.Cover(now, backstop.Claim{ID: fmt.Sprintf("loss-%d", s.claims), Amount: amount})
	if err != nil {
		return fmt.Errorf("losses of the tick: %w", err)
	}
	s.pendingOut = decimal.Zero
	s.losses = s.losses.Add(amount)
	s.uncovered = s.uncovered.Add(a.Residual)
	b := s.balance()
	if b.LessThan(s.min) {
		s.min = b
	}
	if b.Sign() == 0 {
		s.exhausted = true
	}
	return nil
}

// check proves the buffer's line: balance = start + income − (losses −
// socialised − uncovered), and the flop minted exactly what the buffer
// could not cover.
func (s *surplus) check() error {
	if s.pendingIn.Sign() != 0 || s.pendingOut.Sign() != 0 {
		return fmt.Errorf("surplus buffer: %s income and %s losses of the tick not settled", s.pendingIn, s.pendingOut)
	}
	want := s.start.Add(s.income).Sub(s.losses.Sub(s.flop.minted).Sub(s.uncovered))
	if !s.seeded {
		want = decimal.Zero
	}
	if b := s.balance(); !b.Equal(want) || b.Sign() < 0 {
		return fmt.Errorf("surplus buffer %s, want start %s + income %s − losses %s + socialised %s + uncovered %s",
			b, s.start, s.income, s.losses, s.flop.minted, s.uncovered)
	}
	return nil
}
