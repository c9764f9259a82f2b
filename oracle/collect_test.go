package oracle

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sony/gobreaker/v2"
)

type fakeSource struct {
	name  string
	fetch func(ctx context.Context) (Quote, error)
	calls atomic.Int32
}

func (f *fakeSource) Name() string { return f.name }
func (f *fakeSource) Fetch(ctx context.Context) (Quote, error) {
	f.calls.Add(1)
	return f.fetch(ctx)
}

func okSource(name, price string) *fakeSource {
	return &fakeSource{name: name, fetch: func(context.Context) (Quote, error) {
		return Quote{Price: d(price), Time: t0}, nil
	}}
}

var errDown = errors.New("exchange down")

func TestCollectQuotesAndErrorsInSourceOrder(t *testing.T) {
	slow := &fakeSource{name: "slow", fetch: func(ctx context.Context) (Quote, error) {
		<-ctx.Done()
		return Quote{}, ctx.Err()
	}}
	deaf := &fakeSource{name: "deaf", fetch: func(context.Context) (Quote, error) {
		time.Sleep(time.Second) // ignores ctx
		return Quote{Price: d("1"), Time: t0}, nil
	}}
	liar := &fakeSource{name: "liar", fetch: func(context.Context) (Quote, error) {
		return Quote{Source: "someone-else", Price: d("1"), Time: t0}, nil
	}}
	bad := &fakeSource{name: "bad", fetch: func(context.Context) (Quote, error) {
		return Quote{Price: d("-1"), Time: t0}, nil
	}}
	down := &fakeSource{name: "down", fetch: func(context.Context) (Quote, error) { return Quote{}, errDown }}
	c, err := NewCollector(CollectorSettings{Timeout: 150 * time.Millisecond},
		okSource("a", "100"), slow, deaf, liar, bad, down, okSource("b", "101"))
	if err != nil {
		t.Fatal(err)
	}
	got := c.Collect(context.Background())
	if len(got.Quotes) != 2 || got.Quotes[0].Source != "a" || got.Quotes[1].Source != "b" {
		t.Fatalf("quotes %v", got.Quotes)
	}
	want := []struct {
		src string
		err error
	}{{"slow", context.DeadlineExceeded}, {"deaf", context.DeadlineExceeded}, {"liar", ErrInvalidQuote}, {"bad", ErrInvalidQuote}, {"down", errDown}}
	if len(got.Errors) != len(want) {
		t.Fatalf("errors %v", got.Errors)
	}
	for i, w := range want {
		if got.Errors[i].Source != w.src || !errors.Is(got.Errors[i].Err, w.err) {
			t.Fatalf("error %d: %s %v, want %s %v", i, got.Errors[i].Source, got.Errors[i].Err, w.src, w.err)
		}
	}
}

func TestCollectBreakerOpensAfterThreshold(t *testing.T) {
	down := &fakeSource{name: "down", fetch: func(context.Context) (Quote, error) { return Quote{}, errDown }}
	c, err := NewCollector(CollectorSettings{FailureThreshold: 3, OpenTimeout: time.Hour}, down, okSource("a", "1"))
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 5; i++ {
		got := c.Collect(context.Background())
		e := got.Errors[0].Err
		if open := IsBreakerOpen(e); open != (i > 3) {
			t.Fatalf("call %d: breaker open %t (%v)", i, open, e)
		}
		if i > 3 && !errors.Is(e, gobreaker.ErrOpenState) {
			t.Fatalf("call %d: %v", i, e)
		}
	}
	if n := down.calls.Load(); n != 3 {
		t.Fatalf("source called %d times; an open breaker must not call it", n)
	}
	h := c.Health()
	if h[0].State != BreakerOpen || h[1].State != BreakerClosed {
		t.Fatalf("health %v", h)
	}
}

func TestCollectCancelledContext(t *testing.T) {
	a := okSource("a", "1")
	c, _ := NewCollector(CollectorSettings{}, a)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	got := c.Collect(ctx)
	if len(got.Errors) != 1 || !errors.Is(got.Errors[0].Err, context.Canceled) || a.calls.Load() != 0 {
		t.Fatalf("%v, %d calls", got.Errors, a.calls.Load())
	}
}

func TestNewCollectorRejects(t *testing.T) {
	for name, srcs := range map[string][]Source{
		"none":      nil,
		"nil":       {nil},
		"unnamed":   {okSource("", "1")},
		"duplicate": {okSource("a", "1"), okSource("a", "2")},
		"no func":   {SourceFunc{ID: "f"}},
	} {
		if _, err := NewCollector(CollectorSettings{}, srcs...); !errors.Is(err, ErrInvalidSettings) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := NewCollector(CollectorSettings{Timeout: -1}, okSource("a", "1")); !errors.Is(err, ErrInvalidSettings) {
		t.Error("negative timeout accepted")
	}
}

func TestSourceFunc(t *testing.T) {
	src := SourceFunc{ID: "f", Fn: func(context.Context) (Quote, error) { return Quote{Price: d("7"), Time: t0}, nil }}
	c, err := NewCollector(CollectorSettings{}, src)
	if err != nil {
		t.Fatal(err)
	}
	got := c.Collect(context.Background())
	if len(got.Quotes) != 1 || got.Quotes[0].Source != "f" || !got.Quotes[0].Price.Equal(d("7")) {
		t.Fatalf("%+v", got)
	}
}
