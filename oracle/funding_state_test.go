package oracle

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/testkit"
)

func TestFundingSampleSettle(t *testing.T) {
	f, err := NewFunding(BinanceFunding("BTCUSDT", d("0.004875")))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.Settle(t0); !errors.Is(err, ErrNoPrice) {
		t.Fatalf("settle with no samples: %v, want ErrNoPrice", err)
	}
	for i, p := range []string{"0.001", "0.002", "0.004"} {
		if err := f.Sample(t0.Add(time.Duration(i)*5*time.Second), d(p)); err != nil {
			t.Fatal(err)
		}
	}
	est, err := f.Estimate(t0.Add(time.Minute))
	if err != nil || !est.Rate.Equal(d("0.00233333")) {
		t.Fatalf("estimate: %+v, %v", est, err)
	}
	settleAt := t0.Add(8 * time.Hour)
	r, evs, err := f.Settle(settleAt)
	if err != nil {
		t.Fatal(err)
	}
	want := []Event{{Time: settleAt, Kind: EventFunding, Subject: "BTCUSDT", Rate: d("0.00233333")}}
	if diff := cmp.Diff(want, evs, testkit.EquateDecimals); diff != "" || !r.Rate.Equal(est.Rate) || !r.Time.Equal(settleAt) {
		t.Errorf("settle: %+v, events (-want +got):\n%s", r, diff)
	}
	if got := evs[0].String(); got != "2024-03-01T20:00:00Z funding subject=BTCUSDT rate=0.00233333" {
		t.Errorf("String() = %q", got)
	}
	if last, ok := f.Last(); !ok || !last.Rate.Equal(r.Rate) {
		t.Errorf("Last = %+v, %v", last, ok)
	}
	// One settlement per instant: the second is refused and changes nothing.
	before := f.Snapshot()
	if _, _, err := f.Settle(settleAt); !errors.Is(err, ErrOutOfOrder) {
		t.Errorf("second settle at the same time: %v, want ErrOutOfOrder", err)
	}
	if err := f.Sample(settleAt.Add(-time.Second), d("0.001")); !errors.Is(err, ErrOutOfOrder) {
		t.Errorf("sample before the settlement: %v", err)
	}
	if err := f.Sample(settleAt.Add(time.Second), decimal.New(1, 1<<30)); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("absurd sample: %v", err)
	}
	if diff := cmp.Diff(before, f.Snapshot(), testkit.EquateDecimals); diff != "" {
		t.Errorf("refused calls changed the state:\n%s", diff)
	}
	// The next interval starts empty; a capped settlement says so.
	if err := f.Sample(settleAt.Add(time.Second), d("0.05")); err != nil {
		t.Fatal(err)
	}
	r, evs, err = f.Settle(settleAt.Add(8 * time.Hour))
	if err != nil || !r.Capped || !r.Rate.Equal(d("0.004875")) || r.Samples != 1 || !strings.Contains(evs[0].Reason, "capped") {
		t.Errorf("capped settle: %+v %+v %v", r, evs, err)
	}
	if err := f.CheckInvariants(); err != nil {
		t.Error(err)
	}
}

func TestFundingMaxSamples(t *testing.T) {
	s := BinanceFunding("X", d("0.0075"))
	s.MaxSamples = 2
	f, err := NewFunding(s)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		if err := f.Sample(t0.Add(time.Duration(i)*time.Second), d("0.001")); err != nil {
			t.Fatal(err)
		}
	}
	// Same time replaces; a third time is refused.
	if err := f.Sample(t0.Add(time.Second), d("0.002")); err != nil {
		t.Errorf("replace: %v", err)
	}
	if err := f.Sample(t0.Add(2*time.Second), d("0.001")); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("beyond MaxSamples: %v", err)
	}
	if snap := f.Snapshot(); len(snap.Samples) != 2 || !snap.Samples[1].Premium.Equal(d("0.002")) {
		t.Errorf("samples: %+v", snap.Samples)
	}
}

// Snapshot → JSON → restore → continue equals continuing without the
// round trip.
func TestFundingSnapshotRoundTrip(t *testing.T) {
	s := DYDXFunding("ETH-USD", d("0.0001"), d("0.18"))
	f, _ := NewFunding(s)
	for i := range 30 {
		if err := f.Sample(t0.Add(time.Duration(i)*time.Minute), decimal.New(int64(i*37%11)-5, -4)); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := f.Settle(t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	for i := range 10 {
		if err := f.Sample(t0.Add(time.Hour+time.Duration(i+1)*time.Minute), decimal.New(int64(i), -3)); err != nil {
			t.Fatal(err)
		}
	}
	raw, err := json.Marshal(f.Snapshot())
	if err != nil {
		t.Fatal(err)
	}
	var snap FundingSnapshot
	if err := json.Unmarshal(raw, &snap); err != nil {
		t.Fatal(err)
	}
	g, err := RestoreFunding(s, snap)
	if err != nil {
		t.Fatal(err)
	}
	a, ea, errA := f.Settle(t0.Add(2 * time.Hour))
	b, eb, errB := g.Settle(t0.Add(2 * time.Hour))
	if errA != nil || errB != nil || !cmp.Equal(a, b, testkit.EquateDecimals) || !cmp.Equal(ea, eb, testkit.EquateDecimals) {
		t.Errorf("restored funding differs: %+v %v / %+v %v", a, errA, b, errB)
	}
	for name, mut := range map[string]func(*FundingSnapshot){
		"unordered samples": func(s *FundingSnapshot) { s.Samples[0], s.Samples[1] = s.Samples[1], s.Samples[0] },
		"sample after time": func(s *FundingSnapshot) { s.Time = s.Samples[0].Time },
		"rate beyond cap":   func(s *FundingSnapshot) { s.Last.Rate = d("0.5") },
		"absurd premium":    func(s *FundingSnapshot) { s.Samples[0].Premium = decimal.New(1, 1<<30) },
		"rate without flag": func(s *FundingSnapshot) { s.HasLast = false },
	} {
		bad := snap
		bad.Samples = append([]PremiumSample(nil), snap.Samples...)
		mut(&bad)
		if _, err := RestoreFunding(s, bad); !errors.Is(err, ErrInvalidSnapshot) {
			t.Errorf("%s: %v, want ErrInvalidSnapshot", name, err)
		}
	}
}

// Every new error starts with "oracle: " once and wraps one sentinel.
func TestMarkFundingErrorsPrefixOnce(t *testing.T) {
	f, _ := NewFunding(BinanceFunding("X", d("0.0075")))
	m, _ := NewMark(MarkSettings{Market: "X"})
	errs := map[string]error{
		"settings":       second(NewFunding(FundingSettings{Market: "X"})),
		"no samples":     third(f.Settle(t0)),
		"compute":        second(ComputeFunding(BinanceFunding("X", d("0.0075")), nil)),
		"mark short":     second(m.Price(t0, MarkInputs{Index: d("1"), Last: d("1"), NextFunding: t0})),
		"mark settings":  second(NewMark(MarkSettings{Method: 9})),
		"index settings": second(NewIndex(IndexSettings{})),
		"thin":           second(ImpactPrice(Asks, lv("1", "1"), d("2"), 8)),
		"cap":            second(FundingCap(d("1"), d("0.1"), d("0.2"))),
		"premium":        second(PremiumIndex(d("0"), d("1"), d("1"), 8, RoundHalfEven)),
	}
	for name, err := range errs {
		if err == nil {
			t.Errorf("%s: no error", name)
			continue
		}
		if msg := err.Error(); !strings.HasPrefix(msg, "oracle: ") || strings.Count(msg, "oracle:") != 1 {
			t.Errorf("%s: %q: the package prefix must appear once, at the start", name, msg)
		}
	}
}

func third[A, B any](_ A, _ B, err error) error { return err }
