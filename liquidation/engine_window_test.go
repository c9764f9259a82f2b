package liquidation

import (
	"errors"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

// TestPropRestoreThrottleWindow: RestoreEngine's check of the throttle
// window (one sliding pass) refuses a snapshot exactly when some window
// ending at an entry holds more than MaxCount entries or more than
// MaxNotional, counted plainly over every pair. Mutations seen failing:
// the window's left edge kept (lo never advances) and the edge moved by a
// nanosecond (an entry exactly one Window old counted in).
func TestPropRestoreThrottleWindow(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		window := time.Duration(rapid.IntRange(1, 10).Draw(t, "window s")) * time.Second
		s := EngineSettings{Window: window, MaxCount: rapid.IntRange(1, 4).Draw(t, "max count"),
			MaxNotional: decimal.NewFromInt(int64(rapid.IntRange(1, 40).Draw(t, "max notional")))}
		base := time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC)
		var recent []ThrottleEntry
		at := base
		for i, n := 0, rapid.IntRange(0, 12).Draw(t, "entries"); i < n; i++ {
			at = at.Add(time.Duration(rapid.IntRange(0, 6).Draw(t, "gap s")) * time.Second)
			recent = append(recent, ThrottleEntry{Time: at, Notional: decimal.NewFromInt(int64(rapid.IntRange(1, 12).Draw(t, "notional")))})
		}
		over := false
		for i, r := range recent {
			n, sum := 0, decimal.Zero
			for _, q := range recent[:i+1] {
				if q.Time.After(r.Time.Add(-window)) {
					n++
					sum = sum.Add(q.Notional)
				}
			}
			over = over || n > s.MaxCount || sum.GreaterThan(s.MaxNotional)
		}
		_, err := RestoreEngine(s, EngineSnapshot{Last: at, Dirt: decimal.Zero, Recent: recent})
		if over != (err != nil) || (over && !errors.Is(err, ErrInvalidSnapshot)) {
			t.Fatalf("window %s, max %d / %s, entries %v: over %v, restore %v", window, s.MaxCount, s.MaxNotional, recent, over, err)
		}
	})
}
