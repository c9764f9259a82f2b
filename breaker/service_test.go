package breaker

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/sony/gobreaker/v2"
)

var errDown = errors.New("dependency down")

func TestServiceTripsAndRecovers(t *testing.T) {
	var got []Event
	svc, err := NewService[int](ServiceSettings{Name: "price-source", TripAfter: 3, OpenTimeout: 30 * time.Millisecond, MaxHalfOpen: 2})
	if err != nil {
		t.Fatal(err)
	}
	ok := func() (int, error) { return 1, nil }
	fail := func() (int, error) { return 0, errDown }
	exec := func(req func() (int, error)) error {
		_, ev, err := svc.Execute(req)
		got = append(got, ev...)
		return err
	}
	_ = exec(ok)
	for i := 0; i < 3; i++ {
		if err := exec(fail); !errors.Is(err, errDown) {
			t.Fatal(err)
		}
	}
	if svc.State() != ServiceOpen {
		t.Fatalf("state %s, want open", svc.State())
	}
	if len(got) != 1 || got[0].From != "closed" || got[0].To != "open" {
		t.Fatalf("events %+v", got)
	}
	if want := (ServiceCounts{Requests: 4, Successes: 1, Failures: 3, ConsecutiveFailures: 3}); *got[0].Counts != want {
		t.Fatalf("counts at trip %+v, want %+v", got[0].Counts, want)
	}
	if err := exec(ok); !errors.Is(err, ErrOpen) || !errors.Is(err, gobreaker.ErrOpenState) {
		t.Fatalf("open: %v", err)
	}
	time.Sleep(40 * time.Millisecond)
	if svc.State() != ServiceHalfOpen {
		t.Fatalf("state %s, want half-open", svc.State())
	}
	_ = exec(ok)
	_ = exec(ok)
	if svc.State() != ServiceClosed {
		t.Fatalf("state %s, want closed", svc.State())
	}
	last := got[len(got)-1]
	if last.From != "half-open" || last.To != "closed" || last.Counts.ConsecutiveSuccesses != 2 {
		t.Fatalf("last event %+v", last)
	}
	// closed→open, open→half-open (seen by State, returned by the next
	// Execute), half-open→closed: nothing lost.
	if len(got) != 3 || got[1].From != "open" || got[1].To != "half-open" {
		t.Fatalf("events %v", got)
	}
}

func TestServiceHalfOpenFailureCounts(t *testing.T) {
	var events []Event
	svc, _ := NewService[int](ServiceSettings{TripAfter: 1, OpenTimeout: 10 * time.Millisecond, MaxHalfOpen: 3})
	exec := func(req func() (int, error)) {
		_, ev, _ := svc.Execute(req)
		events = append(events, ev...)
	}
	exec(func() (int, error) { return 0, errDown })
	time.Sleep(20 * time.Millisecond)
	exec(func() (int, error) { return 0, nil })
	exec(func() (int, error) { return 0, errDown })
	last := events[len(events)-1]
	if last.From != "half-open" || last.To != "open" {
		t.Fatalf("events %+v", events)
	}
	if want := (ServiceCounts{Requests: 2, Successes: 1, Failures: 1, ConsecutiveFailures: 1}); *last.Counts != want {
		t.Fatalf("counts %+v, want %+v", last.Counts, want)
	}
}

func TestServiceForce(t *testing.T) {
	svc, _ := NewService[string](ServiceSettings{TripAfter: 1})
	var log []Event
	rec := func(ev []Event, err error) error { log = append(log, ev...); return err }
	calls := 0
	req := func() (string, error) { calls++; return "x", errDown }
	if err := rec(svc.ForceOpen("", "ops")); !errors.Is(err, ErrInvalidInput) {
		t.Fatal("force without a reason accepted")
	}
	if err := rec(svc.ForceOpen("custody maintenance", "ops:alice")); err != nil {
		t.Fatal(err)
	}
	if _, _, err := svc.Execute(req); !errors.Is(err, ErrForcedOpen) || calls != 0 {
		t.Fatalf("forced open: %v, calls %d", err, calls)
	}
	snap := svc.Snapshot()
	restored, err := RestoreService[string](ServiceSettings{TripAfter: 1}, snap)
	if err != nil || restored.State() != ServiceForcedOpen {
		t.Fatalf("restore: %v %v", err, restored)
	}
	if err := rec(svc.ForceClosed("failover drill", "ops:bob")); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 5; i++ {
		_, _, _ = svc.Execute(req) // failures are not counted while forced closed
	}
	if calls != 5 || svc.State() != ServiceForcedClosed {
		t.Fatalf("forced closed: calls %d state %s", calls, svc.State())
	}
	if err := rec(svc.Release("drill over", "ops:bob")); err != nil {
		t.Fatal(err)
	}
	if svc.State() != ServiceClosed || svc.Counts() != (ServiceCounts{}) {
		t.Fatalf("after release: %s %+v", svc.State(), svc.Counts())
	}
	if err := rec(svc.Release("again", "ops")); !errors.Is(err, ErrInvalidInput) {
		t.Fatal("release while not forced accepted")
	}
	var kinds []string
	for _, e := range log {
		kinds = append(kinds, e.From+"→"+e.To)
	}
	want := []string{"closed→forced-open", "forced-open→forced-closed", "forced-closed→closed"}
	if len(kinds) != len(want) {
		t.Fatalf("events %v, want %v", kinds, want)
	}
	for i := range want {
		if kinds[i] != want[i] {
			t.Fatalf("events %v, want %v", kinds, want)
		}
	}
	if _, err := RestoreService[string](ServiceSettings{}, ServiceSnapshot{Forced: ServiceOpen}); !errors.Is(err, ErrInvalidSnapshot) {
		t.Fatal("bad snapshot accepted")
	}
}

func TestServiceConcurrent(t *testing.T) {
	svc, _ := NewService[int](ServiceSettings{TripAfter: 3, OpenTimeout: time.Millisecond})
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				_, _, _ = svc.Execute(func() (int, error) {
					if (i+g)%3 == 0 {
						return 0, errDown
					}
					return 1, nil
				})
				if i == 100 && g == 0 {
					_ = errOf(svc.ForceClosed("drill", "ops"))
					_ = errOf(svc.Release("drill", "ops"))
				}
			}
		}(g)
	}
	wg.Wait()
	_ = svc.State()
}
