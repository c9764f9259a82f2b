package liquidation

import (
	"log/slog"
	"strconv"
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

	EventBookCancel   EventKind = "book-cancel"   // book liquidation: cancel an open order (Subject: its ID)
	EventBookStart    EventKind = "book-start"    // book liquidation opened
	EventBookOrder    EventKind = "book-order"    // book liquidation order to send
	EventBookFill     EventKind = "book-fill"     // a fill of it, split (SplitFill)
	EventBookHandover EventKind = "book-handover" // a position handed to the fallbacks
	EventBookDone     EventKind = "book-done"     // book liquidation ended: restored or handed over
)

// Auction states named in Event.From and Event.To.
const (
	auctionRunning = "running" // kicked or opened, taking bids or takes
	auctionSettled = "settled" // finished with a Settlement
	auctionYanked  = "yanked"  // cancelled by Yank
	phaseForward   = "forward" // English: bidding up the debt
	phaseReverse   = "reverse" // English: the bid covers the tab; bidding down the lot

	bookLiquidating = "liquidating" // BookDesk: a liquidation is open
)

func auctionSubject(id uint64) string { return strconv.FormatUint(id, 10) }

// Event records one state change for the host to log or replay. It is the
// one event shape of the library: Time, Kind, Subject, From, To and Reason
// lead, in that order, in every package. Every call that changes state
// returns its events (nothing is queued, nothing dropped).
//
// Subject is what the event is about: the auction ID as decimal text for
// auction events, the account for commit, the market for release and stop.
// From and To are set only on a transition: an auction's state ("" →
// "running" on kick and auction-open; "running" → "settled" or "yanked";
// an English auction's phase "forward" → "reverse" on the bid that covers
// the tab), and the stop level ("none", "no-kick", "no-redo",
// "no-takes"). Fields that do not apply to a kind are zero. By kind:
//
//	kick          Price top, Lot, Tab, Amount keeper reward
//	take          Price paid per unit, Lot bought, Tab paid, Amount tab left
//	redo          Price new top, Lot, Tab, Amount keeper reward
//	yank          Lot and Tab yanked, Amount debt released; Settlement
//	settle        Settlement (and, for Dutch, Lot returned, Tab shortfall)
//	stop          From and To: the stop levels
//	bid           English: Lot, Tab, Amount bid; batch: Price limit, Lot quantity
//	bid-lot       Lot offered, Tab, Amount bid
//	restart       Price new reserve, Lot, Tab
//	clear         Price clearing price, Lot sold, Tab recovered
//	auction-open  Price reserve, Lot, Tab
//	commit        Lot, Tab, Amount debt closed (Account, Market of the order)
//	release       Amount released, Tab market debt still under auction
//	book-cancel   Subject the open order's ID, Account
//	book-start    To "liquidating"; Auction the liquidation ID, Amount equity, Tab maintenance
//	book-order    Market, Price limit, Lot size, Reason the side
//	book-fill     Market, Price, Lot size, Tab the fund's delta (fee + fund), Amount the fee
//	book-handover Market, Price bankruptcy price, Lot size, Tab bankruptcy quote, Reason the side
//	book-done     From "liquidating" To "restored" or "handed-over" (no transition when the
//	              cancels alone restored it); Amount equity, Tab maintenance
//
// Book events have Subject the account (but book-cancel) and Auction the
// BookDesk liquidation ID.
type Event struct {
	Time    time.Time `json:"time"`              // the now of the call that caused it
	Kind    EventKind `json:"kind"`              // what changed
	Subject string    `json:"subject,omitempty"` // auction ID as text, account (commit) or market (release, stop)
	From    string    `json:"from,omitempty"`    // previous state, set only on a transition
	To      string    `json:"to,omitempty"`      // new state, set only on a transition
	Reason  string    `json:"reason,omitempty"`  // words for people; never needed to parse

	Auction uint64          `json:"auction,omitempty"` // auction ID (0 for engine events)
	Market  string          `json:"market,omitempty"`  // house or order market
	Account string          `json:"account,omitempty"` // owner of the collateral
	Keeper  string          `json:"keeper,omitempty"`  // keeper, bidder or taker
	Price   decimal.Decimal `json:"price"`             // price used (top, take price, clearing price)
	Lot     decimal.Decimal `json:"lot"`               // collateral moved (take, bid) or remaining
	Tab     decimal.Decimal `json:"tab"`               // debt paid or remaining
	Amount  decimal.Decimal `json:"amount"`            // keeper reward, bid or released debt
	// Settlement is set on EventSettle and EventYank.
	Settlement *Settlement `json:"settlement,omitempty"`
}

// LogValue implements slog.LogValuer: one group with every non-zero field,
// decimals as strings, so a host logs an event in one line
// (slog.Info("liquidation", "event", ev)).
func (e Event) LogValue() slog.Value {
	attrs := make([]slog.Attr, 0, 12)
	str := func(k, v string) {
		if v != "" {
			attrs = append(attrs, slog.String(k, v))
		}
	}
	dec := func(k string, v decimal.Decimal) {
		if !v.IsZero() {
			attrs = append(attrs, slog.String(k, v.String()))
		}
	}
	if !e.Time.IsZero() {
		attrs = append(attrs, slog.Time("time", e.Time))
	}
	str("kind", string(e.Kind))
	str("subject", e.Subject)
	str("from", e.From)
	str("to", e.To)
	str("reason", e.Reason)
	if e.Auction != 0 {
		attrs = append(attrs, slog.Uint64("auction", e.Auction))
	}
	str("market", e.Market)
	str("account", e.Account)
	str("keeper", e.Keeper)
	dec("price", e.Price)
	dec("lot", e.Lot)
	dec("tab", e.Tab)
	dec("amount", e.Amount)
	if s := e.Settlement; s != nil {
		attrs = append(attrs, slog.Group("settlement",
			slog.String("type", string(s.Type)),
			slog.String("collateral_sold", s.CollateralSold.String()),
			slog.String("collateral_returned", s.CollateralReturned.String()),
			slog.String("debt_recovered", s.DebtRecovered.String()),
			slog.String("shortfall", s.Shortfall.String()),
			slog.String("surplus", s.Surplus.String())))
	}
	return slog.GroupValue(attrs...)
}
