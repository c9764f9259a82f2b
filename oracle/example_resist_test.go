package oracle_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/oracle"
)

// A Chainlink round a consumer may use, and one it may not.
func ExampleCheckRound() {
	s := oracle.RoundSettings{MaxAge: time.Hour}
	round := oracle.Round{
		RoundID:         oracle.RoundID{Phase: 1, Round: 42},
		Answer:          decimal.New(300012345678, -8), // answer 300012345678 with 8 decimals
		StartedAt:       t0.Add(-time.Minute),
		UpdatedAt:       t0.Add(-time.Minute),
		AnsweredInRound: oracle.RoundID{Phase: 1, Round: 42},
	}
	fmt.Println(oracle.CheckRound(t0, s, round))
	round.AnsweredInRound.Round = 41 // answered in an earlier round: carried over
	_, err := oracle.CheckRound(t0, s, round)
	fmt.Println(errors.Is(err, oracle.ErrIncompleteRound))
	// Output:
	// 3000.12345678 <nil>
	// true
}

// When a push feed owes a new round: 0.5% deviation or a 1 h heartbeat.
func ExampleUpdateRule_Due() {
	rule := oracle.UpdateRule{Deviation: decimal.RequireFromString("0.005"), Heartbeat: time.Hour}
	last := decimal.RequireFromString("2000")
	for _, c := range []struct {
		after    time.Duration
		observed string
	}{{time.Minute, "2009"}, {time.Minute, "2010"}, {61 * time.Minute, "2000"}} {
		due, _ := rule.Due(t0.Add(c.after), last, t0, decimal.RequireFromString(c.observed))
		fmt.Printf("%v %s: %q\n", c.after, c.observed, due)
	}
	// Output:
	// 1m0s 2009: ""
	// 1m0s 2010: "deviation"
	// 1h1m0s 2000: "heartbeat"
}

// An L2 sequencer outage: prices are refused while it is down and for the
// grace period after it comes back (Aave's PriceOracleSentinel).
func ExampleSequencer() {
	seq, _ := oracle.NewSequencer(oracle.SequencerSettings{Name: "arbitrum", GracePeriod: time.Hour})
	down := t0
	up := t0.Add(30 * time.Minute)
	_, evs, _ := seq.Observe(down, oracle.SequencerRound{Answer: 1, StartedAt: down})
	fmt.Println(evs[0].From, "->", evs[0].To)
	_, evs, _ = seq.Observe(up, oracle.SequencerRound{Answer: 0, StartedAt: up})
	fmt.Println(evs[0].From, "->", evs[0].To)
	_, err := seq.Check(up.Add(time.Hour)) // exactly the grace period: still refused
	fmt.Println(errors.Is(err, oracle.ErrGracePeriod))
	evs, err = seq.Check(up.Add(time.Hour + time.Second))
	fmt.Println(evs[0].From, "->", evs[0].To, err)
	// Output:
	// unknown -> down
	// down -> grace
	// true
	// grace -> up <nil>
}

// OCR's median with one faulty node among four: the liar cannot move it
// outside the honest values.
func ExampleByzantineMedian() {
	p, err := oracle.ByzantineMedian(oracle.QuorumSettings{N: 4, F: 1}, []oracle.OCRObservation{
		{Observer: "a", Value: decimal.RequireFromString("100.1")},
		{Observer: "b", Value: decimal.RequireFromString("99.9")},
		{Observer: "evil", Value: decimal.RequireFromString("1000000")},
	})
	fmt.Println(p, err)
	_, err = oracle.ByzantineMedian(oracle.QuorumSettings{N: 4, F: 1}, []oracle.OCRObservation{
		{Observer: "a", Value: decimal.RequireFromString("100.1")},
		{Observer: "evil", Value: decimal.RequireFromString("1000000")},
	})
	fmt.Println(errors.Is(err, oracle.ErrNoQuorum))
	// Output:
	// 100.1 <nil>
	// true
}

// Pyth's 123.45 ± 2.67, and the conservative prices by side.
func ExampleConservativePrices() {
	p, _ := oracle.DecodePythJSON([]byte(`{"price":"12345","conf":"267","expo":-2,"publish_time":1709294400}`))
	price, conf, at, _ := p.Decode()
	fmt.Println(price, conf, at.Format(time.RFC3339))
	sides, _ := oracle.ConservativePrices(price, conf, decimal.NewFromInt(1))
	fmt.Println("collateral", sides.Collateral, "debt", sides.Debt)
	// Output:
	// 123.45 2.67 2024-03-01T12:00:00Z
	// collateral 120.78 debt 126.12
}

// A geometric TWAP from two Uniswap v3 observations, and its price.
func ExampleConsultTick() {
	// observe([1800, 0]) returned these tick cumulatives: the pool sat
	// just below tick 200,000 (≈ 485 million token1 per token0 before decimals).
	tick, _ := oracle.ConsultTick(1800, [2]int64{-1_000_000, -1_000_000 + 200_000*1800 - 7})
	price, _ := oracle.TickPrice(tick, 6)
	fmt.Println(tick, price)
	tick, _ = oracle.ConsultTick(3, [2]int64{-7, -12}) // OracleLibrary.spec.ts: rounds to −2
	fmt.Println(tick)
	// Output:
	// 199999 484631841.841549
	// -2
}

// What moving a 30-minute TWAP by 5% costs on a pool with 1,000,000 of
// token1 depth, for an attacker who holds one 12 s block.
func ExampleEstimateManipulationCost() {
	c, _ := oracle.EstimateManipulationCost(oracle.ManipulationSettings{
		Move:   decimal.RequireFromString("0.05"),
		Window: 30 * time.Minute,
		Held:   12 * time.Second,
		Depth:  decimal.NewFromInt(1_000_000),
		Fee:    decimal.RequireFromString("0.003"),
	})
	fmt.Println(c.MeanTicks, c.SpotTicks, c.Feasible, c.Cost.Round(0))
	// Output:
	// 488 73200 true 36993532
}

// A Terra/Ojo ballot: weighted median, standard deviation and the voters
// inside the reward band.
func ExampleTallyBallot() {
	r, _ := oracle.TallyBallot([]oracle.Vote{
		{Voter: "val1", Rate: decimal.RequireFromString("1.00"), Power: 40},
		{Voter: "val2", Rate: decimal.RequireFromString("1.01"), Power: 35},
		{Voter: "val3", Rate: decimal.RequireFromString("0.99"), Power: 20},
		{Voter: "val4", Rate: decimal.RequireFromString("1.20"), Power: 5},
	}, decimal.RequireFromString("0.02"), 6)
	fmt.Println(r.WeightedMedian, r.StandardDeviation, r.RewardSpread, r.Winners, r.WinPower)
	// Output:
	// 1 0.10025 0.10025 [val1 val2 val3] 95
}
