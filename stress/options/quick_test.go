package options

import (
	"context"
	"testing"
	"time"

	"github.com/failsafe-fi/failsafe/stress"
)

func TestQuickRun(t *testing.T) {
	gen, err := DefaultCrash(Config{})
	if err != nil {
		t.Fatal(err)
	}
	f, err := Factory(Config{})
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Now()
	res, err := stress.Run(context.Background(), gen, f, stress.Options{Model: "options", Scenarios: 20, Seed: 1, Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Log(time.Since(t0))
	rep, _ := res.Report()
	var b = new(stringsBuilder)
	rep.WriteText(b)
	t.Log(b.s)
}

type stringsBuilder struct{ s string }

func (b *stringsBuilder) Write(p []byte) (int, error) { b.s += string(p); return len(p), nil }
