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
	if code != 0 || !strings.Contains(errOut, "a price feed surviving three failing sources, an L2 sequencer") || !strings.Contains(errOut, "-seed") ||
		!strings.Contains(errOut, "sequencer") || !strings.Contains(errOut, "volatility band") {
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
	// The new parts say why a price is refused, in the reader's terms.
	for _, want := range []string{
		`use     refused: oracle: sequencer down: "arbitrum" since 2024-03-01T12:14:00Z`,
		`use     refused: oracle: sequencer grace period not over: "arbitrum" up since 2024-03-01T12:17:00Z, grace 3m0s (up 3m0s ago)`,
		"(exactly 3m0s: not yet more than the grace period, so still refused)",
		"gate    sequencer arbitrum: grace -> up",
		"band    σ 0.500% -> 0.485% a minute, so width 2.00% -> 1.94%",
		"below lower band",
		"market limit",
		"refused: market paused (luld-pause until 12:33:15)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("-seed 2: output lacks %q", want)
		}
	}
}
