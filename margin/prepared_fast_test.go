package margin

import (
	"fmt"
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"

	"github.com/failsafe-fi/failsafe/internal/testkit"
)

// genFastAccount draws an account on linear mark-basis markets (the
// fast lane's domain) with magnitudes from 1 to ~10^19 money units, so
// that many accounts fall near or beyond the fast lane's overflow bound
// and the lane's and the kernel's fallbacks are exercised too. A third of
// the positions choose a leverage (on and off the fast lane's grid: up to
// three places, coefficients beyond 32 bits), a third are isolated (margins
// on and finer than the money scale).
func genFastAccount(t *rapid.T) (*Calculator, Account) {
	c, a, _ := genFastAccountN(t, 12)
	return c, a
}

// genFastAccountN is genFastAccount with 1 to maxMarkets markets; it
// returns the Calculator's prices too (to move them).
func genFastAccountN(t *rapid.T, maxMarkets int) (*Calculator, Account, StaticPrices) {
	nm := rapid.IntRange(1, maxMarkets).Draw(t, "markets")
	same := rapid.Bool().Draw(t, "same") // one position repeated in every market: the sums reach their bound
	prices := StaticPrices{}
	var markets []Market
	a := Account{ID: "a", Wallet: genMagnitude(t, "wallet", 18, 4)}
	if rapid.Bool().Draw(t, "walletNeg") {
		a.Wallet = a.Wallet.Neg()
	}
	for i := range nm {
		id := fmt.Sprintf("M%d", i)
		if same && i > 0 {
			mk := markets[0]
			mk.ID = id
			markets = append(markets, mk)
			prices[id] = prices["M0"]
			pos := a.Positions[0]
			pos.Market = id
			a.Positions = append(a.Positions, pos)
			continue
		}
		mk := Market{ID: id, Tiers: binanceBTC(), Rule: rapid.SampledFrom([]Rule{Marginal, Step}).Draw(t, "rule")}
		if rapid.Bool().Draw(t, "bybit") {
			mk.Tiers = bybitTiers()
		}
		mk.ContractSize = rapid.SampledFrom([]decimal.Decimal{decimal.Zero, d("0.001"), d("10")}).Draw(t, "cs")
		markets = append(markets, mk)
		mark, size, entry := genMagnitude(t, "mark", 12, 6), genMagnitude(t, "size", 12, 6), genMagnitude(t, "entry", 12, 6)
		if rapid.Bool().Draw(t, "big") { // near the bound: notional coefficients of 10^12 to 10^20, mark and entry on one grid
			pl := int32(rapid.IntRange(0, 3).Draw(t, "places"))
			mark = decimal.New(rapid.Int64Range(1e6, 1e10).Draw(t, "bigMark"), -pl)
			size = decimal.New(rapid.Int64Range(1e6, 1e10).Draw(t, "bigSize"), -int32(rapid.IntRange(0, 3).Draw(t, "sizePlaces")))
			entry = decimal.New(rapid.Int64Range(1, 1e10).Draw(t, "bigEntry"), -pl)
		}
		// Trailing zeros (an entry kept to 12 places by ApplyFill) change
		// exponents, never values.
		mark, entry = padZeros(t, "markPad", mark), padZeros(t, "entryPad", entry)
		prices[id] = mark
		if rapid.Bool().Draw(t, "short") {
			size = size.Neg()
		}
		pos := Position{Market: id, Size: size, EntryPrice: entry}
		if rapid.IntRange(0, 2).Draw(t, "lev") == 0 {
			places := rapid.IntRange(0, 3).Draw(t, "levPlaces")
			lo := int64(math.Pow10(places)) // ≥ 1
			pos.Leverage = decimal.New(rapid.Int64Range(lo, max(lo, int64(rapid.SampledFrom([]float64{125, 1e4, 1e10}).Draw(t, "levMax")*float64(lo)))).Draw(t, "levCoef"), -int32(places))
		}
		if rapid.IntRange(0, 2).Draw(t, "iso") == 0 {
			pos.Isolated, pos.Margin = true, genMagnitude(t, "margin", 18, 12)
		}
		a.Positions = append(a.Positions, pos)
	}
	c, err := New(Settings{Markets: markets, Prices: prices, Scale: int32(rapid.IntRange(0, 10).Draw(t, "scale"))})
	if err != nil {
		t.Fatal(err)
	}
	return c, a, prices
}

// padZeros returns x with 0 to 6 trailing zeros added to its coefficient.
func padZeros(t *rapid.T, label string, x decimal.Decimal) decimal.Decimal {
	z := rapid.IntRange(0, 6).Draw(t, label)
	if x.NumDigits()+z > 18 {
		return x
	}
	return decimal.New(x.CoefficientInt64()*int64(math.Pow10(z)), x.Exponent()-int32(z))
}

// genMagnitude draws a positive decimal: a coefficient of up to digits
// digits (log-uniform) at an exponent in [−places, 0].
func genMagnitude(t *rapid.T, label string, digits, places int) decimal.Decimal {
	k := rapid.IntRange(0, digits).Draw(t, label+"Digits")
	m := rapid.Int64Range(1, int64(math.Pow10(k))).Draw(t, label+"Coef")
	return decimal.New(m, -int32(rapid.IntRange(0, places).Draw(t, label+"Places")))
}

// Property (issue 12 item 3): on the fast lane's domain, at magnitudes up
// to and far beyond its overflow bound, Prepared.Risk equals Risk figure
// for figure. Seen failing with the bound check in riskFast removed
// (`lo > fp.nMax` → `hi != 0` alone: wrapped products) and with fastLimit
// 16 times larger (the account's sums overflow).
func TestPropPreparedFastLaneEqualsRisk(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		c, a := genFastAccount(t)
		want, err := c.Risk(t0, a)
		if err != nil {
			t.Skip(err) // a figure beyond the decimal checks: not the lane's concern
		}
		p, err := c.Prepare(a)
		if err != nil {
			t.Fatal(err)
		}
		m, err := c.Marks(t0)
		if err != nil {
			t.Fatal(err)
		}
		got, err := p.Risk(m)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got.AccountRisk(), testkit.EquateDecimals); diff != "" {
			t.Fatalf("prepared Risk differs from Risk (fast lane %v):\n%s", p.onFastLane(), diff)
		}
	})
}

// The fast lane's bound is tight where it binds: a position whose notional
// coefficient is exactly nMax is valued on the fast lane, one unit more
// leaves it (to the checked lane), and both equal Risk. Mutation seen
// failing: `lo > fp.nMax` → `lo >= fp.nMax`.
func TestPreparedFastLaneBound(t *testing.T) {
	prices := StaticPrices{"X": d("1")}
	c := newCalc(t, prices, Market{ID: "X", Tiers: binanceBTC()})
	a := Account{ID: "a", Wallet: d("0"), Positions: []Position{{Market: "X", Size: d("1"), EntryPrice: d("1")}}}
	p, err := c.Prepare(a)
	if err != nil || !p.onFastLane() {
		t.Fatalf("Prepare: %v, fast lane %v", err, p.onFastLane())
	}
	nMax := p.fastPositions()[0].nMax
	for _, tc := range []struct {
		name string
		n    uint64
		fast bool
	}{{"at nMax", nMax, true}, {"nMax + 1", nMax + 1, false}} {
		t.Run(tc.name, func(t *testing.T) {
			// Size 1 at exponent 0: the mark's coefficient is n.
			prices["X"] = decimal.New(int64(tc.n), 0)
			a.Positions[0].EntryPrice = prices["X"]
			p, err := c.Prepare(a)
			if err != nil {
				t.Fatal(err)
			}
			m, err := c.Marks(t0)
			if err != nil {
				t.Fatal(err)
			}
			var r PreparedRisk
			if fast := p.onFastLane() && riskFast(p.fastPositions(), p.fastWallet(), c.scale, m, &r); fast != tc.fast {
				t.Fatalf("fast lane taken = %v, want %v (nMax %d)", fast, tc.fast, nMax)
			}
			got, err := p.Risk(m)
			if err != nil {
				t.Fatal(err)
			}
			want, err := c.Risk(t0, a)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got.AccountRisk(), testkit.EquateDecimals); diff != "" {
				t.Fatal(diff)
			}
		})
	}
}

// onFastLane reports whether Prepare put the account on the fast lane
// (the compact form is on it by construction).
func (p *Prepared) onFastLane() bool { return p.full == nil || p.full.fastOK }

// fastPositions returns the account's fast-lane positions (nil when off it).
func (p *Prepared) fastPositions() []fastPos {
	if p.full == nil {
		return []fastPos{p.one}
	}
	return p.full.fast
}

// fastWallet returns the wallet at the money scale the fast lane uses.
func (p *Prepared) fastWallet() int64 {
	if p.full == nil {
		return p.ws
	}
	return p.full.ws
}
