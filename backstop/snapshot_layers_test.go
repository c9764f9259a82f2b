package backstop

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"

	"github.com/failsafe-fi/failsafe/internal/testkit"
)

// exchangeRig is an exchange waterfall of every built-in layer, with the
// settings needed to rebuild it.
type exchangeRig struct {
	fundSettings FundSettings
	poolSettings PoolSettings
	adlSettings  ADLSettings
	takeover     Takeover
	mark         decimal.Decimal
	unit         decimal.Decimal

	fund    *InsuranceFund
	pool    *BackstopPool
	shared  *SharedPosition
	def     *DefaulterLayer
	blp     *BLPLayer
	adl     *ADLLayer
	social  *SocialLayer
	journal *Journal
}

func (r *exchangeRig) waterfall(t *rapid.T) *Waterfall {
	w, err := New(Settings{Layers: []Layer{r.def, r.fund.Layer("x"), r.blp, r.adl, r.social}, Unit: r.unit, Journal: r.journal})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

type rigSnapshot struct {
	Fund      FundSnapshot      `json:"fund"`
	Pool      PoolSnapshot      `json:"pool"`
	Shared    SharedSnapshot    `json:"shared"`
	Defaulter DefaulterSnapshot `json:"defaulter"`
	BLP       BLPLayerSnapshot  `json:"blp"`
	ADL       ADLSnapshot       `json:"adl"`
	Social    SocialSnapshot    `json:"social"`
	Journal   JournalSnapshot   `json:"journal"`
}

func (r *exchangeRig) snapshot() rigSnapshot {
	return rigSnapshot{r.fund.Snapshot(), r.pool.Snapshot(), r.shared.Snapshot(), r.def.Snapshot(),
		r.blp.Snapshot(), r.adl.Snapshot(), r.social.Snapshot(), r.journal.Snapshot()}
}

func (r *exchangeRig) restore(t *rapid.T, s rigSnapshot) *exchangeRig {
	var err error
	out := *r
	if out.fund, err = RestoreInsuranceFund(r.fundSettings, s.Fund); err != nil {
		t.Fatal(err)
	}
	if out.pool, err = RestoreBackstopPool(r.poolSettings, s.Pool); err != nil {
		t.Fatal(err)
	}
	if out.shared, err = RestoreSharedPosition(s.Shared); err != nil {
		t.Fatal(err)
	}
	if out.def, err = RestoreDefaulterLayer(s.Defaulter); err != nil {
		t.Fatal(err)
	}
	if out.blp, err = out.pool.RestoreBLPLayer(r.takeover, r.mark, out.shared, s.BLP); err != nil {
		t.Fatal(err)
	}
	as := r.adlSettings
	as.Shared = out.shared
	if out.adl, err = RestoreADLLayer(as, s.ADL); err != nil {
		t.Fatal(err)
	}
	if out.social, err = RestoreSocialLayer(r.social.ID(), r.unit, s.Social); err != nil {
		t.Fatal(err)
	}
	if out.journal, err = RestoreJournal(s.Journal); err != nil {
		t.Fatal(err)
	}
	return &out
}

func newRig(t *rapid.T) *exchangeRig {
	r := &exchangeRig{unit: d("0.01"), mark: d("1000")}
	r.fundSettings = FundSettings{Funds: []FundSpec{{ID: "f", Floor: testkit.Decimal(0, 50_000, 2).Draw(t, "floor")}}, Unit: r.unit}
	r.fund, _ = NewInsuranceFund(r.fundSettings)
	if dep := testkit.Decimal(0, 200_000, 2).Draw(t, "deposit"); dep.Sign() > 0 {
		_, _ = r.fund.Deposit(t0, "", "f", dep, "fees", "")
	}
	r.def, _ = NewDefaulterLayer("bad", testkit.Decimal(0, 50_000, 2).Draw(t, "margin"), testkit.Decimal(0, 5_000, 2).Draw(t, "penalty"))
	pb := testkit.Decimal(1001, 1200, 0).Draw(t, "pb")
	size := testkit.Decimal(1, 500, 0).Draw(t, "size")
	r.poolSettings = PoolSettings{Providers: []Provider{
		{"p1", testkit.Decimal(0, 100_000, 0).Draw(t, "c1")}, {"p2", testkit.Decimal(0, 100_000, 0).Draw(t, "c2")}}, Unit: r.unit, SizeUnit: d("1")}
	r.pool, _ = NewBackstopPool(r.poolSettings)
	r.shared, _ = NewSharedPosition(size)
	r.takeover = Takeover{ID: "t", Account: "bad", Size: size, Price: pb}
	r.blp, _ = r.pool.SharedLayer(r.takeover, r.mark, r.shared)
	var shorts []Position
	for i := 0; i < rapid.IntRange(0, 6).Draw(t, "shorts"); i++ {
		shorts = append(shorts, Position{Account: fmt.Sprint("s", i), Size: testkit.Decimal(1, 200, 0).Draw(t, "ssize").Neg(),
			EntryPrice: testkit.Decimal(900, 1300, 0).Draw(t, "sentry"), BankruptcyPrice: d("1500")})
	}
	r.adlSettings = ADLSettings{Request: DeleverageRequest{Bankrupt: Position{Account: "bad", Size: size, EntryPrice: d("1300"), BankruptcyPrice: pb},
		Mark: r.mark, Candidates: shorts}, Unit: r.unit, SizeUnit: d("1"), Shared: r.shared}
	var err error
	if r.adl, err = NewADLLayer(r.adlSettings); err != nil {
		t.Fatal(err)
	}
	var winners []Balance
	for i := 0; i < rapid.IntRange(0, 6).Draw(t, "winners"); i++ {
		winners = append(winners, Balance{Account: fmt.Sprint("w", i), Amount: testkit.Decimal(-1000, 10_000, 2).Draw(t, "profit")})
	}
	r.social, _ = NewSocialLayer("social", winners, r.unit)
	r.journal = NewJournal()
	return r
}

// Property: snapshot → JSON → restore → continue equals continuing, for a
// whole exchange waterfall mid-default: the fund, the pool, the shared
// position and every per-loss layer, and the journal.
func TestPropertyLayersSnapshotRestore(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		r := newRig(t)
		if _, err := r.waterfall(t).Cover(t0, Claim{ID: "1", Amount: testkit.Decimal(0, 200_000, 2).Draw(t, "loss1")}); err != nil {
			t.Fatal(err)
		}
		s := r.restore(t, roundTrip(t, r.snapshot()))
		loss2 := Claim{ID: "2", Amount: testkit.Decimal(0, 200_000, 2).Draw(t, "loss2")}
		a1, err1 := r.waterfall(t).Cover(t0, loss2)
		a2, err2 := s.waterfall(t).Cover(t0, loss2)
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		if diff := cmp.Diff(a1, a2, testkit.EquateDecimals); diff != "" {
			t.Fatalf("allocations differ:\n%s", diff)
		}
		if diff := cmp.Diff(r.snapshot(), s.snapshot(), testkit.EquateDecimals); diff != "" {
			t.Fatalf("state differs:\n%s", diff)
		}
	})
}
