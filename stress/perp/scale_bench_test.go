package perp

import (
	"fmt"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/oracle"
)

// BenchmarkDefaultCrash runs the whole default crash (settling included,
// as examples/cascade runs it) at several book sizes: the scaling table's
// rows.
func BenchmarkDefaultCrash(b *testing.B) {
	for _, n := range []int{1_000, 2_000, 8_000, 16_000} {
		b.Run(fmt.Sprintf("accounts=%d", n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if _, err := run(Config{Accounts: n}, 1, 0, false); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkStep times one full step (the margin scan of every account,
// the plan of those below maintenance, the auctions and the keepers' first
// bids) after a quiet move (−0.5%: a few accounts liquidated) and after a
// crash tick (−6%: a fifth of the book below maintenance, all of it
// auctioned under limits grown with the book), at several book sizes,
// setup not timed. ns/account is the wall clock, cpu-ns/account the
// process's CPU time (the figure to read on a loaded machine); the issue's
// target is ≤ 2 µs per account at 1,000,000. The watchlist variants
// (Config.Scan = ScanWatchlist) time the step after one at the opening
// price, which built the watchlist (not timed): a quiet tick (−0.1%, the
// issue's: ≤ 2 ms at 1,000,000) and the same crash tick (its cost grows
// with the accounts the watchlist returns, reported as candidates). Run
// the largest alone for its peak memory:
//
//	go test -c -o /tmp/perp.test ./stress/perp
//	/usr/bin/time -v /tmp/perp.test -test.run XXX -test.bench 'BenchmarkStep/quiet/accounts=1000000' -test.benchtime 1x
func BenchmarkStep(b *testing.B) {
	for _, mv := range []struct {
		name string
		keep decimal.Decimal
		scan Scan
	}{{"quiet", decimal.New(995, -3), ScanFull}, {"crash", decimal.New(94, -2), ScanFull},
		{"watchlist/quiet", decimal.New(999, -3), ScanWatchlist}, {"watchlist/crash", decimal.New(94, -2), ScanWatchlist}} {
		for _, n := range []int{10_000, 100_000, 1_000_000} {
			b.Run(fmt.Sprintf("%s/accounts=%d", mv.name, n), func(b *testing.B) { benchStep(b, n, mv.keep, mv.scan) })
		}
	}
}

func benchStep(b *testing.B, n int, keep decimal.Decimal, scan Scan) {
	{
		{
			price := OpenPrice.Mul(keep)
			below, cands := 0, 0
			var cpu time.Duration
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				v, _, start, err := setUp(Config{Accounts: n, Scan: scan})
				if err != nil {
					b.Fatal(err)
				}
				now := start.Add(Interval)
				if scan == ScanWatchlist { // a tick at the opening price builds the watchlist
					warm := []oracle.Quote{{Source: "cex-a", Price: OpenPrice, Time: now}, {Source: "cex-b", Price: OpenPrice, Time: now}, {Source: "dex-c", Price: OpenPrice, Time: now}}
					if err := v.Step(now, warm); err != nil {
						b.Fatal(err)
					}
					now = now.Add(Interval)
					onCandidates = func(_ *Venue, _ time.Time, _ decimal.Decimal, c []int) { cands = len(c) }
				}
				quotes := []oracle.Quote{
					{Source: "cex-a", Price: price, Time: now},
					{Source: "cex-b", Price: price.Add(decimal.New(1, 0)), Time: now},
					{Source: "dex-c", Price: price.Sub(decimal.New(1, 0)), Time: now.Add(-time.Second)},
				}
				runtime.GC() // the setup's garbage is not the step's
				b.StartTimer()
				c0 := cpuTime()
				if err := v.Step(now, quotes); err != nil {
					b.Fatal(err)
				}
				cpu += cpuTime() - c0
				below = v.stats.below
				onCandidates = nil
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/account")
			b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N)/float64(n), "cpu-ns/account")
			b.ReportMetric(float64(below), "below-maint")
			if scan == ScanWatchlist {
				b.ReportMetric(float64(cands), "candidates")
			}
		}
	}
}

// cpuTime is the process's user + system CPU time so far: on a shared,
// loaded machine the wall clock measures the neighbours as much as the
// code.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkScenario is one scenario as the harness runs it: the default
// crash (168 ticks) drawn from one seed, a venue of 1,000 accounts from
// another, Check after every tick, the Outcome at the end. The issue's
// target, 1,000 such scenarios in 60 s on 2 cores, is 120 ms of CPU each.
func BenchmarkScenario(b *testing.B) {
	gen, err := DefaultCrash(Config{})
	if err != nil {
		b.Fatal(err)
	}
	var cpu, checks time.Duration
	for i := 0; i < b.N; i++ {
		c0 := cpuTime()
		seed := int64(i + 1)
		sc, err := gen.Scenario(seed)
		if err != nil {
			b.Fatal(err)
		}
		m, err := New(Config{}, seed)
		if err != nil {
			b.Fatal(err)
		}
		for {
			tick, ok, err := sc.Next()
			if err != nil {
				b.Fatal(err)
			}
			if !ok {
				break
			}
			if err := m.Step(tick); err != nil {
				b.Fatal(err)
			}
			k0 := cpuTime()
			if err := m.Check(); err != nil {
				b.Fatal(err)
			}
			checks += cpuTime() - k0
		}
		_ = m.Outcome()
		cpu += cpuTime() - c0
	}
	b.ReportMetric(float64(cpu.Milliseconds())/float64(b.N), "cpu-ms/scenario")
	b.ReportMetric(float64(checks.Milliseconds())/float64(b.N), "check-cpu-ms/scenario")
}

// BenchmarkLiveHeap reports the live heap a seeded venue holds per
// account (runtime.MemStats after a GC, before and after setUp): the
// figure behind the 1,000,000-account step's peak memory (issue 12: ≤ 600
// MB). Each iteration seeds a venue afresh.
func BenchmarkLiveHeap(b *testing.B) {
	for _, n := range []int{100_000, 1_000_000} {
		b.Run(fmt.Sprintf("accounts=%d", n), func(b *testing.B) {
			var live uint64
			for i := 0; i < b.N; i++ {
				var m0, m1 runtime.MemStats
				runtime.GC()
				runtime.ReadMemStats(&m0)
				v, _, _, err := setUp(Config{Accounts: n})
				if err != nil {
					b.Fatal(err)
				}
				runtime.GC()
				runtime.ReadMemStats(&m1)
				live = m1.HeapAlloc - m0.HeapAlloc
				runtime.KeepAlive(v)
			}
			b.ReportMetric(float64(live)/float64(n), "live-B/account")
		})
	}
}
