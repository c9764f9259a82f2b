package liquidation

import (
	"fmt"
	"sort"
	"time"

	"github.com/shopspring/decimal"
)

// The three auction houses keep their running auctions in a map from
// uint64 ID; these helpers hold the logic they share.

// sortedIDs returns the IDs of m in ascending order, so no result depends
// on map iteration order.
func sortedIDs[A any](m map[uint64]A) []uint64 {
	ids := make([]uint64, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	return ids
}

// lookup rejects a now earlier than the clock (ErrTimeBackwards) and
// returns the running auction id (ErrUnknownAuction when never started,
// settled or yanked).
func lookup[A any](c *clock, m map[uint64]*A, now time.Time, id uint64) (*A, error) {
	if err := c.check(now); err != nil {
		return nil, err
	}
	a, ok := m[id]
	if !ok {
		return nil, fmt.Errorf("%w: %d", ErrUnknownAuction, id)
	}
	return a, nil
}

// checkSnapshotID rejects a snapshot auction whose ID is outside 1..kicks
// or already restored.
func checkSnapshotID[A any](restored map[uint64]A, id, kicks uint64) error {
	if id == 0 || id > kicks {
		return fmt.Errorf("%w: auction id %d outside 1..%d", ErrInvalidSnapshot, id, kicks)
	}
	if _, dup := restored[id]; dup {
		return fmt.Errorf("%w: duplicate auction %d", ErrInvalidSnapshot, id)
	}
	return nil
}

// priceUp is price × factor rounded up to scale places: the Dutch top
// (oracle × buf) and the English and batch reserves (oracle × ratio), in
// the venue's favour.
func priceUp(price, factor decimal.Decimal, scale int32) decimal.Decimal {
	return price.Mul(factor).RoundCeil(scale)
}
