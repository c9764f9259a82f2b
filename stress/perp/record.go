package perp

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/backstop"
	"github.com/failsafe-fi/failsafe/breaker"
	"github.com/failsafe-fi/failsafe/oracle"
)

// EventKind says what an Event reports.
type EventKind string

const (
	// EventRefused: the oracle started refusing a source's quotes
	// (Subject the source, Reason why, Price the quote, Reference the
	// median it was judged against). Reported when a refusal starts, not
	// again while it lasts.
	EventRefused EventKind = "refused"
	// EventFeed: the feed's status changed (From → To), with the mark
	// (Price) and, when a tier failed, why (Reason).
	EventFeed EventKind = "feed"
	// EventNoPrice: a tick without a fresh mark began a stretch in which
	// margin and liquidations wait (Reason: the feed's error).
	EventNoPrice EventKind = "no-price"
	// EventBreaker: the market breaker's state changed (From → To;
	// Reason its action, Band the band it judged by).
	EventBreaker EventKind = "breaker"
	// EventLayer: the waterfall drew on a layer (Subject) for the first
	// time: Amount drawn of a Loss.
	EventLayer EventKind = "layer"
)

// Event is one thing the venue did inside a Step that a narrator reports,
// delivered to the Observer as it happens (the Step's return stays an
// error, as stress.Model wants).
type Event struct {
	Time      time.Time
	Kind      EventKind
	Subject   string          // the source, market or layer
	From, To  string          // the status or state before and after
	Reason    string          // why: a refusal's reason, a tier's error, a breaker's action, a feed's error
	Band      string          // EventBreaker: the band, as the breaker prints it
	Price     decimal.Decimal // the quote (EventRefused) or the mark (EventFeed)
	Reference decimal.Decimal // EventRefused: the median
	Amount    decimal.Decimal // EventLayer: drawn
	Loss      decimal.Decimal // EventLayer: the loss it was drawn for
}

// LogValue renders the event for log/slog.
func (e Event) LogValue() slog.Value {
	return slog.GroupValue(slog.Time("time", e.Time), slog.String("kind", string(e.Kind)), slog.String("subject", e.Subject),
		slog.String("from", e.From), slog.String("to", e.To), slog.String("reason", e.Reason), slog.String("band", e.Band),
		slog.String("price", e.Price.String()), slog.String("reference", e.Reference.String()),
		slog.String("amount", e.Amount.String()), slog.String("loss", e.Loss.String()))
}

// Observer hears the venue's events (see Venue.Observe). It must only
// read.
type Observer func(Event)

// recorder follows the oracle and the breaker from tick to tick (what is
// refused, whether the mark is fresh, whether liquidations may run),
// counts what the report needs, and tells the observer of every change.
type recorder struct {
	v          *Venue
	obs        Observer
	now        time.Time
	status     oracle.Status
	state      breaker.MarketState
	refusing   []string // source:reason refused at the previous update
	priceless  bool
	acted      bool // this tick had a fresh mark and the breaker allowed liquidations
	layersUsed []string
}

func (r *recorder) emit(e Event) {
	if r.obs != nil {
		e.Time = r.now
		r.obs(e)
	}
}

// oracle counts the feed's refusals, reports those that start and the
// status when it changes.
func (r *recorder) oracle(u oracle.FeedUpdate) {
	var now []string
	for _, tier := range u.Tiers {
		for _, q := range tier.Result.Rejected {
			r.v.stats.refused[q.Reason]++
			key := q.Quote.Source + ":" + q.Reason.String()
			now = append(now, key)
			if !contains(r.refusing, key) {
				r.emit(Event{Kind: EventRefused, Subject: q.Quote.Source, Reason: q.Reason.String(), Price: q.Quote.Price, Reference: tier.Result.Reference})
			}
		}
	}
	r.refusing = now
	if u.Status != r.status {
		why := ""
		for _, t := range u.Tiers {
			if t.Error != "" {
				why = r.tierWhy(t)
			}
		}
		r.emit(Event{Kind: EventFeed, Subject: Market, From: r.status.String(), To: u.Status.String(), Price: u.Price, Reason: why})
		r.status = u.Status
	}
}

// tierWhy says why an oracle tier failed. A missed quorum is told from the
// outcome's numbers, so that one quote reads "1 quote", not "1 quotes";
// anything else is the library's own text.
func (r *recorder) tierWhy(t oracle.TierOutcome) string {
	if errors.Is(t.Err, oracle.ErrNoQuorum) {
		for _, tier := range r.v.set.feed.Tiers {
			if tier.Name == t.Tier {
				n := len(t.Result.Used)
				noun := "usable quotes"
				if n == 1 {
					noun = "usable quote"
				}
				return fmt.Sprintf("oracle: below quorum: %d %s left, need %d", n, noun, tier.Aggregation.MinSources)
			}
		}
	}
	return t.Error
}

// noPrice counts a tick without a fresh mark and reports the first of a
// stretch: nothing acts on it.
func (r *recorder) noPrice(err error) error {
	r.v.stats.noPrice++
	if !r.priceless {
		r.emit(Event{Kind: EventNoPrice, Subject: Market, Reason: err.Error()})
	}
	r.priceless = true
	return nil
}

// breaker counts the band's state changes and held ticks, and reports the
// changes.
func (r *recorder) breaker(d breaker.Decision) {
	r.priceless, r.acted = false, d.Allowed()
	if d.State != r.state {
		switch d.State {
		case breaker.Limit:
			r.v.stats.limits++
		case breaker.Paused:
			r.v.stats.pauses++
		}
		r.emit(Event{Kind: EventBreaker, Subject: Market, From: r.state.String(), To: d.State.String(),
			Reason: fmt.Sprint(d.Action), Band: fmt.Sprint(d.Band)})
		r.state = d.State
	}
	if !d.Allowed() {
		r.v.stats.held++
	}
}

// layer reports the first draw on each layer.
func (r *recorder) layer(d backstop.Draw, loss decimal.Decimal) {
	if contains(r.layersUsed, d.Layer) {
		return
	}
	r.layersUsed = append(r.layersUsed, d.Layer)
	r.emit(Event{Kind: EventLayer, Subject: d.Layer, Amount: d.Drawn, Loss: loss})
}

// stale reports whether this tick had no fresh mark or a source refused as
// stale.
func (r *recorder) stale() bool {
	stale := r.priceless
	for _, s := range r.refusing {
		stale = stale || strings.HasSuffix(s, ":stale")
	}
	return stale
}

// contains reports whether list holds s.
func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
