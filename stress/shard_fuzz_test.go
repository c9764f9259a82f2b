package stress

import (
	"bytes"
	"context"
	"testing"
)

// FuzzReadPartial: a partial file from anywhere never panics the reader,
// the merge or the report; one it accepts writes back to a file it reads
// as the same result.
func FuzzReadPartial(f *testing.F) {
	for _, sh := range []Shard{{Index: 0, Count: 1}, {Index: 1, Count: 2}} {
		res, err := Run(context.Background(), walk{ticks: 5, jumpEvery: 2}, bookFactory(3, 20, "0.05", "50"), Options{Scenarios: 30, Seed: 1, Shard: sh})
		if err != nil {
			f.Fatal(err)
		}
		var b bytes.Buffer
		if err := res.WritePartial(&b); err != nil {
			f.Fatal(err)
		}
		f.Add(b.Bytes())
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := ReadPartial(bytes.NewReader(data))
		if err != nil {
			return
		}
		var b bytes.Buffer
		if err := res.WritePartial(&b); err != nil {
			t.Fatal(err)
		}
		back, err := ReadPartial(bytes.NewReader(b.Bytes()))
		if err != nil {
			t.Fatalf("a partial it accepted, written back, is refused: %v", err)
		}
		var b2 bytes.Buffer
		_ = back.WritePartial(&b2)
		if !bytes.Equal(b.Bytes(), b2.Bytes()) {
			t.Fatal("round trip changed the partial")
		}
		if res.Shard.Count == 1 {
			m, err := Merge(res)
			if err != nil {
				t.Fatalf("a whole-run partial does not merge alone: %v", err)
			}
			rep, err := m.Report()
			if err != nil {
				t.Fatal(err)
			}
			_ = rep.WriteText(&bytes.Buffer{})
		}
	})
}
