package main

import (
	"errors"
	"strings"
	"testing"

	"github.com/failsafe-fi/failsafe/examples/internal/cli"
)

func TestFlagsRefused(t *testing.T) {
	cases := []struct {
		name string
		args []string
	}{
		{"no accounts", []string{"-accounts", "0"}},
		{"too many accounts", []string{"-accounts", "1000001"}},
		{"too few ticks", []string{"-ticks", "5"}},
		{"negative ticks", []string{"-ticks", "-1"}},
		{"window 0", []string{"-window", "0"}},
		{"stray argument", []string{"now"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := parseFlags(c.args)
			var ue *cli.UsageError
			if !errors.As(err, &ue) {
				t.Errorf("%v: err = %v, want a usage error", c.args, err)
			}
		})
	}
	o, err := parseFlags([]string{"-seed", "7", "-accounts", "50", "-ticks", "40", "-window", "1", "-v"})
	if err != nil || o.seed != 7 || o.accounts != 50 || o.ticks != 40 || o.window != 1 || !o.verbose {
		t.Errorf("parsed %+v, %v", o, err)
	}
}

// The program runs end to end on a small venue and prints its proofs.
func TestRunPrintsProofs(t *testing.T) {
	var b strings.Builder
	if err := run(options{seed: 2, accounts: 30, ticks: 40, window: 8}, &b); err != nil {
		t.Fatalf("%v\n%s", err, b.String())
	}
	out := b.String()
	for _, want := range []string{"KILL leader", "RESTART", "PARTITION", "HEAL", "first input committed after the", "proofs:", "final table"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "FAIL") {
		t.Errorf("a proof failed:\n%s", out)
	}
}
