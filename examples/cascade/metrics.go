package main

import (
	"io"
	"sort"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/common/expfmt"

	"github.com/failsafe-fi/failsafe/breaker"
	"github.com/failsafe-fi/failsafe/oracle"
	"github.com/failsafe-fi/failsafe/stress/perp"
)

// gauges is what the venue exports, read from the packages' own getters
// after a tick: plain values, copied, so that a scrape never touches the
// venue while it runs. Money is in USD, converted to float64 for display
// only (the ledger keeps every digit).
type gauges struct {
	sim                      float64 // simulated seconds since the crash began
	price                    float64 // the feed's last good price
	feed                     oracle.Status
	state                    breaker.MarketState
	fund, fundDrawn, badDebt float64
	liquidations             map[string]int // by kind: book (through the order book), auction (the rest of a long), takeover (the rest of a short)
	open, takes, resets      int            // auctions running; keeper takes; auction resets
	shortfalls, pauses       int
	refused                  map[string]int // quotes refused by the oracle, by reason
}

// read copies the venue's state at now.
func read(v *perp.Venue, now time.Time) gauges {
	t := v.Totals()
	return gauges{
		sim: now.Sub(crashStart).Seconds(), price: t.Mark.InexactFloat64(),
		feed: t.Feed, state: t.Breaker,
		fund: t.Fund.InexactFloat64(), fundDrawn: t.FundDrawn.InexactFloat64(), badDebt: t.BadDebt.InexactFloat64(),
		liquidations: map[string]int{"book": t.Book, "auction": t.Auctions, "takeover": t.TakenOver},
		open:         t.Running, takes: t.Takes, resets: t.Redos, shortfalls: t.Shortfalls, pauses: t.Pauses,
		refused: t.Refused,
	}
}

// exporter is a prometheus.Collector over the last gauges it was given.
// Safe for concurrent use: the run updates it, the HTTP handler scrapes.
type exporter struct {
	mu sync.Mutex
	g  gauges
}

// update replaces the exported state.
func (e *exporter) update(g gauges) {
	e.mu.Lock()
	e.g = g
	e.mu.Unlock()
}

var (
	mkt     = []string{"market"}
	descSim = prometheus.NewDesc("failsafe_simulated_seconds", "Simulated time since the crash began.", nil, nil)
	descPx  = prometheus.NewDesc("failsafe_oracle_price_usd", "The oracle feed's last good price.", mkt, nil)
	descFd  = prometheus.NewDesc("failsafe_oracle_status", "1 for the feed's current status (empty, live, fallback, stale, halted), 0 for the others.", []string{"market", "status"}, nil)
	descRf  = prometheus.NewDesc("failsafe_oracle_quotes_refused_total", "Quotes the oracle refused, by reason.", []string{"market", "reason"}, nil)
	descBr  = prometheus.NewDesc("failsafe_breaker_state", "1 for the market breaker's current state (reopening, open, limit, paused, halted), 0 for the others.", []string{"market", "state"}, nil)
	descPs  = prometheus.NewDesc("failsafe_breaker_pauses_total", "Times the breaker paused liquidations.", mkt, nil)
	descFb  = prometheus.NewDesc("failsafe_insurance_fund_balance_usd", "The insurance fund's balance.", []string{"fund"}, nil)
	descFw  = prometheus.NewDesc("failsafe_insurance_fund_drawn_usd_total", "Drawn from the insurance fund by the waterfall.", []string{"fund"}, nil)
	descLq  = prometheus.NewDesc("failsafe_liquidations_total", "Liquidations: book (through the order book; every liquidation starts there), auction (a Dutch auction of what the book left of a long), takeover (the market maker took what the book left over at the bankruptcy price).", []string{"market", "kind"}, nil)
	descAo  = prometheus.NewDesc("failsafe_auctions_open", "Dutch auctions running.", mkt, nil)
	descAt  = prometheus.NewDesc("failsafe_auction_takes_total", "Keeper takes in Dutch auctions.", mkt, nil)
	descAr  = prometheus.NewDesc("failsafe_auction_resets_total", "Dutch auctions reset (redo) after running too long or too low.", mkt, nil)
	descSf  = prometheus.NewDesc("failsafe_shortfalls_total", "Losses sent to the backstop waterfall.", mkt, nil)
	descBd  = prometheus.NewDesc("failsafe_bad_debt_usd_total", "Debt the auctions did not recover, sent to the waterfall.", mkt, nil)
	allDesc = []*prometheus.Desc{descSim, descPx, descFd, descRf, descBr, descPs, descFb, descFw, descLq, descAo, descAt, descAr, descSf, descBd}
)

// Describe implements prometheus.Collector.
func (e *exporter) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range allDesc {
		ch <- d
	}
}

// Collect implements prometheus.Collector.
func (e *exporter) Collect(ch chan<- prometheus.Metric) {
	e.mu.Lock()
	g := e.g
	e.mu.Unlock()
	gauge := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
	}
	count := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, v, labels...)
	}
	gauge(descSim, g.sim)
	gauge(descPx, g.price, perp.Market)
	for s := oracle.StatusEmpty; s <= oracle.StatusHalted; s++ {
		gauge(descFd, one(s == g.feed), perp.Market, s.String())
	}
	for _, r := range sortedKeys(g.refused) {
		count(descRf, float64(g.refused[r]), perp.Market, r)
	}
	for s := breaker.Reopening; s <= breaker.Halted; s++ {
		gauge(descBr, one(s == g.state), perp.Market, s.String())
	}
	count(descPs, float64(g.pauses), perp.Market)
	gauge(descFb, g.fund, perp.Fund)
	count(descFw, g.fundDrawn, perp.Fund)
	for _, k := range sortedKeys(g.liquidations) {
		count(descLq, float64(g.liquidations[k]), perp.Market, k)
	}
	gauge(descAo, float64(g.open), perp.Market)
	count(descAt, float64(g.takes), perp.Market)
	count(descAr, float64(g.resets), perp.Market)
	count(descSf, float64(g.shortfalls), perp.Market)
	count(descBd, g.badDebt, perp.Market)
}

// writeMetrics writes every metric of reg to w in the Prometheus text
// exposition format.
func writeMetrics(w io.Writer, reg *prometheus.Registry) error {
	families, err := reg.Gather()
	if err != nil {
		return err
	}
	for _, f := range families {
		if _, err := expfmt.MetricFamilyToText(w, f); err != nil {
			return err
		}
	}
	return nil
}

// one is 1 for true, 0 for false.
func one(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// sortedKeys returns m's keys in order.
func sortedKeys(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
