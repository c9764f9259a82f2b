package perp

import (
	"encoding/json"
	"fmt"
)

// failover hands the whole venue to a standby, as when the primary dies
// mid-crash: its snapshot (every package's Snapshot, the ledger, the
// totals, the rng's position) is written to JSON, read back and restored
// (restoreVenue validates it), and the venue carries on with the restored
// state. The rng is shared with the crash path under NewWithCrash, so its
// source is re-seeded and advanced in place to the snapshot's position
// rather than replaced. A standby must continue exactly where the primary
// stopped: the tests compare a run with a failover to one without. On an
// error nothing changed.
func (v *Venue) failover() error {
	raw, err := json.Marshal(v.snapshot())
	if err != nil {
		return fmt.Errorf("%w: encode: %w", ErrSnapshot, err)
	}
	rng := v.src.snapshot()
	if raw, err = json.Marshal(struct {
		Venue json.RawMessage `json:"venue"`
		Rng   RngSnapshot     `json:"rng"`
	}{raw, rng}); err != nil {
		return fmt.Errorf("%w: encode: %w", ErrSnapshot, err)
	}
	var back struct {
		Venue VenueSnapshot `json:"venue"`
		Rng   RngSnapshot   `json:"rng"`
	}
	if err := json.Unmarshal(raw, &back); err != nil {
		return fmt.Errorf("%w: decode: %w", ErrSnapshot, err)
	}
	nv, err := restoreVenue(v.cfg, back.Venue)
	if err != nil {
		return err
	}
	if err := v.src.reset(back.Rng.Seed, back.Rng.Draws); err != nil {
		return err
	}
	// The margin calculator is stateless but reads its marks from the venue
	// it was built for: v keeps its own (and its settings, the same), and
	// the accounts, prepared by the standby's, are prepared again on the
	// next tick. So does the watchlist's (the standby's watchlist is built
	// afresh at the next scan, from every account).
	nv.src, nv.rng, nv.calc, nv.set, nv.warnCalc = v.src, v.rng, v.calc, v.set, v.warnCalc
	nv.log.obs = v.log.obs
	for i := range nv.traders {
		nv.traders[i].prep = nil
	}
	*v = *nv
	v.log.v = v
	return nil
}
