package stress

import (
	"math"
	"testing"
	"time"

	"github.com/failsafe-fi/failsafe/internal/testkit"
)

// volatile is a Merton generator with jumps, the subject of several tests.
func volatile(t testing.TB) *Merton {
	t.Helper()
	g, err := NewMerton(MertonSettings{
		Path: PathSettings{Price: testkit.D("2000")}, Mu: testkit.D("0.1"), Sigma: testkit.D("0.8"),
		Lambda: testkit.D("50"), JumpMean: testkit.D("-0.05"), JumpSigma: testkit.D("0.08"),
	})
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// TestMertonGolden pins the first ticks of seed 1: a change to the model,
// the random stream or the rounding changes them. The same strings must
// come out on every architecture (run also with GOARCH=386 and
// GOAMD64=v3, which fuses a×b+c into FMA where the source allows it).
func TestMertonGolden(t *testing.T) {
	ticks := mustTicks(t, volatile(t), 1)
	want := []string{"2000", "1979.84420862", "1970.01577948", "1940.19264727", "1967.45348036", "1951.81529067", "1954.09786287", "1960.11906792"}
	for i, w := range want {
		if got := ticks[i].Price.String(); got != w {
			t.Errorf("tick %d: price %s, want %s", i, got, w)
		}
	}
	if !ticks[1].Time.Equal(defaultStart.Add(time.Hour)) || ticks[1].Seq != 1 || len(ticks) != 168 {
		t.Errorf("tick 1 at %s seq %d, %d ticks", ticks[1].Time, ticks[1].Seq, len(ticks))
	}
}

// TestGBMLogReturnMoments: without jumps the log returns are normal with
// mean (μ − σ²/2) dt and variance σ² dt (Merton 1976 with λ = 0), within
// four standard errors over 600 scenarios of a week of hours.
// (Mutation seen failing: dropping −σ²/2 from the drift; using dt in
// place of √dt in the volatility.)
func TestGBMLogReturnMoments(t *testing.T) {
	g, err := NewMerton(MertonSettings{Mu: testkit.D("3"), Sigma: testkit.D("0.9")})
	if err != nil {
		t.Fatal(err)
	}
	var r []float64
	for i := 0; i < 600; i++ {
		r = append(r, logReturns(mustTicks(t, g, SeedFor(11, i)))...)
	}
	dt := 1.0 / (365 * 24)
	m := momentsOf(r)
	wantMean, wantVar := (3-0.81/2)*dt, 0.81*dt
	if math.Abs(m.mean-wantMean) > 4*m.seMean || math.Abs(m.variance-wantVar) > 4*m.seVar {
		t.Errorf("mean %g (want %g ± %g), variance %g (want %g ± %g)", m.mean, wantMean, m.seMean, m.variance, wantVar, m.seVar)
	}
}

// TestMertonJumpMoments: with jumps the tick's log return has mean
// (μ − σ²/2 − λk) dt + λ dt m and variance σ² dt + λ dt (m² + δ²), k =
// e^(m+δ²/2) − 1 (Merton 1976, eq. (2) and the compound Poisson moments).
// (Mutation seen failing: skipping the jumps' normal draw; dropping the
// compensator λk.)
func TestMertonJumpMoments(t *testing.T) {
	g, err := NewMerton(MertonSettings{Mu: testkit.D("0.5"), Sigma: testkit.D("0.3"),
		Lambda: testkit.D("800"), JumpMean: testkit.D("-0.02"), JumpSigma: testkit.D("0.03")})
	if err != nil {
		t.Fatal(err)
	}
	var r []float64
	for i := 0; i < 600; i++ {
		r = append(r, logReturns(mustTicks(t, g, SeedFor(5, i)))...)
	}
	dt := 1.0 / (365 * 24)
	lam, mj, dj := 800*dt, -0.02, 0.03
	k := math.Exp(mj+dj*dj/2) - 1
	wantMean := (0.5-0.09/2-800*k)*dt + lam*mj
	wantVar := 0.09*dt + lam*(mj*mj+dj*dj)
	m := momentsOf(r)
	if math.Abs(m.mean-wantMean) > 4*m.seMean || math.Abs(m.variance-wantVar) > 4*m.seVar {
		t.Errorf("mean %g (want %g ± %g), variance %g (want %g ± %g)", m.mean, wantMean, m.seMean, m.variance, wantVar, m.seVar)
	}
}

// TestMertonRefusals: each parameter bound is enforced.
func TestMertonRefusals(t *testing.T) {
	for name, s := range map[string]MertonSettings{
		"negative sigma":      {Sigma: testkit.D("-0.1")},
		"sigma above 10":      {Sigma: testkit.D("11")},
		"lambda above 1000":   {Lambda: testkit.D("1001")},
		"too many jumps/tick": {Lambda: testkit.D("1000"), Path: PathSettings{Step: 7 * 24 * time.Hour}},
		"negative jump sigma": {JumpSigma: testkit.D("-1")},
		"mu finer than 18":    {Mu: testkit.D("0.0000000000000000001")},
		"jump mean above 5":   {JumpMean: testkit.D("6")},
	} {
		if _, err := NewMerton(s); !errorsIs(err, ErrInvalidInput) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}

// TestMertonHugeDriftEndsWithError: a path past 10^15 fails closed.
func TestMertonHugeDriftEndsWithError(t *testing.T) {
	g, err := NewMerton(MertonSettings{Mu: testkit.D("10"), Path: PathSettings{Step: 7 * 24 * time.Hour, Ticks: 5000, Price: testkit.D("1000000")}})
	if err != nil {
		t.Fatal(err)
	}
	sc, _ := g.Scenario(1)
	_, err = Collect(sc, 0)
	if !errorsIs(err, ErrInvalidInput) {
		t.Fatalf("err = %v", err)
	}
	if _, _, again := sc.Next(); again == nil {
		t.Error("a failed scenario must keep failing")
	}
}
