package backstop

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/testkit"
)

var (
	d  = testkit.D
	t0 = time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
)

// fixedLayer is a host-defined layer with a fixed amount.
type fixedLayer struct {
	id   string
	left decimal.Decimal
}

func (f *fixedLayer) ID() string                { return f.id }
func (f *fixedLayer) Capacity() decimal.Decimal { return f.left }
func (f *fixedLayer) Absorb(_ time.Time, a decimal.Decimal, to string) ([]Movement, []Event, error) {
	if a.Cmp(f.left) > 0 {
		return nil, nil, ErrOverCapacity
	}
	f.left = f.left.Sub(a)
	return []Movement{{From: f.id, To: to, Amount: a, Reason: "host layer"}}, nil, nil
}

func TestWaterfallCoverTable(t *testing.T) {
	tests := []struct {
		name     string
		caps     []string
		loss     string
		drawn    []string
		residual string
	}{
		{"first layer covers", []string{"100", "50"}, "30", []string{"30", "0"}, "0"},
		{"spills to second", []string{"100", "50"}, "120", []string{"100", "20"}, "0"},
		{"exactly exhausts all", []string{"100", "50"}, "150", []string{"100", "50"}, "0"},
		{"residual", []string{"100", "50"}, "175.5", []string{"100", "50"}, "25.5"},
		{"empty first layer skipped", []string{"0", "50", "10"}, "55", []string{"0", "50", "5"}, "0"},
		{"zero loss", []string{"1"}, "0", []string{"0"}, "0"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var layers []Layer
			for i, c := range tc.caps {
				layers = append(layers, &fixedLayer{id: string(rune('A' + i)), left: d(c)})
			}
			j := NewJournal()
			w, err := New(Settings{Layers: layers, Journal: j})
			if err != nil {
				t.Fatal(err)
			}
			a, err := w.Cover(t0, Claim{ID: "L1", Amount: d(tc.loss)})
			if err != nil {
				t.Fatal(err)
			}
			var got []decimal.Decimal
			for _, dr := range a.Draws {
				got = append(got, dr.Drawn)
			}
			var want []decimal.Decimal
			for _, s := range tc.drawn {
				want = append(want, d(s))
			}
			if diff := cmp.Diff(want, got, testkit.EquateDecimals); diff != "" {
				t.Errorf("draws (-want +got):\n%s", diff)
			}
			if !a.Residual.Equal(d(tc.residual)) {
				t.Errorf("residual %s, want %s", a.Residual, tc.residual)
			}
			if err := CheckAllocation(a); err != nil {
				t.Error(err)
			}
			if err := j.Check(); err != nil {
				t.Error(err)
			}
			if !j.Balance("shortfall:L1").Equal(a.Covered()) {
				t.Errorf("sink balance %s, covered %s", j.Balance("shortfall:L1"), a.Covered())
			}
		})
	}
}

func TestWaterfallBadInput(t *testing.T) {
	a := &fixedLayer{id: "A", left: d("10")}
	if _, err := New(Settings{}); !errors.Is(err, ErrInvalidSettings) {
		t.Errorf("empty layers: %v", err)
	}
	if _, err := New(Settings{Layers: []Layer{a, a}}); !errors.Is(err, ErrDuplicateID) {
		t.Errorf("duplicate layers: %v", err)
	}
	if _, err := New(Settings{Layers: []Layer{nil}}); !errors.Is(err, ErrInvalidSettings) {
		t.Errorf("nil layer: %v", err)
	}
	if _, err := New(Settings{Layers: []Layer{a}, Unit: d("0.05")}); !errors.Is(err, ErrInvalidSettings) {
		t.Errorf("unit not a power of ten: %v", err)
	}
	w, err := New(Settings{Layers: []Layer{a}, Unit: d("0.01")})
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []decimal.Decimal{d("-1"), d("0.001"), decimal.New(1, 1000)} {
		if _, err := w.Cover(t0, Claim{ID: "x", Amount: bad}); !errors.Is(err, ErrInvalidInput) {
			t.Errorf("loss %s: %v", bad, err)
		}
	}
	if !a.left.Equal(d("10")) {
		t.Errorf("bad input changed state: %s", a.left)
	}
}

func TestJournalRejectsTimeTravel(t *testing.T) {
	j := NewJournal()
	a := &fixedLayer{id: "A", left: d("10")}
	w, _ := New(Settings{Layers: []Layer{a}, Unit: d("1"), Journal: j})
	if _, err := w.Cover(t0, Claim{ID: "1", Amount: d("1")}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Cover(t0.Add(-time.Second), Claim{ID: "2", Amount: d("1")}); !errors.Is(err, ErrInvalidInput) {
		t.Fatalf("earlier time: %v", err)
	}
	if !a.left.Equal(d("9")) || j.Len() != 1 {
		t.Errorf("rejected cover changed state: left %s, %d entries", a.left, j.Len())
	}
	f, _ := NewDefaultFund(issueFundSettings())
	if _, err := f.Cover(t0, Default{ID: "x", Member: "D", Loss: d("1")}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Cover(t0.Add(-time.Second), Default{ID: "y", Member: "A", Loss: d("1")}); !errors.Is(err, ErrInvalidInput) {
		t.Fatalf("default fund earlier time: %v", err)
	}
	if f.Members()[1].Defaulted {
		t.Error("rejected default marked the member defaulted")
	}
}
