package main

import (
	"strings"
	"testing"

	"github.com/failsafe-fi/failsafe/examples/internal/cli/clitest"
)

func TestMain(m *testing.M) { clitest.Main(m, main) }

// Every bad flag is refused with a message naming it; none silently
// becomes a default.
func TestFlagsRefused(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-borrowers", "0"}, "-borrowers 0: want 1 to 5,000"},
		{[]string{"-borrowers", "5001"}, "-borrowers 5001"},
		{[]string{"-keepers", "0"}, "-keepers 0: want 1 to 50"},
		{[]string{"-keepers", "51"}, "-keepers 51"},
		{[]string{"-crash", "0"}, "-crash 0: want more than 0 and at most 0.95"},
		{[]string{"-crash", "0.96"}, "at most 0.95"},
		{[]string{"-crash", "-0.4"}, "more than 0"},
		{[]string{"-crash", "lots"}, "not a number"},
		{[]string{"-crash", "1e-20"}, "at most 8 decimal places"},
		{[]string{"-reserve", "1.1"}, "-reserve 1.1"},
		{[]string{"-reserve", "0"}, "-reserve 0"},
		{[]string{"-v=maybe"}, "invalid boolean value"},
		{[]string{"extra"}, "unexpected argument"},
	} {
		if _, err := parseFlags(c.args); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: got %v, want an error with %q", c.args, err, c.want)
		}
	}
	if cfg, err := parseFlags([]string{"-seed", "0"}); err != nil || cfg.Seed != 0 || cfg.Borrowers != 200 {
		t.Errorf("seed 0 is a seed here: %+v, %v", cfg, err)
	}
}

// As a user sees it: -h explains the program and exits 0; a bad flag
// exits 2 with the reason on stderr.
func TestCommandLine(t *testing.T) {
	_, errOut, code := clitest.Run(t, "-h")
	if code != 0 || !strings.Contains(errOut, "Black Thursday") || !strings.Contains(errOut, "-borrowers") {
		t.Errorf("-h: exit %d, stderr %q", code, errOut)
	}
	out, errOut, code := clitest.Run(t, "-borrowers", "0")
	if code != 2 || out != "" || !strings.Contains(errOut, "lending: -borrowers 0: want 1 to 5,000") {
		t.Errorf("-borrowers 0: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}
