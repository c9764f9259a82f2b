package backstop

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"
)

// poolFuzzState is the host-held state of a backstop pool and one of its
// takeover layers, as a standby would read it back.
type poolFuzzState struct {
	Pool  PoolSnapshot     `json:"pool"`
	Layer BLPLayerSnapshot `json:"layer"`
}

// FuzzRestoreBackstopPool feeds arbitrary JSON to RestoreBackstopPool and
// RestoreBLPLayer: they must never panic, what they accept must satisfy
// the pool's invariants and keep working, and a refused takeover or draw
// must leave the state unchanged.
func FuzzRestoreBackstopPool(f *testing.F) {
	ps := PoolSettings{Providers: []Provider{{ID: "a", Capacity: d("3000")}, {ID: "b", Capacity: d("1000")}}, Unit: d("0.01"), SizeUnit: d("0.001")}
	tk := Takeover{ID: "t", Account: "x", Size: d("2"), Price: d("1000")}
	mark := d("900")
	pool, _ := NewBackstopPool(ps)
	layer, _ := pool.Layer(tk, mark)
	_, _, _ = layer.Absorb(t0, d("50"), "loss")
	valid, _ := json.Marshal(poolFuzzState{Pool: pool.Snapshot(), Layer: layer.Snapshot()})
	f.Add(valid)
	f.Add([]byte(`{"pool":{"remaining":[{"id":"a","capacity":"3000"},{"id":"b","capacity":"1000"}]},"layer":{"remaining":"1e2147483647","assignments":[]}}`)) // hung
	f.Add([]byte(`{"pool":{"remaining":[{"id":"a","capacity":"3000"},{"id":"b","capacity":"1000"}]},"layer":{"remaining":"2","assignments":[]}}`))
	f.Add([]byte(`{"pool":{"remaining":[{"id":"a","capacity":"3001"},{"id":"b","capacity":"1000"}]}}`))
	f.Add([]byte(`{"pool":{"remaining":[{"id":"a","capacity":"-1"},{"id":"b","capacity":"1000"}]}}`))
	f.Add([]byte(`{"pool":{"remaining":[{"id":"a","capacity":"1e999999"},{"id":"a","capacity":"1"}]}}`))
	f.Add([]byte(`{"pool":{"remaining":[{"id":"a","capacity":"1"},{"id":"b","capacity":"1"}]},"layer":{"remaining":"1.999","assignments":[{"provider":"a","size":"0.001","notional":"1"}]}}`))
	f.Add([]byte(`{"pool":{"remaining":[{"id":"a","capacity":"3000"},{"id":"b","capacity":"1000"}]},"layer":{"remaining":"0","assignments":[{"provider":"z","size":"-2","notional":"0.001"}]}}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var s poolFuzzState
		if json.Unmarshal(data, &s) != nil {
			return
		}
		p, err := RestoreBackstopPool(ps, s.Pool)
		if err != nil {
			return
		}
		if err := p.CheckInvariants(); err != nil {
			t.Fatal(err)
		}
		before := p.Snapshot()
		if _, err := p.TakeOver(t0, Takeover{ID: "bad", Account: "", Size: d("1"), Price: d("1")}); err == nil {
			t.Fatal("takeover with an empty account accepted")
		}
		if !reflect.DeepEqual(before, p.Snapshot()) {
			t.Fatal("refused takeover changed the pool")
		}
		l, err := p.RestoreBLPLayer(tk, mark, nil, s.Layer)
		if err == nil {
			c := l.Capacity()
			if c.Sign() < 0 {
				t.Fatalf("negative layer capacity %s", c)
			}
			lb := l.Snapshot()
			if _, _, err := l.Absorb(t0.Add(time.Minute), c.Add(d("0.01")), "loss"); err == nil {
				t.Fatal("absorb above capacity accepted")
			}
			if !reflect.DeepEqual(before, p.Snapshot()) || !reflect.DeepEqual(lb, l.Snapshot()) {
				t.Fatal("refused absorb changed the state")
			}
			if c.Sign() > 0 {
				ms, _, err := l.Absorb(t0.Add(time.Minute), c, "loss")
				if err != nil {
					t.Fatalf("absorb of the full capacity %s: %v", c, err)
				}
				if err := validateMovements(ms); err != nil {
					t.Fatal(err)
				}
				if l.Snapshot().Remaining.Sign() < 0 {
					t.Fatalf("layer remaining %s < 0", l.Snapshot().Remaining)
				}
			}
			if err := p.CheckInvariants(); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := p.TakeOver(t0.Add(time.Hour), Takeover{ID: "t2", Account: "y", Size: d("-1.5"), Price: d("1000")}); err != nil {
			t.Fatal(err)
		}
		if err := p.CheckInvariants(); err != nil {
			t.Fatal(err)
		}
	})
}
