package margin

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

// memAccounts is how many accounts the memory benchmarks prepare: enough
// that the per-account figure is the account's, not the heap's noise.
const memAccounts = 100_000

// memBook builds memAccounts single-position accounts of the reference
// perp venue's kind (stress/perp: one market on Binance BTCUSDT tiers,
// sizes of 0.001 to 2 contracts at entries on a 0.1 tick, wallets to the
// cent): kind "cross" (no chosen leverage: the fast lane), "cross-lev"
// (the venue's cross accounts, which choose a leverage), "isolated-lev"
// (the venue's isolated accounts). The IDs are the host's strings.
func memBook(tb testing.TB, kind string) (*Calculator, []Account) {
	c, err := New(Settings{Markets: []Market{{ID: "BTCUSDT", Tiers: binanceBTC(), TickSize: d("0.1")}},
		Prices: StaticPrices{"BTCUSDT": d("30000.5")}})
	if err != nil {
		tb.Fatal(err)
	}
	accts := make([]Account, memAccounts)
	for i := range accts {
		size := decimal.New(int64(1+i%2000), -3)
		if i%2 == 1 {
			size = size.Neg()
		}
		entry := decimal.New(300_000+int64(i%997), -1)
		pos := Position{Market: "BTCUSDT", Size: size, EntryPrice: entry}
		a := Account{ID: fmt.Sprintf("a%07d", i), Wallet: decimal.New(100_000+int64(i%50_000), -2), Positions: []Position{pos}}
		switch kind {
		case "cross":
		case "cross-lev":
			a.Positions[0].Leverage = decimal.New(int64(1+i%20), 0)
		case "isolated-lev":
			a.Positions[0].Leverage = decimal.New(int64(1+i%20), 0)
			a.Positions[0].Isolated, a.Positions[0].Margin = true, a.Wallet
			a.Wallet = decimal.New(int64(i%100), -2)
		default:
			tb.Fatalf("kind %q", kind)
		}
		accts[i] = a
	}
	return c, accts
}

// heapDelta returns the live heap grown by build, per account.
func heapDelta(build func() any) float64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	keep := build()
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(keep)
	return float64(int64(after.HeapAlloc)-int64(before.HeapAlloc)) / memAccounts
}

// Bytes per prepared account (issue 12: the venue keeps one Prepared per
// account). B/account is the live heap the Prepared values hold beyond
// the accounts themselves (whose decimals and IDs they share).
func BenchmarkPreparedBytesPerAccount(b *testing.B) {
	for _, kind := range []string{"cross", "cross-lev", "isolated-lev"} {
		b.Run(kind, func(b *testing.B) {
			c, accts := memBook(b, kind)
			var per float64
			for i := 0; i < b.N; i++ {
				per = heapDelta(func() any {
					ps := make([]*Prepared, len(accts))
					for j, a := range accts {
						p, err := c.Prepare(a)
						if err != nil {
							b.Fatal(err)
						}
						ps[j] = p
					}
					return ps
				}) - 8 // the benchmark's own slice of pointers
			}
			b.ReportMetric(per, "B/account")
		})
	}
}

// Bytes per account in the margin-call protocol (every account in it,
// as after a crash; the venue keeps only the accounts not ok).
func BenchmarkCallsBytesPerAccount(b *testing.B) {
	_, accts := memBook(b, "cross")
	var per float64
	for i := 0; i < b.N; i++ {
		per = heapDelta(func() any {
			calls, err := NewCalls(CryptoVenueCalls())
			if err != nil {
				b.Fatal(err)
			}
			now := time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC)
			r := AccountRisk{Equity: d("100"), Maintenance: d("75")} // over the warning level
			for _, a := range accts {
				if _, _, err := calls.Update(now, a.ID, r, false); err != nil {
					b.Fatal(err)
				}
			}
			return calls
		})
	}
	b.ReportMetric(per, "B/account")
}

// Bytes per account in a Watchlist of the venue's accounts (cross and
// isolated alternating).
func BenchmarkWatchlistBytesPerAccount(b *testing.B) {
	c, cross := memBook(b, "cross-lev")
	_, iso := memBook(b, "isolated-lev")
	var per float64
	for i := 0; i < b.N; i++ {
		per = heapDelta(func() any {
			w, err := NewWatchlist(c)
			if err != nil {
				b.Fatal(err)
			}
			for j := range cross {
				a := cross[j]
				if j%5 < 2 {
					a = iso[j]
				}
				if _, err := w.Set(t0, a); err != nil {
					b.Fatal(err)
				}
			}
			return w
		})
	}
	b.ReportMetric(per, "B/account")
}

// Risk per account over a book of the venue's one-position accounts,
// prepared once, at marks read once (the venue's full scan): the compact
// form's speed. The mark (30000.5) is on the entries' grid.
func BenchmarkPreparedRiskOne(b *testing.B) {
	for _, kind := range []string{"cross", "cross-lev", "isolated-lev"} {
		b.Run(kind, func(b *testing.B) {
			c, accts := memBook(b, kind)
			ps := make([]*Prepared, len(accts))
			for j, a := range accts {
				p, err := c.Prepare(a)
				if err != nil {
					b.Fatal(err)
				}
				ps[j] = p
			}
			m, err := c.Marks(t0)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := ps[i%len(ps)].Risk(m); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// Prepare of one of the venue's one-position accounts (a venue prepares
// an account again after every change to it).
func BenchmarkPrepareOne(b *testing.B) {
	for _, kind := range []string{"cross", "cross-lev", "isolated-lev"} {
		b.Run(kind, func(b *testing.B) {
			c, accts := memBook(b, kind)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := c.Prepare(accts[i%len(accts)]); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
