package perp

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
)

// The tick's social book, kept up to date across its claims, gives the
// venue exactly what collecting the winners afresh for every claim gave
// (issue 12 item 1): same events, same report, on crashes deep enough
// that losses reach the haircut of winners' profits. Mutation seen
// failing: cover not updating the book for the accounts it changed
// (rewin skipped).
func TestSocialBookMatchesPerClaimRebuild(t *testing.T) {
	for _, c := range []struct {
		name string
		cfg  Config
		seed int64
	}{
		{"empty fund, -60%", Config{Accounts: 400, InsuranceFund: d("-1"), Crash: Crash{Depth: d("0.6")}}, 3},
		{"thin fund, -80%, no recovery", Config{Accounts: 500, InsuranceFund: d("1000"), Crash: Crash{Depth: d("0.8"), Recovery: d("-1")}}, 11},
		{"empty fund, -90% in a minute", Config{Accounts: 300, InsuranceFund: d("-1"), Crash: Crash{Depth: d("0.9"), Minutes: 1}}, 5},
	} {
		t.Run(c.name, func(t *testing.T) {
			book := mustRun(t, c.cfg, c.seed)
			rebuildPerClaim = true
			defer func() { rebuildPerClaim = false }()
			fresh := mustRun(t, c.cfg, c.seed)
			if !book.rep.SocialisedLoss.IsPositive() {
				t.Fatalf("no socialised loss: the case tests nothing (%+v)", book.rep)
			}
			if diff := cmp.Diff(fresh.events, book.events); diff != "" {
				t.Errorf("events differ (-per claim +book):\n%s", diff)
			}
			if diff := cmp.Diff(fresh.rep, book.rep, cmp.Comparer(func(a, b decimal.Decimal) bool { return a.Equal(b) })); diff != "" {
				t.Errorf("reports differ (-per claim +book):\n%s", diff)
			}
		})
	}
}
