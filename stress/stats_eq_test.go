package stress

import (
	"github.com/google/go-cmp/cmp"

	"github.com/failsafe-fi/failsafe/internal/testkit"
)

// equalStats compares two Stats by value.
func equalStats(a, b Stats) bool { return cmp.Equal(a, b, testkit.EquateDecimals) }
