package options

import (
	"context"
	"testing"

	"github.com/failsafe-fi/failsafe/stress"
)

// BenchmarkScenario: one default scenario (300 accounts, Deribit preset,
// the default crash's 21 ticks), built, stepped and checked.
func BenchmarkScenario(b *testing.B) {
	for _, preset := range []string{Deribit, SPAN} {
		b.Run(preset, func(b *testing.B) {
			cfg := Config{Preset: preset}
			gen, err := DefaultCrash(cfg)
			if err != nil {
				b.Fatal(err)
			}
			f, err := Factory(cfg)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if _, err := stress.Replay(context.Background(), gen, f, stress.SeedFor(1, i)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
