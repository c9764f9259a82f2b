package liquidation

import (
	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/fixed"
)

// The book desk's tier arithmetic in the library's fixed-point kernel
// (internal/fixed). Every figure here is the exact product, sum or
// comparison the decimal code in book_math.go and book.go makes, with the
// same exponent (a product's is the sum of its factors', a sum's the
// smaller of its terms'), so the decimal handed back — built with dec, zero
// included — is the one the decimal path would have built, digit and
// exponent. Any operand beyond 18 coefficient digits, or any step the
// kernel reports it cannot make exactly, sends the caller back to the
// decimal path: the kernel changes the cost, never an answer
// (TestBookKernelIsTheDecimalPath).

// dec returns n as a decimal with exactly its coefficient and exponent.
// (fixed.Num.Decimal returns decimal.Zero for a zero, whose exponent is 0;
// the decimal path keeps the exponent of a zero it computes.)
func dec(n fixed.Num) decimal.Decimal { return decimal.New(n.M, n.E) }

// absNum returns |a|.
func absNum(a fixed.Num) (fixed.Num, bool) {
	if a.M < 0 {
		return fixed.Neg(a)
	}
	return a, true
}

// tierIndexNum is tierIndex of a notional in the kernel; ok is false when
// a cap it must compare with does not fit it.
func tierIndexNum(tiers []RiskTier, notional fixed.Num) (int, bool) {
	for i, t := range tiers {
		c, ok := fixed.FromDecimal(t.MaxNotional)
		if !ok {
			return 0, false
		}
		if fixed.Cmp(notional, c) <= 0 {
			return i, true
		}
	}
	return len(tiers), true
}

// maintenanceNum is maintenanceOf in the kernel: notional × rate − amount
// of its tier (the last above the last cap), zero for a zero notional.
func maintenanceNum(tiers []RiskTier, notional fixed.Num) (fixed.Num, bool) {
	if notional.M == 0 {
		return fixed.Num{}, true // maintenanceOf returns decimal.Zero (exponent 0)
	}
	i, ok := tierIndexNum(tiers, notional)
	if !ok {
		return fixed.Num{}, false
	}
	t := tiers[min(i, len(tiers)-1)]
	rate, ok1 := fixed.FromDecimal(t.MaintenanceRate)
	amount, ok2 := fixed.FromDecimal(t.MaintenanceAmount)
	if !ok1 || !ok2 {
		return fixed.Num{}, false
	}
	p, ok := fixed.Mul(notional, rate)
	if !ok {
		return fixed.Num{}, false
	}
	return fixed.Sub(p, amount)
}

// notionalNum is |size| × oracle in the kernel.
func notionalNum(size decimal.Decimal, oracle fixed.Num) (fixed.Num, bool) {
	s, ok := fixed.FromDecimal(size)
	if !ok {
		return fixed.Num{}, false
	}
	if s, ok = absNum(s); !ok {
		return fixed.Num{}, false
	}
	return fixed.Mul(s, oracle)
}

// positionMaintenanceNum is positionMaintenance in the kernel.
func (m BookMarket) positionMaintenanceNum(size decimal.Decimal) (fixed.Num, bool) {
	o, ok := fixed.FromDecimal(m.Oracle)
	if !ok {
		return fixed.Num{}, false
	}
	n, ok := notionalNum(size, o)
	if !ok {
		return fixed.Num{}, false
	}
	return maintenanceNum(m.Tiers, n)
}

// equityNum is bookState.equity in the kernel: collateral + Σ size ×
// oracle, added in position order as the decimal path does.
func (st *bookState) equityNum() (fixed.Num, bool) {
	e, ok := fixed.FromDecimal(st.collateral)
	if !ok {
		return fixed.Num{}, false
	}
	for _, p := range st.positions {
		s, ok1 := fixed.FromDecimal(p.Size)
		o, ok2 := fixed.FromDecimal(st.markets[p.Market].Oracle)
		if !ok1 || !ok2 {
			return fixed.Num{}, false
		}
		v, ok := fixed.Mul(s, o)
		if !ok {
			return fixed.Num{}, false
		}
		if e, ok = fixed.Add(e, v); !ok {
			return fixed.Num{}, false
		}
	}
	return e, true
}

// maintenanceNum is bookState.maintenance in the kernel: Σ PMMR from zero,
// in position order.
func (st *bookState) maintenanceNum() (fixed.Num, bool) {
	var m fixed.Num // zero at exponent 0, as decimal.Zero
	for _, p := range st.positions {
		pm, ok := st.markets[p.Market].positionMaintenanceNum(p.Size)
		if !ok {
			return fixed.Num{}, false
		}
		if m, ok = fixed.Add(m, pm); !ok {
			return fixed.Num{}, false
		}
	}
	return m, true
}
