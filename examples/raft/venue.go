//go:build !venuecheckpoint

package main

import (
	"github.com/failsafe-fi/failsafe/stress/perp"
)

// newVenueKind returns the venue the nodes replicate.
func newVenueKind(cfg perp.Config, seed int64, ticks int) kind {
	return standinKind{accounts: max(cfg.Accounts, 1), seed: seed, cfg: cfg, ticks: ticks}
}
