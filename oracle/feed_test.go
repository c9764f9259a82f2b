package oracle

import (
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/google/go-cmp/cmp"

	"github.com/failsafe-fi/failsafe/internal/testkit"
)

func testFeedSettings() FeedSettings {
	return FeedSettings{
		Tiers: []Tier{
			{Name: "primary", Sources: []string{"a", "b", "c"},
				Aggregation: AggregatorSettings{MaxAge: time.Minute, MinSources: 2, MaxDeviation: d("0.1")}},
			{Name: "backup", Sources: []string{"z"},
				Aggregation: AggregatorSettings{MaxAge: 5 * time.Minute}},
		},
		MaxAge:  2 * time.Minute,
		MaxJump: d("0.2"),
	}
}

func at(min int) time.Time { return t0.Add(time.Duration(min) * time.Minute) }

func qa(src, price string, when time.Time) Quote {
	return Quote{Source: src, Price: d(price), Time: when}
}

func mustFeed(t *testing.T, s FeedSettings) *Feed {
	t.Helper()
	f, err := NewFeed(s)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestFeedScenario(t *testing.T) {
	f := mustFeed(t, testFeedSettings())
	if _, err := f.Price(at(0)); !errors.Is(err, ErrNoPrice) {
		t.Fatalf("empty feed: %v", err)
	}
	type step struct {
		name       string
		now        time.Time
		quotes     []Quote
		accepted   bool
		price      string
		status     Status
		active     string
		tierErrors []error
	}
	steps := []step{
		{"primary live", at(0), []Quote{qa("a", "100", at(0)), qa("b", "102", at(0)), qa("z", "90", at(0))},
			true, "101", StatusLive, "primary", []error{nil}},
		{"primary loses quorum: fallback", at(1), []Quote{qa("a", "103", at(1)), qa("b", "102", at(-1)), qa("z", "104", at(1))},
			true, "104", StatusFallback, "backup", []error{ErrNoQuorum, nil}},
		{"primary back", at(2), []Quote{qa("a", "105", at(2)), qa("b", "105", at(2))},
			true, "105", StatusLive, "primary", []error{nil}},
		{"a 30% jump on every tier: rejected, last good kept", at(3), []Quote{qa("a", "137", at(3)), qa("b", "136", at(3)), qa("z", "136", at(3))},
			false, "105", StatusStale, "primary", []error{ErrJump, ErrJump}},
		{"no quotes at all: still stale", at(4), nil,
			false, "105", StatusStale, "primary", []error{ErrNoQuorum, ErrNoQuorum}},
		{"after MaxAge the last good is stale: re-anchor at the new level", at(6), []Quote{qa("a", "137", at(6)), qa("b", "136", at(6))},
			true, "136.5", StatusLive, "primary", []error{nil}},
	}
	for _, st := range steps {
		up, err := f.Update(st.now, st.quotes)
		if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if up.Accepted != st.accepted || !up.Price.Equal(d(st.price)) || up.Status != st.status || up.Active != st.active {
			t.Fatalf("%s: got accepted=%t %s %s %q", st.name, up.Accepted, up.Price, up.Status, up.Active)
		}
		if len(up.Tiers) != len(st.tierErrors) {
			t.Fatalf("%s: %d tiers tried, want %d", st.name, len(up.Tiers), len(st.tierErrors))
		}
		for i, want := range st.tierErrors {
			if got := up.Tiers[i].Err; (want == nil) != (got == nil) || (want != nil && !errors.Is(got, want)) {
				t.Fatalf("%s: tier %d error %v, want %v", st.name, i, got, want)
			}
		}
		if err := f.CheckInvariants(); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
	}
	if p, err := f.Price(at(8)); err != nil || !p.Equal(d("136.5")) {
		t.Fatalf("fresh read: %s %v", p, err)
	}
	if _, err := f.Price(at(8).Add(time.Nanosecond)); err != ErrStale {
		t.Fatalf("read past MaxAge: %v, want the bare ErrStale", err)
	}
	// A stale feed is not re-anchored by a fallback: the lone backup
	// source jumping 30% is still refused, and the read fails as stale.
	up, err := f.Update(at(12), []Quote{qa("z", "180", at(12))})
	if err != nil || up.Accepted || !errors.Is(up.Tiers[1].Err, ErrJump) {
		t.Fatalf("fallback re-anchored a stale feed: %+v %v", up, err)
	}
	if _, err := f.Price(at(12)); err != ErrStale {
		t.Fatalf("read after refused fallback: %v", err)
	}
}

// Every event has the one shape (issue 11 item 4): time, kind, subject
// (the feed's market), a structured transition in From/To, and prices as
// decimals, never text to parse. A quote whose source is in no tier is an
// EventUnknownSource, never silently dropped.
func TestFeedEvents(t *testing.T) {
	s := testFeedSettings()
	s.Market = "BTC-USD"
	f := mustFeed(t, s)
	up, _ := f.Update(at(0), []Quote{qa("a", "100", at(0)), qa("b", "100", at(0)), qa("q", "1", at(0)),
		{Source: "r", Price: decimal.New(1, 9999), Time: at(0)}})
	now := at(0)
	want := []Event{
		{Time: now, Kind: EventUnknownSource, Subject: "BTC-USD", Source: "q", Price: d("1"), Reason: "source is in no tier; quote ignored"},
		{Time: now, Kind: EventUnknownSource, Subject: "BTC-USD", Source: "r", Reason: "source is in no tier; quote ignored"}, // absurd price not carried
		{Time: now, Kind: EventAccepted, Subject: "BTC-USD", Tier: "primary", Price: d("100")},
		{Time: now, Kind: EventActive, Subject: "BTC-USD", To: "primary"},
		{Time: now, Kind: EventStatus, Subject: "BTC-USD", From: "empty", To: "live"},
	}
	if diff := cmp.Diff(want, up.Events, testkit.EquateDecimals); diff != "" {
		t.Fatal(diff)
	}
	up, _ = f.Update(at(1), []Quote{qa("a", "101", at(1)), qa("b", "101", at(1))})
	if diff := cmp.Diff([]Event{{Time: at(1), Kind: EventAccepted, Subject: "BTC-USD", Tier: "primary", Price: d("101"), Previous: d("100")}},
		up.Events, testkit.EquateDecimals); diff != "" {
		t.Fatal(diff)
	}
	h, _ := f.Halt(at(2), "governance")
	if diff := cmp.Diff(Event{Time: at(2), Kind: EventHalt, Subject: "BTC-USD", From: "live", To: "halted", Reason: "governance"}, h, testkit.EquateDecimals); diff != "" {
		t.Fatal(diff)
	}
	r, _ := f.Resume(at(3))
	if diff := cmp.Diff(Event{Time: at(3), Kind: EventResume, Subject: "BTC-USD", From: "halted", To: "stale"}, r, testkit.EquateDecimals); diff != "" {
		t.Fatal(diff)
	}
	// LogValue: one group, non-zero fields only, decimals as strings.
	var buf strings.Builder
	slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
		if len(groups) == 0 && a.Key == slog.TimeKey {
			return slog.Attr{}
		}
		return a
	}})).Info("feed", "event", want[2])
	if got, w := buf.String(), "level=INFO msg=feed event.time=2024-03-01T12:00:00.000Z event.kind=accepted event.subject=BTC-USD event.tier=primary event.price=100\n"; got != w {
		t.Fatalf("log line\n got %q\nwant %q", got, w)
	}
	if got := want[4].String(); got != "2024-03-01T12:00:00Z status subject=BTC-USD empty -> live" {
		t.Fatalf("String() = %q", got)
	}
}

func TestFeedHaltResume(t *testing.T) {
	f := mustFeed(t, testFeedSettings())
	if _, err := f.Update(at(0), []Quote{qa("a", "100", at(0)), qa("b", "100", at(0))}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Halt(at(1), "governance"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Price(at(1)); err != ErrHalted {
		t.Fatalf("halted read: %v", err)
	}
	before := f.Snapshot()
	if _, err := f.Update(at(1), []Quote{qa("a", "100", at(1)), qa("b", "100", at(1))}); !errors.Is(err, ErrHalted) {
		t.Fatalf("update while halted: %v", err)
	}
	if _, err := f.Halt(at(1), "again"); !errors.Is(err, ErrHalted) {
		t.Fatalf("double halt: %v", err)
	}
	if diff := cmp.Diff(before, f.Snapshot(), testkit.EquateDecimals); diff != "" {
		t.Fatalf("refused calls changed state: %s", diff)
	}
	if _, err := f.Resume(at(2)); err != nil {
		t.Fatal(err)
	}
	if p, err := f.Price(at(2)); err != nil || !p.Equal(d("100")) || f.Snapshot().Status != StatusStale {
		t.Fatalf("after resume: %s %v %s", p, err, f.Snapshot().Status)
	}
	if _, err := f.Resume(at(2)); !errors.Is(err, ErrInvalidInput) {
		t.Fatalf("resume when not halted: %v", err)
	}
}

func TestFeedBadInputChangesNothing(t *testing.T) {
	f := mustFeed(t, testFeedSettings())
	if _, err := f.Update(at(5), []Quote{qa("a", "100", at(5)), qa("b", "100", at(5))}); err != nil {
		t.Fatal(err)
	}
	before := f.Snapshot()
	if _, err := f.Update(at(4), []Quote{qa("a", "100", at(4)), qa("b", "100", at(4))}); !errors.Is(err, ErrOutOfOrder) {
		t.Fatalf("out of order: %v", err)
	}
	if _, err := f.Update(time.Time{}, nil); !errors.Is(err, ErrInvalidInput) {
		t.Fatalf("zero time: %v", err)
	}
	if _, err := f.Halt(at(4), "late"); !errors.Is(err, ErrOutOfOrder) {
		t.Fatalf("halt out of order: %v", err)
	}
	if diff := cmp.Diff(before, f.Snapshot(), testkit.EquateDecimals); diff != "" {
		t.Fatalf("bad calls changed state: %s", diff)
	}
}

func TestFeedSettingsRejected(t *testing.T) {
	ok := testFeedSettings()
	mod := func(f func(*FeedSettings)) FeedSettings {
		s := testFeedSettings()
		f(&s)
		return s
	}
	for name, s := range map[string]FeedSettings{
		"zero value":       {},
		"no MaxAge":        mod(func(s *FeedSettings) { s.MaxAge = 0 }),
		"negative jump":    mod(func(s *FeedSettings) { s.MaxJump = d("-0.1") }),
		"unnamed tier":     mod(func(s *FeedSettings) { s.Tiers[0].Name = "" }),
		"duplicate tier":   mod(func(s *FeedSettings) { s.Tiers[1].Name = "primary" }),
		"tier without src": mod(func(s *FeedSettings) { s.Tiers[1].Sources = nil }),
		"empty source":     mod(func(s *FeedSettings) { s.Tiers[1].Sources = []string{""} }),
		"source twice":     mod(func(s *FeedSettings) { s.Tiers[0].Sources = []string{"a", "a"} }),
		"bad tier guards":  mod(func(s *FeedSettings) { s.Tiers[0].Aggregation.MaxAge = 0 }),
	} {
		if _, err := NewFeed(s); !errors.Is(err, ErrInvalidSettings) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := NewFeed(ok); err != nil {
		t.Fatal(err)
	}
}

func TestRestoreFeedRejectsMalformed(t *testing.T) {
	s := testFeedSettings()
	good := FeedSnapshot{Price: d("100"), Time: at(0), ObservedAt: at(0), HasPrice: true, Status: StatusLive, Active: "primary", LastUpdate: at(0)}
	if _, err := RestoreFeed(s, good); err != nil {
		t.Fatal(err)
	}
	mod := func(f func(*FeedSnapshot)) FeedSnapshot { x := good; f(&x); return x }
	for name, snap := range map[string]FeedSnapshot{
		"negative price":         mod(func(x *FeedSnapshot) { x.Price = d("-1") }),
		"unknown tier":           mod(func(x *FeedSnapshot) { x.Active = "nope" }),
		"live on the backup":     mod(func(x *FeedSnapshot) { x.Active = "backup" }),
		"fallback on primary":    mod(func(x *FeedSnapshot) { x.Status = StatusFallback }),
		"price without has":      mod(func(x *FeedSnapshot) { x.HasPrice = false }),
		"status empty w/ price":  mod(func(x *FeedSnapshot) { x.Status = StatusEmpty }),
		"time after last update": mod(func(x *FeedSnapshot) { x.LastUpdate = at(-1) }),
		"unknown status":         mod(func(x *FeedSnapshot) { x.Status = 9 }),
	} {
		if _, err := RestoreFeed(s, snap); !errors.Is(err, ErrInvalidSnapshot) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// Concurrent readers and one writer: run with -race.
func TestFeedConcurrentReads(t *testing.T) {
	f := mustFeed(t, testFeedSettings())
	done := make(chan struct{})
	for r := 0; r < 4; r++ {
		go func() {
			defer func() { done <- struct{}{} }()
			for i := 0; i < 500; i++ {
				_, _ = f.Price(at(i % 20))
				_ = f.Snapshot()
			}
		}()
	}
	for i := 0; i < 200; i++ {
		now := t0.Add(time.Duration(i) * time.Second)
		if _, err := f.Update(now, []Quote{qa("a", "100", now), qa("b", "100.5", now)}); err != nil {
			t.Fatal(err)
		}
	}
	for r := 0; r < 4; r++ {
		<-done
	}
	if err := f.CheckInvariants(); err != nil {
		t.Fatal(err)
	}
}

func TestFeedsByMarket(t *testing.T) {
	f := mustFeed(t, testFeedSettings())
	if _, err := f.Update(at(0), []Quote{qa("a", "100", at(0)), qa("b", "102", at(0))}); err != nil {
		t.Fatal(err)
	}
	fs := Feeds{"ETH-USD": f}
	lookup := fs.Price // the method value a market-keyed consumer takes
	if p, err := lookup(at(1), "ETH-USD"); err != nil || !p.Equal(d("101")) {
		t.Fatalf("%s %v", p, err)
	}
	// Issue 11 item 4: an unknown market is an error of its own, never a
	// price and never confused with a feed that has none yet.
	if _, err := lookup(at(1), "BTC-USD"); !errors.Is(err, ErrUnknownMarket) || errors.Is(err, ErrNoPrice) {
		t.Fatalf("unknown market: %v", err)
	}
	if _, err := (Feeds{"X": nil}).Price(at(1), "X"); !errors.Is(err, ErrUnknownMarket) {
		t.Fatalf("nil feed: %v", err)
	}
	if _, err := lookup(at(10), "ETH-USD"); err != ErrStale {
		t.Fatalf("stale market: %v", err)
	}
}
