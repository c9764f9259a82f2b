package portfolio

import (
	"errors"
	"testing"

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

// timsEngine: three class groups A, B and C, each one risk-array
// instrument over a three-point grid, A and B in one product group at
// the given offset (C alone).
func timsEngine(t testing.TB, offset string) *Engine {
	e, err := New(Settings{
		Underlyings: []Underlying{{ID: "A", ScanFraction: d("0.1")}, {ID: "B", ScanFraction: d("0.1")}, {ID: "C", ScanFraction: d("0.1")}},
		Instruments: []Instrument{
			{ID: "a", Underlying: "A", Kind: RiskArray, ContractSize: d("1"), Array: ds("-100", "50", "200")},
			{ID: "b", Underlying: "B", Kind: RiskArray, ContractSize: d("1"), Array: ds("80", "-60", "-150")},
			{ID: "c", Underlying: "C", Kind: RiskArray, ContractSize: d("1"), Array: ds("-10", "-20", "5")},
		},
		Grid:   TIMS(3),
		AddOns: AddOns{ProductGroups: []ProductGroup{{Name: "AB", Groups: []string{"A", "B"}, Offset: d(offset)}}},
		Scale:  2,
	})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

var timsMarks = Marks{Prices: map[string]decimal.Decimal{"A": d("100"), "B": d("100"), "C": d("100")}}

// TestTIMSProductGroupOffsets works the product group rule (ProductGroup
// cites OCC's TIMS methodology) by hand over published-style risk
// arrays (gains positive): class group A [−100, 50, 200], B [80, −60,
// −150], product group AB at offset 75%:
//
//	scenario 0: A loses 100, B gains 80  → 100 − 0.75 × 80  = 40
//	scenario 1: A gains 50,  B loses 60  → 60 − 0.75 × 50   = 22.5
//	scenario 2: A gains 200, B loses 150 → 150 − 0.75 × 200 = 0
//
// scan risk 40 against 100 + 150 = 250 margined apart (credit 210); at
// offset 1 (full netting) the worst summed loss 20; at offset 0 the worst
// loss alone, 150. C, in no product group, adds its own 20.
func TestTIMSProductGroupOffsets(t *testing.T) {
	for _, c := range []struct {
		name, offset        string
		losses              []string
		scan, credit, maint string
	}{
		{"75% offset", "0.75", []string{"40", "22.5", "0"}, "40", "210", "60"},
		{"full offset", "1", []string{"20", "10", "-50"}, "20", "230", "40"},
		{"no offset", "0", []string{"100", "60", "150"}, "150", "100", "170"},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := timsEngine(t, c.offset)
			r, err := e.Requirement(propNow, []Position{{Instrument: "a", Size: d("1")}, {Instrument: "b", Size: d("1")}, {Instrument: "c", Size: d("1")}}, timsMarks)
			if err != nil {
				t.Fatal(err)
			}
			if err := CheckResult(r); err != nil {
				t.Fatal(err)
			}
			if len(r.ProductGroups) != 1 {
				t.Fatalf("product groups %+v", r.ProductGroups)
			}
			p := r.ProductGroups[0]
			for s, want := range c.losses {
				if !p.Losses[s].Equal(d(want)) {
					t.Errorf("scenario %d loss %s, want %s", s, p.Losses[s], want)
				}
			}
			if !p.ScanRisk.Equal(d(c.scan)) || !p.Credit.Equal(d(c.credit)) || !r.Maintenance.Equal(d(c.maint)) {
				t.Errorf("scan %s credit %s maintenance %s; want %s %s %s", p.ScanRisk, p.Credit, r.Maintenance, c.scan, c.credit, c.maint)
			}
		})
	}
}

// TestTIMSProductGroupRefused: bad product groups are refused at New.
func TestTIMSProductGroupRefused(t *testing.T) {
	base := func() Settings {
		return Settings{
			Underlyings: []Underlying{{ID: "A", ScanFraction: d("0.1")}, {ID: "B", ScanFraction: d("0.1")}},
			Instruments: []Instrument{{ID: "f", Underlying: "A", Kind: Future, ContractSize: d("1")}},
			Grid:        TIMS(3),
		}
	}
	for _, c := range []struct {
		name string
		pg   []ProductGroup
		ic   []InterCommodity
	}{
		{"one group", []ProductGroup{{Name: "P", Groups: []string{"A"}, Offset: d("0.5")}}, nil},
		{"unknown group", []ProductGroup{{Name: "P", Groups: []string{"A", "Z"}, Offset: d("0.5")}}, nil},
		{"offset above 1", []ProductGroup{{Name: "P", Groups: []string{"A", "B"}, Offset: d("1.01")}}, nil},
		{"negative offset", []ProductGroup{{Name: "P", Groups: []string{"A", "B"}, Offset: d("-0.1")}}, nil},
		{"group twice", []ProductGroup{{Name: "P", Groups: []string{"A", "A"}, Offset: d("0.5")}}, nil},
		{"no name", []ProductGroup{{Groups: []string{"A", "B"}, Offset: d("0.5")}}, nil},
		{"with an inter-commodity credit", []ProductGroup{{Name: "P", Groups: []string{"A", "B"}, Offset: d("0.5")}}, []InterCommodity{{A: "A", B: "B", DeltaA: d("1"), DeltaB: d("1"), Rate: d("0.5")}}},
	} {
		s := base()
		s.AddOns.ProductGroups, s.AddOns.InterCommodity = c.pg, c.ic
		if _, err := New(s); !errors.Is(err, ErrInvalidSettings) {
			t.Errorf("%s: err %v", c.name, err)
		}
	}
}

// TestPropTIMSOffsetBounds: for any book over two class groups of
// options and futures (BTC and ETH) in one product group, the product
// group's scan risk lies between full netting (the worst of the summed
// group losses) and no netting (the sum of the groups' own scan risks),
// and never rises as the offset grows. Mutation seen failing: the offset
// applied to the losses instead of the gains (scan risk below full
// netting).
func TestPropTIMSOffsetBounds(t *testing.T) {
	mk := func(offset string) *Engine {
		e := propEngine(t, false)
		s := Settings{Underlyings: e.unders, Instruments: e.insts, Grid: e.grid, Scale: e.scale,
			AddOns: AddOns{ProductGroups: []ProductGroup{{Name: "crypto", Groups: []string{"BTC", "ETH"}, Offset: d(offset)}}}}
		pe, err := New(s)
		if err != nil {
			t.Fatal(err)
		}
		return pe
	}
	offsets := []string{"0", "0.5", "0.9", "1"}
	engines := make([]*Engine, len(offsets))
	for i, o := range offsets {
		engines[i] = mk(o)
	}
	m := propMarks(engines[0])
	rapid.Check(t, func(t *rapid.T) {
		book := genBook(engines[0]).Draw(t, "book")
		prev := decimal.Decimal{}
		for i, e := range engines {
			r, err := e.Requirement(propNow, book, m)
			if err != nil {
				t.Fatal(err)
			}
			if err := CheckResult(r); err != nil {
				t.Fatal(err)
			}
			if len(r.ProductGroups) == 0 {
				return // the book holds neither group
			}
			p := r.ProductGroups[0]
			// Full netting: the worst of the summed losses of the members.
			full := decimal.Zero
			for s := range r.Losses {
				sum := decimal.Zero
				for _, g := range r.Groups {
					sum = sum.Add(g.Losses[s])
				}
				full = decimal.Max(full, sum)
			}
			sumScan := decimal.Zero
			for _, g := range r.Groups {
				sumScan = sumScan.Add(g.ScanRisk)
			}
			// Each group's losses are rounded up separately: allow one unit
			// per group below full netting.
			slack := decimal.New(int64(len(r.Groups)), -e.scale)
			if p.ScanRisk.Add(slack).Cmp(full) < 0 || p.ScanRisk.Cmp(sumScan) > 0 {
				t.Fatalf("offset %s: scan risk %s outside [full netting %s, apart %s]", offsets[i], p.ScanRisk, full, sumScan)
			}
			if i > 0 && p.ScanRisk.Cmp(prev) > 0 {
				t.Fatalf("offset %s: scan risk %s above %s at a smaller offset", offsets[i], p.ScanRisk, prev)
			}
			prev = p.ScanRisk
		}
	})
}
