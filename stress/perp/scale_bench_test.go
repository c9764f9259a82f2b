package perp

import (
	"fmt"
	"testing"
)

// BenchmarkDefaultCrash runs the whole default crash (settling included,
// as examples/cascade runs it) at several book sizes: the scaling table's
// rows.
func BenchmarkDefaultCrash(b *testing.B) {
	for _, n := range []int{1_000, 2_000, 8_000, 16_000} {
		b.Run(fmt.Sprintf("accounts=%d", n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if _, err := run(Config{Accounts: n}, 1, 0, false); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
