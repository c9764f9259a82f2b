package breaker_test

import (
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/failsafe-fi/failsafe/breaker"
)

// The LULD preset (LULD Plan §V and Appendix A): a Tier 1 stock referenced
// at $10.00 has a 5% band, doubled to 10% from 9:30 to 9:45 ET. New York
// is UTC−5 in March before daylight saving (a host loads
// America/New_York; a fixed zone keeps this example self-contained).
func ExampleLULDBands() {
	et := time.FixedZone("EST", -5*3600)
	s, err := breaker.LULDBands(breaker.Tier1, et)
	if err != nil {
		fmt.Println(err)
		return
	}
	m, _ := breaker.NewMarket(breaker.MarketSettings{ID: "XYZ", Band: s, Reference: d("10.00")})
	for _, at := range []string{"09:35", "09:45", "15:40"} {
		h, _ := time.Parse("15:04", at)
		now := time.Date(2026, 3, 2, h.Hour(), h.Minute(), 0, 0, et)
		dec, _ := m.Check(now, d("10.00"))
		fmt.Printf("%s ET: band %s widened %v\n", at, dec.Band, dec.Band.Widened)
	}
	_, err = breaker.LULDBands(3, et)
	fmt.Println(err)
	// Output:
	// 09:35 ET: band 9–11 (ref 10) widened true
	// 09:45 ET: band 9.5–10.5 (ref 10) widened false
	// 15:40 ET: band 9–11 (ref 10) widened true
	// breaker: invalid settings: band: unknown LULD tier 3 (want 1 or 2)
}

// The NYSE market-wide preset (NYSE Rule 7.12): with the S&P 500 closing at
// 4,000 the levels are 3,720, 3,480 and 3,200. A Level 1 decline "up to and
// including 3:25 p.m." halts for 15 minutes; one after 3:25 p.m. does not.
func ExampleNYSEMarketWide() {
	open := time.Date(2026, 3, 2, 14, 30, 0, 0, time.UTC) // 9:30 ET
	for _, after := range []time.Duration{355 * time.Minute, 355*time.Minute + time.Second} {
		mw, _ := breaker.NewMarketWide(breaker.NYSEMarketWide())
		_, _ = mw.StartSession(d("4000"), open, open.Add(390*time.Minute))
		now := open.Add(after)
		st, _ := mw.Observe(now, d("3720"))
		fmt.Printf("%s ET: level %d, halted %v\n", now.Add(-5*time.Hour).Format("15:04:05"), st.Triggered, st.Halted)
	}
	th, _ := breaker.WideThresholds(breaker.NYSEMarketWide(), d("4000"))
	fmt.Println("levels:", th)
	// Output:
	// 15:25:00 ET: level 1, halted true
	// 15:25:01 ET: level 1, halted false
	// levels: [3720 3480 3200]
}

// The crypto band preset: the increment follows the price's own precision
// (5 significant figures, at most 8 places: Hyperliquid's tick rule) and
// the band is ±5% at every price. The default cent increment refuses the
// same token instead of referencing it at 0.01.
func ExampleCryptoBands() {
	for _, ref := range []string{"0.00001234", "0.012345678", "60000.5"} {
		b, _ := breaker.ComputeBand(breaker.CryptoBands(), d(ref), false)
		fmt.Printf("%s: %s\n", ref, b)
	}
	_, err := breaker.ComputeBand(breaker.BandSettings{}, d("0.00001234"), false)
	fmt.Println(err)
	// Output:
	// 0.00001234: 0.00001172–0.00001296 (ref 0.00001234)
	// 0.012345678: 0.011729–0.012963 (ref 0.012346)
	// 60000.5: 57000–63000 (ref 60000)
	// breaker: invalid input: band: price 0.00001234 is below one price increment (0.01)
}

// Every call returns the events it caused; an Event logs as one slog group.
func ExampleEvent_LogValue() {
	m, _ := breaker.NewMarket(breaker.MarketSettings{ID: "XYZ", Reference: d("10.00")})
	dec, _ := m.Check(time.Date(2026, 3, 2, 14, 30, 0, 0, time.UTC), d("9.50"))
	// Drop the record's own (wall-clock) time so the output is stable.
	log := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
		if len(groups) == 0 && a.Key == slog.TimeKey {
			return slog.Attr{}
		}
		return a
	}}))
	for _, e := range dec.Events {
		log.Info("breaker", "event", e)
	}
	// Output:
	// level=INFO msg=breaker event.time=2026-03-02T14:30:00.000Z event.kind=state event.subject=XYZ event.from=open event.to=limit event.reason="at band edge"
}
