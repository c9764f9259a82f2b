package oracle

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
)

// Event.String labels the Subject "subject=", as LogValue does: a
// Sequencer's events name the sequencer, not a market, so the old label
// "market=arbitrum" was wrong.
func TestEventStringLabelsSubject(t *testing.T) {
	at := time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)
	q, err := NewSequencer(SequencerSettings{Name: "arbitrum", GracePeriod: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	_, evs, err := q.Observe(at, SequencerRound{Answer: 1, StartedAt: at})
	if err != nil || len(evs) == 0 {
		t.Fatalf("Observe: %v, %d events", err, len(evs))
	}
	for name, c := range map[string]struct {
		e    Event
		want string
	}{
		"sequencer":  {evs[0], "2024-03-01T12:00:00Z sequencer subject=arbitrum unknown -> down: L2 sequencer uptime (Aave PriceOracleSentinel)"},
		"feed":       {Event{Time: at, Kind: EventStatus, Subject: "BTC-USD", From: "live", To: "stale"}, "2024-03-01T12:00:00Z status subject=BTC-USD live -> stale"},
		"no subject": {Event{Time: at, Kind: EventStop, From: "running", To: "stopped"}, "2024-03-01T12:00:00Z stop running -> stopped"},
	} {
		if got := c.e.String(); got != c.want {
			t.Errorf("%s: String() = %q, want %q", name, got, c.want)
		}
		if strings.Contains(c.e.String(), "market=") {
			t.Errorf("%s: String() still labels the subject market=", name)
		}
	}
}

// The scale rule is num.CheckScale's plus the oracle's own (no negative
// scale): both the Settings check and the pure functions' check use it.
func TestScaleCheckUsesNum(t *testing.T) {
	for _, c := range []struct {
		name  string
		scale int32
		want  error
	}{
		{"beyond num.MaxScale", num.MaxScale + 1, num.ErrOutOfRange},
		{"far beyond", 1 << 30, num.ErrOutOfRange},
		{"below −MaxIntDigits", -num.MaxIntDigits - 1, num.ErrOutOfRange},
		{"negative in num's range", -2, num.ErrNegative},
	} {
		if _, err := checkScale("Scale", c.scale); !errors.Is(err, c.want) {
			t.Errorf("%s: checkScale(%d) = %v, want %v", c.name, c.scale, err, c.want)
		}
		if err := checkValues("price", []decimal.Decimal{decimal.NewFromInt(1)}, c.scale); !errors.Is(err, c.want) || !errors.Is(err, ErrInvalidInput) {
			t.Errorf("%s: checkValues(scale %d) = %v, want %v", c.name, c.scale, err, c.want)
		}
	}
	if s, err := checkScale("Scale", 0); err != nil || s != DefaultScale {
		t.Errorf("checkScale(0) = %d, %v; want %d", s, err, DefaultScale)
	}
	if s, err := checkScale("Scale", num.MaxScale); err != nil || s != num.MaxScale {
		t.Errorf("checkScale(36) = %d, %v", s, err)
	}
}

// A funding event logs and prints its rate.
func TestEventFundingRate(t *testing.T) {
	at := time.Date(2024, 3, 1, 16, 0, 0, 0, time.UTC)
	e := Event{Time: at, Kind: EventFunding, Subject: "BTCUSDT", Rate: decimal.RequireFromString("-0.00012345")}
	if got, want := e.String(), "2024-03-01T16:00:00Z funding subject=BTCUSDT rate=-0.00012345"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	var rate string
	for _, a := range e.LogValue().Group() {
		if a.Key == "rate" {
			rate = a.Value.String()
		}
	}
	if rate != "-0.00012345" {
		t.Errorf("LogValue rate = %q", rate)
	}
}
