package perp

import (
	"encoding/json"
	"fmt"
	"testing"
)

// BenchmarkSnapshot measures a checkpoint of the venue in the middle of
// the default crash (after 40 ticks: auctions running, losses covered) at
// 10,000 and 100,000 accounts (issue 14 item 5): Snapshot+Marshal is what
// a primary spends writing one, Unmarshal+RestoreModel what a standby
// spends loading it (validation, the rng's draws and the full Check
// included); bytes is the snapshot's JSON size. Setup (the run to tick 40)
// is not timed.
func BenchmarkSnapshot(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		cfg := Config{Accounts: n}
		var m *Model
		setup := func(b *testing.B) *Model {
			if m != nil {
				return m
			}
			var err error
			if m, err = New(cfg, 1); err != nil {
				b.Fatal(err)
			}
			for _, tk := range crashTicks(b, cfg, 1)[:40] {
				if err := m.Step(tk); err != nil {
					b.Fatal(err)
				}
			}
			return m
		}
		b.Run(fmt.Sprintf("write/accounts=%d", n), func(b *testing.B) {
			m := setup(b)
			b.ResetTimer()
			var size int
			for i := 0; i < b.N; i++ {
				s, err := m.Snapshot()
				if err != nil {
					b.Fatal(err)
				}
				raw, err := json.Marshal(s)
				if err != nil {
					b.Fatal(err)
				}
				size = len(raw)
			}
			b.ReportMetric(float64(size), "bytes")
		})
		b.Run(fmt.Sprintf("restore/accounts=%d", n), func(b *testing.B) {
			s, err := setup(b).Snapshot()
			if err != nil {
				b.Fatal(err)
			}
			raw, err := json.Marshal(s)
			if err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				var back ModelSnapshot
				if err := json.Unmarshal(raw, &back); err != nil {
					b.Fatal(err)
				}
				if _, err := RestoreModel(cfg, back); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(raw)), "bytes")
		})
	}
}
