package stress

import (
	"bytes"
	"errors"
	"math"
)

// errorsIs is errors.Is, short for tables.
func errorsIs(err, target error) bool { return errors.Is(err, target) }

// tb is what both *testing.T and *rapid.T offer.
type tb interface {
	Helper()
	Fatal(args ...any)
}

// mustTicks draws every tick of g's scenario of seed.
func mustTicks(t tb, g Generator, seed int64) []Tick {
	t.Helper()
	sc, err := g.Scenario(seed)
	if err != nil {
		t.Fatal(err)
	}
	ticks, err := Collect(sc, 0)
	if err != nil {
		t.Fatal(err)
	}
	return ticks
}

// logReturns are the log returns between consecutive ticks (test-only:
// math.Log is fine for statistics).
func logReturns(ticks []Tick) []float64 {
	out := make([]float64, 0, len(ticks))
	for i := 1; i < len(ticks); i++ {
		out = append(out, math.Log(ticks[i].Price.InexactFloat64()/ticks[i-1].Price.InexactFloat64()))
	}
	return out
}

// moments are a sample's mean, variance and the standard errors of both
// (the variance's from the fourth central moment).
type moments struct{ mean, variance, seMean, seVar float64 }

func momentsOf(x []float64) moments {
	n := float64(len(x))
	var s float64
	for _, v := range x {
		s += v
	}
	mean := s / n
	var m2, m4 float64
	for _, v := range x {
		d := (v - mean) * (v - mean)
		m2 += d
		m4 += d * d
	}
	m2 /= n
	m4 /= n
	return moments{mean, m2, math.Sqrt(m2 / n), math.Sqrt((m4 - m2*m2) / n)}
}

// bytesReader reads b.
func bytesReader(b []byte) *bytes.Reader { return bytes.NewReader(b) }
