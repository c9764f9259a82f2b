package liquidation

import (
	"time"

	"github.com/shopspring/decimal"
)

// EventKind names a state change.
type EventKind string

// Event kinds, one per state change of an auction house or the engine.
const (
	EventKick        EventKind = "kick"         // Dutch auction started (Clipper Kick)
	EventTake        EventKind = "take"         // Dutch purchase (Clipper Take)
	EventRedo        EventKind = "redo"         // Dutch auction reset (Clipper Redo)
	EventYank        EventKind = "yank"         // auction cancelled (Clipper Yank)
	EventSettle      EventKind = "settle"       // auction finished; Event.Settlement is set
	EventStop        EventKind = "stop"         // stop switch level changed
	EventBid         EventKind = "bid"          // English forward bid or batch bid
	EventBidLot      EventKind = "bid-lot"      // English reverse bid
	EventRestart     EventKind = "restart"      // English auction restarted with no bid
	EventClear       EventKind = "clear"        // batch auction cleared
	EventCommit      EventKind = "commit"       // engine reserved cap room for a planned liquidation
	EventRelease     EventKind = "release"      // engine released cap room (Dog digs)
	EventAuctionOpen EventKind = "auction-open" // English or batch auction opened
)

// Event records one state change for the host to log or replay. Fields that
// do not apply to a kind are zero. By kind:
//
//	kick          Price top, Lot, Tab, Amount keeper reward
//	take          Price paid per unit, Lot bought, Tab paid, Amount tab left
//	redo          Price new top, Lot, Tab, Amount keeper reward
//	yank          Lot and Tab yanked, Amount debt released; Settlement
//	settle        Settlement (and, for Dutch, Lot returned, Tab shortfall)
//	stop          Level
//	bid           English: Lot, Tab, Amount bid; batch: Price limit, Lot quantity
//	bid-lot       Lot offered, Tab, Amount bid
//	restart       Price new reserve, Lot, Tab
//	clear         Price clearing price, Lot sold, Tab recovered
//	auction-open  Price reserve, Lot, Tab
//	commit        Lot, Tab, Amount debt closed (Account, Market of the order)
//	release       Amount released, Tab market debt still under auction
type Event struct {
	Time    time.Time       `json:"time"`              // the now of the call
	Kind    EventKind       `json:"kind"`              // what changed
	Auction uint64          `json:"auction,omitempty"` // auction ID (0 for engine events)
	Market  string          `json:"market,omitempty"`  // house or order market
	Account string          `json:"account,omitempty"` // owner of the collateral
	Keeper  string          `json:"keeper,omitempty"`  // keeper, bidder or taker
	Price   decimal.Decimal `json:"price"`             // price used (top, take price, clearing price)
	Lot     decimal.Decimal `json:"lot"`               // collateral moved (take, bid) or remaining
	Tab     decimal.Decimal `json:"tab"`               // debt paid or remaining
	Amount  decimal.Decimal `json:"amount"`            // keeper reward, bid or released debt
	Level   int             `json:"level,omitempty"`   // stop level
	// Settlement is set on EventSettle and EventYank.
	Settlement *Settlement `json:"settlement,omitempty"`
}
