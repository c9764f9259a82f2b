package breaker

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/failsafe-fi/failsafe/internal/testkit"
)

// Every state the limiter accepts can be restored: three inflows of 9e35
// each were accepted and the snapshot then refused to restore ("more than
// 36 integer digits"), so a standby could not take over (independent
// review of issue 10). The third is now refused and changes nothing.
func TestOutflowRefusesLiquidityOutOfRange(t *testing.T) {
	s := OutflowSettings{Asset: "USDC", LimitBeginThreshold: testkit.D("1")}
	l, err := NewOutflowLimiter(s)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
	big := testkit.D("300000000000000000000000000000000000") // 3e35
	var refused bool
	for i := 0; i < 5; i++ {
		before, _ := json.Marshal(l.Snapshot())
		if _, err := l.Inflow(now.Add(time.Duration(i)*time.Second), big); err != nil {
			if !errors.Is(err, ErrInvalidInput) {
				t.Fatalf("inflow %d: %v", i, err)
			}
			if after, _ := json.Marshal(l.Snapshot()); string(after) != string(before) {
				t.Fatalf("refused inflow %d changed the state", i)
			}
			refused = true
		}
		raw, _ := json.Marshal(l.Snapshot())
		var snap OutflowSnapshot
		if err := json.Unmarshal(raw, &snap); err != nil {
			t.Fatal(err)
		}
		if _, err := RestoreOutflowLimiter(s, snap); err != nil {
			t.Fatalf("after inflow %d the snapshot does not restore: %v", i, err)
		}
	}
	if !refused {
		t.Fatal("5 × 3e35 accepted: beyond the restorable range")
	}
	if _, err := NewOutflowLimiter(OutflowSettings{Asset: "X", TickLength: time.Nanosecond, WithdrawalPeriod: time.Hour}); !errors.Is(err, ErrInvalidSettings) {
		t.Fatalf("3.6e12 buckets per window: err = %v", err)
	}
}
