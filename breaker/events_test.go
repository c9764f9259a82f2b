package breaker

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

// An undrained queue stays bounded, keeps the newest events in order and
// says how many it dropped.
func TestEventQueueBounded(t *testing.T) {
	var q eventQueue
	const n = 3*maxQueuedEvents + 17
	for i := 0; i < n; i++ {
		q.add(Event{Time: t0.Add(time.Duration(i)), Kind: EventState})
		if len(q.q) > maxQueuedEvents {
			t.Fatalf("queue grew to %d", len(q.q))
		}
	}
	got := q.drain()
	if q.dropped != 0 {
		t.Fatal("drain did not reset the drop count")
	}
	if !got[len(got)-1].Time.Equal(t0.Add(n - 1)) {
		t.Fatalf("newest event lost: %s", got[len(got)-1])
	}
	for i := 1; i < len(got); i++ {
		if got[i].Time.Sub(got[i-1].Time) != 1 {
			t.Fatalf("events out of order or with a gap at %d", i)
		}
	}
	dropped := n - len(got)
	if !strings.Contains(got[0].Reason, "dropped") || !strings.Contains(got[0].Reason, strconv.Itoa(dropped)) {
		t.Fatalf("first event %q does not report %d dropped", got[0].Reason, dropped)
	}
	if q.drain() != nil {
		t.Fatal("second drain not empty")
	}
}
