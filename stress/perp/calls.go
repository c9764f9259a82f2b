package perp

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/margin"
)

// Margin calls. Between "fine" and "liquidated" the venue runs
// margin.Calls with the crypto venue's preset (margin.CryptoVenueCalls:
// warning over a margin ratio — maintenance / equity — of 70%, margin
// call over 80%, reduce-only and liquidation over 100%, 5 points of
// hysteresis, no deadline), fed every tick with the figures the margin
// scan computed anyway. Only accounts over the warning level, or already
// in the protocol, are fed, and an account back to ok leaves it, so the
// protocol holds only the accounts not ok (sparse: a million accounts
// cost nothing while they are fine). The margin scan's screen clears an
// account only when its ratio is surely under the warning level (see
// safeRange), and never clears one in the protocol. The traders seeded
// here never trade, so reduce-only restricts nothing; what the protocol
// shows is who was called and who recovered before the liquidation
// engine reached them.

// isolatedRisk is an isolated position's own figures for the protocol:
// equity = its margin + size × (mark − entry); maintenance = notional ×
// rate − amount of its tier (the desk's table, riskTiers), exact.
func (v *Venue) isolatedRisk(t *trader, mark decimal.Decimal) (equity, maintenance decimal.Decimal) {
	p, _ := t.position()
	equity = p.Margin.Add(p.Size.Mul(mark.Sub(p.EntryPrice)))
	notional := p.Size.Abs().Mul(mark)
	tier := v.riskTiers[len(v.riskTiers)-1]
	for _, r := range v.riskTiers {
		if notional.LessThanOrEqual(r.MaxNotional) {
			tier = r
			break
		}
	}
	return equity, notional.Mul(tier.MaintenanceRate).Sub(tier.MaintenanceAmount)
}

// marginCall feeds trader t's equity and maintenance to the protocol when
// the account is over the warning level or already in it, and counts the
// transitions: warnings and margin calls issued, and accounts that came
// back to ok after a margin call without having been liquidated.
func (v *Venue) marginCall(now time.Time, t *trader, equity, maintenance decimal.Decimal) error {
	warn := maintenance.IsPositive() && maintenance.GreaterThan(v.warnLevel.Mul(equity))
	if t.call == margin.CallOK && !warn {
		return nil
	}
	st, _, err := v.calls.Update(now, t.id(), margin.AccountRisk{Equity: equity, Maintenance: maintenance}, false)
	if err != nil {
		return fmt.Errorf("margin call %s: %w", t.id(), err)
	}
	prev := t.call
	t.call = st.State
	s := &v.stats
	if st.State >= margin.CallWarning && prev < margin.CallWarning {
		s.warnings++
	}
	if st.State >= margin.CallMarginCall && prev < margin.CallMarginCall {
		s.calls++
		v.minute.Calls++
		if !t.called {
			t.called = true
			s.calledAccounts++
		}
	}
	if st.State == margin.CallOK {
		if err := v.calls.Remove(t.id()); err != nil {
			return err
		}
		if t.called && !t.liquidated && !t.recovered {
			t.recovered = true
			s.recovered++
		}
	}
	return nil
}

// leaveCalls takes a flat account out of the protocol.
func (v *Venue) leaveCalls(t *trader) error {
	if t.call == margin.CallOK {
		return nil
	}
	t.call = margin.CallOK
	return v.calls.Remove(t.id())
}
