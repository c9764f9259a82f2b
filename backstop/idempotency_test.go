package backstop

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/failsafe-fi/failsafe/internal/testkit"
)

// Issue 10 item 3: Waterfall.Cover with a claim ID it had already covered
// paid again. A claim ID is an idempotency key (DESIGN rule 11): the same
// claim again returns the first allocation unchanged and draws nothing;
// the same ID with another amount or account is refused; an empty ID is
// refused; and the record survives Snapshot → JSON → RestoreWaterfall, so
// a standby does not pay twice either.
func TestCoverIsIdempotentPerClaimID(t *testing.T) {
	fs := FundSettings{Funds: []FundSpec{{ID: "f"}}, Unit: d("0.01")}
	fund, _ := NewInsuranceFund(fs)
	if _, err := fund.Deposit(t0, "", "f", d("1000"), "fees", "seed"); err != nil {
		t.Fatal(err)
	}
	j := NewJournal()
	settings := Settings{Layers: []Layer{fund.Layer("BTC")}, Unit: d("0.01"), Journal: j}
	w, err := New(settings)
	if err != nil {
		t.Fatal(err)
	}
	now := t0.Add(time.Minute)
	c := Claim{ID: "liq-42", Amount: d("300")}
	first, err := w.Cover(now, c)
	if err != nil {
		t.Fatal(err)
	}
	state := func() string { return snapJSON(t, []any{fund.Snapshot(), j.Snapshot(), w.Snapshot()}) }
	before := state()
	again, err := w.Cover(now.Add(time.Minute), c)
	if err != nil {
		t.Fatalf("repeated claim: %v", err)
	}
	// The replay is the first allocation, marked as a replay and without
	// the events (they happened once, when the claim was covered).
	replay := first
	replay.Events, replay.Replayed = nil, true
	if diff := cmp.Diff(replay, again, testkit.EquateDecimals); diff != "" {
		t.Errorf("repeated claim's allocation differs (-first +again):\n%s", diff)
	}
	if after := state(); after != before {
		t.Fatalf("repeated claim changed state (paid twice?):\nbefore %s\nafter  %s", before, after)
	}
	if bal, _ := fund.Balance("f"); !bal.Equal(d("700")) {
		t.Fatalf("fund balance %s after the claim twice, want 700", bal)
	}
	// Same ID, other content: refused, nothing changes.
	for name, bad := range map[string]Claim{
		"other amount":  {ID: "liq-42", Amount: d("301")},
		"other account": {ID: "liq-42", Amount: d("300"), Account: "elsewhere"},
	} {
		if _, err := w.Cover(now.Add(time.Minute), bad); !errors.Is(err, ErrDuplicateID) {
			t.Errorf("%s: %v, want ErrDuplicateID", name, err)
		}
		if after := state(); after != before {
			t.Errorf("%s changed state", name)
		}
	}
	// The default account spelled out is the same claim.
	if _, err := w.Cover(now.Add(time.Minute), Claim{ID: "liq-42", Amount: d("300"), Account: "shortfall:liq-42"}); err != nil {
		t.Errorf("same claim with its default account spelled out: %v", err)
	}
	// Empty ID: refused.
	if _, err := w.Cover(now, Claim{Amount: d("1")}); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("empty ID: %v", err)
	}
	if after := state(); after != before {
		t.Errorf("empty ID changed state")
	}
	// A standby restored from the snapshots does not pay twice either.
	var ws WaterfallSnapshot
	raw, _ := json.Marshal(w.Snapshot())
	if err := json.Unmarshal(raw, &ws); err != nil {
		t.Fatal(err)
	}
	fund2, err := RestoreInsuranceFund(fs, roundTrip(t, fund.Snapshot()))
	if err != nil {
		t.Fatal(err)
	}
	j2, err := RestoreJournal(roundTrip(t, j.Snapshot()))
	if err != nil {
		t.Fatal(err)
	}
	w2, err := RestoreWaterfall(Settings{Layers: []Layer{fund2.Layer("BTC")}, Unit: d("0.01"), Journal: j2}, ws)
	if err != nil {
		t.Fatal(err)
	}
	again2, err := w2.Cover(now.Add(time.Hour), c)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(replay, again2, testkit.EquateDecimals); diff != "" {
		t.Errorf("standby's allocation differs (-first +standby):\n%s", diff)
	}
	if bal, _ := fund2.Balance("f"); !bal.Equal(d("700")) {
		t.Fatalf("standby paid the claim again: balance %s", bal)
	}
	if got := w2.claimIDs(); len(got) != 1 || got[0] != "liq-42" {
		t.Errorf("claims %v", got)
	}
	// A new ID is covered.
	if a, err := w2.Cover(now.Add(time.Hour), Claim{ID: "liq-43", Amount: d("100")}); err != nil || !a.Covered().Equal(d("100")) {
		t.Errorf("new claim: %v %v", a.Covered(), err)
	}
}

// RestoreWaterfall refuses an inconsistent record of covered claims.
func TestRestoreWaterfallRefusesInconsistentClaims(t *testing.T) {
	l := &fixedLayer{id: "h", left: d("100")}
	s := Settings{Layers: []Layer{l}, Unit: d("0.01")}
	w, _ := New(s)
	if _, err := w.Cover(t0, Claim{ID: "a", Amount: d("30")}); err != nil {
		t.Fatal(err)
	}
	good := w.Snapshot()
	if _, err := RestoreWaterfall(s, roundTrip(t, good)); err != nil {
		t.Fatalf("good snapshot: %v", err)
	}
	bad := map[string]func(s *WaterfallSnapshot){
		"empty ID":        func(s *WaterfallSnapshot) { s.Claims[0].Claim.ID = ""; s.Claims[0].Allocation.Claim = "" },
		"ID twice":        func(s *WaterfallSnapshot) { s.Claims = append(s.Claims, s.Claims[0]) },
		"other claim's":   func(s *WaterfallSnapshot) { s.Claims[0].Allocation.Claim = "b" },
		"amount ≠ loss":   func(s *WaterfallSnapshot) { s.Claims[0].Claim.Amount = d("31") },
		"draws don't add": func(s *WaterfallSnapshot) { s.Claims[0].Allocation.Residual = d("1") },
		"other layer":     func(s *WaterfallSnapshot) { s.Claims[0].Allocation.Draws[0].Layer = "x" },
		"absurd amount":   func(s *WaterfallSnapshot) { s.Claims[0].Claim.Amount = absurd; s.Claims[0].Allocation.Loss = absurd },
		"negative drawn":  func(s *WaterfallSnapshot) { s.Claims[0].Allocation.Draws[0].Drawn = d("-30") },
		"no draws":        func(s *WaterfallSnapshot) { s.Claims[0].Allocation.Draws = nil },
		"finer than unit": func(s *WaterfallSnapshot) {
			s.Claims[0].Claim.Amount = d("30.001")
			s.Claims[0].Allocation.Loss = d("30.001")
		},
		"other account": func(s *WaterfallSnapshot) { s.Claims[0].Claim.Account = "x" },
	}
	for name, mut := range bad {
		snap := roundTrip(t, good)
		mut(&snap)
		start := time.Now()
		if _, err := RestoreWaterfall(s, snap); !errors.Is(err, ErrBadSnapshot) {
			t.Errorf("%s: %v, want ErrBadSnapshot", name, err)
		}
		if d := time.Since(start); d > 500*time.Millisecond {
			t.Errorf("%s took %v", name, d)
		}
	}
}

// The default fund's Default.ID is an idempotency key too.
func TestDefaultFundCoverIsIdempotentPerDefaultID(t *testing.T) {
	f, _ := NewDefaultFund(issueFundSettings())
	def := Default{ID: "x", Member: "D", Loss: d("400"), Margin: d("200")}
	first, err := f.Cover(t0, def)
	if err != nil {
		t.Fatal(err)
	}
	before := snapJSON(t, f.Snapshot())
	again, err := f.Cover(t0, def)
	if err != nil {
		t.Fatalf("repeated default: %v", err)
	}
	if diff := cmp.Diff(first, again, testkit.EquateDecimals); diff != "" {
		t.Errorf("repeated default (-first +again):\n%s", diff)
	}
	other := def
	other.Loss = d("500")
	if _, err := f.Cover(t0, other); !errors.Is(err, ErrDuplicateID) {
		t.Errorf("same ID, other loss: %v", err)
	}
	if _, err := f.Cover(t0, Default{Member: "A", Loss: d("1")}); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("empty ID: %v", err)
	}
	if after := snapJSON(t, f.Snapshot()); after != before {
		t.Fatalf("repeated or refused default changed state")
	}
	g, err := RestoreDefaultFund(issueFundSettings(), roundTrip(t, f.Snapshot()))
	if err != nil {
		t.Fatal(err)
	}
	if a, err := g.Cover(t0.Add(time.Hour), def); err != nil || fmt.Sprint(a.Covered()) != fmt.Sprint(first.Covered()) {
		t.Errorf("restored fund: %v %v", a.Covered(), err)
	}
	if after := snapJSON(t, g.Snapshot()); after != before {
		t.Fatalf("restored fund paid the default again")
	}
	// A snapshot whose defaulted member has no covered default is refused.
	s := roundTrip(t, f.Snapshot())
	s.Defaults = nil
	if _, err := RestoreDefaultFund(issueFundSettings(), s); !errors.Is(err, ErrBadSnapshot) {
		t.Errorf("defaulted member without its default: %v", err)
	}
}

// Issue 10 item 3's discipline for the other call that takes an ID: a
// repeated BackstopPool.TakeOver used to assign the position again. Its
// Takeover.ID is an idempotency key, kept in the pool's snapshot.
func TestTakeOverIsIdempotentPerID(t *testing.T) {
	ps := PoolSettings{Providers: []Provider{{"P", d("3000")}, {"Q", d("1000")}}, Unit: d("1"), SizeUnit: d("1")}
	p, _ := NewBackstopPool(ps)
	tk := Takeover{ID: "t1", Account: "bob", Size: d("10"), Price: d("100")}
	first, err := p.TakeOver(t0, tk)
	if err != nil {
		t.Fatal(err)
	}
	before := snapJSON(t, p.Snapshot())
	again, err := p.TakeOver(t0, tk)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(first, again, testkit.EquateDecimals); diff != "" {
		t.Errorf("repeated takeover (-first +again):\n%s", diff)
	}
	if snapJSON(t, p.Snapshot()) != before {
		t.Fatal("repeated takeover assigned again")
	}
	other := tk
	other.Size = d("11")
	if _, err := p.TakeOver(t0, other); !errors.Is(err, ErrDuplicateID) {
		t.Errorf("same ID, other size: %v", err)
	}
	if _, err := p.TakeOver(t0, Takeover{Account: "bob", Size: d("1"), Price: d("100")}); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("empty ID: %v", err)
	}
	if snapJSON(t, p.Snapshot()) != before {
		t.Fatal("refused takeover changed state")
	}
	q, err := RestoreBackstopPool(ps, roundTrip(t, p.Snapshot()))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := q.TakeOver(t0, tk); err != nil || snapJSON(t, q.Snapshot()) != before {
		t.Fatalf("restored pool assigned the takeover again: %v", err)
	}
	bad := roundTrip(t, p.Snapshot())
	bad.Takeovers[0].Result.Taken = d("9")
	if _, err := RestoreBackstopPool(ps, bad); !errors.Is(err, ErrBadSnapshot) {
		t.Errorf("inconsistent takeover record: %v", err)
	}
}
