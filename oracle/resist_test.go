package oracle

import (
	"errors"
	"fmt"
	"math/big"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

// --- Byzantine quorum (issue 16 item 5) ---

// libocr's configuration rule and median: N > 3F, more than 2F
// observations, observations[len/2].
func TestByzantineMedianOCR(t *testing.T) {
	obs := func(vs ...string) []OCRObservation {
		out := make([]OCRObservation, len(vs))
		for i, v := range vs {
			out[i] = OCRObservation{Observer: fmt.Sprintf("node%d", i), Value: d(v)}
		}
		return out
	}
	tests := []struct {
		name string
		s    QuorumSettings
		obs  []OCRObservation
		want string
		err  error
	}{
		{"n=4 f=1: one liar among three", QuorumSettings{N: 4, F: 1}, obs("100", "101", "1000000"), "101", nil},
		{"n=4 f=1: four, upper median (len/2)", QuorumSettings{N: 4, F: 1}, obs("100", "101", "102", "0.0001"), "101", nil},
		{"n=4 f=1: exactly 2F observations is no report", QuorumSettings{N: 4, F: 1}, obs("100", "101"), "", ErrNoQuorum},
		{"n=31 f=10 needs 21", QuorumSettings{N: 31, F: 10}, obs(make20()...), "", ErrNoQuorum},
		{"n=3f is refused", QuorumSettings{N: 3, F: 1}, obs("1", "2", "3"), "", ErrInvalidSettings},
		{"more observations than observers", QuorumSettings{N: 2, F: 0}, obs("1", "2", "3"), "", ErrInvalidInput},
		{"f=0 single observer", QuorumSettings{N: 1, F: 0}, obs("7"), "7", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ByzantineMedian(tc.s, tc.obs)
			if !errors.Is(err, tc.err) || (err == nil && !got.Equal(d(tc.want))) {
				t.Fatalf("got %s, %v; want %s, %v", got, err, tc.want, tc.err)
			}
		})
	}
	dup := []OCRObservation{{"a", d("1")}, {"a", d("2")}, {"b", d("3")}}
	if _, err := ByzantineMedian(QuorumSettings{N: 4, F: 1}, dup); !errors.Is(err, ErrInvalidInput) {
		t.Fatalf("duplicate observer: %v", err)
	}
}

func make20() []string {
	out := make([]string, 20)
	for i := range out {
		out[i] = "1"
	}
	return out
}

// The bound, as a property: whatever at most F faulty observers say,
// whenever ByzantineMedian answers, the answer lies within the honest
// observations' range. (Mutation tried: quorum `<= 2F` weakened to `<= F`;
// this property then fails.)
func TestPropByzantineMedianWithinHonestRange(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		f := rapid.IntRange(0, 6).Draw(t, "f")
		n := 3*f + 1 + rapid.IntRange(0, 4).Draw(t, "extra")
		k := rapid.IntRange(1, n).Draw(t, "observations")
		bad := rapid.IntRange(0, min(f, k-1)).Draw(t, "faulty")
		var obs []OCRObservation
		lo, hi := decimal.Zero, decimal.Zero
		for i := 0; i < k; i++ {
			var v decimal.Decimal
			if i < bad {
				v = decimal.New(rapid.Int64().Draw(t, "lie"), rapid.Int32Range(-10, 10).Draw(t, "lexp"))
			} else {
				v = decimal.New(rapid.Int64Range(9_000, 11_000).Draw(t, "honest"), -2)
				if i == bad || v.LessThan(lo) {
					lo = v
				}
				if i == bad || v.GreaterThan(hi) {
					hi = v
				}
			}
			obs = append(obs, OCRObservation{Observer: fmt.Sprintf("n%02d", rapid.IntRange(0, 1).Draw(t, "order")*50+i), Value: v})
		}
		got, err := ByzantineMedian(QuorumSettings{N: n, F: f}, obs)
		if k <= 2*f {
			if !errors.Is(err, ErrNoQuorum) {
				t.Fatalf("%d ≤ 2F observations answered %s, %v", k, got, err)
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		if got.LessThan(lo) || got.GreaterThan(hi) {
			t.Fatalf("median %s outside the honest range [%s, %s] with %d faulty of %d", got, lo, hi, bad, k)
		}
	})
}

// --- Confidence-aware pricing (issue 16 item 6) ---

// Pyth's own examples (pyth-sdk Price / PythStructs.sol doc comment):
// {12345, 267, −2} is 123.45 ± 2.67; {123, 1, 2} is 12300 ± 100.
func TestPythDecodeDocExamples(t *testing.T) {
	tests := []struct {
		p           PythPrice
		price, conf string
	}{
		{PythPrice{Price: 12345, Conf: 267, Expo: -2, PublishTime: 100}, "123.45", "2.67"},
		{PythPrice{Price: 123, Conf: 1, Expo: 2, PublishTime: 100}, "12300", "100"},
		{PythPrice{Price: 6140993501000, Conf: 3362490000, Expo: -8, PublishTime: 1713390100}, "61409.93501", "33.6249"}, // a Hermes BTC/USD update
		{PythPrice{Price: 1<<63 - 1, Conf: 1<<64 - 1, Expo: -36, PublishTime: 1}, "0.000000000000000009223372036854775807", "0.000000000000000018446744073709551615"},
	}
	for _, tc := range tests {
		price, conf, at, err := tc.p.Decode()
		if err != nil || !price.Equal(d(tc.price)) || !conf.Equal(d(tc.conf)) || at.Unix() != tc.p.PublishTime {
			t.Errorf("%+v: %s ± %s at %s, %v; want %s ± %s", tc.p, price, conf, at, err, tc.price, tc.conf)
		}
	}
	js := []byte(`{"price":"6140993501000","conf":"3362490000","expo":-8,"publish_time":1713390100}`)
	p, err := DecodePythJSON(js)
	if err != nil || p != tests[2].p {
		t.Fatalf("Hermes JSON: %+v %v", p, err)
	}
	for _, bad := range []string{`{}`, `{"price":"-1","conf":"1","expo":-8,"publish_time":1}`, `{"price":"1","conf":"1","expo":-99,"publish_time":1}`,
		`{"price":"1","conf":"-1","expo":-8,"publish_time":1}`, `{"price":"1e3","conf":"1","expo":-8,"publish_time":1}`, `[`} {
		if _, err := DecodePythJSON([]byte(bad)); !errors.Is(err, ErrInvalidQuote) {
			t.Errorf("%s: %v", bad, err)
		}
	}
}

// A uint64 confidence at the largest exponent (0xffffffffffffffff × 10^17,
// 37 integer digits) was decoded and then refused by every later call; the
// decoder now refuses it with ErrInvalidQuote. Found by
// TestPropConservativeSides (seed 4942451840692048094).
func TestPythDecodeRefusesOutOfRange(t *testing.T) {
	_, _, _, err := PythPrice{Price: 1, Conf: 1<<64 - 1, Expo: MaxPythExpo, PublishTime: 1}.Decode()
	if !errors.Is(err, ErrInvalidQuote) {
		t.Fatalf("conf 2^64−1 at expo %d: %v, want ErrInvalidQuote", MaxPythExpo, err)
	}
	if _, err := (PythPrice{Price: 1, Conf: 1<<64 - 1, Expo: MaxPythExpo, PublishTime: 1}).Quote("pyth"); !errors.Is(err, ErrInvalidQuote) {
		t.Fatalf("Quote: %v", err)
	}
	if _, _, _, err := (PythPrice{Price: 1<<63 - 1, Conf: 1<<64 - 1, Expo: MaxPythExpo - 1, PublishTime: 1}).Decode(); err != nil {
		t.Fatalf("largest values at expo %d are in range: %v", MaxPythExpo-1, err)
	}
}

// Pyth best practices: collateral at price − conf, debt at price + conf.
func TestConservativePricesPyth(t *testing.T) {
	sp, err := ConservativePrices(d("123.45"), d("2.67"), d("1"))
	if err != nil || !sp.Collateral.Equal(d("120.78")) || !sp.Debt.Equal(d("126.12")) {
		t.Fatalf("%+v %v", sp, err)
	}
	sp, _ = ConservativePrices(d("123.45"), d("2.67"), d("2.5"))
	if !sp.Collateral.Equal(d("116.775")) || !sp.Debt.Equal(d("130.125")) {
		t.Fatalf("k=2.5: %+v", sp)
	}
	sp, _ = ConservativePrices(d("1"), d("2"), d("1")) // interval reaches 0: collateral worth nothing
	if !sp.Collateral.IsZero() || !sp.Debt.Equal(d("3")) {
		t.Fatalf("wide: %+v", sp)
	}
}

// collateral ≤ price ≤ debt, exactly, for any valid input. (Mutation
// tried: dropping the clamp at zero lets collateral go negative; swapping
// the sides fails at once.)
func TestPropConservativeSides(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		p := PythPrice{Price: rapid.Int64Range(1, 1<<63-1).Draw(t, "price"), Conf: rapid.Uint64().Draw(t, "conf"),
			Expo: rapid.Int32Range(MinPythExpo, MaxPythExpo).Draw(t, "expo"), PublishTime: 1}
		price, conf, _, err := p.Decode()
		if err != nil {
			// Only a confidence beyond 36 integer digits is refused
			// (TestPythDecodeRefusesOutOfRange); anything else is a bug.
			if !errors.Is(err, ErrInvalidQuote) || p.Expo < 17 {
				t.Fatal(err)
			}
			return
		}
		k := decimal.New(rapid.Int64Range(0, 1000_000).Draw(t, "k"), -3)
		sp, err := ConservativePrices(price, conf, k)
		if err != nil {
			t.Fatal(err)
		}
		if sp.Collateral.Sign() < 0 || sp.Collateral.GreaterThan(sp.Price) || sp.Price.GreaterThan(sp.Debt) {
			t.Fatalf("%+v", sp)
		}
		if w := sp.Debt.Sub(sp.Price); !w.Equal(k.Mul(conf)) {
			t.Fatalf("debt − price = %s, want k × conf", w)
		}
	})
}

// --- Geometric TWAP (issue 16 item 7) ---

// Uniswap v3-periphery test/OracleLibrary.spec.ts, #consult.
func TestConsultTickOracleLibrarySpec(t *testing.T) {
	tests := []struct {
		name   string
		period uint32
		cums   [2]int64
		want   int32
		err    error
	}{
		{"reverts when period is 0", 0, [2]int64{0, 0}, 0, ErrInvalidInput},
		{"correct output when tick is 0", 3, [2]int64{12, 12}, 0, nil},
		{"correct output for positive tick", 3, [2]int64{7, 12}, 1, nil},
		{"correct output for negative tick", 3, [2]int64{-7, -12}, -2, nil},
		{"correct rounding for .5 negative tick", 4, [2]int64{-10, -12}, -1, nil},
		// Uniswap returns 24 / −25 here only through the int24 cast's
		// truncation of a wrapped int56 mean; refused here (fail closed).
		{"across overflow boundaries: refused", 4, [2]int64{-100, 36028797018963967}, 0, ErrInvalidInput},
		{"across underflow boundaries: refused", 4, [2]int64{100, -36028797018963967}, 0, ErrInvalidInput},
		{"cumulative outside int56", 4, [2]int64{0, 1 << 55}, 0, ErrInvalidInput},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ConsultTick(tc.period, tc.cums)
			if !errors.Is(err, tc.err) || got != tc.want {
				t.Fatalf("got %d, %v; want %d, %v", got, err, tc.want, tc.err)
			}
		})
	}
}

// The mean tick equals an exact integer replay: a pool that sat at tick
// t_i for s_i seconds has tickCumulative deltas Σ t_i s_i (Oracle.sol
// transform), and the answer is ⌊Σ t_i s_i / Σ s_i⌋ computed with big
// integers. (Mutation tried: dropping the `mean--` step fails on the
// first negative non-exact mean.)
func TestPropConsultTickMatchesReplay(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		start := rapid.Int64Range(-1<<40, 1<<40).Draw(t, "start")
		cum, secs := start, int64(0)
		sum := new(big.Int)
		for _, n := 0, rapid.IntRange(1, 20).Draw(t, "steps"); n > 0; n-- {
			tick := rapid.Int64Range(MinTick, MaxTick).Draw(t, "tick")
			s := rapid.Int64Range(1, 3600).Draw(t, "secs")
			cum += tick * s
			secs += s
			sum.Add(sum, big.NewInt(tick*s))
		}
		got, err := ConsultTick(uint32(secs), [2]int64{start, cum})
		if err != nil {
			t.Fatal(err)
		}
		want := new(big.Int)
		want.Div(sum, big.NewInt(secs)) // Euclidean: floor for a positive divisor
		if int64(got) != want.Int64() {
			t.Fatalf("consult %d, replay ⌊%s / %d⌋ = %s", got, sum, secs, want)
		}
	})
}

// TickPrice is the exact 1.0001^tick rounded half-even: checked against
// big.Rat for ticks where the exact value is cheap, across the
// interval-arithmetic path (|tick| > 64).
func TestPropTickPriceExact(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		tick := rapid.Int32Range(-3000, 3000).Draw(t, "tick")
		scale := rapid.Int32Range(0, 36).Draw(t, "scale")
		got, err := TickPrice(tick, scale)
		if err != nil {
			t.Fatal(err)
		}
		at := int64(tick)
		if at < 0 {
			at = -at
		}
		n := new(big.Int).Exp(big.NewInt(10001), big.NewInt(at), nil)
		dd := new(big.Int).Exp(big.NewInt(10000), big.NewInt(at), nil)
		if tick < 0 {
			n, dd = dd, n
		}
		want := decimal.NewFromBigInt(n, 0).DivRound(decimal.NewFromBigInt(dd, 0), scale+40) // far finer than the rounding
		want = want.RoundBank(scale)
		if !got.Equal(want) {
			t.Fatalf("TickPrice(%d, %d) = %s, want %s", tick, scale, got, want)
		}
	})
}

// Worked values: TickMath.sol's MIN_SQRT_RATIO = 4295128739 and
// MAX_SQRT_RATIO = 1461446703485210103287273052203988822378723970342 are
// √(1.0001^tick) × 2^96 at MIN_TICK and MAX_TICK, rounded; the exact price
// agrees with their squares to TickMath's precision.
func TestTickPriceWorkedValues(t *testing.T) {
	for _, tc := range []struct {
		tick  int32
		scale int32
		want  string
	}{
		{0, 4, "1"}, {1, 4, "1.0001"}, {2, 8, "1.00020001"}, {-1, 8, "0.99990001"}, {-1, 20, "0.99990000999900009999"},
		{MinTick, 36, "0"}, // 2.9e−39 rounds to zero at 36 places
	} {
		got, err := TickPrice(tc.tick, tc.scale)
		if err != nil || !got.Equal(d(tc.want)) {
			t.Errorf("TickPrice(%d, %d) = %s, %v; want %s", tc.tick, tc.scale, got, err, tc.want)
		}
	}
	q96 := new(big.Rat).SetInt(new(big.Int).Lsh(big.NewInt(1), 96))
	for _, tc := range []struct {
		tick int64
		sqrt string
	}{{MinTick, "4295128739"}, {MaxTick, "1461446703485210103287273052203988822378723970342"}} {
		s, _ := new(big.Rat).SetString(tc.sqrt)
		s.Quo(s, q96)
		sq := new(big.Rat).Mul(s, s)
		exact := tickPow(tc.tick, 72, 0).Rat()
		diff := new(big.Rat).Quo(new(big.Rat).Sub(sq, exact), exact)
		if diff.Abs(diff).Cmp(big.NewRat(1, 1_000_000_000)) > 0 {
			t.Errorf("tick %d: TickMath² differs from 1.0001^tick by %s", tc.tick, diff.FloatString(15))
		}
	}
	if _, err := TickPrice(MaxTick+1, 2); !errors.Is(err, ErrInvalidInput) {
		t.Error("tick beyond MAX_TICK accepted")
	}
	if _, err := TickPrice(0, 37); !errors.Is(err, ErrInvalidInput) {
		t.Error("scale 37 accepted")
	}
}

// A worked manipulation cost: a 1-tick (0.01%) move held for the whole
// window of a pool with 1,000,000 token1 of depth and a 30 bp fee: the
// spot moves one tick, r = 1.0001, √r ≈ 1.0000499988, the back-run loss is
// ≈ 1e6 × (√r − 1)²/√r ≈ 0.0025 and the fee on ≈ 49.9988 pushed in is
// ≈ 0.15.
func TestManipulationCostWorked(t *testing.T) {
	c, err := EstimateManipulationCost(ManipulationSettings{Move: d("0.0001"), Window: time.Minute, Held: time.Minute, Depth: d("1000000"), Fee: d("0.003")})
	if err != nil || c.MeanTicks != 1 || c.SpotTicks != 1 || !c.Feasible {
		t.Fatalf("%+v %v", c, err)
	}
	if c.Cost.LessThan(d("0.1524")) || c.Cost.GreaterThan(d("0.1525")) {
		t.Fatalf("cost %s, want ≈ 0.15249", c.Cost)
	}
	// A 5% move over 30 minutes held one 12 s block: Δ = 488 ticks
	// (1.0001^487 < 1.05 ≤ 1.0001^488), D = ⌈488 × 1800 / 12⌉ = 73,200.
	c, err = EstimateManipulationCost(ManipulationSettings{Move: d("0.05"), Window: 30 * time.Minute, Held: 12 * time.Second, Depth: d("1000000")})
	if err != nil || c.MeanTicks != 488 || c.SpotTicks != 73200 || !c.Feasible {
		t.Fatalf("%+v %v", c, err)
	}
	// Needs more than the whole tick range: infeasible.
	c, err = EstimateManipulationCost(ManipulationSettings{Move: d("10"), Window: 24 * time.Hour, Held: 12 * time.Second, Depth: d("1")})
	if err != nil || c.Feasible {
		t.Fatalf("%+v %v", c, err)
	}
}

// Cost grows with the move, and a longer hold never costs more; the
// reached mean-tick shift is the smallest that achieves the move.
func TestPropManipulationCostMonotone(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		m := rapid.Int64Range(1, 2000).Draw(t, "bp")
		up := rapid.Bool().Draw(t, "up")
		move := decimal.New(m, -4)
		if !up {
			move = move.Neg()
		}
		w := time.Duration(rapid.IntRange(60, 3600).Draw(t, "w")) * time.Second
		h := time.Duration(rapid.IntRange(1, 60).Draw(t, "h")) * time.Second
		s := ManipulationSettings{Move: move, Window: w, Held: h, Depth: d("1000"), Fee: d("0.0005")}
		a, err := EstimateManipulationCost(s)
		if err != nil {
			t.Fatal(err)
		}
		s2 := s
		s2.Move = move.Mul(d("2"))
		b, err := EstimateManipulationCost(s2)
		if err != nil {
			t.Fatal(err)
		}
		if a.Feasible && b.Feasible && b.Cost.LessThan(a.Cost) {
			t.Fatalf("twice the move is cheaper: %s < %s", b.Cost, a.Cost)
		}
		s3 := s
		s3.Held = w
		c, _ := EstimateManipulationCost(s3)
		if a.Feasible && c.Cost.GreaterThan(a.Cost) {
			t.Fatalf("holding the whole window costs more: %s > %s", c.Cost, a.Cost)
		}
		// The reached mean-tick shift really moves the price by Move, and one
		// tick less does not.
		if a.Feasible {
			sign := int64(1)
			if !up {
				sign = -1
			}
			p := tickPow(sign*a.MeanTicks, 40, 0).Sub(decimal.NewFromInt(1))
			q := tickPow(sign*(a.MeanTicks-1), 40, 0).Sub(decimal.NewFromInt(1))
			if (up && (p.LessThan(move.Sub(d("1e-39"))) || q.GreaterThanOrEqual(move))) || (!up && (p.GreaterThan(move.Add(d("1e-39"))) || q.LessThanOrEqual(move))) {
				t.Fatalf("Δ = %d: 1.0001^±Δ − 1 = %s, one less %s, move %s", a.MeanTicks, p, q, move)
			}
		}
	})
}

// --- Weighted ballot with a reward band (issue 16 item 8) ---

// Terra classic-core x/oracle/types/ballot_test.go TestPBWeightedMedian
// and TestPBStandardDeviation (six places, as Terra prints them).
func TestTallyBallotTerraCases(t *testing.T) {
	votes := func(rates []string, powers []int64) []Vote {
		out := make([]Vote, len(rates))
		for i := range rates {
			out[i] = Vote{Voter: fmt.Sprintf("val%d", i), Rate: d(rates[i]), Power: powers[i]}
		}
		return out
	}
	tests := []struct {
		name          string
		rates         []string
		powers        []int64
		median, sigma string
	}{
		{"supermajority one number", []string{"1", "2", "10", "100000"}, []int64{1, 1, 100, 1}, "10", "49995.000363"},
		{"adding fake validator doesn't change outcome", []string{"1", "2", "10", "100000", "10000000000"}, []int64{1, 1, 100, 1, 0}, "10", "4472135950.751006"},
		{"tie votes", []string{"1", "2", "3", "4"}, []int64{1, 100, 100, 1}, "2", "1.224745"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := TallyBallot(votes(tc.rates, tc.powers), d("0.02"), 6)
			if err != nil || !r.WeightedMedian.Equal(d(tc.median)) || !r.StandardDeviation.Equal(d(tc.sigma)) {
				t.Fatalf("%+v %v; want median %s σ %s", r, err, tc.median, tc.sigma)
			}
		})
	}
	if _, err := TallyBallot(nil, d("0.02"), 6); !errors.Is(err, ErrNoQuorum) {
		t.Fatalf("no votes: %v (Terra returns 0; here never a price)", err)
	}
}

// The band is inclusive at both edges (x/oracle tally.go: GTE median −
// spread and LTE median + spread), and the spread is the larger of σ and
// median × band / 2. (Mutation tried: `<=` to `<` in the winner test fails
// the edge voters here.)
func TestTallyBallotRewardBandEdges(t *testing.T) {
	// Median 100 (power 10); band 0.02 → half-width 1; σ small.
	votes := []Vote{{"edge-lo", d("99"), 1}, {"mid", d("100"), 10}, {"edge-hi", d("101"), 1}, {"out", d("101.0000001"), 0}}
	r, err := TallyBallot(votes, d("0.02"), 18)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(r.Winners) != "[edge-hi edge-lo mid]" || r.WinPower != 12 || !r.RewardSpread.Equal(d("1")) {
		t.Fatalf("%+v", r)
	}
	// σ wider than the band: the spread is σ. Rates 1, 100, 100 (powers
	// 1, 5, 5): median 100, Σ = 99² = 9801, n = 3, σ = √3267 ≈ 57.157677;
	// the voter at 1 is 99 away, outside; the half-band is only 1.
	r, err = TallyBallot([]Vote{{"a", d("1"), 1}, {"b", d("100"), 5}, {"c", d("100"), 5}}, d("0.02"), 6)
	if err != nil || fmt.Sprint(r.Winners) != "[b c]" || !r.StandardDeviation.Equal(d("57.157677")) || !r.RewardSpread.Equal(r.StandardDeviation) {
		t.Fatalf("%+v %v", r, err)
	}
	// A voter exactly σ away wins: rates 10 (the median, power 10), 13, 14,
	// 6, 12 (power 0): Σ = 9 + 16 + 16 + 4 = 45, n = 5, σ = 3 exactly; with
	// band 0 the voter at 13 sits on the edge and wins, 14 and 6 lose.
	r, err = TallyBallot([]Vote{{"m", d("10"), 10}, {"edge", d("13"), 0}, {"hi", d("14"), 0}, {"lo", d("6"), 0}, {"in", d("12"), 0}}, d("0"), 6)
	if err != nil || fmt.Sprint(r.Winners) != "[edge in m]" || !r.StandardDeviation.Equal(d("3")) {
		t.Fatalf("%+v %v", r, err)
	}
	if r.RewardSpread.LessThan(r.StandardDeviation) {
		t.Fatal("spread below σ")
	}
}

// Membership is decided exactly: a voter wins iff |r − m| ≤ m×band/2 or
// |r − m| ≤ σ, the latter checked against σ computed to 36 places with
// a margin of one unit there.
func TestPropTallyBallotWinners(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 12).Draw(t, "n")
		var votes []Vote
		for i := 0; i < n; i++ {
			votes = append(votes, Vote{Voter: fmt.Sprintf("v%02d", i), Rate: decimal.New(rapid.Int64Range(1, 2000).Draw(t, "rate"), -1), Power: rapid.Int64Range(0, 50).Draw(t, "power")})
		}
		votes[0].Power++
		band := decimal.New(rapid.Int64Range(0, 100).Draw(t, "band"), -3)
		r, err := TallyBallot(votes, band, 36)
		if err != nil {
			t.Fatal(err)
		}
		m := r.WeightedMedian
		half := m.Mul(band).Mul(d("0.5"))
		won := map[string]bool{}
		for _, w := range r.Winners {
			won[w] = true
		}
		unit := decimal.New(1, -36)
		for _, v := range votes {
			dv := v.Rate.Sub(m).Abs()
			clearlyIn := dv.LessThanOrEqual(half) || dv.LessThanOrEqual(r.StandardDeviation.Sub(unit))
			clearlyOut := dv.GreaterThan(half) && dv.GreaterThan(r.StandardDeviation.Add(unit))
			if (clearlyIn && !won[v.Voter]) || (clearlyOut && won[v.Voter]) {
				t.Fatalf("voter %s at %s: median %s, half-band %s, σ %s, won %t", v.Voter, v.Rate, m, half, r.StandardDeviation, won[v.Voter])
			}
		}
	})
}

// The cost is a lower bound of the model's exact value, and a tight one:
// the reference computes √r from the exact 1.0001^±D with 512-bit
// big.Float arithmetic (test only). (Mutation tried: rounding the cost up
// instead of down fails at once. Moving u's bound by one unit in its 40th
// place is below the cost's 18-place resolution and not detectable.)
func TestPropManipulationCostIsTightLowerBound(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		m := rapid.Int64Range(1, 5000).Draw(t, "bp")
		up := rapid.Bool().Draw(t, "up")
		move := decimal.New(m, -4)
		if !up {
			move = move.Neg()
		}
		w := time.Duration(rapid.IntRange(12, 600).Draw(t, "w")) * time.Second
		h := time.Duration(rapid.IntRange(1, 12).Draw(t, "h")) * time.Second
		if h > w {
			h = w
		}
		depth := decimal.New(rapid.Int64Range(1, 1e15).Draw(t, "depth"), 0)
		fee := decimal.New(rapid.Int64Range(0, 10000).Draw(t, "fee"), -6)
		c, err := EstimateManipulationCost(ManipulationSettings{Move: move, Window: w, Held: h, Depth: depth, Fee: fee})
		if err != nil || !c.Feasible {
			t.Skip()
		}
		sign := int64(1)
		if !up {
			sign = -1
		}
		const prec = 512
		r := new(big.Float).SetPrec(prec).SetRat(tickPow(sign*c.SpotTicks, 120, 0).Rat())
		u := new(big.Float).SetPrec(prec).Sqrt(r)
		one := new(big.Float).SetPrec(prec).SetInt64(1)
		um1 := new(big.Float).SetPrec(prec).Sub(u, one)
		loss := new(big.Float).SetPrec(prec).Mul(um1, um1)
		loss.Quo(loss, u)
		var pushed *big.Float
		if up {
			pushed = um1
		} else {
			pushed = new(big.Float).SetPrec(prec).Quo(one, u)
			pushed.Sub(pushed, one)
		}
		fr := new(big.Float).SetPrec(prec).SetRat(fee.Rat())
		ref := new(big.Float).SetPrec(prec).Mul(fr, pushed)
		ref.Add(ref, loss)
		ref.Mul(ref, new(big.Float).SetPrec(prec).SetRat(depth.Rat()))
		got := new(big.Float).SetPrec(prec).SetRat(c.Cost.Rat())
		if got.Cmp(ref) > 0 {
			t.Fatalf("cost %s above the model's %s", c.Cost, ref.Text('f', 30))
		}
		gap := new(big.Float).SetPrec(prec).Sub(ref, got)
		tol := new(big.Float).SetPrec(prec).Mul(ref, big.NewFloat(1e-15))
		tol.Add(tol, big.NewFloat(1e-15))
		if gap.Cmp(tol) > 0 {
			t.Fatalf("cost %s is %s below the model's %s", c.Cost, gap.Text('g', 10), ref.Text('f', 30))
		}
	})
}
