package main

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"

	"github.com/failsafe-fi/failsafe/stress/perp"
)

// The exported metrics are the run's own figures: after a crash of 300
// accounts (seed 5) the text exposition holds the final mark, the feed
// live, the breaker open, the fund's balance and draws, the liquidations,
// the auctions taken and the bad debt exactly as the final table has them.
func TestMetricsValues(t *testing.T) {
	exp := &exporter{}
	cfg := Config{Seed: 5, Accounts: 300, Strict: true, OnTick: func(v *perp.Venue, _ int, now time.Time) { exp.update(read(v, now)) }}
	res, err := Run(cfg, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(exp)
	var text bytes.Buffer
	if err := writeMetrics(&text, reg); err != nil {
		t.Fatal(err)
	}
	var parser expfmt.TextParser
	families, err := parser.TextToMetricFamilies(&text)
	if err != nil {
		t.Fatalf("not the text exposition format: %v", err)
	}
	value := func(name string, labels map[string]string) float64 {
		t.Helper()
		f, ok := families[name]
		if !ok {
			t.Fatalf("no metric %s", name)
		}
		for _, m := range f.Metric {
			if matches(m, labels) {
				if m.Gauge != nil {
					return m.Gauge.GetValue()
				}
				return m.Counter.GetValue()
			}
		}
		t.Fatalf("no %s%v", name, labels)
		return 0
	}
	btc := map[string]string{"market": perp.Market}
	for _, c := range []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		{"failsafe_oracle_price_usd", btc, res.FinalMark.InexactFloat64()},
		{"failsafe_oracle_status", map[string]string{"market": perp.Market, "status": "live"}, 1},
		{"failsafe_oracle_status", map[string]string{"market": perp.Market, "status": "stale"}, 0},
		{"failsafe_oracle_quotes_refused_total", map[string]string{"market": perp.Market, "reason": "stale"}, float64(res.QuotesRefused["stale"])},
		{"failsafe_oracle_quotes_refused_total", map[string]string{"market": perp.Market, "reason": "outlier"}, float64(res.QuotesRefused["outlier"])},
		{"failsafe_breaker_state", map[string]string{"market": perp.Market, "state": "open"}, 1},
		{"failsafe_breaker_state", map[string]string{"market": perp.Market, "state": "paused"}, 0},
		{"failsafe_breaker_pauses_total", btc, float64(res.Pauses)},
		{"failsafe_insurance_fund_balance_usd", map[string]string{"fund": perp.Fund}, res.FundAfter.InexactFloat64()},
		{"failsafe_insurance_fund_drawn_usd_total", map[string]string{"fund": perp.Fund}, res.FundDrawn.InexactFloat64()},
		{"failsafe_liquidations_total", map[string]string{"market": perp.Market, "kind": "auction"}, float64(res.Auctions)},
		{"failsafe_liquidations_total", map[string]string{"market": perp.Market, "kind": "book"}, float64(res.Liquidations)},
		{"failsafe_liquidations_total", map[string]string{"market": perp.Market, "kind": "takeover"}, float64(res.TakenOver)},
		{"failsafe_auctions_open", btc, 0},
		{"failsafe_auction_takes_total", btc, float64(res.Takes)},
		{"failsafe_auction_resets_total", btc, float64(res.Redos)},
		{"failsafe_shortfalls_total", btc, float64(res.Shortfalls)},
		{"failsafe_bad_debt_usd_total", btc, res.BadDebt.InexactFloat64()},
	} {
		if got := value(c.name, c.labels); got != c.want {
			t.Errorf("%s%v = %v, want %v", c.name, c.labels, got, c.want)
		}
	}
	// The figures the test compares are not trivially zero.
	if res.Auctions == 0 || res.Takes == 0 || res.Shortfalls == 0 || res.Pauses == 0 || !res.BadDebt.IsPositive() {
		t.Fatalf("the default crash did too little to test: %+v", res)
	}
	if f := families["failsafe_liquidations_total"]; f.GetType() != dto.MetricType_COUNTER {
		t.Errorf("liquidations are a %s, want a counter", f.GetType())
	}
}

// matches reports whether m carries every label in want.
func matches(m *dto.Metric, want map[string]string) bool {
	n := 0
	for _, l := range m.Label {
		if v, ok := want[l.GetName()]; ok && v == l.GetValue() {
			n++
		}
	}
	return n == len(want)
}

// -metrics prints the exposition instead of the story.
func TestMetricsFlag(t *testing.T) {
	o, err := parseFlags([]string{"-metrics", "-accounts", "50"})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := run(o, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	if !strings.Contains(s, "# TYPE failsafe_liquidations_total counter") || !strings.Contains(s, `failsafe_breaker_state{market="BTC-PERP",state="open"} 1`) {
		t.Errorf("no exposition:\n%s", s)
	}
	if strings.Contains(s, "conservation:") {
		t.Error("the story printed with -metrics")
	}
}

// The server answers /metrics on loopback and stops when told.
func TestServe(t *testing.T) {
	exp := &exporter{}
	exp.update(gauges{price: 30_000, fund: 500_000})
	reg := prometheus.NewRegistry()
	reg.MustRegister(exp)
	addr, stop, err := serve("127.0.0.1:0", reg)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), "failsafe_insurance_fund_balance_usd{fund=\"btc\"} 500000") {
		t.Errorf("scrape:\n%s", body)
	}
	if err := stop(); err != nil {
		t.Error(err)
	}
	if err := stop(); err != nil {
		t.Errorf("second stop: %v", err)
	}
	if _, err := http.Get("http://" + addr + "/metrics"); err == nil {
		t.Error("still serving after stop")
	}
}
