package stress

import (
	"slices"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"

	"github.com/failsafe-fi/failsafe/internal/testkit"
	"github.com/failsafe-fi/failsafe/oracle"
)

// quotedMerton is a volatile Merton path quoted by five sources (jitter 0: the default ±2 bp).
func quotedMerton(t tb, jitter int) *Quotes {
	t.Helper()
	g, err := NewMerton(MertonSettings{Sigma: testkit.D("0.8"), Lambda: testkit.D("20"), JumpMean: testkit.D("-0.03"), JumpSigma: testkit.D("0.05")})
	if err != nil {
		t.Fatal(err)
	}
	q, err := NewQuotes(g, QuoteSettings{Sources: []string{"pyth", "chainlink", "cex-b", "cex-a", "dex"}, JitterBP: jitter})
	if err != nil {
		t.Fatal(err)
	}
	return q
}

// TestQuotesProperties: every tick quotes every source once, sorted by
// Source, at the tick's time, within ±JitterBP of the true price; the
// wrapped path is the same as unwrapped; the same seed gives the same
// quotes. (Mutation seen failing: jitter drawn in [−2J, 2J].)
func TestQuotesProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		jitter := rapid.IntRange(1, 1000).Draw(t, "jitter")
		seed := rapid.Int64().Draw(t, "seed")
		q := quotedMerton(t, jitter)
		a, b := mustTicks(t, q, seed), mustTicks(t, q, seed)
		plain := mustTicks(t, q.inner, seed)
		for i, tk := range a {
			if !tk.Price.Equal(plain[i].Price) || !tk.Time.Equal(plain[i].Time) {
				t.Fatalf("tick %d: wrapping changed the path", i)
			}
			if len(tk.Quotes) != 5 || !slices.IsSortedFunc(tk.Quotes, func(x, y oracle.Quote) int { return strings.Compare(x.Source, y.Source) }) {
				t.Fatalf("tick %d: quotes %v", i, tk.Quotes)
			}
			lo := tk.Price.Mul(decimal.New(int64(10_000-jitter), -4)).Sub(decimal.New(1, -8))
			hi := tk.Price.Mul(decimal.New(int64(10_000+jitter), -4)).Add(decimal.New(1, -8))
			for j, qu := range tk.Quotes {
				if qu.Price.LessThan(lo) || qu.Price.GreaterThan(hi) || !qu.Time.Equal(tk.Time) || !qu.Price.Equal(b[i].Quotes[j].Price) {
					t.Fatalf("tick %d: quote %v outside [%s, %s] or not repeatable", i, qu, lo, hi)
				}
			}
			if tk.Congestion < 0 || tk.Congestion > 100 || tk.Congestion != b[i].Congestion {
				t.Fatalf("tick %d: congestion %d", i, tk.Congestion)
			}
		}
	})
}

// TestQuotesGolden pins the first quotes of seed 1.
func TestQuotesGolden(t *testing.T) {
	ticks := mustTicks(t, quotedMerton(t, 0), 1)
	var got []string
	for _, q := range ticks[1].Quotes {
		got = append(got, q.Source+"="+q.Price.String())
	}
	want := "cex-a=98.95185955 cex-b=98.99144821 chainlink=98.96175671 dex=98.96175671 pyth=98.95185955"
	if strings.Join(got, " ") != want {
		t.Errorf("tick 1 quotes %s, want %s", strings.Join(got, " "), want)
	}
}

// TestCongestionModel works the congestion formula by hand: a 5% move
// with 10 points per percent gives 50, which then carries half (25, 12,
// 6…) while the price is flat; a window floors it.
func TestCongestionModel(t *testing.T) {
	c, err := CongestionSettings{Windows: []CongestionWindow{{From: 6, To: 8, Percent: 70}}}.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	prices := []string{"100", "100", "95", "95", "95", "95", "95", "95", "95", "99.75"}
	want := []int{0, 0, 50, 25, 12, 6, 70, 70, 35, 50}
	prev, last := 0, decimal.Decimal{}
	for i, p := range prices {
		d := testkit.D(p)
		prev = c.next(i, prev, last, d)
		last = d
		if prev != want[i] {
			t.Errorf("tick %d at %s: congestion %d, want %d", i, p, prev, want[i])
		}
	}
	if got := c.next(1, 0, testkit.D("0.000001"), testkit.D("1000000000000000")); got != 100 {
		t.Errorf("an absurd move: %d, want 100", got)
	}
}

// TestQuotesRefusals: bad sources and settings are refused.
func TestQuotesRefusals(t *testing.T) {
	g := quotedMerton(t, 0).inner
	many := make([]string, MaxSources+1)
	for i := range many {
		many[i] = strings.Repeat("x", i+1)
	}
	for name, s := range map[string]QuoteSettings{
		"duplicate source":  {Sources: []string{"a", "b", "a"}},
		"empty source":      {Sources: []string{""}},
		"too many sources":  {Sources: many},
		"jitter above 1000": {JitterBP: 1001},
		"scale 0 after 19":  {Scale: 19},
		"base above 100":    {Congestion: CongestionSettings{Base: 101}},
		"persist 100":       {Congestion: CongestionSettings{Persist: 100}},
		"empty window":      {Congestion: CongestionSettings{Windows: []CongestionWindow{{From: 3, To: 3, Percent: 10}}}},
		"window above 100%": {Congestion: CongestionSettings{Windows: []CongestionWindow{{From: 0, To: 3, Percent: 101}}}},
	} {
		if _, err := NewQuotes(g, s); !errorsIs(err, ErrInvalidInput) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
	if _, err := NewQuotes(nil, QuoteSettings{}); !errorsIs(err, ErrInvalidInput) {
		t.Errorf("nil inner: %v", err)
	}
}

// TestQuotesRefuseTooManyWindows: more than MaxWindows congestion windows
// are refused at construction (review: 5×10⁶ windows passed and each tick
// then took ~150 ms); MaxWindows are accepted.
func TestQuotesRefuseTooManyWindows(t *testing.T) {
	g := quotedMerton(t, 0).inner
	windows := make([]CongestionWindow, MaxWindows+1)
	for i := range windows {
		windows[i] = CongestionWindow{From: i, To: i + 1, Percent: 50}
	}
	if _, err := NewQuotes(g, QuoteSettings{Congestion: CongestionSettings{Windows: windows}}); !errorsIs(err, ErrInvalidInput) {
		t.Errorf("%d windows: err = %v", len(windows), err)
	}
	if _, err := NewQuotes(g, QuoteSettings{Congestion: CongestionSettings{Windows: windows[:MaxWindows]}}); err != nil {
		t.Errorf("%d windows: %v", MaxWindows, err)
	}
}

// TestQuotesMergeWithCSV: a CSV's own quotes are kept and merged in
// Source order; a source named both in the file and in the wrapper is
// refused at its first tick. (Mutation seen failing: skipping the merge
// sort when the inner tick has quotes.)
func TestQuotesMergeWithCSV(t *testing.T) {
	replay, err := NewCSV(bytesReader(sample(t)), CSVSettings{})
	if err != nil {
		t.Fatal(err)
	}
	q, err := NewQuotes(replay, QuoteSettings{Sources: []string{"binance", "okx"}, JitterBP: -1})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, qu := range mustTicks(t, q, 1)[0].Quotes {
		got = append(got, qu.Source)
	}
	if strings.Join(got, ",") != "binance,chainlink,coinbase,kraken,okx" {
		t.Errorf("merged sources %v", got)
	}
	dup, _ := NewQuotes(replay, QuoteSettings{Sources: []string{"kraken"}})
	sc, _ := dup.Scenario(1)
	if _, _, err := sc.Next(); !errorsIs(err, ErrInvalidInput) || !strings.Contains(err.Error(), `"kraken" quoted twice`) {
		t.Errorf("err = %v", err)
	}
}
