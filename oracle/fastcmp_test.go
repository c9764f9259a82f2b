package oracle

import (
	"testing"

	"pgregory.net/rapid"

	"github.com/failsafe-fi/failsafe/internal/testkit"
)

// cmpProduct agrees with the decimal comparison everywhere, including
// coefficients too large for the fast path.
func TestPropCmpProductMatchesDecimal(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		gen := func(name string) *rapid.Generator[int64] { return rapid.Int64Range(1, 1<<62) }
		x := testkit.Decimal(1, gen("x").Draw(t, "xmax"), rapid.Int32Range(-25, 30).Draw(t, "xs")).Draw(t, "x")
		r := testkit.Decimal(1, gen("r").Draw(t, "rmax"), rapid.Int32Range(-25, 30).Draw(t, "rs")).Draw(t, "r")
		p := testkit.Decimal(1, gen("p").Draw(t, "pmax"), rapid.Int32Range(-25, 30).Draw(t, "ps")).Draw(t, "p")
		if rapid.Bool().Draw(t, "equal") {
			x = r.Mul(p)
		}
		if got, want := cmpProduct(x, r, p), x.Cmp(r.Mul(p)); got != want {
			t.Fatalf("cmpProduct(%s, %s, %s) = %d, want %d", x, r, p, got, want)
		}
	})
}
