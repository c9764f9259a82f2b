package oracle

import (
	"errors"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

func TestDecayConstantsSquare(t *testing.T) {
	// c_k = 2^(−1/2^k), so c_k² = c_{k−1} (c_0 = 0.5), up to truncation.
	prev := half
	tol := d("1e-38")
	for k, c := range fracPow {
		if diff := c.Mul(c).Sub(prev).Abs(); diff.Cmp(tol) > 0 {
			t.Fatalf("c_%d² differs from c_%d by %s", k+1, k, diff)
		}
		prev = c
	}
}

func TestDecayTable(t *testing.T) {
	h := time.Duration(1_000_000) // 1ms in ns: dt/h is exact in these cases
	tests := []struct {
		name string
		dt   time.Duration
		want string // Python decimal, 60 digits, 2^(−dt/h)
	}{
		{"zero", 0, "1"},
		{"one half-life halves exactly", h, "0.5"},
		{"two half-lives", 2 * h, "0.25"},
		{"a third", h / 3, "0.793700525984099737375852819636"}, // dt/h = 333333/1e6, checked below
		{"a tenth", h / 10, "0.933032991536807415981343266150"},
		{"2.7 half-lives", 27 * h / 10, "0.153893051668114535562424133646"},
		{"one millionth", 1, "0.999999306853059666506145584434"},
		{"999999/1e6", h - 1, "0.500000346573710393253886318114"},
		{"100 half-lives", 100 * h, "0.0000000000000000000000000000007888609052210118054117285652827862"},
		{"beyond 130 half-lives is zero", 131 * h, "0"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := decay(tc.dt, h)
			want := d(tc.want)
			if tc.name == "a third" {
				// h/3 truncates to 333333 ns: 2^(−0.333333)
				want = d("0.793700709367881520975035767595")
			}
			diff := got.Sub(want)
			if diff.Abs().Cmp(d("1e-30")) > 0 {
				t.Fatalf("decay = %s, want %s (diff %s)", got, want, diff)
			}
		})
	}
}

func TestEMAHalfLife(t *testing.T) {
	e, err := NewEMA(EMASettings{HalfLife: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Value(t0); !errors.Is(err, ErrNoPrice) {
		t.Fatal(err)
	}
	mustEMA := func(now time.Time, p string) decimal.Decimal {
		v, err := e.Update(now, d(p))
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	if v := mustEMA(t0, "100"); !v.Equal(d("100")) {
		t.Fatalf("first price starts the average: %s", v)
	}
	mustEMA(t0, "200") // at the same instant: weight zero yet
	for _, c := range []struct {
		after time.Duration
		want  string
	}{{0, "100"}, {time.Hour, "150"}, {2 * time.Hour, "175"}, {3 * time.Hour, "187.5"}} {
		v, err := e.Value(t0.Add(c.after))
		if err != nil || !v.Equal(d(c.want)) {
			t.Fatalf("after %s: %s %v, want %s", c.after, v, err, c.want)
		}
	}
	before := e.Snapshot()
	if _, err := e.Update(t0.Add(-time.Second), d("1")); !errors.Is(err, ErrOutOfOrder) {
		t.Fatal(err)
	}
	if _, err := e.Update(t0.Add(time.Second), d("0")); !errors.Is(err, ErrInvalidInput) {
		t.Fatal(err)
	}
	if e.Snapshot() != before {
		t.Fatal("bad input changed the EMA")
	}
	if _, err := NewEMA(EMASettings{}); !errors.Is(err, ErrInvalidSettings) {
		t.Fatal("zero half-life accepted")
	}
}

func TestTWAPWorked(t *testing.T) {
	w, err := NewTWAP(TWAPSettings{Window: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Value(t0); !errors.Is(err, ErrNoPrice) {
		t.Fatal(err)
	}
	// 100 for 30 minutes, then 110 for 30 minutes: 105.
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(w.Update(t0, d("100")))
	if v, _ := w.Value(t0); !v.Equal(d("100")) {
		t.Fatalf("single observation at now: %s", v)
	}
	must(w.Update(t0.Add(30*time.Minute), d("110")))
	if v, _ := w.Value(t0.Add(time.Hour)); !v.Equal(d("105")) {
		t.Fatalf("TWAP = %s, want 105", v)
	}
	// Irregular: 120 for the last 10 minutes; window [t0+10m, t0+70m]:
	// 100×20 + 110×30 + 120×10 over 60 = 108.333… → 108.333333333333333333.
	must(w.Update(t0.Add(time.Hour), d("120")))
	if v, _ := w.Value(t0.Add(70 * time.Minute)); !v.Equal(d("108.333333333333333333")) {
		t.Fatalf("irregular TWAP = %s", v)
	}
	// Only the window counts: much later, the last price alone.
	must(w.Update(t0.Add(5*time.Hour), d("130")))
	if n := len(w.Snapshot().Observations); n != 2 {
		t.Fatalf("old observations kept: %d", n)
	}
	if v, _ := w.Value(t0.Add(5*time.Hour + 30*time.Minute)); !v.Equal(d("125")) {
		t.Fatalf("TWAP after gap = %s, want 125", v)
	}
	before := w.Snapshot()
	if err := w.Update(t0, d("1")); !errors.Is(err, ErrOutOfOrder) {
		t.Fatal(err)
	}
	if err := w.Update(t0.Add(6*time.Hour), d("-1")); !errors.Is(err, ErrInvalidInput) {
		t.Fatal(err)
	}
	if len(w.Snapshot().Observations) != len(before.Observations) {
		t.Fatal("bad input changed the TWAP")
	}
	if _, err := NewTWAP(TWAPSettings{Window: -time.Second}); !errors.Is(err, ErrInvalidSettings) {
		t.Fatal("negative window accepted")
	}
}

// MakerDAO OSM: hop = 1 hour; poke moves nxt to cur; zzz = prev(era()).
func TestDelayedOSM(t *testing.T) {
	o, err := NewDelayed(DelayedSettings{Hop: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	base := time.Date(2024, 3, 1, 12, 10, 0, 0, time.UTC)
	if _, err := o.Poke(base, d("100")); err != nil {
		t.Fatal(err)
	}
	if _, err := o.peek(); !errors.Is(err, ErrNoPrice) {
		t.Fatal("current before the second poke")
	}
	if n, _ := o.Next(); !n.Equal(d("100")) {
		t.Fatal(n)
	}
	if _, err := o.Poke(base.Add(40*time.Minute), d("101")); !errors.Is(err, ErrTooEarly) {
		t.Fatalf("12:50 is before zzz 12:00 + hop: %v", err)
	}
	if !o.Pass(base.Add(50 * time.Minute)) {
		t.Fatal("13:00 passes: zzz was rounded down to 12:00")
	}
	if _, err := o.Poke(base.Add(50*time.Minute), d("130")); err != nil {
		t.Fatal(err)
	}
	if c, _ := o.peek(); !c.Equal(d("100")) {
		t.Fatalf("current %s, want the delayed 100", c)
	}
	// Governance sees the queued 130 and voids it before it takes effect.
	if n, _ := o.Next(); !n.Equal(d("130")) {
		t.Fatal(n)
	}
	if _, err := o.Void(base.Add(55 * time.Minute)); err != nil {
		t.Fatal(err)
	}
	if _, err := o.peek(); !errors.Is(err, ErrNoPrice) {
		t.Fatal("void keeps a price")
	}
	if _, err := o.Poke(base.Add(2*time.Hour), d("100")); !errors.Is(err, ErrStopped) {
		t.Fatalf("poke while stopped: %v", err)
	}
	if _, err := o.Start(base.Add(2 * time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := o.Poke(base.Add(2*time.Hour), d("100")); err != nil {
		t.Fatal(err)
	}
	if err := o.CheckInvariants(); err != nil {
		t.Fatal(err)
	}
	// Void cleared both values, so the poke at 14:10 only queued 100:
	// there is no current price yet.
	if _, err := o.Price(base.Add(2 * time.Hour)); !errors.Is(err, ErrNoPrice) {
		t.Fatalf("price after void and one poke: %v", err)
	}
	if _, err := o.Poke(base.Add(3*time.Hour), d("101")); err != nil {
		t.Fatal(err)
	}
	// zzz = 15:00; MaxAge defaults to 2 hops: fresh until 17:00.
	if p, err := o.Price(base.Add(4*time.Hour + 50*time.Minute)); err != nil || !p.Equal(d("100")) {
		t.Fatalf("price within 2 hops: %s %v", p, err)
	}
	if _, err := o.Price(base.Add(4*time.Hour + 51*time.Minute)); err != ErrStale {
		t.Fatalf("price after 2 hops without a poke: %v", err)
	}
	before := o.Snapshot()
	if _, err := o.Stop(base); !errors.Is(err, ErrOutOfOrder) {
		t.Fatal(err)
	}
	if _, err := o.Poke(base.Add(9*time.Hour), d("0")); !errors.Is(err, ErrInvalidInput) {
		t.Fatal(err)
	}
	if o.Snapshot() != before {
		t.Fatal("bad input changed the delayed price")
	}
	if _, err := NewDelayed(DelayedSettings{}); !errors.Is(err, ErrInvalidSettings) {
		t.Fatal("zero hop accepted")
	}
	if _, err := NewDelayed(DelayedSettings{Hop: time.Hour, MaxAge: -1}); !errors.Is(err, ErrInvalidSettings) {
		t.Fatal("negative max age accepted")
	}
}

// MinCoverage: the TWAP refuses to answer over less history than required
// (Uniswap v3 observe reverts "OLD" instead of shortening the window).
func TestTWAPMinCoverage(t *testing.T) {
	w, err := NewTWAP(TWAPSettings{Window: time.Hour, MinCoverage: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Update(t0, d("100")); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		at   time.Duration
		want string // "" for ErrShortHistory
	}{
		{"a lone observation at now covers nothing", 0, ""},
		{"half the window is not enough", 30 * time.Minute, ""},
		{"one nanosecond short", time.Hour - 1, ""},
		{"the full window answers", time.Hour, "100"},
		{"later, still the full window", 3 * time.Hour, "100"},
	} {
		v, err := w.Value(t0.Add(tc.at))
		if tc.want == "" {
			if !errors.Is(err, ErrShortHistory) {
				t.Errorf("%s: %s, %v; want ErrShortHistory", tc.name, v, err)
			}
		} else if err != nil || !v.Equal(d(tc.want)) {
			t.Errorf("%s: %s, %v; want %s", tc.name, v, err, tc.want)
		}
	}
	for _, bad := range []time.Duration{-time.Second, time.Hour + 1} {
		if _, err := NewTWAP(TWAPSettings{Window: time.Hour, MinCoverage: bad}); !errors.Is(err, ErrInvalidSettings) {
			t.Errorf("MinCoverage %s accepted: %v", bad, err)
		}
	}
	// The MaxObservations cap shortens the history; MinCoverage notices.
	c, _ := NewTWAP(TWAPSettings{Window: time.Hour, MaxObservations: 2, MinCoverage: 45 * time.Minute})
	for i, p := range []string{"100", "101", "102"} {
		if err := c.Update(t0.Add(time.Duration(i)*30*time.Minute), d(p)); err != nil {
			t.Fatal(err)
		}
	}
	// Kept: 101 from 0:30 and 102 from 1:00. At 1:01 they cover 31 minutes
	// (the dropped 100 would have covered the whole hour); at 1:15, 45.
	if _, err := c.Value(t0.Add(61 * time.Minute)); !errors.Is(err, ErrShortHistory) {
		t.Fatalf("31 minutes kept, 45 required: %v", err)
	}
	if v, err := c.Value(t0.Add(75 * time.Minute)); err != nil || !v.Equal(d("101.333333333333333333")) {
		t.Fatalf("45 minutes kept: %s, %v; want (101×30 + 102×15)/45", v, err)
	}
}
