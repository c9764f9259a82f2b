package backstop

import (
	"encoding/json"
	"testing"
	"time"
)

// bitmexADLSettings is the ADL layer of BitMEX's worked example: the short
// of 20 bankrupt at 650, the mark at 660 (10 of loss a unit).
func bitmexADLSettings() ADLSettings {
	longs := []Position{long("1", "10"), long("2", "10"), long("3", "20"), long("4", "30"), long("5", "20"), long("6", "10")}
	scores := map[string]string{"1": "3", "2": "6", "3": "1", "4": "4", "5": "5", "6": "2"}
	return ADLSettings{Request: DeleverageRequest{
		Bankrupt: Position{Account: "liq", Size: d("-20"), EntryPrice: d("600"), BankruptcyPrice: d("650")},
		Mark:     d("660"), Candidates: longs, Ranking: scoreTable(scores)}, Unit: d("1"), SizeUnit: d("1")}
}

func TestRestoreADLLayerRejectsMalformedSnapshots(t *testing.T) {
	l, err := NewADLLayer(bitmexADLSettings())
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := l.Absorb(t0, d("150"), "shortfall:s"); err != nil { // closes 2 for 10, 5 for 5
		t.Fatal(err)
	}
	good := roundTrip(t, l.Snapshot())
	g, err := RestoreADLLayer(bitmexADLSettings(), good)
	if err != nil {
		t.Fatalf("good snapshot: %v", err)
	}
	// Restore → continue equals continuing: 5 units are left to close
	// (50 of capacity), the next 50 all go to account 5.
	for _, x := range []*ADLLayer{l, g} {
		if !x.Capacity().Equal(d("50")) {
			t.Fatalf("capacity %s, want 50", x.Capacity())
		}
		ms, _, err := x.Absorb(t0.Add(time.Minute), d("50"), "shortfall:s2")
		if err != nil || len(ms) != 1 || ms[0].From != "adl:5" || !ms[0].Amount.Equal(d("50")) || !x.Capacity().IsZero() {
			t.Fatalf("continuing: %v %v, capacity %s", ms, err, x.Capacity())
		}
	}
	if snapJSON(t, l.Snapshot()) != snapJSON(t, g.Snapshot()) {
		t.Fatalf("restored layer diverged")
	}
	bad := map[string]func(s *ADLSnapshot){
		"entry price changed":            func(s *ADLSnapshot) { s.Queue[0].Position.EntryPrice = d("1") },
		"score changed":                  func(s *ADLSnapshot) { s.Queue[0].Score = d("99") },
		"queue size not what fills left": func(s *ADLSnapshot) { s.Queue[0].Position.Size = d("20") },
		"queue out of order":             func(s *ADLSnapshot) { s.Queue[0], s.Queue[1] = s.Queue[1], s.Queue[0] },
		"closed position still queued": func(s *ADLSnapshot) {
			s.Queue = append([]Ranked{{Position: long("2", "1"), Score: d("6")}}, s.Queue...)
		},
		"position dropped":            func(s *ADLSnapshot) { s.Queue = s.Queue[1:] },
		"fill of a stranger":          func(s *ADLSnapshot) { s.Fills[0].Account = "x" },
		"fill at another price":       func(s *ADLSnapshot) { s.Fills[0].Price = d("660") },
		"fill finer than the lot":     func(s *ADLSnapshot) { s.Fills[1].Closed = d("4.5") },
		"remaining not size − closed": func(s *ADLSnapshot) { s.Remaining = d("6") },
		"absurd remaining":            func(s *ADLSnapshot) { s.Remaining = absurd },
		"negative size":               func(s *ADLSnapshot) { s.Queue[0].Position.Size = d("-15") },
	}
	for name, mut := range bad {
		s := roundTrip(t, good)
		mut(&s)
		if _, err := RestoreADLLayer(bitmexADLSettings(), s); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// FuzzRestoreADLLayer feeds arbitrary JSON to the ADL layer's restore
// path: it must never panic, and what it accepts must keep deleveraging
// within the bankrupt size at the bankruptcy price.
func FuzzRestoreADLLayer(f *testing.F) {
	l, _ := NewADLLayer(bitmexADLSettings())
	_, _, _ = l.Absorb(t0, d("150"), "shortfall:s")
	raw, _ := json.Marshal(l.Snapshot())
	f.Add(raw)
	f.Add([]byte(`{"queue":[],"remaining":"20","fills":[]}`))
	f.Add([]byte(`{"remaining":"1e99999"}`))
	f.Add([]byte(`{"remaining":"1e2147483647"}`))                                                    // hung (formatted)
	f.Add([]byte(`{"remaining":"1","fills":[{"account":"2","closed":"1","price":"1e2147483647"}]}`)) // hung (compared)
	f.Fuzz(func(t *testing.T, data []byte) {
		var s ADLSnapshot
		if json.Unmarshal(data, &s) != nil {
			return
		}
		g, err := RestoreADLLayer(bitmexADLSettings(), s)
		if err != nil {
			return
		}
		if c := g.Capacity(); c.Sign() > 0 {
			if _, _, err := g.Absorb(t0.Add(time.Hour), c, "shortfall:z"); err != nil {
				t.Fatal(err)
			}
		}
		closed := d("0")
		for _, fl := range g.Fills() {
			closed = closed.Add(fl.Closed)
			if !fl.Price.Equal(d("650")) {
				t.Fatalf("fill at %s", fl.Price)
			}
		}
		if closed.Cmp(d("20")) > 0 {
			t.Fatalf("closed %s of 20", closed)
		}
	})
}
