package main

import (
	"strings"
	"testing"

	"github.com/failsafe-fi/failsafe/examples/internal/cli/clitest"
)

func TestMain(m *testing.M) { clitest.Main(m, main) }

// As a user sees it: -h explains the program and exits 0; a bad flag or a
// stray argument exits 2 with the reason on stderr; the story counts its
// quotes in good English.
func TestCommandLine(t *testing.T) {
	_, errOut, code := clitest.Run(t, "-h")
	if code != 0 || !strings.Contains(errOut, "a price feed surviving three failing sources") || !strings.Contains(errOut, "-seed") {
		t.Errorf("-h: exit %d, stderr %q", code, errOut)
	}
	for _, args := range [][]string{{"-seed", "x"}, {"-seed", "99999999999999999999"}, {"now"}, {"-sed", "1"}} {
		out, errOut, code := clitest.Run(t, args...)
		if code != 2 || out != "" || !strings.HasPrefix(errOut, "oracle-failover: ") {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", args, code, out, errOut)
		}
	}
	out, _, code := clitest.Run(t, "-seed", "2")
	if code != 0 || !strings.Contains(out, "below quorum: 1 usable quote, need 2") || strings.Contains(out, "1 usable quotes") {
		t.Errorf("-seed 2: exit %d; the quorum line is missing or ungrammatical", code)
	}
}
