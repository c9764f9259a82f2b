package main

import (
	"strings"
	"testing"

	"github.com/failsafe-fi/failsafe/examples/internal/cli/clitest"
)

func TestMain(m *testing.M) { clitest.Main(m, main) }

// Every bad flag is refused before the run with a message naming it and
// exit code 2; none silently becomes a default.
func TestFlagsRefused(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-accounts", "0"}, "-accounts 0: want 1 to 1,000,000"},
		{[]string{"-accounts", "-5"}, "-accounts -5"},
		{[]string{"-accounts", "1000001"}, "more are refused"},
		{[]string{"-accounts", "many"}, "invalid value"},
		{[]string{"-seed", "0"}, "-seed 0"},
		{[]string{"-crash", "0"}, "a crash of 0 is no crash"},
		{[]string{"-crash", "deep"}, "not a number"},
		{[]string{"-crash", "0.95"}, "[-0.9, 0.9]"},
		{[]string{"-crash", "-1"}, "[-0.9, 0.9]"},
		{[]string{"-crash", "0.123456"}, "at most 4 decimal places"},
		{[]string{"-chart", "crash.gif"}, "must end in .png or .svg"},
		{[]string{"-chart", "/no/such/dir/crash.png"}, "does not exist"},
		{[]string{"-svg", "/no/such/dir/crash.svg"}, "does not exist"},
		{[]string{"-chart", "a.png", "-svg", "b.svg"}, "both given"},
		{[]string{"-listen", "0.0.0.0:9108"}, "not a loopback address"},
		{[]string{"-listen", "9108"}, "want HOST:PORT"},
		{[]string{"-listen", "127.0.0.1:9108", "-serve-for", "1h"}, "at most 10m"},
		{[]string{"-listen", "127.0.0.1:9108", "-serve-for", "0s"}, "-serve-for 0s"},
		{[]string{"-frobnicate"}, "flag provided but not defined"},
		{[]string{"0.6"}, `unexpected argument "0.6"`},
	} {
		if _, err := parseFlags(c.args); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: got %v, want an error with %q", c.args, err, c.want)
		}
	}
	if o, err := parseFlags(nil); err != nil || o.cfg.Accounts != 1000 || o.cfg.Seed != 1 || o.cfg.Crash.String() != "0.35" {
		t.Errorf("defaults: %+v, %v", o, err)
	}
	if o, err := parseFlags([]string{"-crash", "-0.3", "-chart", "x.SVG", "-listen", "localhost:0"}); err != nil || o.format != "svg" || o.cfg.Crash.String() != "-0.3" {
		t.Errorf("a squeeze with an SVG chart: %+v, %v", o, err)
	}
}

// As a user sees it: -h explains the program and exits 0; a bad flag says
// what is wrong on stderr, prints nothing on stdout, and exits 2.
func TestCommandLine(t *testing.T) {
	out, errOut, code := clitest.Run(t, "-h")
	if code != 0 || out != "" || !strings.Contains(errOut, "a flash crash on a perpetual futures venue") || !strings.Contains(errOut, "-accounts") {
		t.Errorf("-h: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	out, errOut, code = clitest.Run(t, "-accounts", "0")
	if code != 2 || out != "" || !strings.Contains(errOut, "cascade: -accounts 0: want 1 to 1,000,000") || !strings.Contains(errOut, "cascade -h") {
		t.Errorf("-accounts 0: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}
