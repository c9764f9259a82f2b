package oracle

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"
)

func rid(r uint64) RoundID { return RoundID{Phase: 1, Round: r} }

// Chainlink consumer checks (issue 16 item 4). Anchors: Chainlink's
// historical consumer guidance and Liquity PriceFeed.sol
// (_badChainlinkResponse: roundId, timestamp 0, answer ≤ 0, timestamp >
// block.timestamp; _chainlinkIsFrozen: block.timestamp − timestamp > TIMEOUT).
func TestCheckRoundChainlinkConsumerChecks(t *testing.T) {
	s := RoundSettings{MaxAge: time.Hour}
	good := Round{RoundID: rid(7), Answer: d("3000.12345678"), StartedAt: t0.Add(-time.Minute), UpdatedAt: t0.Add(-time.Minute), AnsweredInRound: rid(7)}
	mod := func(f func(*Round)) Round { r := good; f(&r); return r }
	tests := []struct {
		name string
		r    Round
		now  time.Time
		want error
	}{
		{"complete and fresh", good, t0, nil},
		{"answeredInRound > roundId is complete", mod(func(r *Round) { r.AnsweredInRound = rid(8) }), t0, nil},
		{"answeredInRound < roundId: Chainlink 'Stale price'", mod(func(r *Round) { r.AnsweredInRound = rid(6) }), t0, ErrIncompleteRound},
		{"earlier phase answered: 80-bit order", mod(func(r *Round) { r.AnsweredInRound = RoundID{Phase: 0, Round: 1 << 60} }), t0, ErrIncompleteRound},
		{"updatedAt 0: Chainlink 'Round not complete'", mod(func(r *Round) { r.UpdatedAt = time.Unix(0, 0) }), t0, ErrIncompleteRound},
		{"zero time", mod(func(r *Round) { r.UpdatedAt = time.Time{} }), t0, ErrIncompleteRound},
		{"answer 0: Liquity bad response", mod(func(r *Round) { r.Answer = d("0") }), t0, ErrInvalidQuote},
		{"answer < 0", mod(func(r *Round) { r.Answer = d("-1") }), t0, ErrInvalidQuote},
		{"answer 1e9999", mod(func(r *Round) { r.Answer = hugeDec }), t0, ErrInvalidQuote},
		{"updated in the future: Liquity timestamp > block.timestamp", mod(func(r *Round) { r.UpdatedAt = t0.Add(time.Second) }), t0, ErrInvalidQuote},
		{"age exactly MaxAge: fresh (Liquity >)", good, good.UpdatedAt.Add(time.Hour), nil},
		{"age MaxAge + 1ns: stale", good, good.UpdatedAt.Add(time.Hour + 1), ErrStale},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := CheckRound(tc.now, s, tc.r)
			if !errors.Is(err, tc.want) {
				t.Fatalf("err %v, want %v", err, tc.want)
			}
			if err == nil && !p.Equal(tc.r.Answer) {
				t.Fatalf("price %s", p)
			}
		})
	}
	if _, err := CheckRound(t0, RoundSettings{}, good); !errors.Is(err, ErrInvalidSettings) {
		t.Fatalf("zero MaxAge: %v", err)
	}
}

// UpdateRule.Due: libocr offchainreporting2plus/median Deviates
// (change ≥ threshold) and offchainreporting shouldReport (deltaCTimeout:
// timestamp.Add(DeltaC).Before(now)).
func TestUpdateRuleDueLibOCR(t *testing.T) {
	u := UpdateRule{Deviation: d("0.005"), Heartbeat: time.Hour} // 0.5%, 1 h: a common ETH/USD setting
	last := t0
	tests := []struct {
		name     string
		last     string
		lastAt   time.Time
		observed string
		now      time.Time
		want     UpdateDue
	}{
		{"no round yet", "0", time.Time{}, "100", t0, DueFirst},
		{"deviation exactly 0.5% is due (Deviates: >=)", "2000", last, "2010", t0.Add(time.Minute), DueDeviation},
		{"downwards exactly 0.5%", "2000", last, "1990", t0.Add(time.Minute), DueDeviation},
		{"just under 0.5% is not", "2000", last, "2009.99", t0.Add(time.Minute), DueNone},
		{"from 0 any change deviates", "0", last, "0.00000001", t0.Add(time.Minute), DueDeviation},
		{"0 to 0 never deviates", "0", last, "0", t0.Add(time.Minute), DueNone},
		{"heartbeat exactly elapsed is not due (Before is strict)", "2000", last, "2000", t0.Add(time.Hour), DueNone},
		{"heartbeat elapsed by 1ns", "2000", last, "2000", t0.Add(time.Hour + 1), DueHeartbeat},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := u.Due(tc.now, d(tc.last), tc.lastAt, d(tc.observed))
			if err != nil || got != tc.want {
				t.Fatalf("got %q, %v; want %q", got, err, tc.want)
			}
		})
	}
	if _, err := u.Due(t0, d("1"), t0.Add(time.Second), d("1")); !errors.Is(err, ErrOutOfOrder) {
		t.Fatalf("now before the last update: %v", err)
	}
	if _, err := (UpdateRule{Deviation: d("0"), Heartbeat: time.Hour}).Due(t0, d("1"), t0, d("1")); !errors.Is(err, ErrInvalidSettings) {
		t.Fatalf("zero deviation: %v", err)
	}
}

// The sequencer gate at Aave's boundary: allowed only when
// block.timestamp − timestampGotUp > GRACE_PERIOD (PriceOracleSentinel
// _isUpAndGracePeriodPassed; Chainlink's L2 sequencer example reverts
// GracePeriodNotOver when timeSinceUp <= GRACE_PERIOD_TIME = 3600).
func TestSequencerAaveSentinelBoundary(t *testing.T) {
	q, err := NewSequencer(SequencerSettings{Name: "arbitrum", GracePeriod: 3600 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := q.Check(t0); !errors.Is(err, ErrSequencerDown) {
		t.Fatalf("before any round: %v", err)
	}
	down := t0.Add(time.Minute)
	st, evs, err := q.Observe(down, SequencerRound{Answer: 1, StartedAt: down})
	if err != nil || st != SequencerDown || len(evs) != 1 || evs[0].From != SequencerUnknown || evs[0].To != SequencerDown || evs[0].Subject != "arbitrum" {
		t.Fatalf("down: %s %v %v", st, evs, err)
	}
	if _, err := q.Check(down.Add(time.Hour)); !errors.Is(err, ErrSequencerDown) {
		t.Fatalf("while down: %v", err)
	}
	upAt := down.Add(2 * time.Hour)
	st, evs, err = q.Observe(upAt, SequencerRound{Answer: 0, StartedAt: upAt})
	if err != nil || st != SequencerGrace || len(evs) != 1 || evs[0].To != SequencerGrace {
		t.Fatalf("back up: %s %v %v", st, evs, err)
	}
	if _, err := q.Check(upAt.Add(3600 * time.Second)); !errors.Is(err, ErrGracePeriod) {
		t.Fatalf("exactly the grace period after: %v, want ErrGracePeriod", err)
	}
	evs, err = q.Check(upAt.Add(3600*time.Second + 1))
	if err != nil || len(evs) != 1 || evs[0].From != SequencerGrace || evs[0].To != SequencerUp {
		t.Fatalf("1ns past the grace period: %v %v", evs, err)
	}
	// Fail closed on what the feed cannot mean.
	snap := q.Snapshot()
	for name, r := range map[string]SequencerRound{
		"answer 2":            {Answer: 2, StartedAt: upAt},
		"startedAt 0":         {Answer: 0, StartedAt: time.Unix(0, 0)},
		"startedAt in future": {Answer: 0, StartedAt: upAt.Add(10 * time.Hour)},
	} {
		if _, _, err := q.Observe(upAt.Add(2*time.Hour), r); !errors.Is(err, ErrInvalidInput) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, _, err := q.Observe(upAt, SequencerRound{Answer: 0, StartedAt: upAt}); !errors.Is(err, ErrOutOfOrder) {
		t.Errorf("backwards: %v", err)
	}
	if q.Snapshot() != snap {
		t.Fatal("a refused call changed the gate")
	}
}

// Snapshot → restore → continue equals continuing, for any history.
func TestPropSequencerSnapshotReplay(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := SequencerSettings{Name: "op", GracePeriod: time.Duration(rapid.IntRange(1, 100).Draw(t, "grace")) * time.Second}
		a, _ := NewSequencer(s)
		now, changed := t0, t0
		answer := int64(0)
		steps := rapid.IntRange(1, 30).Draw(t, "steps")
		cut := rapid.IntRange(0, steps).Draw(t, "cut")
		var b *Sequencer
		for i := 0; i < steps; i++ {
			if i == cut {
				var err error
				raw, err := json.Marshal(a.Snapshot())
				if err != nil {
					t.Fatal(err)
				}
				var snap SequencerSnapshot
				if err := json.Unmarshal(raw, &snap); err != nil {
					t.Fatal(err)
				}
				if b, err = RestoreSequencer(s, snap); err != nil {
					t.Fatal(err)
				}
			}
			now = now.Add(time.Duration(rapid.IntRange(0, 60).Draw(t, "dt")) * time.Second)
			if rapid.Bool().Draw(t, "flip") {
				answer, changed = 1-answer, now
			}
			r := SequencerRound{Answer: answer, StartedAt: changed}
			stA, evA, errA := a.Observe(now, r)
			if b != nil {
				stB, evB, errB := b.Observe(now, r)
				if stA != stB || len(evA) != len(evB) || (errA == nil) != (errB == nil) {
					t.Fatalf("restored gate diverged: %s %v vs %s %v", stA, evA, stB, evB)
				}
			}
			// The gate allows exactly when Aave's rule does.
			_, err := a.Check(now)
			allowed := answer == 0 && now.Sub(changed) > s.GracePeriod
			if (err == nil) != allowed {
				t.Fatalf("Check at %s = %v; Aave says allowed=%t", now.Sub(changed), err, allowed)
			}
		}
	})
}

// Issue 11 item 4 for the issue-16 errors: one sentinel, "oracle:" once.
func TestResistErrorsWrapOneSentinelOnce(t *testing.T) {
	q, _ := NewSequencer(SequencerSettings{GracePeriod: time.Hour})
	_, _, obsErr := q.Observe(t0, SequencerRound{Answer: 5, StartedAt: t0})
	_, checkErr := q.Check(t0)
	errs := map[string]error{
		"restore sequencer round": second(RestoreSequencer(SequencerSettings{GracePeriod: time.Hour}, SequencerSnapshot{HasRound: true, Time: t0, State: SequencerUp, Round: SequencerRound{Answer: 3, StartedAt: t0}})),
		"restore sequencer time":  second(RestoreSequencer(SequencerSettings{GracePeriod: time.Hour}, SequencerSnapshot{HasRound: true, State: SequencerUp})),
		"observe":                 obsErr,
		"check":                   checkErr,
		"round":                   second(CheckRound(t0, RoundSettings{MaxAge: time.Hour}, Round{UpdatedAt: t0, Answer: d("-1")})),
		"due":                     second(UpdateRule{Deviation: d("0.1"), Heartbeat: 1}.Due(t0, hugeDec, t0, d("1"))),
		"byzantine":               second(ByzantineMedian(QuorumSettings{N: 1}, []OCRObservation{{"a", hugeDec}})),
		"pyth quote":              second(PythPrice{Price: 1, PublishTime: 1}.Quote("")),
		"pyth json":               second(DecodePythJSON([]byte("{"))),
		"sides":                   second(ConservativePrices(d("1"), d("-1"), d("1"))),
		"consult":                 second(ConsultTick(0, [2]int64{})),
		"tick":                    second(TickPrice(MaxTick+1, 0)),
		"cost":                    second(EstimateManipulationCost(ManipulationSettings{})),
		"ballot":                  second(TallyBallot([]Vote{{"a", d("-1"), 1}}, d("0"), 0)),
	}
	for name, err := range errs {
		if err == nil {
			t.Errorf("%s: no error", name)
			continue
		}
		if msg := err.Error(); !strings.HasPrefix(msg, "oracle: ") || strings.Count(msg, "oracle:") != 1 {
			t.Errorf("%s: %q: the package prefix must appear once, at the start", name, msg)
		}
	}
}
