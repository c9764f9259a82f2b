package options

import (
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/margin"
	"github.com/failsafe-fi/failsafe/stress"
)

func d(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// decCmp compares decimals by value.
var decCmp = cmp.Comparer(func(a, b decimal.Decimal) bool { return a.Equal(b) })

// t0 is the scenarios' first tick time in the tests.
var t0 = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)

// tb is what the helpers need of a *testing.T or a *rapid.T.
type tb interface {
	Helper()
	Fatal(args ...any)
}

// book is one account a test opens: a strategy, its unit and headroom.
type book struct {
	s Strategy
	q decimal.Decimal
	h decimal.Decimal
}

// venue builds cfg's venue holding exactly the books given.
func venue(t tb, cfg Config, books ...book) *Model {
	t.Helper()
	c, err := cfg.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	m, arrays, err := newEmpty(c)
	if err != nil {
		t.Fatal(err)
	}
	for i, b := range books {
		if err := m.open(arrays, "acct-"+string(rune('a'+i)), b.s.legs(b.q), b.h); err != nil {
			t.Fatal(err)
		}
	}
	return m
}

// tick is tick seq, minutes after t0, at price.
func tick(seq, minutes int, price string) stress.Tick {
	return stress.Tick{Seq: seq, Time: t0.Add(time.Duration(minutes) * time.Minute), Price: d(price)}
}

// risks values every open account at the model's last tick (its clock
// and its last price), through margin's predicates.
func risks(t tb, m *Model) []margin.AccountRisk {
	t.Helper()
	arrays, err := m.eng.Arrays(m.now, m.marks(m.settle))
	if err != nil {
		t.Fatal(err)
	}
	var out []margin.AccountRisk
	for i, a := range m.accts {
		if m.closed[i] {
			continue
		}
		r, _, err := arrays.Risk(a)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}
