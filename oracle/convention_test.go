package oracle

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

// Issue 11 item 4: every error wraps its package sentinel once, and the
// "oracle: " prefix appears once, at the start (the defect seen elsewhere:
// "tier \"x\": oracle: invalid settings: ..." and "invariant: oracle:
// invalid snapshot: ...", "oracle: invariant: used oracle: invalid quote").
func TestErrorsWrapOneSentinelOnce(t *testing.T) {
	bad := testFeedSettings()
	bad.Tiers[0].Aggregation.MaxAge = 0
	f := mustFeed(t, testFeedSettings())
	broken := mustFeed(t, testFeedSettings())
	broken.st = feedState{has: true, price: d("-1"), status: StatusLive, active: "primary", at: t0, observed: t0, lastUpdate: t0}
	o, _ := NewDelayed(DelayedSettings{Hop: time.Hour})
	o.st.hasCur = true
	e, _ := NewEMA(EMASettings{HalfLife: time.Hour})
	e.st = emaState{has: true, value: d("5"), price: d("9"), min: d("5"), max: d("6"), t: t0}
	w, _ := NewTWAP(TWAPSettings{Window: time.Hour})
	w.obs = []Observation{{Time: t0, Price: d("1")}, {Time: t0, Price: d("1")}}
	panicky := SourceFunc{ID: "p", Fn: func(context.Context) (Quote, error) { panic("boom") }}
	liar := SourceFunc{ID: "l", Fn: func(context.Context) (Quote, error) { return Quote{Source: "x", Price: d("1"), Time: t0}, nil }}
	junk := SourceFunc{ID: "j", Fn: func(context.Context) (Quote, error) { return Quote{Price: d("-1"), Time: t0}, nil }}
	c, err := NewCollector(CollectorSettings{}, panicky, liar, junk)
	if err != nil {
		t.Fatal(err)
	}
	col := c.Collect(context.Background())
	if len(col.Errors) != 3 {
		t.Fatalf("collect: %+v", col)
	}
	var nilSrc *SourceFunc
	errs := map[string]struct {
		err  error
		want error
	}{
		"tier settings":       {second(NewFeed(bad)), ErrInvalidSettings},
		"aggregator settings": {second(NewAggregator(AggregatorSettings{})), ErrInvalidSettings},
		"TWAP scale":          {second(NewTWAP(TWAPSettings{Window: time.Hour, Scale: 99})), ErrInvalidSettings},
		"EMA scale":           {second(NewEMA(EMASettings{HalfLife: time.Hour, Scale: -1})), ErrInvalidSettings},
		"restore feed":        {second(RestoreFeed(testFeedSettings(), FeedSnapshot{HasPrice: true})), ErrInvalidSnapshot},
		"restore TWAP":        {second(RestoreTWAP(TWAPSettings{Window: time.Hour}, TWAPSnapshot{Observations: []Observation{{Price: d("1")}}})), ErrInvalidSnapshot},
		"restore EMA":         {second(RestoreEMA(EMASettings{HalfLife: time.Hour}, EMASnapshot{HasValue: true})), ErrInvalidSnapshot},
		"restore delayed":     {second(RestoreDelayed(DelayedSettings{Hop: time.Hour}, DelayedSnapshot{HasCurrent: true})), ErrInvalidSnapshot},
		"feed invariants":     {broken.CheckInvariants(), ErrInvariant},
		"delayed invariants":  {o.CheckInvariants(), ErrInvariant},
		"EMA invariants":      {e.CheckInvariants(), ErrInvariant},
		"TWAP invariants":     {w.CheckInvariants(), ErrInvariant},
		"check result":        {CheckResult(t0, AggregatorSettings{MaxAge: time.Minute}, Result{Used: []Quote{{Source: "a", Price: d("-1"), Time: t0}}}), ErrInvariant},
		"check result quorum": {CheckResult(t0, AggregatorSettings{MaxAge: time.Minute}, Result{}), ErrInvariant},
		"quote":               {Quote{Source: "a", Price: d("-1"), Time: t0}.Validate(), ErrInvalidQuote},
		"update zero time":    {second(f.Update(time.Time{}, nil)), ErrInvalidInput},
		"unknown market":      {second(Feeds{}.Price(t0, "X")), ErrUnknownMarket},
		"median":              {second(Median(nil, 0)), ErrInvalidInput},
		"collect panic":       {col.Errors[0].Err, ErrSourceFailed},
		"collect mismatch":    {col.Errors[1].Err, ErrInvalidQuote},
		"collect invalid":     {col.Errors[2].Err, ErrInvalidQuote},
		"collector nil":       {second(NewCollector(CollectorSettings{}, nilSrc)), ErrInvalidSettings},
		"reason json":         {new(Reason).UnmarshalJSON([]byte(`"nope"`)), ErrInvalidSnapshot},
		"poke absurd":         {second(o.Poke(t0, decimal.New(1, 9999))), ErrInvalidInput},
	}
	for name, tc := range errs {
		if !errors.Is(tc.err, tc.want) {
			t.Errorf("%s: %v does not wrap %v", name, tc.err, tc.want)
			continue
		}
		msg := tc.err.Error()
		if !strings.HasPrefix(msg, "oracle: ") || strings.Count(msg, "oracle:") != 1 {
			t.Errorf("%s: %q: the package prefix must appear once, at the start", name, msg)
		}
	}
	if !strings.Contains(col.Errors[0].Err.Error(), `source "p": panic: boom`) {
		t.Errorf("panic error %q does not name the source", col.Errors[0].Err)
	}
}

func second[T any](_ T, err error) error { return err }
