package oracle_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/oracle"
)

// A price index from three spot exchanges, weighted by volume share
// (Binance's Price Index): one exchange more than 5% from the median is
// given weight zero.
func ExampleIndex() {
	now := time.Date(2026, 12, 2, 8, 0, 0, 0, time.UTC)
	ix, err := oracle.NewIndex(oracle.IndexSettings{
		Aggregation: oracle.AggregatorSettings{MaxAge: 10 * time.Second, MinSources: 2, Scale: 2},
	})
	if err != nil {
		panic(err)
	}
	q := func(src, price, weight string) oracle.Quote {
		return oracle.Quote{Source: src, Price: decimal.RequireFromString(price), Weight: decimal.RequireFromString(weight), Time: now}
	}
	res, err := ix.Price(now, []oracle.Quote{q("a", "64000", "0.5"), q("b", "64100", "0.3"), q("c", "70000", "0.2")})
	fmt.Println(res.Price, res.Rule, res.Deviating, err)
	// Output:
	// 64037.5 weighted-excluding-one [c] <nil>
}

// The impact ask of 250 USDT: the first level fills 1 at 100 (100 USDT),
// the remaining 150 buy 150/101 at 101, so the average fill is
// 250 / (1 + 150/101) = 25250/251 ≈ 100.59760956. A side holding less
// notional than asked has no impact price (ErrThinBook), never one made
// up from what the book holds.
func ExampleImpactPrice() {
	dec := decimal.RequireFromString
	asks := []oracle.Level{{Price: dec("100"), Size: dec("1")}, {Price: dec("101"), Size: dec("2")}, {Price: dec("102"), Size: dec("5")}}
	p, err := oracle.ImpactPrice(oracle.Asks, asks, dec("250"), 8)
	fmt.Println("impact ask", p, err)
	_, err = oracle.ImpactPrice(oracle.Asks, asks, dec("1000"), 8)
	fmt.Println(errors.Is(err, oracle.ErrThinBook))
	// Output:
	// impact ask 100.59760956 <nil>
	// true
}

// One premium sample from the book: walk the impact notional (200 USDT at
// 20x = 4,000 USDT, Binance's BNBUSDT example) through each side and
// compare with the index. Impact bid: 3 at 600.5 fill 1,801.5, the other
// 2,198.5 buy 2,198.5/600.4 more: 4000 / (3 + 2198.5/600.4).
func ExamplePremiumSettings_Sample() {
	dec := decimal.RequireFromString
	notional, _ := oracle.ImpactNotional(dec("200"), dec("20"))
	bids := []oracle.Level{{Price: dec("600.5"), Size: dec("3")}, {Price: dec("600.4"), Size: dec("10")}}
	asks := []oracle.Level{{Price: dec("600.6"), Size: dec("2")}, {Price: dec("600.8"), Size: dec("10")}}
	s := oracle.PremiumSettings{ImpactNotional: notional, Scale: 8}
	p, err := s.Sample(dec("600"), bids, asks)
	fmt.Println("impact notional", notional)
	fmt.Println("impact bid", p.ImpactBid, "impact ask", p.ImpactAsk)
	fmt.Println("premium", p.Premium, err)
	// Output:
	// impact notional 4000
	// impact bid 600.44503338 impact ask 600.73992601
	// premium 0.00074172 <nil>
}

// Binance's funding rate: premium samples averaged with weights 1..n,
// F = P + clamp(0.01% − P, −0.05%, +0.05%), capped at ±0.4875% (ADAUSDT:
// 0.75 × its 0.65% maintenance margin ratio), to 8 places. Here P = (1×2 + 2×4 + 3×9 + 4×12) /
// 10 × 0.0001 = 0.00085, and 0.01% − P is beyond −0.05%, so F = P − 0.05%.
func ExampleFunding() {
	dec := decimal.RequireFromString
	start := time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC)
	cap, _ := oracle.BinanceFundingCap(dec("0.75"), dec("0.0065"))
	f, err := oracle.NewFunding(oracle.BinanceFunding("ADAUSDT", cap))
	if err != nil {
		panic(err)
	}
	for i, p := range []string{"0.0002", "0.0004", "0.0009", "0.0012"} {
		if err := f.Sample(start.Add(time.Duration(i)*2*time.Hour), dec(p)); err != nil {
			panic(err)
		}
	}
	rate, events, err := f.Settle(start.Add(8 * time.Hour))
	fmt.Println("premium", rate.Premium, "rate", rate.Rate, err)
	fmt.Println(events[0])
	// Output:
	// premium 0.00085 rate 0.00035 <nil>
	// 2026-12-02T08:00:00Z funding subject=ADAUSDT rate=0.00035
}

// dYdX v4: the hour's one-minute premium samples padded with zeros to 60
// and averaged; F = P + default funding is an 8-hour rate capped at
// 600% × (initial − maintenance margin), of which one eighth is paid each
// hour. Here P = 45 × 0.08% / 60 = 0.06%, F = 0.07%, paid exactly
// 0.07%/8 = 0.00875% (dYdX divides rate × time × price once; the payment
// rounds, not the rate).
func ExampleDYDXFunding() {
	dec := decimal.RequireFromString
	cap, _ := oracle.FundingCap(dec("6"), dec("0.05"), dec("0.03"))
	premiums := make([]decimal.Decimal, 45) // 15 minutes had no sample
	for i := range premiums {
		premiums[i] = dec("0.0008")
	}
	r, err := oracle.ComputeFunding(oracle.DYDXFunding("BTC-USD", dec("0.0001"), cap), premiums)
	fmt.Println("8h rate", r.Rate, "paid this hour", r.Paid, err)
	// Output:
	// 8h rate 0.0007 paid this hour 0.0000875 <nil>
}

// Binance's mark price: the median of Price 1 (index plus the funding
// basis), Price 2 (index plus the moving-average basis) and the last price.
func ExampleMark() {
	dec := decimal.RequireFromString
	now := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
	m, err := oracle.NewMark(oracle.MarkSettings{Market: "BTCUSDT", Scale: 2})
	if err != nil {
		panic(err)
	}
	for i, mid := range []string{"64010", "64020", "64030"} { // index 64000 each minute
		t := now.Add(time.Duration(i-2) * time.Minute)
		if err := m.ObserveBasis(t, dec(mid).Sub(dec("0.5")), dec(mid).Add(dec("0.5")), dec("64000")); err != nil {
			panic(err)
		}
	}
	mp, err := m.Price(now, oracle.MarkInputs{
		Index: dec("64000"), Last: dec("64100"), FundingRate: dec("0.0001"), NextFunding: now.Add(4 * time.Hour),
	})
	fmt.Println("price 1", mp.Price1, "price 2", mp.Price2, "last", mp.Last)
	fmt.Println("mark", mp.Price, err)
	// Output:
	// price 1 64003.2 price 2 64020 last 64100
	// mark 64020 <nil>
}
