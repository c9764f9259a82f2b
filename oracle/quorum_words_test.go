package oracle

import (
	"strings"
	"testing"
	"time"
)

// A missed quorum is told in words a person reads: "1 usable quote", not
// "1 usable quotes" (issue 11 item 7; the programs print this error).
func TestNoQuorumCountsInWords(t *testing.T) {
	a, err := NewAggregator(AggregatorSettings{MaxAge: time.Minute, MinSources: 2})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		quotes []Quote
		want   string
	}{
		{[]Quote{qt("a", "100", 0)}, "1 usable quote, need 2"},
		{[]Quote{qt("a", "100", time.Hour)}, "no usable quote, need 2"},
	} {
		_, err := a.Aggregate(t0, tc.quotes)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("err = %v, want it to say %q", err, tc.want)
		}
	}
}
