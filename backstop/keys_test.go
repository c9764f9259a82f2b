package backstop

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/testkit"
)

func newKeyedFund(t *testing.T, memory int) *InsuranceFund {
	t.Helper()
	f, err := NewInsuranceFund(FundSettings{Funds: []FundSpec{{ID: "f"}, {ID: "g"}}, Unit: d("0.01"), KeyMemory: memory})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// Issue 14 item 3: a deposit replayed from the host's log (same key, same
// content) is counted once. Before keys, the replay paid in again: the
// balance was 200 (mutation tried: skipping the key lookup in Deposit gives
// 200 here).
func TestKeyedDepositReplayCountedOnce(t *testing.T) {
	f := newKeyedFund(t, 0)
	first, err := f.Deposit(t0, "fee-1", "f", d("100"), "fees", "trading fees")
	if err != nil {
		t.Fatal(err)
	}
	again, err := f.Deposit(t0.Add(time.Minute), "fee-1", "f", d("100"), "fees", "trading fees") // a replay, later
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := f.Balance("f"); !b.Equal(d("100")) {
		t.Fatalf("balance after a replayed deposit = %s, want 100 (counted once)", b)
	}
	if n := len(f.Journal()); n != 1 {
		t.Fatalf("journal has %d entries, want 1", n)
	}
	if diff := cmp.Diff(first, again, testkit.EquateDecimals); diff != "" {
		t.Fatalf("a replay returns the first event (-first +again):\n%s", diff)
	}
	// Without a key a deposit applies each time (the host deduplicates).
	f.Deposit(t0, "", "f", d("1"), "fees", "x")
	f.Deposit(t0, "", "f", d("1"), "fees", "x")
	if b, _ := f.Balance("f"); !b.Equal(d("102")) {
		t.Fatalf("unkeyed deposits: balance %s, want 102", b)
	}
}

// Different content under a used key is refused and changes nothing: the
// fund, amount, from and reason of a deposit, the op (a draw under a
// deposit's key), a contribution's amount.
func TestKeyReusedWithOtherContentRefused(t *testing.T) {
	f := newKeyedFund(t, 0)
	if _, err := f.Deposit(t0, "k", "f", d("100"), "fees", "r"); err != nil {
		t.Fatal(err)
	}
	before, _ := json.Marshal(f.Snapshot())
	for name, call := range map[string]func() error{
		"other fund":   func() error { _, err := f.Deposit(t0, "k", "g", d("100"), "fees", "r"); return err },
		"other amount": func() error { _, err := f.Deposit(t0, "k", "f", d("100.01"), "fees", "r"); return err },
		"other from":   func() error { _, err := f.Deposit(t0, "k", "f", d("100"), "treasury", "r"); return err },
		"other reason": func() error { _, err := f.Deposit(t0, "k", "f", d("100"), "fees", "s"); return err },
		"a draw":       func() error { _, err := f.Draw(t0, "k", "f", d("100"), "fees", "r"); return err },
	} {
		if err := call(); !errors.Is(err, ErrDuplicateID) {
			t.Errorf("%s: err = %v, want ErrDuplicateID", name, err)
		}
	}
	if _, err := f.Deposit(t0, "\xff", "f", d("1"), "fees", "r"); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("non-UTF-8 key: err = %v, want ErrInvalidInput", err)
	}
	after, _ := json.Marshal(f.Snapshot())
	if string(before) != string(after) {
		t.Fatal("a refused keyed input changed the fund")
	}
}

// A keyed draw replayed pays out once; a failed draw (below the floor) is
// not remembered, so the same key can be used once funds arrive.
func TestKeyedDrawReplay(t *testing.T) {
	f := newKeyedFund(t, 0)
	if _, err := f.Draw(t0, "d1", "f", d("10"), "loss", "cover"); !errors.Is(err, ErrBelowFloor) {
		t.Fatalf("draw from an empty fund: %v", err)
	}
	f.Deposit(t0, "dep", "f", d("100"), "fees", "r")
	for range 3 {
		if _, err := f.Draw(t0, "d1", "f", d("10"), "loss", "cover"); err != nil {
			t.Fatal(err)
		}
	}
	if b, _ := f.Balance("f"); !b.Equal(d("90")) {
		t.Fatalf("balance %s after a draw replayed three times, want 90", b)
	}
}

// A keyed contribution replayed pays in once; other content is refused.
func TestKeyedContributionReplay(t *testing.T) {
	f, err := NewDefaultFund(DefaultFundSettings{Members: []MemberSpec{{ID: "A", Contribution: d("100")}}, Unit: d("0.01")})
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, err := f.Contribute(t0, "top-up-1", "A", d("50")); err != nil {
			t.Fatal(err)
		}
	}
	if got := f.Members()[0].Contribution; !got.Equal(d("150")) {
		t.Fatalf("member balance %s after a replayed contribution, want 150", got)
	}
	if _, err := f.Contribute(t0, "top-up-1", "A", d("60")); !errors.Is(err, ErrDuplicateID) {
		t.Fatalf("other amount under the key: %v, want ErrDuplicateID", err)
	}
	// The keys survive a snapshot: a standby does not count the replay either.
	g, err := RestoreDefaultFund(DefaultFundSettings{Members: []MemberSpec{{ID: "A", Contribution: d("100")}}, Unit: d("0.01")}, roundTrip(t, f.Snapshot()))
	if err != nil {
		t.Fatal(err)
	}
	g.Contribute(t0, "top-up-1", "A", d("50"))
	if got := g.Members()[0].Contribution; !got.Equal(d("150")) {
		t.Fatalf("restored member balance %s after the replay, want 150", got)
	}
}

// The keys are in the snapshot and a restore checks them: a standby
// restored from JSON does not count a replay; a key without its journal
// entry, a repeated key, an empty key, a key on an unknown fund or more
// keys than the memory holds is ErrBadSnapshot.
func TestKeysInSnapshotValidated(t *testing.T) {
	f := newKeyedFund(t, 3)
	f.Deposit(t0, "a", "f", d("100"), "fees", "r")
	f.Draw(t0, "b", "f", d("10"), "loss", "cover")
	snap := roundTrip(t, f.Snapshot())
	set := FundSettings{Funds: []FundSpec{{ID: "f"}, {ID: "g"}}, Unit: d("0.01"), KeyMemory: 3}
	g, err := RestoreInsuranceFund(set, snap)
	if err != nil {
		t.Fatal(err)
	}
	g.Deposit(t0, "a", "f", d("100"), "fees", "r")
	g.Draw(t0, "b", "f", d("10"), "loss", "cover")
	if b, _ := g.Balance("f"); !b.Equal(d("90")) {
		t.Fatalf("restored fund balance %s after replays, want 90", b)
	}
	bad := map[string]func(s *FundSnapshot){
		"no journal entry": func(s *FundSnapshot) { s.Keys[0].Amount = d("99") },
		"other time":       func(s *FundSnapshot) { s.Keys[0].Time = t0.Add(time.Second) },
		"repeated":         func(s *FundSnapshot) { s.Keys[1].Key = s.Keys[0].Key },
		"empty":            func(s *FundSnapshot) { s.Keys[0].Key = "" },
		"unknown fund":     func(s *FundSnapshot) { s.Keys[0].Subject = "insurance:zz" },
		"unknown op":       func(s *FundSnapshot) { s.Keys[0].Op = EventHaircut },
		"absurd amount":    func(s *FundSnapshot) { s.Keys[0].Amount = decimal.New(1, 2147483647) },
		"entry used twice": func(s *FundSnapshot) { s.Keys = append(s.Keys, s.Keys[0]); s.Keys[2].Key = "c" },
		"over memory": func(s *FundSnapshot) {
			s.Keys = append(s.Keys, s.Keys[0], s.Keys[0])
			s.Keys[2].Key, s.Keys[3].Key = "c", "d"
		},
	}
	for name, mutate := range bad {
		s := roundTrip(t, snap)
		mutate(&s)
		if _, err := RestoreInsuranceFund(set, s); !errors.Is(err, ErrBadSnapshot) {
			t.Errorf("%s: err = %v, want ErrBadSnapshot", name, err)
		}
	}
}

// Memory is bounded: with KeyMemory 2, a third keyed input forgets the
// first, whose replay then applies again (documented), while the last two
// are still caught; KeyMemory outside [0, 10,000,000] is refused.
func TestKeyMemoryBounded(t *testing.T) {
	f := newKeyedFund(t, 2)
	for _, k := range []string{"k1", "k2", "k3"} {
		f.Deposit(t0, k, "f", d("1"), "fees", "r")
	}
	if n := len(f.Snapshot().Keys); n != 2 {
		t.Fatalf("%d keys remembered, want 2", n)
	}
	f.Deposit(t0, "k3", "f", d("1"), "fees", "r") // caught
	f.Deposit(t0, "k1", "f", d("1"), "fees", "r") // forgotten: applies again
	if b, _ := f.Balance("f"); !b.Equal(d("4")) {
		t.Fatalf("balance %s, want 4", b)
	}
	for _, m := range []int{-1, maxKeyMemory + 1} {
		if _, err := NewInsuranceFund(FundSettings{KeyMemory: m}); !errors.Is(err, ErrInvalidSettings) {
			t.Errorf("KeyMemory %d: err = %v, want ErrInvalidSettings", m, err)
		}
		if _, err := NewDefaultFund(DefaultFundSettings{Members: []MemberSpec{{ID: "A"}}, KeyMemory: m}); !errors.Is(err, ErrInvalidSettings) {
			t.Errorf("default fund KeyMemory %d: err = %v, want ErrInvalidSettings", m, err)
		}
	}
}
