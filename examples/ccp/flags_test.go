package main

import (
	"strings"
	"testing"

	"github.com/failsafe-fi/failsafe/examples/internal/cli/clitest"
)

func TestMain(m *testing.M) { clitest.Main(m, main) }

// Every bad flag is refused with a message naming it.
func TestFlagsRefused(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-scenario", "lehman"}, `-scenario "lehman": want one of nasdaq2018, worked`},
		{[]string{"-loss", "-5"}, "-loss -5: must not be negative"},
		{[]string{"-loss", "big"}, `-loss "big": not a number`},
		{[]string{"-loss", "0.000000001"}, "at most 8 decimal places"},
		{[]string{"-loss", "1e16"}, "at most 10^15"},
		{[]string{"-multiple", "-1"}, "-multiple -1"},
		{[]string{"worked"}, "unexpected argument"},
	} {
		if _, err := parseFlags(c.args); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: got %v, want an error with %q", c.args, err, c.want)
		}
	}
	if cfg, err := parseFlags([]string{"-loss", "1000", "-multiple", "0"}); err != nil || !cfg.Loss.Valid || !cfg.Multiple.Valid || !cfg.Multiple.Decimal.IsZero() {
		t.Errorf("overrides: %+v, %v", cfg, err)
	}
}

// As a user sees it: -h explains the program and exits 0; a bad flag
// exits 2 with the reason on stderr.
func TestCommandLine(t *testing.T) {
	_, errOut, code := clitest.Run(t, "-h")
	if code != 0 || !strings.Contains(errOut, "default waterfall") || !strings.Contains(errOut, "-scenario") {
		t.Errorf("-h: exit %d, stderr %q", code, errOut)
	}
	out, errOut, code := clitest.Run(t, "-scenario", "nope")
	if code != 2 || out != "" || !strings.Contains(errOut, `ccp: -scenario "nope"`) {
		t.Errorf("-scenario nope: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}
