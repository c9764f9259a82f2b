package backstop

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"
)

// FuzzRestoreJournal feeds arbitrary JSON to RestoreJournal: it must never
// panic, an accepted journal must pass Check and keep recording, and a
// refused Record must leave it unchanged.
func FuzzRestoreJournal(f *testing.F) {
	j := NewJournal()
	_ = j.Record(t0, Movement{From: "fund:f", To: "loss:x", Amount: d("10"), Reason: "cover"})
	_ = j.Record(t0.Add(time.Second), Movement{From: "blp:a", To: "loss:x", Amount: d("2.5")}, Movement{From: "haircut:b", To: "loss:x", Amount: d("0.01")})
	valid, _ := json.Marshal(j.Snapshot())
	f.Add(valid)
	f.Add([]byte(`{"entries":[]}`))
	f.Add([]byte(`{"entries":[{"seq":2,"time":"2026-11-24T12:00:00Z","from":"a","to":"b","amount":"1"}]}`))
	f.Add([]byte(`{"entries":[{"seq":1,"time":"2026-11-24T12:00:00Z","from":"a","to":"a","amount":"1"}]}`))
	f.Add([]byte(`{"entries":[{"seq":1,"time":"2026-11-24T12:00:00Z","from":"a","to":"b","amount":"-1"}]}`))
	f.Add([]byte(`{"entries":[{"seq":1,"time":"2026-11-24T12:00:00Z","from":"a","to":"b","amount":"1e999999"}]}`))
	f.Add([]byte(`{"entries":[{"seq":1,"time":"2026-11-24T12:00:01Z","from":"a","to":"b","amount":"1"},{"seq":2,"time":"2026-11-24T12:00:00Z","from":"b","to":"a","amount":"1"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var s JournalSnapshot
		if json.Unmarshal(data, &s) != nil {
			return
		}
		g, err := RestoreJournal(s)
		if err != nil {
			return
		}
		if err := g.Check(); err != nil {
			t.Fatal(err)
		}
		before := g.Snapshot()
		if err := g.Record(t0, Movement{From: "a", To: "b", Amount: d("1")}, Movement{From: "a", To: "a", Amount: d("1")}); err == nil {
			t.Fatal("movement to itself accepted")
		}
		if !reflect.DeepEqual(before, g.Snapshot()) {
			t.Fatal("refused record changed the journal")
		}
		now := t0
		if n := len(before.Entries); n > 0 && before.Entries[n-1].Time.After(now) {
			now = before.Entries[n-1].Time
		}
		if err := g.Record(now, Movement{From: "a", To: "b", Amount: d("1")}); err != nil {
			t.Fatal(err)
		}
		if err := g.Check(); err != nil {
			t.Fatal(err)
		}
	})
}
