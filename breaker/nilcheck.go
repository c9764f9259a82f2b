package breaker

import (
	"reflect"
	"time"
)

// isNil reports whether v is a nil interface or an interface holding a nil
// pointer, map, slice, func or channel (a typed nil, such as a
// (*KillSwitch)(nil) passed as a HaltSource), which would panic on its
// first method call.
func isNil(v any) bool {
	if v == nil {
		return true
	}
	switch rv := reflect.ValueOf(v); rv.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Slice, reflect.Func, reflect.Chan, reflect.Interface:
		return rv.IsNil()
	}
	return false
}

// Snapshots hold every time in UTC. encoding/json writes a zone offset in
// whole minutes only, so a time in a zone such as time.FixedZone("X",
// 5*3600+1) would come back one second off after a JSON round trip (and a
// standby would resume at another instant); UTC keeps the instant exact and
// takes the host's local zone out of replicated state (DESIGN rule 11).
//
// The same goes for the state itself and for every result: each exported
// method takes its times through instant on entry, so what a type keeps,
// returns and reports in an event or an error is in UTC with no monotonic
// clock reading. A time kept as the host passed it (time.Now() carries a
// monotonic reading, which JSON drops; a zone prints its offset) made a
// restored standby answer differently from its primary: a LevelTrigger's
// Result.Since came back in UTC instead of the host's zone, and an
// ErrTimeWentBack error named the last call's time in another form
// (TestReplayLevel and the other replay properties, issue 14).

// instant returns t as the package keeps and reports it: UTC, with the
// monotonic clock reading stripped (time.Time.UTC does both).
func instant(t time.Time) time.Time { return t.UTC() }

func utcPoints(ps []Point) []Point {
	out := make([]Point, len(ps))
	for i, p := range ps {
		out[i] = Point{Time: p.Time.UTC(), Value: p.Value}
	}
	return out
}

func utcHalts(hs []Halt) []Halt {
	out := make([]Halt, len(hs))
	for i, h := range hs {
		h.Since, h.Until = h.Since.UTC(), h.Until.UTC()
		out[i] = h
	}
	return out
}

func utcTimes(ts []time.Time) []time.Time {
	out := make([]time.Time, len(ts))
	for i, t := range ts {
		out[i] = t.UTC()
	}
	return out
}
