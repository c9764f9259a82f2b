package backstop

import (
	"testing"
	"time"
)

// Issue 10 item 12: RestoreInsuranceFund accepted a journal entry that
// touches no fund (the journal still balanced and every fund's balance
// still matched). Every entry of an insurance fund's ledger moves value
// into or out of exactly one declared fund, and each fund's history is its
// ledger entries in order; the same class is refused for the default fund
// (every entry names a member's, the CCP's or a default's account).
func TestRestoreRefusesJournalInconsistentWithFunds(t *testing.T) {
	fs := FundSettings{Funds: []FundSpec{{ID: "f", Floor: d("0")}, {ID: "g", Floor: d("0")}}, Unit: d("0.01")}
	f, _ := NewInsuranceFund(fs)
	_, _ = f.Deposit(t0, "", "f", d("10"), "fees", "fees")
	_, _ = f.Deposit(t0, "", "g", d("5"), "fees", "fees")
	good := f.Snapshot()
	if _, err := RestoreInsuranceFund(fs, roundTrip(t, good)); err != nil {
		t.Fatalf("good snapshot refused: %v", err)
	}
	entry := func(from, to string, amount string) Entry {
		return Entry{Seq: 3, Time: t0, From: from, To: to, Amount: d(amount), Reason: "x"}
	}
	bad := map[string]func(s *FundSnapshot){
		"entry touching no fund": func(s *FundSnapshot) {
			s.Journal.Entries = append(s.Journal.Entries, entry("a", "b", "5"))
		},
		"entry between two funds": func(s *FundSnapshot) {
			s.Journal.Entries = append(s.Journal.Entries, entry("insurance:f", "insurance:g", "1"))
			s.Funds[0].Balance, s.Funds[1].Balance = d("9"), d("6")
			s.Funds[0].History = append(s.Funds[0].History, BalancePoint{Time: t0, Balance: d("9"), Change: d("-1"), Reason: "x"})
			s.Funds[1].History = append(s.Funds[1].History, BalancePoint{Time: t0, Balance: d("6"), Change: d("1"), Reason: "x"})
		},
		"entry to an undeclared fund": func(s *FundSnapshot) {
			s.Journal.Entries = append(s.Journal.Entries, entry("fees", "insurance:h", "1"))
		},
		"history point at another time than its entry": func(s *FundSnapshot) {
			s.Funds[0].History[0].Time = t0.Add(time.Hour)
		},
	}
	for name, mut := range bad {
		s := roundTrip(t, good)
		mut(&s)
		if _, err := RestoreInsuranceFund(fs, s); err == nil {
			t.Errorf("insurance fund: %s: accepted", name)
		}
	}

	df, _ := NewDefaultFund(issueFundSettings())
	dgood := df.Snapshot()
	if _, err := RestoreDefaultFund(issueFundSettings(), roundTrip(t, dgood)); err != nil {
		t.Fatalf("good default fund snapshot refused: %v", err)
	}
	dbad := map[string]func(s *DefaultFundSnapshot){
		"entry touching no member": func(s *DefaultFundSnapshot) {
			e := s.Journal.Entries[len(s.Journal.Entries)-1]
			s.Journal.Entries = append(s.Journal.Entries, Entry{Seq: e.Seq + 1, Time: e.Time, From: "a", To: "b", Amount: d("5")})
		},
		"assessed with no assessment in the journal": func(s *DefaultFundSnapshot) { s.Members[1].Assessed = d("5") },
		"entry from an unknown member": func(s *DefaultFundSnapshot) {
			e := s.Journal.Entries[len(s.Journal.Entries)-1]
			s.Journal.Entries = append(s.Journal.Entries, Entry{Seq: e.Seq + 1, Time: e.Time, From: "contribution:nobody", To: "default:x", Amount: d("5")})
		},
	}
	for name, mut := range dbad {
		s := roundTrip(t, dgood)
		mut(&s)
		if _, err := RestoreDefaultFund(issueFundSettings(), s); err == nil {
			t.Errorf("default fund: %s: accepted", name)
		}
	}
}
