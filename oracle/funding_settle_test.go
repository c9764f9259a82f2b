package oracle

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/failsafe-fi/failsafe/internal/testkit"
)

// A settlement before the last one plus Interval is refused: funding is
// paid once per interval, not once per distinct instant (review of issue
// 15: Settle(t0) then Settle(t0+1ns) both paid).
func TestFundingSettleOncePerInterval(t *testing.T) {
	for _, tc := range []struct {
		name   string
		s      FundingSettings
		sample bool          // take one sample before each settlement
		gap    time.Duration // from the first settlement to the second
		ok     bool
	}{
		{"dYdX no samples, 1ns later", DYDXFunding("ETH-USD", d("0.0001"), d("0.18")), false, time.Nanosecond, false},
		{"dYdX no samples, 59m59s later", DYDXFunding("ETH-USD", d("0.0001"), d("0.18")), false, time.Hour - time.Second, false},
		{"dYdX no samples, one hour later", DYDXFunding("ETH-USD", d("0.0001"), d("0.18")), false, time.Hour, true},
		{"Binance one sample, 3s later", BinanceFunding("BTCUSDT", d("0.004875")), true, 2 * time.Second, false},
		{"Binance one sample, 8h later", BinanceFunding("BTCUSDT", d("0.004875")), true, 8 * time.Hour, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := NewFunding(tc.s)
			if err != nil {
				t.Fatal(err)
			}
			first := t0.Add(time.Second)
			if tc.sample {
				if err := f.Sample(t0, d("0.001")); err != nil {
					t.Fatal(err)
				}
			}
			if _, _, err := f.Settle(first); err != nil {
				t.Fatal(err)
			}
			second := first.Add(tc.gap)
			if tc.sample {
				if err := f.Sample(second.Add(-time.Nanosecond), d("0.001")); err != nil {
					t.Fatal(err)
				}
			}
			before := f.Snapshot()
			_, evs, err := f.Settle(second)
			if tc.ok {
				if err != nil || len(evs) != 1 {
					t.Fatalf("settle one interval later: %v, %d events", err, len(evs))
				}
				return
			}
			if !errors.Is(err, ErrOutOfOrder) || evs != nil {
				t.Fatalf("second settlement %s after the first: %v, %d events; want ErrOutOfOrder", tc.gap, err, len(evs))
			}
			if diff := cmp.Diff(before, f.Snapshot(), testkit.EquateDecimals); diff != "" {
				t.Errorf("refused settlement changed the state:\n%s", diff)
			}
		})
	}
}
