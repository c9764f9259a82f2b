package options

import (
	"strings"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/margin"
	"github.com/failsafe-fi/failsafe/margin/portfolio"
)

// bookValue is one book's valuation at a tick: its requirement and the
// value of its positions (Σ of Arrays.Equity's rounded terms).
type bookValue struct {
	initial, maintenance, value decimal.Decimal
}

// screen returns the account's margin.AccountRisk at the arrays, valuing
// each distinct book once a tick: accounts holding the same positions
// share the requirement and the positions' value, and the account's
// equity is its wallet plus that value — the same sums Arrays.Risk makes
// (Equity starts from the wallet and adds each position's term rounded
// down; addition is exact), so the predicates are margin's own
// (margin.AccountRiskOf). Step checks every liquidatable account against
// join.OptionsAccount's valuation.
func (m *Model) screen(a *portfolio.Arrays, books map[string]bookValue, acct portfolio.Account) (margin.AccountRisk, error) {
	var b strings.Builder
	for _, p := range acct.Positions {
		b.WriteString(p.Instrument)
		b.WriteByte('=')
		b.WriteString(p.Size.String())
		b.WriteByte(';')
	}
	key := b.String()
	v, ok := books[key]
	if !ok {
		r, err := a.Requirement(acct.Positions)
		if err != nil {
			return margin.AccountRisk{}, err
		}
		val, err := a.Equity(portfolio.Account{ID: acct.ID, Wallet: decimal.Zero, Positions: acct.Positions})
		if err != nil {
			return margin.AccountRisk{}, err
		}
		v = bookValue{initial: r.Initial, maintenance: r.Maintenance, value: val}
		books[key] = v
	}
	return margin.AccountRiskOf(acct.Wallet.Add(v.value), v.initial, v.maintenance), nil
}
