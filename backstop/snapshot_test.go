package backstop

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"

	"github.com/failsafe-fi/failsafe/internal/testkit"
)

// roundTrip sends v through JSON, as a standby node would receive it.
func roundTrip[T any](t interface{ Fatal(...any) }, v T) T {
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out T
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

type fundOp struct {
	kind   int
	fund   string
	amount decimal.Decimal
}

func genFundOps(t *rapid.T, label string) []fundOp {
	n := rapid.IntRange(0, 12).Draw(t, label)
	ops := make([]fundOp, n)
	for i := range ops {
		ops[i] = fundOp{
			kind:   rapid.IntRange(0, 2).Draw(t, "kind"),
			fund:   rapid.SampledFrom([]string{"shared", "doge", "nope"}).Draw(t, "fund"),
			amount: testkit.Decimal(-100, 50_000, 2).Draw(t, "amount"),
		}
	}
	return ops
}

func applyFundOps(f *InsuranceFund, ops []fundOp, start time.Time) []string {
	var log []string
	for i, op := range ops {
		now := start.Add(time.Duration(i) * time.Second)
		var err error
		switch op.kind {
		case 0:
			_, err = f.Deposit(now, "", op.fund, op.amount, "fees", "fees")
		case 1:
			_, err = f.Draw(now, "", op.fund, op.amount, "loss", "draw")
		case 2:
			w, _ := New(Settings{Layers: []Layer{f.Layer(op.fund)}, Unit: d("0.01")})
			var a Allocation
			a, err = w.Cover(now, Claim{ID: fmt.Sprint(i), Amount: op.amount})
			log = append(log, fmt.Sprint(a.Residual))
		}
		log = append(log, fmt.Sprint(err))
	}
	return log
}

// Property: snapshot → JSON → restore → continue equals continuing, for
// the insurance fund (balances, history, journal, events of later ops).
func TestPropertyFundSnapshotRestore(t *testing.T) {
	settings := FundSettings{Funds: []FundSpec{{ID: "shared", Floor: d("10")}, {ID: "doge"}},
		Markets: map[string]string{"doge": "doge"}, Unit: d("0.01")}
	rapid.Check(t, func(t *rapid.T) {
		f, _ := NewInsuranceFund(settings)
		applyFundOps(f, genFundOps(t, "before"), t0)
		after := genFundOps(t, "after")
		g, err := RestoreInsuranceFund(settings, roundTrip(t, f.Snapshot()))
		if err != nil {
			t.Fatal(err)
		}
		later := t0.Add(time.Hour)
		la := applyFundOps(f, after, later)
		lb := applyFundOps(g, after, later)
		if diff := cmp.Diff(la, lb); diff != "" {
			t.Fatalf("results differ:\n%s", diff)
		}
		if diff := cmp.Diff(f.Snapshot(), g.Snapshot(), testkit.EquateDecimals); diff != "" {
			t.Fatalf("state differs:\n%s", diff)
		}
		if err := g.CheckInvariants(); err != nil {
			t.Fatal(err)
		}
	})
}

// Property: snapshot → JSON → restore → continue equals continuing, for
// the default fund (contributions, assessments, defaulted members, skin in
// the game, journal).
func TestPropertyDefaultFundSnapshotRestore(t *testing.T) {
	settings := issueFundSettings()
	members := []string{"D", "A", "B", "C", "Z"}
	type op struct {
		kind   int
		member string
		amount decimal.Decimal
	}
	gen := func(t *rapid.T, label string) []op {
		n := rapid.IntRange(0, 6).Draw(t, label)
		ops := make([]op, n)
		for i := range ops {
			ops[i] = op{rapid.IntRange(0, 2).Draw(t, "kind"), rapid.SampledFrom(members).Draw(t, "member"),
				testkit.Decimal(-5, 600, 0).Draw(t, "amount")}
		}
		return ops
	}
	apply := func(f *DefaultFund, ops []op, start time.Time) []string {
		var log []string
		for i, o := range ops {
			now := start.Add(time.Duration(i) * time.Second)
			switch o.kind {
			case 0:
				a, err := f.Cover(now, Default{ID: fmt.Sprint(i), Member: o.member, Loss: o.amount, Margin: d("20")})
				var drawn []string
				for _, dr := range a.Draws {
					drawn = append(drawn, dr.Layer+"="+dr.Drawn.String())
				}
				log = append(log, fmt.Sprint(drawn, a.Residual, err))
			case 1:
				log = append(log, fmt.Sprint(f.Contribute(now, "", o.member, o.amount)))
			case 2:
				f.ResetAssessments(now)
			}
		}
		return log
	}
	rapid.Check(t, func(t *rapid.T) {
		f, _ := NewDefaultFund(settings)
		apply(f, gen(t, "before"), t0)
		after := gen(t, "after")
		g, err := RestoreDefaultFund(settings, roundTrip(t, f.Snapshot()))
		if err != nil {
			t.Fatal(err)
		}
		later := t0.Add(time.Hour)
		if diff := cmp.Diff(apply(f, after, later), apply(g, after, later)); diff != "" {
			t.Fatalf("results differ:\n%s", diff)
		}
		if diff := cmp.Diff(f.Snapshot(), g.Snapshot(), testkit.EquateDecimals); diff != "" {
			t.Fatalf("state differs:\n%s", diff)
		}
		// Compare through the getters too, so a field the snapshot dropped
		// on both sides cannot hide.
		if diff := cmp.Diff(f.Members(), g.Members(), testkit.EquateDecimals); diff != "" {
			t.Fatalf("members differ:\n%s", diff)
		}
		if err := g.CheckInvariants(); err != nil {
			t.Fatal(err)
		}
	})
}

// Property: snapshot → JSON → restore → continue equals continuing, for a
// backstop pool.
func TestPropertyPoolSnapshotRestore(t *testing.T) {
	settings := PoolSettings{Providers: []Provider{{"P1", d("6000")}, {"P2", d("4000")}, {"P3", d("0")}}, Unit: d("1"), SizeUnit: d("0.1")}
	rapid.Check(t, func(t *rapid.T) {
		p, _ := NewBackstopPool(settings)
		take := func(p *BackstopPool, label string, sizes []decimal.Decimal) []string {
			var log []string
			for i, s := range sizes {
				r, err := p.TakeOver(t0, Takeover{ID: fmt.Sprint(label, i), Account: "x", Size: s, Price: d("500")})
				log = append(log, fmt.Sprint(r.Assignments, r.Unfilled, err))
			}
			return log
		}
		gen := func(label string) []decimal.Decimal {
			return rapid.SliceOfN(testkit.Decimal(-50, 50, 1), 0, 5).Draw(t, label)
		}
		take(p, "before", gen("before"))
		after := gen("after")
		q, err := RestoreBackstopPool(settings, roundTrip(t, p.Snapshot()))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(take(p, "after", after), take(q, "after", after)); diff != "" {
			t.Fatalf("results differ:\n%s", diff)
		}
	})
}

func TestRestoreRejectsMalformedSnapshots(t *testing.T) {
	fs := FundSettings{Funds: []FundSpec{{ID: "f", Floor: d("0")}}, Unit: d("0.01")}
	f, _ := NewInsuranceFund(fs)
	_, _ = f.Deposit(t0, "", "f", d("10"), "fees", "")
	good := f.Snapshot()
	bad := []func(s *FundSnapshot){
		func(s *FundSnapshot) { s.Funds[0].Balance = d("11") },
		func(s *FundSnapshot) { s.Funds[0].ID = "g" },
		func(s *FundSnapshot) { s.Funds = append(s.Funds, s.Funds[0]) },
		func(s *FundSnapshot) { s.Journal.Entries[0].Amount = d("-10") },
		func(s *FundSnapshot) { s.Journal.Entries[0].Seq = 7 },
		func(s *FundSnapshot) { s.Funds[0].History[0].Change = d("9") },
		func(s *FundSnapshot) { s.Funds[0].Balance = decimal.New(1, 100000) },
		func(s *FundSnapshot) {
			s.Funds[0].History = append(s.Funds[0].History, BalancePoint{Time: t0.Add(-time.Hour), Balance: d("10"), Change: d("0")})
		},
	}
	for i, mut := range bad {
		s := roundTrip(t, good)
		mut(&s)
		if _, err := RestoreInsuranceFund(fs, s); err == nil {
			t.Errorf("malformed fund snapshot %d accepted", i)
		}
	}
	df, _ := NewDefaultFund(issueFundSettings())
	dgood := df.Snapshot()
	dbad := []func(s *DefaultFundSnapshot){
		func(s *DefaultFundSnapshot) { s.Members[0].Balance = d("49") },
		func(s *DefaultFundSnapshot) { s.Members[1].Assessed = d("101") },
		func(s *DefaultFundSnapshot) { s.SkinInTheGame = d("-1") },
		func(s *DefaultFundSnapshot) { s.Members = s.Members[:2] },
		func(s *DefaultFundSnapshot) { s.Members[1].Assessed = d("0.5") },
	}
	for i, mut := range dbad {
		s := roundTrip(t, dgood)
		mut(&s)
		if _, err := RestoreDefaultFund(issueFundSettings(), s); err == nil {
			t.Errorf("malformed default fund snapshot %d accepted", i)
		}
	}
}

// FuzzRestoreInsuranceFund feeds arbitrary JSON to the restore path: it
// must never panic, and whatever it accepts must satisfy the invariants.
func FuzzRestoreInsuranceFund(f *testing.F) {
	fs := FundSettings{Funds: []FundSpec{{ID: "f", Floor: d("1")}}, Unit: d("0.01")}
	fund, _ := NewInsuranceFund(fs)
	_, _ = fund.Deposit(t0, "", "f", d("10"), "fees", "x")
	_, _ = fund.Draw(t0, "", "f", d("3"), "loss", "y")
	raw, _ := json.Marshal(fund.Snapshot())
	f.Add(raw)
	_, _ = fund.Deposit(t0, "k1", "f", d("5"), "fees", "x")
	_, _ = fund.Draw(t0, "k2", "f", d("2"), "loss", "y")
	raw, _ = json.Marshal(fund.Snapshot())
	f.Add(raw)
	f.Add([]byte(`{"funds":[{"id":"f","balance":"1e999999"}]}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var s FundSnapshot
		if json.Unmarshal(data, &s) != nil {
			return
		}
		g, err := RestoreInsuranceFund(fs, s)
		if err != nil {
			return
		}
		if err := g.CheckInvariants(); err != nil {
			t.Fatal(err)
		}
		// A restored key is honoured: its replay changes nothing.
		for _, k := range g.Snapshot().Keys {
			before := snapJSON(t, g.Snapshot())
			var err error
			if k.Op == EventDeposit {
				_, err = g.Deposit(t0.Add(time.Hour), k.Key, "f", k.Amount, k.Account, k.Reason)
			} else {
				_, err = g.Draw(t0.Add(time.Hour), k.Key, "f", k.Amount, k.Account, k.Reason)
			}
			if err != nil || snapJSON(t, g.Snapshot()) != before {
				t.Fatalf("replay of restored key %q: err %v or state changed", k.Key, err)
			}
		}
		_, _ = g.Draw(t0.Add(time.Hour), "", "f", d("1"), "loss", "z")
		if err := g.CheckInvariants(); err != nil {
			t.Fatal(err)
		}
	})
}

// FuzzRestoreDefaultFund feeds arbitrary JSON to the default fund's
// restore path.
func FuzzRestoreDefaultFund(f *testing.F) {
	df, _ := NewDefaultFund(issueFundSettings())
	_, _ = df.Cover(t0, Default{ID: "x", Member: "D", Loss: d("400"), Margin: d("200")})
	raw, _ := json.Marshal(df.Snapshot())
	f.Add(raw)
	f.Add([]byte(`{"members":[]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var s DefaultFundSnapshot
		if json.Unmarshal(data, &s) != nil {
			return
		}
		g, err := RestoreDefaultFund(issueFundSettings(), s)
		if err != nil {
			return
		}
		_, _ = g.Cover(t0.Add(time.Hour), Default{ID: "y", Member: "A", Loss: d("100")})
		if err := g.CheckInvariants(); err != nil {
			t.Fatal(err)
		}
	})
}
