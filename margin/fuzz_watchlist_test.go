package margin

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/testkit"
)

// A watchlist snapshot and a tick price are host input (a standby restores
// what the primary wrote; prices come from outside): whatever arrives,
// RestoreWatchlist refuses it or rebuilds a watchlist whose Snapshot is the
// input's (accounts sorted), and Tick refuses the price or returns sorted
// IDs, changing nothing when it refuses.
func FuzzWatchlistSnapshotAndTick(f *testing.F) {
	for _, s := range []string{
		`{"inputs":3,"accounts":[{"id":"a","state":"indexed","triggers":[{"key":"X","below":true,"price":"95"}]},{"id":"b","state":"due"}]}`,
		`{"accounts":[{"id":"a","state":"always"},{"id":"a","state":"due"}]}`,
		`{"accounts":[{"id":"a","state":"indexed","triggers":[{"key":"X","price":"1e2147483647"}]}]}`,
		`{"accounts":[{"id":"z","state":"quiet"},{"id":"c","state":"indexed","triggers":[{"key":"X","price":"101.5"},{"key":"C","below":true,"price":"3"}]}]}`,
	} {
		f.Add([]byte(s), "X", "96")
	}
	c, err := New(Settings{Markets: []Market{{ID: "X", Tiers: binanceBTC()}}, Prices: StaticPrices{"X": d("100")}})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte, key, price string) {
		var s WatchlistSnapshot
		if json.Unmarshal(data, &s) != nil {
			return
		}
		w, err := RestoreWatchlist(c, s)
		if err != nil {
			return
		}
		got := w.Snapshot()
		if len(got.Accounts) != len(s.Accounts) || got.Inputs != s.Inputs {
			t.Fatalf("restore lost accounts: %d → %d", len(s.Accounts), len(got.Accounts))
		}
		p, err := decimal.NewFromString(price)
		if err != nil {
			return
		}
		before := w.Snapshot()
		ids, err := w.Tick(key, p)
		if err != nil {
			if diff := cmp.Diff(before, w.Snapshot(), testkit.EquateDecimals); diff != "" {
				t.Fatalf("refused tick changed the watchlist:\n%s", diff)
			}
			return
		}
		for i := 1; i < len(ids); i++ {
			if ids[i-1] >= ids[i] {
				t.Fatalf("ids not sorted and distinct: %q", ids)
			}
		}
	})
}
