package main

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/stress/perp"
)

// narrator prints the story: one line per minute, plus a line whenever the
// oracle, the breaker or the waterfall changes what it is doing (the
// venue's events, perp.Event).
type narrator struct {
	w          io.Writer
	start, now time.Time // crash start and current tick
}

// clock renders now relative to the start of the crash.
func (n *narrator) clock() string {
	d := n.now.Sub(n.start)
	sign := "+"
	if d < 0 {
		sign, d = "-", -d
	}
	return fmt.Sprintf("t%s%02d:%02d", sign, int(d.Minutes()), int(d.Seconds())%60)
}

// printf writes one narrative line stamped with the clock.
func (n *narrator) printf(format string, args ...any) {
	fmt.Fprintf(n.w, "%s  %s\n", n.clock(), fmt.Sprintf(format, args...))
}

// event tells one of the venue's events.
func (n *narrator) event(e perp.Event) {
	switch e.Kind {
	case perp.EventRefused:
		n.printf("oracle refuses %s at %s: %s (median %s)", e.Subject, money(e.Price), e.Reason, money(e.Reference))
	case perp.EventFeed:
		why := ""
		if e.Reason != "" {
			why = " — " + e.Reason
		}
		n.printf("oracle feed %s → %s, mark %s%s", e.From, e.To, money(e.Price), why)
	case perp.EventNoPrice:
		n.printf("no fresh mark (%s): margin and liquidations wait", e.Reason)
	case perp.EventBreaker:
		n.printf("breaker %s → %s (%s, band %s)", e.From, e.To, e.Reason, e.Band)
	case perp.EventLayer:
		n.printf("waterfall reaches %s for the first time (%s of a %s loss)", e.Subject, money(e.Amount), money(e.Loss))
	}
}

// minuteLine prints the minute's summary.
func (n *narrator) minuteLine(m perp.Activity, t perp.Totals) {
	line := fmt.Sprintf("mark %10s  fund %12s  to liquidate %4d  auctions %3d running",
		money(t.Mark), money(t.Fund), t.Below, t.Running)
	if m.Kicks+m.Takes > 0 {
		line += fmt.Sprintf(", %d kicked, %d takes: %s BTC for %s", m.Kicks, m.Takes, m.Sold.StringFixed(3), money(m.Proceeds))
	}
	if m.Waiting > 0 {
		line += fmt.Sprintf(", %d held back by caps/throttle", m.Waiting)
	}
	n.printf("%s", line)
	if m.Claims > 0 {
		n.printf("    %d shortfalls %s ← fund %s, adl %s, social %s, uncovered %s",
			m.Claims, money(m.Losses), money(m.Fund), money(m.ADL), money(m.Social), money(m.Uncovered))
	}
}

// money renders an amount with thousands separators and two places
// (display only: the ledger keeps every digit).
func money(d decimal.Decimal) string {
	s := d.StringFixed(2)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	intPart, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	out := b.String() + "." + frac
	if neg {
		out = "-" + out
	}
	return out
}

// move renders a crash depth as the price's move in percent with its
// sign: 0.35 → "-35%" (minus is the sign to write), −0.3 → "+30%".
func move(depth decimal.Decimal, minus string) string {
	pct := depth.Shift(2)
	if depth.IsNegative() {
		return "+" + pct.Neg().String() + "%"
	}
	return minus + pct.String() + "%"
}
