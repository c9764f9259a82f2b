package backstop

import (
	"errors"
	"testing"
)

func goodAllocation(t *testing.T) (Allocation, *Journal) {
	t.Helper()
	j := NewJournal()
	w, _ := New(Settings{Layers: []Layer{&fixedLayer{id: "A", left: d("10")}, &fixedLayer{id: "B", left: d("10")}}, Unit: d("1"), Journal: j})
	a, err := w.Cover(t0, Claim{ID: "x", Amount: d("25")})
	if err != nil {
		t.Fatal(err)
	}
	if got := w.layerIDs(); len(got) != 2 || got[0] != "A" || w.journalOf() != j {
		t.Fatalf("accessors: %v", got)
	}
	if !a.DrawOf("B").Equal(d("10")) || !a.DrawOf("nope").IsZero() {
		t.Fatalf("DrawOf")
	}
	return a, j
}

// Each invariant check must catch the broken promise it names.
func TestCheckAllocationCatchesTampering(t *testing.T) {
	tamper := []struct {
		name string
		mut  func(a *Allocation)
	}{
		{"residual lost", func(a *Allocation) { a.Residual = d("4") }},
		{"negative residual", func(a *Allocation) { a.Residual = d("-1") }},
		{"draw above capacity", func(a *Allocation) { a.Draws[0].Drawn = d("11"); a.Residual = d("4") }},
		{"later layer before earlier exhausted", func(a *Allocation) {
			a.Draws[0].Drawn = d("9")
			a.Draws[0].Movements[0].Amount = d("9")
			a.Residual = d("6")
		}},
		{"movements disagree", func(a *Allocation) { a.Draws[1].Movements[0].Amount = d("9") }},
	}
	for _, tc := range tamper {
		t.Run(tc.name, func(t *testing.T) {
			a, _ := goodAllocation(t)
			if err := CheckAllocation(a); err != nil {
				t.Fatal(err)
			}
			tc.mut(&a)
			if err := CheckAllocation(a); !errors.Is(err, ErrInvariant) {
				t.Fatalf("not caught: %v", err)
			}
		})
	}
	a, j := goodAllocation(t)
	if err := CheckInvariants(j, a); err != nil {
		t.Fatal(err)
	}
	if err := CheckInvariants(j, a, a); !errors.Is(err, ErrInvariant) {
		t.Errorf("double-counted allocation not caught: %v", err)
	}
}

func TestJournalCheckCatchesTampering(t *testing.T) {
	tamper := []func(j *Journal){
		func(j *Journal) { j.entries[0].Amount = d("2") },
		func(j *Journal) { j.entries[1].Seq = 9 },
		func(j *Journal) { j.entries[1].Time = t0.Add(-1) },
		func(j *Journal) { j.balances["ghost"] = d("0") },
		func(j *Journal) { j.entries[0].To = j.entries[0].From },
	}
	for i, mut := range tamper {
		j := NewJournal()
		_ = j.Record(t0, Movement{From: "a", To: "b", Amount: d("1")}, Movement{From: "b", To: "c", Amount: d("1")})
		if err := j.Check(); err != nil {
			t.Fatal(err)
		}
		if got := j.Accounts(); len(got) != 3 || got[0] != "a" {
			t.Fatalf("accounts %v", got)
		}
		mut(j)
		if err := j.Check(); !errors.Is(err, ErrInvariant) {
			t.Errorf("tamper %d not caught: %v", i, err)
		}
	}
	j := NewJournal()
	for _, bad := range []Movement{{From: "", To: "b", Amount: d("1")}, {From: "a", To: "a", Amount: d("1")}, {From: "a", To: "b", Amount: d("0")}} {
		if err := j.Record(t0, bad); !errors.Is(err, ErrInvalidInput) {
			t.Errorf("%+v: %v", bad, err)
		}
	}
	if j.Len() != 0 {
		t.Error("bad movement recorded")
	}
	var nilJ *Journal
	if nilJ.Record(t0, Movement{From: "a", To: "b", Amount: d("1")}) != nil || nilJ.Check() != nil || nilJ.Len() != 0 {
		t.Error("nil journal should be a no-op")
	}
}

func TestFundCheckInvariantsCatchesTampering(t *testing.T) {
	f := newTestFund(t)
	_, _ = f.Deposit(t0, "", "shared", d("500"), "fees", "")
	f.funds["shared"].balance = d("499")
	if err := f.CheckInvariants(); !errors.Is(err, ErrInvariant) {
		t.Errorf("balance/journal mismatch not caught: %v", err)
	}
	df, _ := NewDefaultFund(issueFundSettings())
	df.members["A"].assessed = d("101")
	if err := df.CheckInvariants(); !errors.Is(err, ErrInvariant) {
		t.Errorf("over-assessment not caught: %v", err)
	}
	p, _ := NewBackstopPool(PoolSettings{Providers: []Provider{{"P", d("10")}}})
	p.providers["P"].remaining = d("11")
	if err := p.CheckInvariants(); !errors.Is(err, ErrInvariant) {
		t.Errorf("pool over capacity not caught: %v", err)
	}
	evs := p.Replenish(t0)
	if err := p.CheckInvariants(); err != nil || len(evs) != 1 {
		t.Errorf("replenish: %v", err)
	}
}
