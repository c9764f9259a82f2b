package breaker

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

// TestRestoredTriggerAnswersAsTheOriginal is the regression test of the
// defect TestReplayLevel found (issue 14): the breaker kept times as the
// host passed them, so a tripped LevelTrigger's Result.Since came back in
// the host's zone from the primary and in UTC from a standby restored from
// its snapshot, and an ErrTimeWentBack error printed the last call's time
// with its monotonic reading on the primary only. Both now answer alike.
func TestRestoredTriggerAnswersAsTheOriginal(t *testing.T) {
	s := LevelSettings{Trip: decimal.NewFromInt(100), Reset: decimal.NewFromInt(90), MinTripped: time.Hour}
	est := time.FixedZone("EST", -5*3600)
	mono := time.Now()
	at := func(d time.Duration) time.Time { // 2026-03-02 09:30 UTC + d, in EST with a monotonic reading
		return mono.Add(time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC).Add(d).Sub(mono)).In(est)
	}
	primary, err := NewLevel(s)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := primary.Observe(at(0), decimal.NewFromInt(101)); err != nil {
		t.Fatal(err)
	}
	standby, err := RestoreLevel(s, viaJSON(t, primary.Snapshot()))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name  string
		now   time.Time
		value decimal.Decimal
	}{
		{"time going back: the error names the last call", at(-time.Second), decimal.NewFromInt(95)},
		{"holding: Result.Since", at(time.Minute), decimal.NewFromInt(95)},
	} {
		t.Run(c.name, func(t *testing.T) {
			answer := func(l *LevelTrigger) string {
				r, err := l.Observe(c.now, c.value)
				b, _ := json.Marshal(r)
				if err != nil {
					b = append(b, " error: "+err.Error()...)
				}
				return string(b)
			}
			if p, s := answer(primary), answer(standby); p != s {
				t.Fatalf("primary answered\n%s\nstandby\n%s", p, s)
			}
		})
	}
}
