package margin

import (
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

// BenchmarkFundingPayments settles one interval for a book of 10,000
// positions (5,000 longs, 5,000 shorts).
func BenchmarkFundingPayments(b *testing.B) {
	c := fundingCalc(b, 8)
	book := make([]FundingPosition, 10_000)
	for i := range book {
		q := decimal.New(int64(i%97+1), -2)
		if i%2 == 1 {
			q = book[i-1].Size.Neg()
		}
		book[i] = FundingPosition{Account: fmt.Sprintf("acct-%05d", i), Size: q}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := c.FundingPayments("BTCUSDT", d("43210.5"), d("0.000123"), book); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCallsUpdate feeds one account's figures (no transition).
func BenchmarkCallsUpdate(b *testing.B) {
	c, _ := NewCalls(CryptoVenueCalls())
	r := atRatio("0.5")
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, _, err := c.Update(callT0.Add(time.Duration(i)), "a", r, false); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCheckOrderWith checks a buy against a position and 10 resting
// orders.
func BenchmarkCheckOrderWith(b *testing.B) {
	c := ordersCalc(b, Market{Tiers: BinanceBTCUSDT20210318(), TakerFee: d("0.0004")}, "10000")
	a := Account{Wallet: d("100000"), Positions: []Position{{Market: "BTCUSDT", Size: d("2"), EntryPrice: d("9900")}}}
	var ctx OrderContext
	for i := 0; i < 10; i++ {
		ctx.Orders = append(ctx.Orders, OpenOrder{Market: "BTCUSDT", Size: decimal.New(int64(i%3-1)*10+5, -1), Price: decimal.NewFromInt(int64(9900 + 20*i))})
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := c.CheckOrderWith(callT0, a, ctx, Order{Market: "BTCUSDT", Size: d("0.5"), Price: d("10000")}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestCallsConcurrent runs updates on many accounts and snapshots from
// several goroutines (run with -race): the result equals the sequential one.
func TestCallsConcurrent(t *testing.T) {
	c, _ := NewCalls(ClearingHouseCalls(time.Hour, time.Hour))
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				id := fmt.Sprintf("acct-%d", g)
				if _, _, err := c.Update(callT0.Add(time.Duration(i)*time.Minute), id, atRatio([]string{"0.5", "0.95", "1.1", "2.5"}[i%4]), i%7 == 0); err != nil {
					t.Error(err)
				}
				_ = c.Snapshot()
				_ = c.ReduceOnly(id)
			}
		}(g)
	}
	wg.Wait()
	seq, _ := NewCalls(ClearingHouseCalls(time.Hour, time.Hour))
	for g := 0; g < 8; g++ {
		for i := 0; i < 50; i++ {
			seq.Update(callT0.Add(time.Duration(i)*time.Minute), fmt.Sprintf("acct-%d", g), atRatio([]string{"0.5", "0.95", "1.1", "2.5"}[i%4]), i%7 == 0)
		}
	}
	a, _ := json.Marshal(c.Snapshot())
	b, _ := json.Marshal(seq.Snapshot())
	if string(a) != string(b) {
		t.Fatalf("concurrent %s\nsequential %s", a, b)
	}
}

// FuzzRestoreCalls: any JSON is refused or restores a machine whose
// snapshot round-trips and which accepts a further update.
func FuzzRestoreCalls(f *testing.F) {
	c, _ := NewCalls(ClearingHouseCalls(time.Hour, 2*time.Hour))
	c.Update(callT0, "a", atRatio("1.2"), false)
	c.Update(callT0.Add(time.Hour), "b", atRatio("0.95"), true)
	seed, _ := json.Marshal(c.Snapshot())
	f.Add(seed)
	f.Add([]byte(`{"accounts":[{"id":"x","state":"liquidation","since":"2026-01-01T00:00:00Z","last":"2026-01-01T00:00:00Z","used":-5}]}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		var snap CallsSnapshot
		if json.Unmarshal(raw, &snap) != nil {
			return
		}
		r, err := RestoreCalls(snap)
		if err != nil {
			return
		}
		again, err := RestoreCalls(r.Snapshot())
		if err != nil {
			t.Fatalf("a restored machine's snapshot is refused: %v", err)
		}
		x, _ := json.Marshal(r.Snapshot())
		y, _ := json.Marshal(again.Snapshot())
		if string(x) != string(y) {
			t.Fatalf("round trip changed the snapshot")
		}
		for _, a := range snap.Accounts {
			if _, evs, err := r.Update(a.Last.Add(time.Minute), a.ID, atRatio("3"), false); err == nil {
				if err := CheckCallEvents(evs); err != nil {
					t.Fatal(err)
				}
			}
		}
	})
}

// FuzzFundingPayments: any price, rate and book of up to 8 positions is
// refused with ErrInvalidInput or settled zero-sum (CheckFunding).
func FuzzFundingPayments(f *testing.F) {
	c := fundingCalc(f, 6)
	f.Add("10000", "0.0001", "1.5", "-0.5", "-1", false)
	f.Add("0.0001", "-1", "1e-30", "-1e-30", "0", true)
	f.Fuzz(func(t *testing.T, price, rate, q1, q2, q3 string, inverse bool) {
		var ds []decimal.Decimal
		for _, s := range []string{price, rate, q1, q2, q3} {
			x, err := decimal.NewFromString(s)
			if err != nil {
				return
			}
			ds = append(ds, x)
		}
		market := "BTCUSDT"
		if inverse {
			market = "BTCUSD"
		}
		book := []FundingPosition{{"a", ds[2]}, {"b", ds[3]}, {"c", ds[4]}, {"d", ds[2].Add(ds[3]).Add(ds[4]).Neg()}}
		got, err := c.FundingPayments(market, ds[0], ds[1], book)
		if err != nil {
			if !errors.Is(err, ErrInvalidInput) {
				t.Fatalf("error outside ErrInvalidInput: %v", err)
			}
			return
		}
		if err := CheckFunding(got); err != nil {
			t.Fatal(err)
		}
	})
}
