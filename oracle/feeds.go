package oracle

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"
)

// Feeds maps a market (or asset) ID to its Feed, so a consumer that looks
// prices up by market takes Feeds.Price as a method value, for example
// margin.PriceFunc(feeds.Price). Build it once and do not modify it while
// it is read; each Feed is itself safe for concurrent use.
type Feeds map[string]*Feed

// Price returns the fresh price of market at now (Feed.Price), or an error
// wrapping ErrNoPrice for a market without a feed.
func (fs Feeds) Price(market string, now time.Time) (decimal.Decimal, error) {
	f, ok := fs[market]
	if !ok || f == nil {
		return decimal.Decimal{}, fmt.Errorf("%w: no feed for market %q", ErrNoPrice, market)
	}
	return f.Price(now)
}
