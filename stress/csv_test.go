package stress

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/failsafe-fi/failsafe/oracle"
)

// sample is testdata/eth-2020-03-12-reconstruction.csv: NOT market data
// but hourly ticks of the BlackThursday2020 reconstruction with ±40 bp of
// noise, quoted by three sources with ±25 bp of jitter, the "chainlink"
// column filled every third hour (a heartbeat), prices in cents.
func sample(t tb) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/eth-2020-03-12-reconstruction.csv")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestTickTimesAreUTC: tick times never carry the machine's time zone
// (review: "2020-03-12T01:00:00+01:00" got Location Europe/Paris under
// TZ=Europe/Paris), neither a CSV's nor a path's from a Start in
// another zone, so a tick prints the same on every machine. (Mutations
// seen failing: parseTime without .UTC(); withDefaults without
// s.Start.UTC().)
func TestTickTimesAreUTC(t *testing.T) {
	saved := time.Local
	t.Cleanup(func() { time.Local = saved })
	time.Local = time.FixedZone("CET", 3600) // as under TZ=Europe/Paris in March
	replay, err := NewCSV(strings.NewReader("time,price\n2020-03-12T01:00:00+01:00,194\n2020-03-12T02:00:00-05:00,190\n1584000000,180\n"), CSVSettings{})
	if err != nil {
		t.Fatal(err)
	}
	paris := time.FixedZone("Paris", 3600)
	sh, _ := CrashShape(CrashSettings{})
	scripted, err := NewScripted(ScriptedSettings{Shape: sh, Start: time.Date(2020, 3, 12, 1, 0, 0, 0, paris), Ticks: 3})
	if err != nil {
		t.Fatal(err)
	}
	merton, err := NewMerton(MertonSettings{Path: PathSettings{Start: time.Date(2020, 3, 12, 1, 0, 0, 0, time.Local), Ticks: 3}})
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range []Generator{replay, scripted, merton} {
		for _, tk := range mustTicks(t, g, 1) {
			if tk.Time.Location() != time.UTC {
				t.Errorf("%s: tick %d at %s, location %q", g.Name(), tk.Seq, tk.Time, tk.Time.Location())
			}
		}
	}
	if got := mustTicks(t, replay, 1)[0].Time.String(); got != "2020-03-12 00:00:00 +0000 UTC" {
		t.Errorf("first row at %s", got)
	}
}

// TestCSVSample reads the sample and replays it row by row, the same
// for every seed.
func TestCSVSample(t *testing.T) {
	g, err := NewCSV(bytes.NewReader(sample(t)), CSVSettings{Name: "eth.csv"})
	if err != nil {
		t.Fatal(err)
	}
	ticks := mustTicks(t, g, 1)
	if g.Len() != 27 || len(ticks) != 27 || g.Name() != "csv(eth.csv, 27 rows)" {
		t.Fatalf("%d rows, name %q", len(ticks), g.Name())
	}
	first, second := ticks[0], ticks[1]
	if first.Price.String() != "194" || !first.Time.Equal(time.Date(2020, 3, 11, 22, 0, 0, 0, time.UTC)) {
		t.Errorf("first row %s at %s", first.Price, first.Time)
	}
	var srcs []string
	for _, q := range first.Quotes {
		srcs = append(srcs, q.Source+"="+q.Price.String())
	}
	if strings.Join(srcs, " ") != "chainlink=194.16 coinbase=194.31 kraken=194" || len(second.Quotes) != 2 {
		t.Errorf("quotes %v then %d", srcs, len(second.Quotes))
	}
	for i, tk := range mustTicks(t, g, 99) {
		if !tk.Price.Equal(ticks[i].Price) || tk.Seq != i {
			t.Fatalf("tick %d differs between seeds", i)
		}
	}
	ticks[0].Quotes[0].Price = ticks[0].Price.Neg() // a model changing its copy…
	if again := mustTicks(t, g, 1); !again[0].Quotes[0].Price.IsPositive() {
		t.Error("…must not change the replay")
	}
}

// TestCSVRefusals: each malformed input is refused with the line it
// is on.
func TestCSVRefusals(t *testing.T) {
	const head = "time,price,a\n"
	for _, tc := range []struct {
		name, in, want string
		s              CSVSettings
	}{
		{"empty", "", "empty input", CSVSettings{}},
		{"header only", head, "no data rows", CSVSettings{}},
		{"wrong header", "when,price\n1,2\n", "line 1: the header", CSVSettings{}},
		{"duplicate source", "time,price,a,a\n", "line 1: source \"a\" named twice", CSVSettings{}},
		{"reserved source", "time,price,time\n", "line 1", CSVSettings{}},
		{"padded source", "time,price, a\n", "line 1", CSVSettings{}},
		{"missing field", head + "1,2,3\n2,3\n", "line 3", CSVSettings{}},
		{"bad time", head + "yesterday,2,\n", "line 2: time", CSVSettings{}},
		{"time not increasing", head + "10,2,\n10,2,\n", "line 3: time", CSVSettings{}},
		{"time going back", head + "2020-03-12T00:00:00Z,2,\n2020-03-11T00:00:00Z,2,\n", "line 3: time", CSVSettings{}},
		{"zero price", head + "1,0,\n", "line 2: price", CSVSettings{}},
		{"negative price", head + "1,-5,\n", "line 2: price", CSVSettings{}},
		{"exponent", head + "1,1e5,\n", "line 2: price", CSVSettings{}},
		{"absurd exponent", head + "1,1e-2147483648,\n", "line 2: price", CSVSettings{}},
		{"huge price", head + "1,10000000000000000,\n", "line 2: price", CSVSettings{}},
		{"too fine", head + "1,1.123456789,\n", "line 2: price", CSVSettings{}},
		{"bare point", head + "1,5.,\n", "line 2: price", CSVSettings{}},
		{"space", head + "1, 5,\n", "line 2: price", CSVSettings{}},
		{"bad quote", head + "1,5,x\n", "line 2: source a", CSVSettings{}},
		{"zero quote", head + "1,5,0\n", "line 2: source a", CSVSettings{}},
		{"bare quote mark", head + "1,5,\"x\n", "line 2", CSVSettings{}},
		{"too many rows", head + "1,5,\n2,5,\n3,5,\n", "line 4: more than 2 rows", CSVSettings{MaxRows: 2}},
		{"too many bytes", head + "1,5,\n2,5,\n", "larger than the byte limit", CSVSettings{MaxBytes: 20}},
		// review: the cut left "2,5." and the error said "bad price"
		{"row cut at the byte limit", "time,price\n1,5\n2,5.5\n", "larger than the byte limit", CSVSettings{MaxBytes: 18}},
		{"long header", "time,price," + strings.Repeat("a", maxLine) + "\n1,5,\n", "line 1 longer than", CSVSettings{}},
		{"long row", head + "1,5,\n2,5," + strings.Repeat("1", maxLine) + "\n", "line 3 longer than", CSVSettings{}},
		{"bad settings", head + "1,5,\n", "settings", CSVSettings{Scale: 19}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewCSV(strings.NewReader(tc.in), tc.s)
			if !errorsIs(err, ErrInvalidInput) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want one containing %q", err, tc.want)
			}
		})
	}
}

// digits is an endless stream of '1' that counts the bytes read.
type digits struct{ read int }

// Read fills p with '1'.
func (d *digits) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = '1'
	}
	d.read += len(p)
	return len(p), nil
}

// TestCSVLongLineFailsFast: one endless line with MaxBytes at 1 GiB is
// refused after about maxLine bytes, not after the byte limit (review: a
// 1 GB line took 9.9 s and more than 1 GB of memory before any cell rule
// fired, as encoding/csv buffers the record). A valid line of MaxSources
// quotes at their longest still passes. (Mutation seen failing:
// lineBound.Read passing every byte on.)
func TestCSVLongLineFailsFast(t *testing.T) {
	d := &digits{}
	_, err := NewCSV(io.MultiReader(strings.NewReader("time,price,a\n1,"), d), CSVSettings{MaxBytes: 1 << 30})
	if !errorsIs(err, ErrInvalidInput) || !strings.Contains(err.Error(), "line 2 longer than") {
		t.Errorf("err = %v", err)
	}
	if d.read > 1<<20 {
		t.Errorf("read %d bytes of one line", d.read)
	}
	var h, row strings.Builder
	h.WriteString("time,price")
	row.WriteString("2020-03-12T00:00:00.123456789+01:00,\"" + strings.Repeat("1", 15) + "." + strings.Repeat("1", 18) + "\"")
	for i := 0; i < MaxSources; i++ {
		fmt.Fprintf(&h, ",\"%s%02d\"", strings.Repeat("s", 62), i)
		row.WriteString(",\"" + strings.Repeat("1", 15) + "." + strings.Repeat("1", 18) + "\"")
	}
	if _, err := NewCSV(strings.NewReader(h.String()+"\n"+row.String()+"\n"), CSVSettings{Scale: MaxScale}); err != nil {
		t.Errorf("the longest valid lines (%d, %d bytes): %v", h.Len(), row.Len(), err)
	}
}

// FuzzCSV: no input makes the parser panic or hang, and whatever it
// accepts is a valid path: rows strictly increasing in time, every price
// and quote positive, quotes sorted by Source and stamped with the row's
// time.
func FuzzCSV(f *testing.F) {
	f.Add(sample(f))
	f.Add([]byte("time,price,a,b\n1,5,,4.5\n2,6.25,6,\n"))
	f.Add([]byte("time,price\n2020-03-12T00:00:00+01:00,1\n"))
	f.Add([]byte("time,price,a\n1,1e9999999999,\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		g, err := NewCSV(bytes.NewReader(in), CSVSettings{MaxRows: 1000, MaxBytes: 1 << 16})
		if err != nil {
			if !errorsIs(err, ErrInvalidInput) {
				t.Fatalf("error %v does not wrap ErrInvalidInput", err)
			}
			return
		}
		ticks := mustTicks(t, g, 0)
		for i, tk := range ticks {
			if !tk.Price.IsPositive() || (i > 0 && !tk.Time.After(ticks[i-1].Time)) || tk.Seq != i {
				t.Fatalf("row %d: %v", i, tk)
			}
			if !slices.IsSortedFunc(tk.Quotes, func(a, b oracle.Quote) int { return strings.Compare(a.Source, b.Source) }) {
				t.Fatalf("row %d: unsorted quotes", i)
			}
			for _, q := range tk.Quotes {
				if !q.Price.IsPositive() || !q.Time.Equal(tk.Time) {
					t.Fatalf("row %d: quote %v", i, q)
				}
			}
		}
	})
}
