package oracle

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"
)

// Feeds maps a market (or asset) ID to its Feed, so a consumer that looks
// prices up by market takes Feeds.Price as a method value (a
// func(now time.Time, market string) (decimal.Decimal, error) lookup). Build
// it once and do not modify it while it is read; each Feed is itself safe
// for concurrent use.
type Feeds map[string]*Feed

// Price returns the fresh price of market at now (Feed.Price). A market
// without a feed (or with a nil one) is an error wrapping ErrUnknownMarket,
// never a zero price: a lookup for a market nobody configured is a wiring
// fault the host must see.
func (fs Feeds) Price(now time.Time, market string) (decimal.Decimal, error) {
	f, ok := fs[market]
	if !ok || f == nil {
		return decimal.Decimal{}, fmt.Errorf("%w: %q", ErrUnknownMarket, market)
	}
	return f.Price(now)
}
