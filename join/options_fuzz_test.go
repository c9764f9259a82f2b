package join_test

import (
	"errors"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/join"
	"github.com/failsafe-fi/failsafe/margin/portfolio"
)

// FuzzOptionsCloses feeds host strings to OptionsCloses: it never panics
// or hangs, refuses with ErrInvalidInput, and what it returns never
// trades more than a holding, always against it, and at least lot of it.
func FuzzOptionsCloses(f *testing.F) {
	f.Add("-3", "2", "-0.5", "0.3333", int32(1))
	f.Add("1", "-1", "7", "1", int32(0))
	f.Add("1e-20", "5e30", "-2", "0.5", int32(18))
	f.Fuzz(func(t *testing.T, s1, s2, s3, lots string, scale int32) {
		parse := func(s string) (decimal.Decimal, bool) {
			if len(s) > 40 {
				return decimal.Zero, false
			}
			v, err := decimal.NewFromString(s)
			return v, err == nil
		}
		a, ok1 := parse(s1)
		b, ok2 := parse(s2)
		c, ok3 := parse(s3)
		lot, ok4 := parse(lots)
		if !ok1 || !ok2 || !ok3 || !ok4 {
			return
		}
		acct := portfolio.Account{Positions: []portfolio.Position{{Instrument: "X", Size: a}, {Instrument: "Y", Size: b}, {Instrument: "X", Size: c}}}
		closes, err := join.OptionsCloses(acct, lot, scale)
		if err != nil {
			if !errors.Is(err, join.ErrInvalidInput) {
				t.Fatalf("error %v does not wrap ErrInvalidInput", err)
			}
			return
		}
		net := map[string]decimal.Decimal{"X": a.Add(c), "Y": b}
		for _, cl := range closes {
			n := net[cl.Instrument]
			if n.IsZero() || cl.Size.Sign() != -n.Sign() || cl.Size.Abs().Cmp(n.Abs()) > 0 || cl.Size.Abs().Cmp(n.Abs().Mul(lot)) < 0 {
				t.Fatalf("close %s of %s for holding %s at lot %s", cl.Size, cl.Instrument, n, lot)
			}
		}
	})
}
