package backstop

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/failsafe-fi/failsafe/internal/testkit"
)

func newTestFund(t *testing.T) *InsuranceFund {
	t.Helper()
	f, err := NewInsuranceFund(FundSettings{
		Funds:   []FundSpec{{ID: "shared", Floor: d("100")}, {ID: "doge", Floor: d("0")}},
		Markets: map[string]string{"DOGE-PERP": "doge"},
		Unit:    d("0.01"),
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestInsuranceFundLedger(t *testing.T) {
	f := newTestFund(t)
	if f.FundFor("BTC-PERP") != "shared" || f.FundFor("DOGE-PERP") != "doge" {
		t.Fatalf("routing: %s %s", f.FundFor("BTC-PERP"), f.FundFor("DOGE-PERP"))
	}
	steps := []struct {
		name    string
		op      func() error
		want    error
		balance string
	}{
		{"deposit fees", func() error { _, err := f.Deposit(t0, "", "shared", d("1000"), "fees", "trading fees"); return err }, nil, "1000"},
		{"deposit penalty", func() error {
			_, err := f.Deposit(t0, "", "shared", d("50.25"), "penalty:alice", "liquidation penalty")
			return err
		}, nil, "1050.25"},
		{"draw within floor", func() error { _, err := f.Draw(t0, "", "shared", d("900"), "shortfall:1", "cover"); return err }, nil, "150.25"},
		{"draw below floor refused", func() error { _, err := f.Draw(t0, "", "shared", d("50.26"), "shortfall:2", "cover"); return err }, ErrBelowFloor, "150.25"},
		{"draw to the floor", func() error { _, err := f.Draw(t0, "", "shared", d("50.25"), "shortfall:2", "cover"); return err }, nil, "100"},
		{"negative deposit", func() error { _, err := f.Deposit(t0, "", "shared", d("-1"), "x", ""); return err }, ErrInvalidInput, "100"},
		{"too fine deposit", func() error { _, err := f.Deposit(t0, "", "shared", d("0.001"), "x", ""); return err }, ErrInvalidInput, "100"},
		{"unknown fund", func() error { _, err := f.Deposit(t0, "", "eth", d("1"), "x", ""); return err }, ErrUnknownID, "100"},
		{"zero draw", func() error { _, err := f.Draw(t0, "", "shared", d("0"), "x", ""); return err }, ErrInvalidInput, "100"},
	}
	for _, s := range steps {
		err := s.op()
		if !errors.Is(err, s.want) || (s.want == nil && err != nil) {
			t.Fatalf("%s: err %v, want %v", s.name, err, s.want)
		}
		if b, _ := f.Balance("shared"); !b.Equal(d(s.balance)) {
			t.Fatalf("%s: balance %s, want %s", s.name, b, s.balance)
		}
		if err := f.CheckInvariants(); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
	}
	h, _ := f.History("shared")
	var bal []string
	for _, p := range h {
		bal = append(bal, p.Balance.String())
	}
	if diff := cmp.Diff([]string{"1000", "1050.25", "150.25", "100"}, bal); diff != "" {
		t.Errorf("history (-want +got):\n%s", diff)
	}
	if len(f.Journal()) != 4 {
		t.Errorf("journal has %d entries", len(f.Journal()))
	}
}

func TestInsuranceFundSettings(t *testing.T) {
	bad := []FundSettings{
		{Funds: []FundSpec{{ID: ""}}},
		{Funds: []FundSpec{{ID: "a"}, {ID: "a"}}},
		{Funds: []FundSpec{{ID: "a", Floor: d("-1")}}},
		{Funds: []FundSpec{{ID: "a"}}, Shared: "b"},
		{Funds: []FundSpec{{ID: "a"}}, Markets: map[string]string{"X": "b"}},
		{Unit: d("3")},
	}
	for i, s := range bad {
		if _, err := NewInsuranceFund(s); !errors.Is(err, ErrInvalidSettings) && !errors.Is(err, ErrDuplicateID) {
			t.Errorf("settings %d: %v", i, err)
		}
	}
	f, err := NewInsuranceFund(FundSettings{})
	if err != nil || f.FundFor("anything") != "shared" {
		t.Errorf("zero settings: %v", err)
	}
}

// TestExchangeWaterfall runs the exchange order used by BitMEX, Binance
// and dYdX v4: the defaulter's margin and penalty, then the market's
// insurance fund (down to its floor), then auto-deleveraging, then a
// socialised loss.
func TestExchangeWaterfall(t *testing.T) {
	f := newTestFund(t)
	_, _ = f.Deposit(t0, "", "shared", d("400"), "fees", "fees")
	def, _ := NewDefaulterLayer("bob", d("50"), d("10"))
	adl, err := NewADLLayer(ADLSettings{Request: DeleverageRequest{
		Bankrupt:   Position{Account: "bob", Size: d("-20"), EntryPrice: d("600"), BankruptcyPrice: d("650")},
		Mark:       d("660"),
		Candidates: []Position{long("w1", "5"), {Account: "w2", Size: d("10"), EntryPrice: d("500"), BankruptcyPrice: d("450")}},
	}, Unit: d("0.01"), SizeUnit: d("1")})
	if err != nil {
		t.Fatal(err)
	}
	social, _ := NewSocialLayer("socialised", []Balance{{"w3", d("300")}, {"w4", d("100")}, {"w5", d("-20")}}, d("0.01"))
	j := NewJournal()
	w, err := New(Settings{Layers: []Layer{def, f.Layer("BTC-PERP"), adl, social}, Unit: d("0.01"), Journal: j})
	if err != nil {
		t.Fatal(err)
	}
	// 60 + 300 (fund above floor 100) + 150 (15 units × 10) + 90.5 socialised.
	a, err := w.Cover(t0.Add(time.Second), Claim{ID: "bob-1", Amount: d("600.5")})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"defaulter:bob": "60", "insurance:shared": "300", "adl": "150", "socialised": "90.5"}
	got := map[string]string{}
	for _, dr := range a.Draws {
		got[dr.Layer] = dr.Drawn.String()
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("draws (-want +got):\n%s", diff)
	}
	if err := CheckAllocation(a); err != nil {
		t.Error(err)
	}
	if err := j.Check(); err != nil {
		t.Error(err)
	}
	if err := f.CheckInvariants(); err != nil {
		t.Error(err)
	}
	cuts := social.haircutsCopy()
	if diff := cmp.Diff([]Haircut{{"w3", d("67.88")}, {"w4", d("22.62")}}, cuts, testkit.EquateDecimals); diff != "" {
		t.Errorf("haircuts (-want +got):\n%s", diff)
	}
	// Cover returns its events: per layer drawn an EventDraw, then the
	// layer's own (the fund's draw, each deleverage fill, each haircut).
	var kinds []EventKind
	for _, e := range a.Events {
		kinds = append(kinds, e.Kind)
		if e.Claim != "bob-1" || !e.Time.Equal(t0.Add(time.Second)) {
			t.Errorf("event %+v: claim or time", e)
		}
	}
	wantKinds := []EventKind{EventDraw, EventDraw, EventFundDraw, EventDraw, EventDeleverage, EventDeleverage, EventDraw, EventHaircut, EventHaircut}
	if diff := cmp.Diff(wantKinds, kinds); diff != "" {
		t.Errorf("event kinds (-want +got):\n%s", diff)
	}
	raw, _ := json.Marshal(a)
	var back Allocation
	if err := json.Unmarshal(raw, &back); err != nil || CheckAllocation(back) != nil {
		t.Errorf("allocation JSON round trip: %v", err)
	}
}
