package breaker_test

import (
	"fmt"
	"time"

	"github.com/failsafe-fi/failsafe/breaker"
)

// A throttle whose state a consensus host replicates: Exact keeps it in
// integers (token-nanoseconds), so every node decides and snapshots the
// same, bit for bit.
func ExampleCountLimiter_exact() {
	l, err := breaker.NewCountLimiter(breaker.CountSettings{Name: "liquidations", Events: 3, Per: time.Second, Exact: true})
	if err != nil {
		panic(err)
	}
	t0 := time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC)
	for _, at := range []time.Duration{0, 0, 0, 0, 333_333_333, 333_333_334} {
		ok, _ := l.Allow(t0.Add(at))
		fmt.Printf("%-12s %v\n", at, ok)
	}
	s := l.Snapshot()
	fmt.Println("level (token-ns):", s.Level)
	// Output:
	// 0s           true
	// 0s           true
	// 0s           true
	// 0s           false
	// 333.333333ms false
	// 333.333334ms true
	// level (token-ns): 2
}
