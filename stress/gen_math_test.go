package stress

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

// TestDetLnExpAccuracy checks the hand-written logarithm and exponential
// against the math package's (accuracy only: the math package's are not
// used for paths because they differ across architectures).
func TestDetLnExpAccuracy(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		x := rapid.Float64Range(1e-300, 1e300).Draw(t, "x")
		if got, want := detLn(x), math.Log(x); math.Abs(got-want) > 4e-16*math.Max(1, math.Abs(want)) {
			t.Fatalf("detLn(%g) = %.17g, math.Log %.17g", x, got, want)
		}
		y := rapid.Float64Range(-700, 700).Draw(t, "y")
		if got, want := detExp(y), math.Exp(y); math.Abs(got-want) > 1e-15*want {
			t.Fatalf("detExp(%g) = %.17g, math.Exp %.17g", y, got, want)
		}
	})
	// Subnormals are compared with exact values: amd64's math.Log returns
	// about −709.09 for every subnormal, one reason not to use it.
	for _, tc := range []struct{ x, want float64 }{
		{0x1p-1074, -1074 * math.Ln2}, {0x1p-1050, -1050 * math.Ln2},
		{1, 0}, {2, math.Ln2}, {math.E, 1}, {0.5, -math.Ln2},
	} {
		if got := detLn(tc.x); math.Abs(got-tc.want) > 4e-16*math.Max(1, math.Abs(tc.want)) {
			t.Errorf("detLn(%g) = %.17g, want %.17g", tc.x, got, tc.want)
		}
	}
	if !math.IsInf(detExp(710), 1) || detExp(-746) != 0 || detExp(0) != 1 {
		t.Errorf("detExp bounds: %g %g %g", detExp(710), detExp(-746), detExp(0))
	}
}

// TestNormalsMoments: the polar method's variates have mean 0, variance 1
// and kurtosis 3, each within four standard errors over 200,000 draws.
// (Mutation seen failing: dropping the factor −2 in the polar method.)
func TestNormalsMoments(t *testing.T) {
	g := &normals{rng: pcg(7, streamMerton)}
	const n = 200_000
	var s1, s2, s4 float64
	for i := 0; i < n; i++ {
		z := g.next()
		s1 += z
		s2 += z * z
		s4 += z * z * z * z
	}
	mean, variance, kurt := s1/n, s2/n, s4/n
	if math.Abs(mean) > 4/math.Sqrt(n) || math.Abs(variance-1) > 4*math.Sqrt(2.0/n) || math.Abs(kurt-3) > 4*math.Sqrt(96.0/n) {
		t.Errorf("mean %g variance %g kurtosis %g", mean, variance, kurt)
	}
}

// TestPoissonMean: the count's mean and variance are both the mean.
func TestPoissonMean(t *testing.T) {
	rng := pcg(3, streamMerton)
	for _, m := range []float64{0.05, 1, 7.5} {
		const n = 100_000
		var s1, s2 float64
		for i := 0; i < n; i++ {
			k := float64(poisson(rng, m))
			s1 += k
			s2 += k * k
		}
		mean := s1 / n
		variance := s2/n - mean*mean
		if math.Abs(mean-m) > 4*math.Sqrt(m/n) || math.Abs(variance-m) > 0.05*m+4*math.Sqrt(m/n) {
			t.Errorf("poisson(%g): mean %g variance %g", m, mean, variance)
		}
	}
}

// TestRoundPrice pins the conversion of drawn prices to decimals.
func TestRoundPrice(t *testing.T) {
	for _, tc := range []struct {
		name  string
		p     float64
		scale int32
		want  string
		ok    bool
	}{
		{"half away from zero", 1.125, 2, "1.13", true},
		{"below one unit prints one unit", 1e-12, 8, "0.00000001", true},
		{"zero prints one unit", 0, 8, "0.00000001", true},
		{"large uses the shortest decimal", 123456789012.345678, 8, "123456789012.34567", true},
		{"above 10^15 refused", 2e15, 8, "", false},
		{"NaN refused", math.NaN(), 8, "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := roundPrice(tc.p, tc.scale)
			if ok != tc.ok || (ok && got.String() != tc.want) {
				t.Errorf("roundPrice(%g, %d) = %s, %v; want %s, %v", tc.p, tc.scale, got, ok, tc.want, tc.ok)
			}
		})
	}
}

// TestPathSettingsRefusals: every bound of PathSettings is enforced with
// an error wrapping ErrInvalidInput.
func TestPathSettingsRefusals(t *testing.T) {
	for _, tc := range []struct {
		name string
		s    PathSettings
		want string
	}{
		{"negative step", PathSettings{Step: -time.Second}, "step"},
		{"step above a week", PathSettings{Step: 8 * 24 * time.Hour}, "step"},
		{"too many ticks", PathSettings{Ticks: MaxTicks + 1}, "ticks"},
		{"negative ticks", PathSettings{Ticks: -1}, "ticks"},
		{"span above a century", PathSettings{Ticks: MaxTicks, Step: MaxStep}, "hundred years"},
		{"scale too fine", PathSettings{Scale: 19}, "scale"},
		{"negative price", PathSettings{Price: decimal.New(-1, 0)}, "start price"},
		{"price finer than scale", PathSettings{Price: decimal.New(1, -9)}, "finer"},
		{"absurd exponent", PathSettings{Price: decimal.New(1, -2_000_000_000)}, "start price"},
		{"price above 10^15", PathSettings{Price: decimal.New(2, 15)}, "10^15"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewMerton(MertonSettings{Path: tc.s})
			if err == nil || !strings.Contains(err.Error(), tc.want) || !errorsIs(err, ErrInvalidInput) {
				t.Errorf("err = %v, want one naming %q", err, tc.want)
			}
		})
	}
}

// TestDetMathBitsPinned pins, bit for bit, a SHA-256 over detLn, detExp,
// the normal and Poisson draws and a Merton path's raw log prices, so a
// machine that computes any of them differently fails here (rounding to
// 8 places would hide a last-bit difference from the golden prices). It
// passes on amd64, on GOARCH=386 and with GOAMD64=v3 (FMA available).
// (Mutation seen failing under GOAMD64=v3: mul returning a*b without
// the float64 conversion, which lets the compiler fuse.)
func TestDetMathBitsPinned(t *testing.T) {
	h := sha256.New()
	put := func(f float64) { binary.Write(h, binary.LittleEndian, math.Float64bits(f)) }
	rng := pcg(99, streamMerton)
	for i := 0; i < 20_000; i++ {
		x := rng.Float64()
		put(detLn(x * 1e3))
		put(detExp(x*80 - 40))
	}
	g := &normals{rng: pcg(99, streamGARCH)}
	for i := 0; i < 20_000; i++ {
		put(g.next())
		put(float64(poisson(g.rng, 0.7)))
	}
	m := volatile(t)
	z := &normals{rng: pcg(1, streamMerton)}
	x := 0.0
	for i := 0; i < 5_000; i++ {
		x += m.drift + mul(m.vol, z.next())
		for n := poisson(z.rng, m.jumps); n > 0; n-- {
			x += m.jm + mul(m.jsd, z.next())
		}
		put(x)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != pinnedMathHash {
		t.Errorf("hash %s, want %s", got, pinnedMathHash)
	}
}

const pinnedMathHash = "d554d06c9b5afa08ac3ec806c53043e37c4a0cead05445a3470493428147db26"
