package backstop

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"

	"github.com/failsafe-fi/failsafe/internal/testkit"
)

// brokenLayer is a host layer that reports capacity and then fails to
// absorb it.
type brokenLayer struct{ id string }

var errHostDown = errors.New("host treasury unreachable")

func (b brokenLayer) ID() string                { return b.id }
func (b brokenLayer) Capacity() decimal.Decimal { return d("1000") }
func (b brokenLayer) Absorb(time.Time, decimal.Decimal, string) ([]Movement, []Event, error) {
	return nil, nil, errHostDown
}

// exchangeLayers builds every built-in exchange layer with room to draw:
// defaulter 10 + 1, fund 100 − floor 10, providers (gap 20 × 5 lots), ADL
// (gap 20 × up to 5 more lots), social 12.
func exchangeLayers(t *testing.T) (def *DefaulterLayer, fund *InsuranceFund, pool *BackstopPool, blp *BLPLayer, adl *ADLLayer, social *SocialLayer, state func() string) {
	t.Helper()
	fund, _ = NewInsuranceFund(FundSettings{Funds: []FundSpec{{ID: "f", Floor: d("10")}}, Unit: d("0.01")})
	if _, err := fund.Deposit(t0, "", "f", d("100"), "fees", ""); err != nil {
		t.Fatal(err)
	}
	def, _ = NewDefaulterLayer("bad", d("10"), d("1"))
	pool, _ = NewBackstopPool(PoolSettings{Providers: []Provider{{"P1", d("1500")}, {"P2", d("1000")}}, Unit: d("0.01"), SizeUnit: d("1")})
	shared, _ := NewSharedPosition(d("10"))
	var err error
	// A long of 10 bankrupt at 500 with the mark at 480: 20 a unit.
	blp, err = pool.SharedLayer(Takeover{ID: "t", Account: "bad", Size: d("10"), Price: d("500")}, d("480"), shared)
	if err != nil {
		t.Fatal(err)
	}
	adl, err = NewADLLayer(ADLSettings{Request: DeleverageRequest{
		Bankrupt:   Position{Account: "bad", Size: d("10"), EntryPrice: d("550"), BankruptcyPrice: d("500")},
		Mark:       d("480"),
		Candidates: []Position{{Account: "s1", Size: d("-4"), EntryPrice: d("520"), BankruptcyPrice: d("600")}, {Account: "s2", Size: d("-8"), EntryPrice: d("510"), BankruptcyPrice: d("700")}},
	}, Unit: d("0.01"), SizeUnit: d("1"), Shared: shared})
	if err != nil {
		t.Fatal(err)
	}
	social, _ = NewSocialLayer("social", []Balance{{"w1", d("5")}, {"w2", d("7")}}, d("0.01"))
	state = func() string {
		return snapJSON(t, []any{def.Snapshot(), fund.Snapshot(), pool.Snapshot(), blp.Snapshot(), adl.Snapshot(), social.Snapshot(), shared.Snapshot()})
	}
	return def, fund, pool, blp, adl, social, state
}

// A host layer failing after every built-in layer has been drawn leaves
// nothing changed: the built-in layers, their ledgers, the journal and the
// events are put back.
func TestCoverRollsBackBuiltInLayersWhenAHostLayerFails(t *testing.T) {
	def, fund, _, blp, adl, social, state := exchangeLayers(t)
	j := NewJournal()
	w, err := New(Settings{Layers: []Layer{def, fund.Layer("x"), blp, adl, social, brokenLayer{"treasury"}}, Unit: d("0.01"), Journal: j})
	if err != nil {
		t.Fatal(err)
	}
	before := state()
	a, err := w.Cover(t0.Add(time.Minute), Claim{ID: "c", Amount: d("500")})
	if !errors.Is(err, ErrLayerFailed) || !errors.Is(err, errHostDown) || !strings.Contains(err.Error(), "nothing drawn") {
		t.Fatalf("error %v", err)
	}
	if after := state(); after != before {
		t.Fatalf("failed cover changed state:\nbefore %s\nafter  %s", before, after)
	}
	if j.Len() != 0 || !a.Covered().IsZero() || !a.Residual.Equal(d("500")) {
		t.Fatalf("journal %d entries, covered %s, residual %s", j.Len(), a.Covered(), a.Residual)
	}
	if err := CheckAllocation(a); err != nil {
		t.Fatal(err)
	}
	if len(a.Events) != 0 {
		t.Fatalf("failed cover returned events %v", a.Events)
	}
	if _, ok := w.Covered("c"); ok {
		t.Fatal("a rolled-back claim was remembered: it could not be retried")
	}
	if err := fund.CheckInvariants(); err != nil {
		t.Fatal(err)
	}
	// The same waterfall still works once the host layer is gone.
	w2, _ := New(Settings{Layers: []Layer{def, fund.Layer("x"), blp, adl, social}, Unit: d("0.01"), Journal: j})
	a2, err := w2.Cover(t0.Add(time.Minute), Claim{ID: "c", Amount: d("500")})
	if err != nil {
		t.Fatal(err)
	}
	// 11 + 90 + 100 (5 lots to providers) + 100 (5 lots deleveraged) + 12.
	if !a2.Covered().Equal(d("313")) || !a2.Residual.Equal(d("187")) {
		t.Fatalf("covered %s residual %s", a2.Covered(), a2.Residual)
	}
	if err := CheckInvariants(j, a2); err != nil {
		t.Fatal(err)
	}
	// Every draw is an event: one per layer, per provider takeover, per
	// deleveraged counterparty and per haircut account.
	kinds := map[EventKind]int{}
	for _, e := range a2.Events {
		kinds[e.Kind]++
		if e.Claim != "c" {
			t.Errorf("event %+v not stamped with the claim", e)
		}
	}
	want := map[EventKind]int{EventDraw: 5, EventResidual: 1, EventFundDraw: 1, EventTakeover: 2, EventDeleverage: 2, EventHaircut: 2}
	for k, n := range want {
		if kinds[k] != n {
			t.Errorf("%d %s events, want %d (all: %v)", kinds[k], k, n, kinds)
		}
	}
}

// When a host layer was drawn before the failing one, nothing can be put
// back: every earlier draw stays, the journal holds exactly them and still
// balances, and the error names each draw.
func TestCoverPartialWhenAHostLayerWasDrawn(t *testing.T) {
	def, fund, _, _, _, _, _ := exchangeLayers(t)
	host := &fixedLayer{id: "treasury", left: d("30")}
	j := NewJournal()
	w, _ := New(Settings{Layers: []Layer{def, host, fund.Layer("x"), brokenLayer{"reinsurance"}}, Unit: d("0.01"), Journal: j})
	a, err := w.Cover(t0.Add(time.Minute), Claim{ID: "c", Amount: d("500")})
	if !errors.Is(err, ErrLayerFailed) || !errors.Is(err, errHostDown) {
		t.Fatalf("error %v", err)
	}
	for _, want := range []string{`"reinsurance"`, "defaulter:bad 11", "treasury 30", "insurance:f 90"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	if !a.Covered().Equal(d("131")) || !a.Residual.Equal(d("369")) {
		t.Fatalf("covered %s, residual %s", a.Covered(), a.Residual)
	}
	if err := CheckInvariants(j, a); err != nil {
		t.Fatal(err)
	}
	if err := fund.CheckInvariants(); err != nil {
		t.Fatal(err)
	}
}

// A host layer failing before the last host layer: the built-in layers
// drawn before it are still put back.
func TestCoverRollsBackBeforeAnEarlyHostFailure(t *testing.T) {
	def, fund, _, _, _, _, _ := exchangeLayers(t)
	before := snapJSON(t, []any{def.Snapshot(), fund.Snapshot()})
	later := &fixedLayer{id: "treasury", left: d("1000")}
	w, _ := New(Settings{Layers: []Layer{def, fund.Layer("x"), brokenLayer{"reinsurance"}, later}, Unit: d("0.01")})
	a, err := w.Cover(t0.Add(time.Minute), Claim{ID: "c", Amount: d("500")})
	if !errors.Is(err, errHostDown) || !strings.Contains(err.Error(), "nothing drawn") {
		t.Fatalf("error %v", err)
	}
	if after := snapJSON(t, []any{def.Snapshot(), fund.Snapshot()}); after != before || !later.left.Equal(d("1000")) {
		t.Fatalf("failed cover changed state")
	}
	if err := CheckAllocation(a); err != nil {
		t.Fatal(err)
	}
}

// Property: whatever the built-in layers hold and however far a loss
// reaches, a host layer failing after them leaves every one of them, the
// fund's ledger, the pool, the shared position and the journal exactly as
// they were, and the same cover without the broken layer then succeeds.
func TestPropertyFailedCoverChangesNothing(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		r := newRig(t)
		if _, err := r.waterfall(t).Cover(t0, Claim{ID: "1", Amount: testkit.Decimal(0, 100_000, 2).Draw(t, "loss1")}); err != nil {
			t.Fatal(err)
		}
		before, err := json.Marshal(r.snapshot())
		if err != nil {
			t.Fatal(err)
		}
		layers := []Layer{r.def, r.fund.Layer("x"), r.blp, r.adl, r.social}
		at := rapid.IntRange(0, len(layers)).Draw(t, "broken at")
		layers = append(layers[:at:at], append([]Layer{brokenLayer{"treasury"}}, layers[at:]...)...)
		w, err := New(Settings{Layers: layers, Unit: r.unit, Journal: r.journal})
		if err != nil {
			t.Fatal(err)
		}
		loss := testkit.Decimal(0, 400_000, 2).Draw(t, "loss2")
		a, err := w.Cover(t0, Claim{ID: "2", Amount: loss})
		after, _ := json.Marshal(r.snapshot())
		if err == nil { // the loss stopped before the broken layer
			if !a.DrawOf("treasury").IsZero() {
				t.Fatalf("broken layer drew %s", a.DrawOf("treasury"))
			}
			return
		}
		if !errors.Is(err, errHostDown) || !a.Covered().IsZero() || !a.Residual.Equal(loss) {
			t.Fatalf("error %v, covered %s", err, a.Covered())
		}
		if string(after) != string(before) {
			t.Fatalf("failed cover changed state:\nbefore %s\nafter  %s", before, after)
		}
		if err := CheckAllocation(a); err != nil {
			t.Fatal(err)
		}
	})
}
