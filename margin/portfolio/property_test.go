package portfolio

import (
	"fmt"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"

	"github.com/failsafe-fi/failsafe/internal/num"
	"github.com/failsafe-fi/failsafe/internal/testkit"
)

var propNow = time.Date(2026, 12, 2, 8, 0, 0, 0, time.UTC)

// propEngine builds an engine over two groups (BTC, ETH) with options at a
// few strikes and expiries, futures, SPAN-like absolute vol shocks (so a
// test can recompute every scenario with Black76 alone), and every add-on
// switched on.
func propEngine(t interface{ Fatal(...any) }, inverse bool) *Engine {
	var insts []Instrument
	for _, u := range []struct {
		id     string
		price  int64
		expiry []int
	}{{"BTC", 100000, []int{7, 30, 90}}, {"ETH", 4000, []int{30}}} {
		insts = append(insts, Instrument{ID: u.id + "-PERP", Underlying: u.id, Kind: Future, ContractSize: d("1"), Inverse: inverse})
		for _, days := range u.expiry {
			exp := propNow.Add(time.Duration(days) * 24 * time.Hour)
			insts = append(insts, Instrument{ID: fmt.Sprintf("%s-%dD", u.id, days), Underlying: u.id, Kind: Future, Expiry: exp, ContractSize: d("1"), Inverse: inverse})
			for _, m := range []int64{70, 90, 100, 110, 140} {
				for _, r := range []Right{Call, Put} {
					insts = append(insts, Instrument{
						ID:         fmt.Sprintf("%s-%dD-%d-%s", u.id, days, m, r),
						Underlying: u.id, Kind: Option, Right: r, Expiry: exp,
						Strike:       decimal.NewFromInt(u.price * m / 100),
						ContractSize: d("0.1"), Inverse: inverse,
					})
				}
			}
		}
	}
	if inverse { // inverse futures: contract size in USD
		for i := range insts {
			if insts[i].Kind == Future {
				insts[i].ContractSize = d("10")
			}
		}
	}
	g := DeribitPM(VolShock{Up: d("0.1"), Down: d("0.08")}, d("0.25"))
	e, err := New(Settings{
		Underlyings: []Underlying{{ID: "BTC", Group: "BTC", ScanFraction: d("0.16")}, {ID: "ETH", Group: "ETH", ScanFraction: d("0.2")}},
		Instruments: insts,
		Grid:        g,
		AddOns: AddOns{
			ShortOptionMinimum: d("5"),
			InterMonthRate:     d("20"),
			Contingency:        d("0.006"),
			InterCommodity:     []InterCommodity{{A: "BTC", B: "ETH", DeltaA: d("1"), DeltaB: d("25"), Rate: d("0.5")}},
		},
		Scale: 8,
	})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func propMarks(e *Engine) Marks {
	m := Marks{Prices: map[string]decimal.Decimal{"BTC": d("100000"), "ETH": d("4000")}, Vols: map[string]decimal.Decimal{}}
	for _, in := range e.insts {
		if in.Kind == Option {
			m.Vols[in.ID] = d("0.55")
		}
	}
	return m
}

// genBook draws 1 … 12 positions in the engine's instruments.
func genBook(e *Engine) *rapid.Generator[[]Position] {
	ids := make([]string, len(e.insts))
	for i, in := range e.insts {
		ids[i] = in.ID
	}
	return rapid.Custom(func(t *rapid.T) []Position {
		n := rapid.IntRange(1, 12).Draw(t, "n")
		out := make([]Position, n)
		for i := range out {
			size := testkit.Decimal(1, 500, 1).Draw(t, "size")
			if rapid.Bool().Draw(t, "short") {
				size = size.Neg()
			}
			out[i] = Position{Instrument: rapid.SampledFrom(ids).Draw(t, "instrument"), Size: size, Entry: d("95000")}
		}
		return out
	})
}

// recomputeLoss revalues a linear book in scenario s with the exported
// Black76 pricer alone: price × (1 + shift + steps/den × scan), vol ± the
// absolute shock, covered.
func recomputeLoss(t *rapid.T, e *Engine, book []Position, m Marks, s int) decimal.Decimal {
	sc := e.grid.Scenarios[s]
	gain := decimal.Zero
	for _, p := range book {
		in := e.insts[e.instIdx[p.Instrument]]
		u := e.unders[e.underIdx[in.Underlying]]
		f := m.Prices[u.ID]
		move := num.Div(decimal.NewFromInt(sc.Steps).Mul(u.ScanFraction), decimal.NewFromInt(e.grid.Denominator), 16, num.HalfEven)
		f2 := f.Mul(decimal.NewFromInt(1).Add(sc.Shift).Add(move))
		q := p.Size.Mul(in.ContractSize)
		if in.Kind == Future {
			gain = gain.Add(q.Mul(f2.Sub(f)))
			continue
		}
		years := num.Div(decimal.NewFromInt(in.Expiry.Unix()-propNow.Unix()), decimal.NewFromInt(secondsPerYear), 16, num.HalfEven)
		vol := m.Vols[in.ID]
		vol2 := vol
		switch sc.Vol {
		case VolUp:
			vol2 = vol.Add(e.grid.VolShock.Up)
		case VolDown:
			vol2 = decimal.Max(vol.Sub(e.grid.VolShock.Down), decimal.Zero)
		}
		v0, err := Black76(OptionInput{Right: in.Right, Forward: f, Strike: in.Strike, Vol: vol, Years: years})
		if err != nil {
			t.Fatal(err)
		}
		v1, err := Black76(OptionInput{Right: in.Right, Forward: f2, Strike: in.Strike, Vol: vol2, Years: years})
		if err != nil {
			t.Fatal(err)
		}
		gain = gain.Add(q.Mul(v1.Price.Sub(v0.Price)))
	}
	return gain.Mul(sc.coverage()).Neg()
}

// TestPropRequirementCoversEveryScenario: the requirement is at least the
// loss of every single scenario of the grid, each recomputed position by
// position with Black76 (independently of the engine's summation).
// Mutations seen failing: dropping the BookWorst floor in collect (the
// inter-commodity credit then takes the requirement below the worst
// scenario), and scanning only the first n−1 scenarios in requirement.
func TestPropRequirementCoversEveryScenario(t *testing.T) {
	e := propEngine(t, false)
	m := propMarks(e)
	rapid.Check(t, func(t *rapid.T) {
		book := genBook(e).Draw(t, "book")
		r, err := e.Requirement(propNow, book, m)
		if err != nil {
			t.Fatal(err)
		}
		tol := d("0.000001")
		for s := range e.grid.Scenarios {
			want := recomputeLoss(t, e, book, m, s)
			if r.Losses[s].Sub(want).Abs().Cmp(tol) > 0 {
				t.Fatalf("scenario %d (%s): engine loss %s, recomputed %s", s, e.grid.Scenarios[s].Name, r.Losses[s], want)
			}
			if r.Maintenance.Cmp(want.Sub(tol)) < 0 {
				t.Fatalf("maintenance %s below scenario %d's loss %s", r.Maintenance, s, want)
			}
		}
		if r.Initial.Cmp(r.Maintenance) < 0 {
			t.Fatalf("initial %s below maintenance %s", r.Initial, r.Maintenance)
		}
	})
}

// TestPropOffsetNeverRaises: adding a position together with its exact
// offset (p and −p, as two lots) never raises the requirement: lots in one
// instrument net before anything is charged. Mutations seen failing:
// counting gross (not net) short options in shortOptionMinimum, and
// netting lots only when adjacent in prepare.
func TestPropOffsetNeverRaises(t *testing.T) {
	for _, inverse := range []bool{false, true} {
		e := propEngine(t, inverse)
		m := propMarks(e)
		t.Run(fmt.Sprintf("inverse=%v", inverse), func(t *testing.T) {
			rapid.Check(t, func(t *rapid.T) {
				book := genBook(e).Draw(t, "book")
				r0, err := e.Requirement(propNow, book, m)
				if err != nil {
					t.Fatal(err)
				}
				p := genBook(e).Draw(t, "added")[0]
				off := p
				off.Size = off.Size.Neg()
				at := rapid.IntRange(0, len(book)).Draw(t, "at")
				b1 := append(append(append([]Position(nil), book[:at]...), p), book[at:]...)
				b1 = append(b1, off)
				r1, err := e.Requirement(propNow, b1, m)
				if err != nil {
					t.Fatal(err)
				}
				if r1.Maintenance.Cmp(r0.Maintenance) > 0 {
					t.Fatalf("adding %s ±%s raised maintenance %s → %s", p.Instrument, p.Size, r0.Maintenance, r1.Maintenance)
				}
			})
		})
	}
}

// TestPropScaling: scaling every position by k scales the requirement by
// k, up to the engine's rounding, for whole k (2 … 20) and fractional k
// (0.001 … 20 at 3 places: the book's sizes, at 1 place, stay exact
// decimals). The bound: R(B) and R(kB) are each built from at most 6
// figures per group rounded up at the engine's scale, so k·R(B) is off by
// at most 6k units of the last place and R(kB) by 6 — 6(k + 1) in all —
// and each position's scenario gain is rounded half-even at 12 places of
// the price-normalised value (0.5×10⁻¹² × price per position, k times for
// B and once for kB). Mutations seen failing: contingency charging each
// net short strike once instead of per contract, the inter-month charge
// capped at one spread, and the short option minimum charged per whole
// contract (net short rounded up to an integer: R(0.001·B) = 16.55
// against 0.001·R(B) = 11.57).
func TestPropScaling(t *testing.T) {
	e := propEngine(t, false)
	m := propMarks(e)
	rapid.Check(t, func(t *rapid.T) {
		book := genBook(e).Draw(t, "book")
		k := decimal.NewFromInt(rapid.Int64Range(2, 20).Draw(t, "whole k"))
		if rapid.Bool().Draw(t, "fractional") {
			k = testkit.Decimal(1, 20_000, 3).Draw(t, "k")
		}
		r1, err := e.Requirement(propNow, book, m)
		if err != nil {
			t.Fatal(err)
		}
		scaled := make([]Position, len(book))
		for i, p := range book {
			p.Size = p.Size.Mul(k)
			scaled[i] = p
		}
		rk, err := e.Requirement(propNow, scaled, m)
		if err != nil {
			t.Fatal(err)
		}
		ulp := decimal.New(1, -e.Scale())
		k1 := k.Add(decimal.NewFromInt(1))
		perPos := d("0.0000000000005").Mul(d("100000")).Mul(decimal.NewFromInt(int64(len(book)))).Mul(k1)
		tol := ulp.Mul(decimal.NewFromInt(6)).Mul(k1).Add(perPos)
		if diff := rk.Maintenance.Sub(r1.Maintenance.Mul(k)).Abs(); diff.Cmp(tol) > 0 {
			t.Fatalf("R(%s·B) = %s, %s·R(B) = %s (off by %s, bound %s)", k, rk.Maintenance, k, r1.Maintenance.Mul(k), diff, tol)
		}
	})
}
