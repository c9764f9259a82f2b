package stress

import (
	"time"

	"github.com/shopspring/decimal"
)

// The documented crashes below are RECONSTRUCTIONS: straight lines between
// a few figures that contemporary reports published (each knot cites its
// source), not tick data. The knots' times are as precise as the reports
// (often "early hours" or "by the end of the day"), and the path between
// them is an assumption. Use them as stress shapes, not as history.

// knot is a Knot at h hours and m minutes after the start.
func knot(h, m int, price string) Knot {
	return Knot{At: time.Duration(h)*time.Hour + time.Duration(m)*time.Minute, Price: decimal.RequireFromString(price)}
}

// BlackThursday2020 is a RECONSTRUCTION of ETH/USD on 12–13 March 2020
// ("Black Thursday", when MakerDAO's auctions sold collateral for zero
// bids and left about 5.67M DAI of bad debt), from 22:00 UTC on 11 March,
// in ticks of 10 minutes (157 ticks):
//
//   - 11 Mar 22:00 UTC, $194: CoinDesk's ETH price index (CoinDesk, "DeFi
//     leader MakerDAO weighs emergency shutdown following ETH price
//     drop", 12 March 2020);
//   - 12 Mar 08:00 UTC, $171: "1 AM PT, March 12th. ETH @ $171.
//     Liquidations begin." (T. Schmidt, Dragonfly Research, "Daos Ex
//     Machina: an in-depth timeline of Maker's recent crisis", 24 March
//     2020; PT was UTC−7);
//   - 12 Mar 12:44 UTC, $124: the day's first low (CoinDesk, as above);
//   - 12 Mar 13:45 UTC, $128: "fall to $128 as of 13:45 UTC"
//     (Cointelegraph, "DeFi giant MakerDAO avoiding shutdown in the face
//     of tanking ETH", 12 March 2020);
//   - 13 Mar 00:00 UTC, $111: the day's close, about 43% below the open
//     (CoinMarketCap daily data, as in examples/lending).
func BlackThursday2020() Shape {
	return Shape{
		Name:  "eth-2020-03-12",
		Start: time.Date(2020, 3, 11, 22, 0, 0, 0, time.UTC),
		Step:  10 * time.Minute,
		Knots: []Knot{
			knot(0, 0, "194"),
			knot(10, 0, "171"),
			knot(14, 44, "124"),
			knot(15, 45, "128"),
			knot(26, 0, "111"),
		},
		Sources: []string{
			"CoinDesk, DeFi leader MakerDAO weighs emergency shutdown following ETH price drop, 2020-03-12 (mirrored at https://dinocrypto.com/news/defi-leader-makerdao-weighs-emergency-shutdown-following-eth-price-drop)",
			"https://medium.com/dragonfly-research/daos-ex-machina-an-in-depth-timeline-of-makers-recent-crisis-66d2ae39dd65",
			"Cointelegraph, DeFi giant MakerDAO avoiding shutdown in the face of tanking ETH, 2020-03-12 (mirrored at https://www.thebulletintime.com/news/defi-giant-makerdao-avoiding-shutdown-in-the-face-of-tanking-eth-for-now/)",
			"CoinMarketCap ETH/USD daily close 2020-03-12",
		},
	}
}

// Luna2022 is a RECONSTRUCTION of LUNA/USD (Terra, now LUNC) in May 2022,
// when UST lost its peg and LUNA's supply was minted into the trillions,
// from 00:00 UTC on 5 May, in ticks of one hour (205 ticks):
//
//   - 5 May, $85: "worth roughly $85 on May 5"; 11 May, early hours (taken
//     as 03:00 UTC), $17.38; 12 May (taken as 12:00 UTC), $0.02863, "97.54
//     percent" down on the day (Newslanes, "Terra Luna: what happened to
//     LUNA?", 12 May 2022);
//   - 11 May (taken as 20:00 UTC), $0.30, and 13 May (taken as 12:00
//     UTC), $0.0001 (the price table of "Luna coin price history",
//     amorrr.com).
func Luna2022() Shape {
	return Shape{
		Name:  "luna-2022-05",
		Start: time.Date(2022, 5, 5, 0, 0, 0, 0, time.UTC),
		Step:  time.Hour,
		Knots: []Knot{
			knot(0, 0, "85"),
			knot(6*24+3, 0, "17.38"),
			knot(6*24+20, 0, "0.30"),
			knot(7*24+12, 0, "0.02863"),
			knot(8*24+12, 0, "0.0001"),
		},
		Sources: []string{
			"https://newslanes.com/2022/05/12/terra-luna-what-happened-to-luna-will-it-bounce-back/",
			"https://amorrr.com/4579.html",
		},
	}
}

// BTCMay2021 is a RECONSTRUCTION of BTC/USD on 19 May 2021, when China's
// warnings and Tesla's reversal set off $5.92bn of liquidations in 24
// hours (CoinGlass, reported by mtwwr.com, "Bitcoin plummets to $30,500"), from
// 00:00 UTC, in ticks of 10 minutes (145 ticks):
//
//   - 00:00 UTC, $43,000: "plummeted from $43,000" (scallope.com, "The
//     trillion-dollar crash", on the "519" crash);
//   - 12:30 UTC, $40,000: BTC broke $40,000 by midday and went into free
//     fall at 8:30 PM Beijing time (open-lib.com, "Bitcoin's overnight
//     crash");
//   - 14:00 UTC (approximate), $30,201.90: the low, 31.22% below the
//     previous 24 hours' high (Bitcoin Ticker, reported by ikablog.com);
//   - 24:00 UTC, $35,000: "rebounding to approximately $35,000" by the
//     end of the session (mtwwr.com, "Bitcoin plunges to $30,000").
func BTCMay2021() Shape {
	return Shape{
		Name:  "btc-2021-05-19",
		Start: time.Date(2021, 5, 19, 0, 0, 0, 0, time.UTC),
		Step:  10 * time.Minute,
		Knots: []Knot{
			knot(0, 0, "43000"),
			knot(12, 30, "40000"),
			knot(14, 0, "30201.90"),
			knot(24, 0, "35000"),
		},
		Sources: []string{
			"https://scallope.com/3624.html",
			"https://www.open-lib.com/1941.html",
			"https://ikablog.com/8199.html",
			"https://www.mtwwr.com/2914.html",
			"https://www.mtwwr.com/3541.html",
		},
	}
}

// FTT2022 is a RECONSTRUCTION of FTT/USD (FTX's token) from 6 to 11
// November 2022, after Binance said it would sell its FTT and FTX stopped
// withdrawals, from 00:00 UTC on 6 November, in ticks of one hour (133
// ticks):
//
//   - 6 Nov, $25.77: "opened the week at $25.77"; 11 Nov (taken as 12:00
//     UTC, the bankruptcy filing), $2.68 (BitcoinKE, "FTX token plummets
//     by over 90% in 7 days", 11 November 2022);
//   - 8 Nov 00:00 UTC, $22, then a low of $3.12 on Tuesday 8 Nov (taken
//     as 20:00 UTC) and $5.48 afterwards (taken as 9 Nov 00:00 UTC)
//     (Decrypt via InfoNesia, "FTX's FTT token crashes 78% in 24 hours",
//     8 November 2022).
func FTT2022() Shape {
	return Shape{
		Name:  "ftt-2022-11",
		Start: time.Date(2022, 11, 6, 0, 0, 0, 0, time.UTC),
		Step:  time.Hour,
		Knots: []Knot{
			knot(0, 0, "25.77"),
			knot(48, 0, "22"),
			knot(68, 0, "3.12"),
			knot(72, 0, "5.48"),
			knot(5*24+12, 0, "2.68"),
		},
		Sources: []string{
			"https://bitcoinke.io/2022/11/ftx-token-plummets-files-for-bankruptcy/",
			"https://infonesia.xyz/ftxs-ftt-token-crashes-78-in-24-hours-bitcoin-hits-yearly-low/",
		},
	}
}

// October2025 is a RECONSTRUCTION of BTC/USD on 10–11 October 2025, the
// largest liquidation day on record (over $19bn, about 1.6 million
// accounts, by CoinGlass), after a 100% US tariff on Chinese imports was
// announced, from 12:00 UTC on 10 October, in ticks of 5 minutes (289
// ticks):
//
//   - 12:00 and 21:00 UTC, $122,000: "hovering around $122,000"
//     (news-avail.com, "The $19 billion crypto crash"); "from $122,000 to
//     below $107,000 — a 12% freefall" (Yellow Research, "Trump 100% China
//     tariff: how one announcement liquidated $19 billion in crypto");
//   - 21:45 UTC, $107,000: the 12% fall took about 45 minutes (CoinGlass,
//     as reported by spectropunk.com, "The day $19B vanished");
//   - 11 Oct 12:00 UTC, $112,000: "BTC rebounding to $112,000"
//     (expertnews.com.ua, "Record crypto crash").
func October2025() Shape {
	return Shape{
		Name:  "btc-2025-10-10",
		Start: time.Date(2025, 10, 10, 12, 0, 0, 0, time.UTC),
		Step:  5 * time.Minute,
		Knots: []Knot{
			knot(0, 0, "122000"),
			knot(9, 0, "122000"),
			knot(9, 45, "107000"),
			knot(24, 0, "112000"),
		},
		Sources: []string{
			"https://news-avail.com/?p=218",
			"https://yellow.com/research/trump-100-china-tariff-how-one-announcement-liquidated-dollar19-billion-in-crypto",
			"https://spectropunk.com/?p=179",
			"https://expertnews.com.ua/en/article/2648",
		},
	}
}

// Reconstructions returns every documented crash shape, oldest first.
func Reconstructions() []Shape {
	return []Shape{BlackThursday2020(), BTCMay2021(), Luna2022(), FTT2022(), October2025()}
}
