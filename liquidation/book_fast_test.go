package liquidation

import (
	"fmt"
	"math/big"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"

	"github.com/failsafe-fi/failsafe/internal/num"
	"github.com/failsafe-fi/failsafe/internal/testkit"
)

// The decimal code the kernel (book_fast.go) stands in for, verbatim as it
// was before: the references of TestBookKernelIsTheDecimalPath.

func refTierIndex(tiers []RiskTier, notional decimal.Decimal) int {
	for i, t := range tiers {
		if notional.LessThanOrEqual(t.MaxNotional) {
			return i
		}
	}
	return len(tiers)
}

func refMaintenanceOf(tiers []RiskTier, notional decimal.Decimal) decimal.Decimal {
	if notional.Sign() == 0 {
		return decimal.Zero
	}
	t := tiers[min(refTierIndex(tiers, notional), len(tiers)-1)]
	return notional.Mul(t.MaintenanceRate).Sub(t.MaintenanceAmount)
}

func refPositionMaintenance(m BookMarket, size decimal.Decimal) decimal.Decimal {
	return refMaintenanceOf(m.Tiers, size.Abs().Mul(m.Oracle))
}

func refEquity(st *bookState) decimal.Decimal {
	e := st.collateral
	for _, p := range st.positions {
		e = e.Add(p.Size.Mul(st.markets[p.Market].Oracle))
	}
	return e
}

func refMaintenance(st *bookState) decimal.Decimal {
	m := decimal.Zero
	for _, p := range st.positions {
		m = m.Add(refPositionMaintenance(st.markets[p.Market], p.Size))
	}
	return m
}

// equateRepr compares decimals by representation: the same coefficient and
// the same exponent (1.50 ≠ 1.5), which is what "the same answer" means
// for the kernel.
// (Its own code, not sameRepr's, so a mutation of sameRepr cannot blind it.)
var equateRepr = cmp.Comparer(func(a, b decimal.Decimal) bool {
	return a.Exponent() == b.Exponent() && a.Coefficient().Cmp(b.Coefficient()) == 0
})

// respell returns d with k more trailing zeros in its coefficient (the
// same value, a smaller exponent).
func respell(d decimal.Decimal, k int) decimal.Decimal {
	c := new(big.Int).Mul(d.Coefficient(), new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(k)), nil))
	return decimal.NewFromBigInt(c, d.Exponent()-int32(k))
}

// drawSpelled draws d as is, re-spelled with trailing zeros, or (rarely)
// re-spelled past 18 coefficient digits so the kernel must fall back.
func drawSpelled(t *rapid.T, d decimal.Decimal, label string) decimal.Decimal {
	switch rapid.IntRange(0, 5).Draw(t, label+" spelling") {
	case 1, 2:
		return respell(d, rapid.IntRange(1, 4).Draw(t, label+" zeros"))
	case 3:
		return respell(d, 20)
	}
	return d
}

// TestBookKernelIsTheDecimalPath: the desk's tier arithmetic in the
// kernel — tierIndex, maintenanceOf, positionMaintenance, and an account's
// equity and maintenance — returns exactly the decimal code's answer, in
// coefficient and exponent, on random schedules, sizes at and around the
// caps, values re-spelled with trailing zeros, and values past 18 digits
// (the fallback).
//
// Mutations seen failing: dec returning n.Decimal() (a zero equity comes
// back at exponent 0); tierIndexNum comparing with < instead of <= (a
// notional exactly at a cap takes the next tier); maintenanceNum adding
// the amount; equityNum ignoring the sign of a short.
func TestBookKernelIsTheDecimalPath(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		m := drawBookMarket(t, "M")
		m.Oracle = drawSpelled(t, m.Oracle, "oracle")
		for i := range m.Tiers {
			tr := &m.Tiers[i]
			tr.MaxNotional = drawSpelled(t, tr.MaxNotional, "cap")
			tr.MaintenanceRate = drawSpelled(t, tr.MaintenanceRate, "rate")
			tr.MaintenanceAmount = drawSpelled(t, tr.MaintenanceAmount, "amount")
		}
		// A notional exactly at a cap, just around it, or anywhere.
		var notional decimal.Decimal
		switch k := rapid.IntRange(0, len(m.Tiers)).Draw(t, "at cap"); {
		case k < len(m.Tiers):
			notional = m.Tiers[k].MaxNotional.Add(decimal.New(int64(rapid.IntRange(-1, 1).Draw(t, "around")), -2))
		default:
			notional = testkit.Decimal(0, 1_000_000_000_000, 3).Draw(t, "notional")
		}
		notional = drawSpelled(t, notional, "notional")
		if diff := cmp.Diff(refTierIndex(m.Tiers, notional), tierIndex(m.Tiers, notional)); diff != "" {
			t.Fatalf("tierIndex(%s): %s", notional, diff)
		}
		if diff := cmp.Diff(refMaintenanceOf(m.Tiers, notional), maintenanceOf(m.Tiers, notional), equateRepr); diff != "" {
			t.Fatalf("maintenanceOf(%s): %s", notional, diff)
		}
		// A book account of up to three positions (a zero size included) in
		// markets like m, its collateral sometimes exactly −Σ size × oracle.
		st := &bookState{markets: map[string]BookMarket{}}
		sum := decimal.Zero
		for i, n := 0, rapid.IntRange(0, 3).Draw(t, "positions"); i < n; i++ {
			mk := m
			mk.Market = fmt.Sprintf("M%d", i)
			if i > 0 {
				mk.Oracle = drawSpelled(t, testkit.Decimal(1, 10_000_000, 2).Draw(t, "oracle i"), "oracle i")
			}
			size := drawSpelled(t, testkit.Decimal(-100_000_000, 100_000_000, 3).Draw(t, "size"), "size")
			st.markets[mk.Market] = mk
			st.positions = append(st.positions, BookPosition{Market: mk.Market, Size: size})
			sum = sum.Add(size.Mul(mk.Oracle))
			if diff := cmp.Diff(refPositionMaintenance(mk, size), mk.positionMaintenance(size), equateRepr); diff != "" {
				t.Fatalf("positionMaintenance(%s): %s", size, diff)
			}
		}
		st.collateral = drawSpelled(t, testkit.Decimal(-1_000_000_000, 1_000_000_000, 2).Draw(t, "collateral"), "collateral")
		if rapid.Bool().Draw(t, "zero equity") {
			st.collateral = sum.Neg()
		}
		if diff := cmp.Diff(refEquity(st), st.equity(), equateRepr); diff != "" {
			t.Fatalf("equity: %s", diff)
		}
		if diff := cmp.Diff(refMaintenance(st), st.maintenance(), equateRepr); diff != "" {
			t.Fatalf("maintenance: %s", diff)
		}
	})
}

// TestBookMarketMemoIsFreshValidation: a desk that remembers the market
// schedules it validated (marketMemo) answers every Start, Fill and Next
// exactly as a desk that validates every market afresh — results, errors
// and snapshot, in coefficient and exponent — while the host passes the
// schedule whole, as a prefix (stress/perp's tiers up to the position's
// own), re-spelled with trailing zeros, with a changed tick, a bad oracle
// or a bad tier, or changes its own slice after a call; some liquidations
// stay open, so the snapshots show the schedules each desk holds.
//
// Mutations seen failing: covers comparing values with Equal instead of
// sameRepr (a re-spelled schedule keeps the old spelling); read skipping
// the oracle check (a zero oracle accepted); covers ignoring the tick (a
// zero tick accepted); read storing the host's slice instead of a copy (a
// schedule the host later spoils is taken as remembered).
func TestBookMarketMemoIsFreshValidation(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := BookSettings{FeeRate: testkit.Decimal(0, 10, 3).Draw(t, "fee"), QuoteScale: 2}
		memo, fresh := mustDeskR(t, s), mustDeskR(t, s)
		host := drawBookMarket(t, "M")
		for i, n := 0, rapid.IntRange(1, 12).Draw(t, "calls"); i < n; i++ {
			m := host
			switch rapid.IntRange(0, 7).Draw(t, "variant") {
			case 1:
				m.Tiers = m.Tiers[:rapid.IntRange(1, len(m.Tiers)).Draw(t, "prefix")]
			case 2: // the same schedule spelled with more trailing zeros
				m.Tiers = append([]RiskTier(nil), m.Tiers...)
				for k := range m.Tiers {
					tr := &m.Tiers[k]
					tr.MaxNotional, tr.MaintenanceRate = respell(tr.MaxNotional, 1), respell(tr.MaintenanceRate, 1)
				}
			case 3: // another tick or step, valid or not
				m.Tick = rapid.SampledFrom([]decimal.Decimal{d("0.1"), decimal.Zero, d("-0.01")}).Draw(t, "tick")
				if rapid.Bool().Draw(t, "step too") {
					m.Step = rapid.SampledFrom([]decimal.Decimal{d("0.01"), decimal.Zero}).Draw(t, "step")
				}
			case 4:
				m.Oracle = decimal.Zero
			case 5:
				m.Tiers = append([]RiskTier(nil), m.Tiers...)
				m.Tiers[0].MaintenanceRate = d("1")
			case 6: // the host changes its own slice after the last call, to a valid or a refused schedule
				host.Tiers[0].MaxNotional = host.Tiers[0].MaxNotional.Add(d("1"))
				if rapid.Bool().Draw(t, "refused") {
					host.Tiers[0].MaintenanceRate = d("1")
				}
				m = host
			case 7:
				m.Oracle = testkit.Decimal(100, 10_000_000, 2).Draw(t, "new oracle")
			}
			size := testkit.Decimal(-100_000, 100_000, 3).Draw(t, "size")
			if size.IsZero() {
				size = d("1")
			}
			pm := refPositionMaintenance(host, size)
			eq := pm.Mul(testkit.Decimal(0, 150, 2).Draw(t, "health")).RoundFloor(2)
			a := BookAccount{ID: fmt.Sprintf("A%d", i), Collateral: eq.Sub(size.Mul(host.Oracle)),
				Positions: []BookPosition{{Market: "M", Size: size}}}
			p := BookStartParams{Account: a, Markets: []BookMarket{m}}
			fresh.memo = nil
			r1, e1 := memo.Start(bookT0, p)
			r2, e2 := fresh.Start(bookT0, p)
			sameBookAnswer(t, "start", r1, e1, r2, e2)
			for k, steps := 0, rapid.IntRange(0, 8).Draw(t, "steps"); k < steps && e1 == nil && r1.Status == BookOrdering; k++ {
				f := BookFillParams{Account: a.ID, Size: r1.Order.Size, Price: r1.Order.Limit}
				f1, e1 := memo.Fill(bookT0, f)
				f2, e2 := fresh.Fill(bookT0, f)
				sameBookAnswer(t, "fill", f1, e1, f2, e2)
				r1, e1 = memo.Next(bookT0, BookNextParams{Account: a.ID})
				r2, e2 = fresh.Next(bookT0, BookNextParams{Account: a.ID})
				sameBookAnswer(t, "next", r1, e1, r2, e2)
			}
			if diff := cmp.Diff(fresh.Snapshot(), memo.Snapshot(), equateRepr); diff != "" {
				t.Fatalf("snapshot after call %d: %s", i, diff)
			}
		}
	})
}

func mustDeskR(t *rapid.T, s BookSettings) *BookDesk {
	b, err := NewBookDesk(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func sameBookAnswer[R any](t *rapid.T, what string, r1 R, e1 error, r2 R, e2 error) {
	if fmt.Sprint(e1) != fmt.Sprint(e2) {
		t.Fatalf("%s: error %v, afresh %v", what, e1, e2)
	}
	if diff := cmp.Diff(r2, r1, equateRepr); diff != "" {
		t.Fatalf("%s: %s", what, diff)
	}
}

// TestBookOrderKernelIsTheDecimalPath: nextOrder's figures in the kernel
// (nextOrderNum) are the decimal planner's (nextOrderDecimal) — the order,
// or the refusal, with every decimal in the same coefficient and exponent
// — on random accounts of one to three positions under random tiers (some
// with rates above 1, which validate refuses but which reach the sell's
// one-tick floor), ticks, fees, quote scales and TakeOverAfterStep,
// whenever the kernel answers.
//
// Mutations seen failing: the fee loop comparing with > instead of >= (the
// tier that just satisfies is skipped); the sell's limit not raised to one
// tick; a buy at zero ticks taken as priced; the bankruptcy share rounded
// up; keepAt rounding the tier's size up; a sell's delta left positive.
func TestBookOrderKernelIsTheDecimalPath(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		c, err := BookSettings{FeeRate: testkit.Decimal(0, 100, 3).Draw(t, "fee"),
			QuoteScale:        rapid.Int32Range(0, 18).Draw(t, "scale"),
			TakeOverAfterStep: rapid.Bool().Draw(t, "take over")}.validate()
		if err != nil {
			t.Fatal(err)
		}
		st := &bookState{markets: map[string]BookMarket{}}
		e := decimal.Zero
		for i, n := 0, rapid.IntRange(1, 3).Draw(t, "positions"); i < n; i++ {
			m := drawBookMarket(t, fmt.Sprintf("M%d", i))
			m.Oracle = drawSpelled(t, m.Oracle, "oracle")
			// A tick up to far above the oracle: a bankruptcy price under one tick.
			m.Tick = rapid.SampledFrom([]decimal.Decimal{d("0.01"), d("0.5"), d("1000"), d("100000000")}).Draw(t, "tick")
			// Rates beyond what validate accepts (the figures do not
			// validate): only there does a sell's bankruptcy quote reach
			// zero, and its limit the one-tick floor.
			if f := rapid.SampledFrom([]int64{1, 1, 30}).Draw(t, "rate factor"); f > 1 {
				m.Tiers = append([]RiskTier(nil), m.Tiers...)
				for k := range m.Tiers {
					tr := &m.Tiers[k]
					tr.MaintenanceRate, tr.MaintenanceAmount = tr.MaintenanceRate.Mul(decimal.New(f, 0)), tr.MaintenanceAmount.Mul(decimal.New(f, 0))
				}
			}
			size := drawSpelled(t, testkit.Decimal(-1_000_000, 1_000_000, 3).Draw(t, "size"), "size")
			st.markets[m.Market] = m
			st.positions = append(st.positions, BookPosition{Market: m.Market, Size: size})
			e = e.Add(size.Mul(m.Oracle))
		}
		market := st.worst()
		if market == "" {
			return
		}
		// Equity from deep below zero to just under maintenance; or so far
		// below that a long's bankruptcy price is under one tick; or exactly
		// where a lower tier just satisfies maintenance after the fee.
		mm, m, size := refMaintenance(st), st.markets[market], st.size(market)
		notional := size.Abs().Mul(m.Oracle)
		eq := mm.Mul(testkit.Decimal(-200, 100, 2).Draw(t, "health")).RoundFloor(2)
		switch from := refTierIndex(m.Tiers, notional); rapid.IntRange(0, 2).Draw(t, "equity") {
		case 1:
			eq = notional.Mul(testkit.Decimal(-1_100, -900, 3).Draw(t, "below notional"))
		case 2:
			if from > 0 {
				k := m.keepAt(rapid.IntRange(0, from-1).Draw(t, "tier"))
				fee := size.Abs().Sub(k).Mul(m.Oracle).Mul(c.FeeRate)
				eq = mm.Sub(refPositionMaintenance(m, size)).Add(refPositionMaintenance(m, k)).Add(fee)
			}
		}
		st.collateral = drawSpelled(t, eq.Sub(e), "collateral")
		if st.compliant() {
			return
		}
		seq := rapid.IntRange(1, 3).Draw(t, "seq")
		got, gotOK, fits := nextOrderNum(st, c, seq, market)
		if !fits {
			return
		}
		want, wantOK := nextOrderDecimal(st, c, seq, market)
		if gotOK != wantOK {
			t.Fatalf("kernel ok %t, decimal ok %t (%+v)", gotOK, wantOK, want)
		}
		if diff := cmp.Diff(want, got, equateRepr); diff != "" {
			t.Fatalf("order: %s", diff)
		}
	})
}

// TestBookOrderKernelFitsTheVenue: on the perp venue's kind of account
// (venueBookCase) every first order is planned in the kernel, so the
// property above is not vacuous where it matters.
func TestBookOrderKernelFitsTheVenue(t *testing.T) {
	tiers := venueTiers()
	c, _ := venueBookSettings().validate()
	for i := 0; i < 256; i++ {
		a, ms := venueBookCase(i, tiers)
		st, _, err := readBookAccount(a, ms, new(marketMemo))
		if err != nil {
			t.Fatal(err)
		}
		if _, _, fits := nextOrderNum(st, c, 1, st.worst()); !fits {
			t.Fatalf("account %d: the kernel gave up", i)
		}
	}
}

// refCanon is canon as it was, in big.Int only.
func refCanon(d decimal.Decimal) decimal.Decimal {
	if d.Exponent() >= 0 || d.IsZero() {
		if d.IsZero() {
			return decimal.Zero
		}
		return d
	}
	c, exp := d.Coefficient(), d.Exponent()
	ten, q, r := big.NewInt(10), new(big.Int), new(big.Int)
	for exp < 0 {
		q.QuoRem(c, ten, r)
		if r.Sign() != 0 {
			break
		}
		c, q = q, c
		exp++
	}
	return decimal.NewFromBigInt(c, exp)
}

// TestBookFillKernelIsTheDecimalPath: Fill's arithmetic in the kernel —
// the apportioned bankruptcy quote and the split (splitNum), the sums and
// differences it books (addOf, subOf), and canon — is the decimal code's,
// in coefficient and exponent, on random orders part filled, fills, prices
// on both sides of bankruptcy, fees, SurplusToFund and quote scales, with
// values re-spelled or past the kernel.
//
// Mutations seen failing: the apportioned quote rounded down; the fee
// rounded down; the fee not capped at the surplus; a surplus of exactly
// zero split as positive; canon stripping zeros past the decimal point (to
// a positive exponent); addOf subtracting.
func TestBookFillKernelIsTheDecimalPath(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		scale := rapid.Int32Range(0, 18).Draw(t, "scale")
		size := drawSpelled(t, testkit.Decimal(1, 10_000_000, 3).Draw(t, "order size"), "order size")
		o := &BookOrder{Size: size, Quote: drawSpelled(t, testkit.Decimal(-1_000_000_000, 10_000_000_000, 2).Draw(t, "quote"), "quote"),
			Filled: decimal.Zero}
		if rapid.Bool().Draw(t, "part filled") {
			o.Filled = size.Mul(testkit.Decimal(0, 100, 2).Draw(t, "filled share")).RoundFloor(3)
		}
		left := size.Sub(o.Filled)
		if left.Sign() <= 0 {
			return
		}
		fill := refCanon(left.Mul(testkit.Decimal(1, 100, 2).Draw(t, "fill share")).RoundCeil(3))
		if fill.GreaterThan(left) {
			fill = left
		}
		delta := fill
		if rapid.Bool().Draw(t, "sell") {
			delta = fill.Neg()
		}
		// A price at the fill's bankruptcy price exactly (surplus zero), or anywhere.
		price := refCanon(drawSpelled(t, testkit.Decimal(1, 10_000_000, 2).Draw(t, "price"), "price"))
		upTo := func(f decimal.Decimal) decimal.Decimal { return num.DivCeil(o.Quote.Mul(f), o.Size, scale) }
		bq := upTo(o.Filled.Add(fill)).Sub(upTo(o.Filled))
		if bp := num.DivFloor(bq, delta.Neg(), 18); rapid.Bool().Draw(t, "at bankruptcy") && bp.Sign() > 0 && bp.Mul(delta.Neg()).Equal(bq) {
			price = refCanon(bp)
		}
		fee := drawSpelled(t, testkit.Decimal(0, 1_000, 3).Draw(t, "fee"), "fee")
		toFund := rapid.Bool().Draw(t, "to fund")
		want := splitAt(delta.Neg().Mul(price), bq, fee, toFund, scale)
		if got, ok := splitNum(o, delta, price, fee, toFund, scale); ok {
			if diff := cmp.Diff(want, got, equateRepr); diff != "" {
				t.Fatalf("split: %s", diff)
			}
		}
		a, b := want.Proceeds, drawSpelled(t, testkit.Decimal(-1_000_000_000, 1_000_000_000, 4).Draw(t, "b"), "b")
		if diff := cmp.Diff(a.Add(b), addOf(a, b), equateRepr); diff != "" {
			t.Fatalf("add: %s", diff)
		}
		if diff := cmp.Diff(a.Sub(b), subOf(a, b), equateRepr); diff != "" {
			t.Fatalf("sub: %s", diff)
		}
		for _, v := range []decimal.Decimal{b, respell(b, 3), respell(price, 2), a} {
			if diff := cmp.Diff(refCanon(v), canon(v), equateRepr); diff != "" {
				t.Fatalf("canon(%s): %s", v, diff)
			}
		}
	})
}

// refBankruptcyQuote and refLimitOf are bankruptcyQuote and limitOf as they
// were, in decimal only.
func refBankruptcyQuote(in CloseInput, scale int32) decimal.Decimal {
	m := in.Market
	dnnv := in.Delta.Mul(m.Oracle)
	dmmr := refPositionMaintenance(m, in.Position.Add(in.Delta)).Sub(refPositionMaintenance(m, in.Position))
	share := num.DivFloor(in.Equity.Mul(dmmr.Abs()), in.Maintenance, scale)
	return dnnv.Neg().Sub(share)
}

func refLimitOf(in CloseInput, b decimal.Decimal) (decimal.Decimal, bool) {
	q := in.Delta.Abs().Mul(in.Market.Tick)
	if in.Delta.Sign() < 0 {
		return num.MaxOf(num.DivCeil(b, q, 0), decimal.NewFromInt(1)).Mul(in.Market.Tick), true
	}
	ticks := num.DivFloor(b.Neg(), q, 0)
	return ticks.Mul(in.Market.Tick), ticks.Sign() > 0
}

// TestBankruptcyKernelIsTheDecimalPath: dYdX's bankruptcy quote and the
// limit price on the tick grid, in the kernel (bankruptcyQuoteNum,
// limitOfNum, used by BankruptcyQuote, SplitFill and the desk's handover),
// are the decimal code's in coefficient and exponent, on random closes —
// partial and whole, long and short, equity above and below zero, ticks up
// to far above the oracle, values re-spelled or past the kernel.
//
// Mutations seen failing: the share rounded up; |DMMR| without the
// absolute value; a sell's limit not raised to one tick; a buy at zero
// ticks taken as priced.
func TestBankruptcyKernelIsTheDecimalPath(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		m := drawBookMarket(t, "M")
		m.Oracle = drawSpelled(t, m.Oracle, "oracle")
		m.Tick = rapid.SampledFrom([]decimal.Decimal{d("0.01"), d("0.5"), d("1000"), d("100000000")}).Draw(t, "tick")
		pos := drawSpelled(t, testkit.Decimal(1, 1_000_000, 3).Draw(t, "position"), "position")
		delta := pos.Neg()
		if rapid.Bool().Draw(t, "partial") {
			delta = refCanon(pos.Mul(testkit.Decimal(1, 99, 2).Draw(t, "share")).RoundCeil(3)).Neg()
		}
		if rapid.Bool().Draw(t, "short") {
			pos, delta = pos.Neg(), delta.Neg()
		}
		mm := refPositionMaintenance(m, pos)
		in := CloseInput{Market: m, Position: pos, Delta: delta, Maintenance: mm,
			Equity: drawSpelled(t, mm.Mul(testkit.Decimal(-500, 99, 2).Draw(t, "health")), "equity")}
		scale := rapid.Int32Range(0, 18).Draw(t, "scale")
		want := refBankruptcyQuote(in, scale)
		if diff := cmp.Diff(want, bankruptcyQuote(in, scale), equateRepr); diff != "" {
			t.Fatalf("bankruptcy quote: %s", diff)
		}
		// The limit of that quote, or of any quote (a sell's below zero
		// reaches the one-tick floor).
		b := want
		if rapid.Bool().Draw(t, "any quote") {
			b = drawSpelled(t, testkit.Decimal(-1_000_000_000, 1_000_000_000, 2).Draw(t, "quote"), "quote")
		}
		wp, wok := refLimitOf(in, b)
		gp, gok := limitOf(in, b)
		if diff := cmp.Diff(wp, gp, equateRepr); diff != "" || wok != gok {
			t.Fatalf("limit: ok %t, want %t: %s", gok, wok, diff)
		}
	})
}
