package perp

import (
	"encoding/json"
	"fmt"

	"github.com/failsafe-fi/failsafe/backstop"
	"github.com/failsafe-fi/failsafe/breaker"
	"github.com/failsafe-fi/failsafe/liquidation"
	"github.com/failsafe-fi/failsafe/oracle"
)

// failover hands the venue's risk state to a standby, as when the primary
// dies mid-crash: every stateful package's Snapshot is written to JSON,
// read back and restored with the same settings, and the venue carries on
// with the restored objects. (The margin calculator is stateless; the
// ledger of accounts and keepers is the host's own database and carries
// over as it is.) A standby must continue exactly where the primary
// stopped: the tests compare a run with a failover to one without.
func (v *Venue) failover() error {
	var err error
	if v.feed, err = roundTrip(v.feed.Snapshot(), func(s oracle.FeedSnapshot) (*oracle.Feed, error) {
		return oracle.RestoreFeed(v.set.feed, s)
	}); err != nil {
		return fmt.Errorf("restore feed: %w", err)
	}
	if v.band, err = roundTrip(v.band.Snapshot(), func(s breaker.MarketSnapshot) (*breaker.Market, error) {
		return breaker.RestoreMarket(v.set.band, s)
	}); err != nil {
		return fmt.Errorf("restore breaker: %w", err)
	}
	if v.engine, err = roundTrip(v.engine.Snapshot(), func(s liquidation.EngineSnapshot) (*liquidation.Engine, error) {
		return liquidation.RestoreEngine(v.set.engine, s)
	}); err != nil {
		return fmt.Errorf("restore engine: %w", err)
	}
	if v.house, err = roundTrip(v.house.Snapshot(), func(s liquidation.DutchSnapshot) (*liquidation.DutchHouse, error) {
		return liquidation.RestoreDutchHouse(v.set.house, s)
	}); err != nil {
		return fmt.Errorf("restore auctions: %w", err)
	}
	if v.fund, err = roundTrip(v.fund.Snapshot(), func(s backstop.FundSnapshot) (*backstop.InsuranceFund, error) {
		return backstop.RestoreInsuranceFund(v.set.fund, s)
	}); err != nil {
		return fmt.Errorf("restore insurance fund: %w", err)
	}
	if v.journal, err = roundTrip(v.journal.Snapshot(), backstop.RestoreJournal); err != nil {
		return fmt.Errorf("restore journal: %w", err)
	}
	return nil
}

// roundTrip writes a snapshot to JSON, reads it back and restores from it.
func roundTrip[S, T any](snap S, restore func(S) (T, error)) (T, error) {
	var back S
	b, err := json.Marshal(snap)
	if err == nil {
		err = json.Unmarshal(b, &back)
	}
	if err != nil {
		var zero T
		return zero, err
	}
	return restore(back)
}
