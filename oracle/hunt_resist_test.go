package oracle

import (
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

// The issue-10 hunt over the issue-16 entry points: every exported
// function and method taking host input, with bad inputs; each is refused
// with its sentinel within the time limit, and a refused call on the
// stateful Sequencer leaves its snapshot unchanged.
func TestHuntResistEntryPoints(t *testing.T) {
	seq, _ := NewSequencer(SequencerSettings{Name: "l2", GracePeriod: time.Hour})
	if _, _, err := seq.Observe(at(10), SequencerRound{Answer: 0, StartedAt: at(0)}); err != nil {
		t.Fatal(err)
	}
	seqSnap := func() any { return seq.Snapshot() }
	goodSeq := seq.Snapshot()
	seqMod := func(f func(*SequencerSnapshot)) SequencerSnapshot { s := goodSeq; f(&s); return s }
	round := Round{RoundID: rid(2), Answer: d("1"), StartedAt: t0, UpdatedAt: t0, AnsweredInRound: rid(2)}
	rule := UpdateRule{Deviation: d("0.01"), Heartbeat: time.Hour}
	obs := []OCRObservation{{"a", d("1")}, {"b", d("2")}, {"c", d("3")}}
	tooManyObs := make([]OCRObservation, MaxQuotes+1)
	tooManyVotes := make([]Vote, MaxQuotes+1)
	for i := range tooManyVotes {
		tooManyVotes[i] = Vote{Voter: "v", Rate: d("1"), Power: 1}
	}
	ms := ManipulationSettings{Move: d("0.05"), Window: time.Hour, Held: 12 * time.Second, Depth: d("1000")}
	msMod := func(f func(*ManipulationSettings)) ManipulationSettings { s := ms; f(&s); return s }
	votes := []Vote{{"a", d("1"), 1}}

	cases := []huntCase{
		{"CheckRound", "MaxAge 0", ErrInvalidSettings, nil, func() error { return second(CheckRound(t0, RoundSettings{}, round)) }},
		{"CheckRound", "zero now", ErrInvalidInput, nil, func() error { return second(CheckRound(time.Time{}, RoundSettings{MaxAge: time.Hour}, round)) }},
		{"CheckRound", "answer 1e-40", ErrInvalidQuote, nil, func() error {
			r := round
			r.Answer = tinyDec
			return second(CheckRound(t0, RoundSettings{MaxAge: time.Hour}, r))
		}},
		{"CheckRound", "updatedAt year 10000", ErrInvalidQuote, nil, func() error {
			r := round
			r.UpdatedAt = farTime
			return second(CheckRound(t0, RoundSettings{MaxAge: time.Hour}, r))
		}},
		{"UpdateRule.Due", "deviation 1e9999", ErrInvalidSettings, nil, func() error {
			return second(UpdateRule{Deviation: hugeDec, Heartbeat: time.Hour}.Due(t0, d("1"), t0, d("1")))
		}},
		{"UpdateRule.Due", "heartbeat −1", ErrInvalidSettings, nil, func() error {
			return second(UpdateRule{Deviation: d("0.01"), Heartbeat: -1}.Due(t0, d("1"), t0, d("1")))
		}},
		{"UpdateRule.Due", "observed 1e9999", ErrInvalidInput, nil, func() error { return second(rule.Due(t0, d("1"), t0, hugeDec)) }},
		{"UpdateRule.Due", "lastAt year 10000", ErrInvalidInput, nil, func() error { return second(rule.Due(t0, d("1"), farTime, d("1"))) }},
		{"NewSequencer", "grace 0", ErrInvalidSettings, nil, func() error { return second(NewSequencer(SequencerSettings{})) }},
		{"Sequencer.Observe", "answer −1", ErrInvalidInput, seqSnap, func() error {
			_, _, err := seq.Observe(at(20), SequencerRound{Answer: -1, StartedAt: at(0)})
			return err
		}},
		{"Sequencer.Observe", "startedAt after now", ErrInvalidInput, seqSnap, func() error {
			_, _, err := seq.Observe(at(20), SequencerRound{Answer: 0, StartedAt: at(21)})
			return err
		}},
		{"Sequencer.Observe", "year 10000", ErrInvalidInput, seqSnap, func() error {
			_, _, err := seq.Observe(farTime, SequencerRound{Answer: 0, StartedAt: at(0)})
			return err
		}},
		{"Sequencer.Observe", "backwards now", ErrOutOfOrder, seqSnap, func() error {
			_, _, err := seq.Observe(at(5), SequencerRound{Answer: 0, StartedAt: at(0)})
			return err
		}},
		{"Sequencer.Observe", "round older than the one seen", ErrOutOfOrder, seqSnap, func() error {
			_, _, err := seq.Observe(at(20), SequencerRound{Answer: 1, StartedAt: at(-1)})
			return err
		}},
		{"Sequencer.Check", "backwards now", ErrOutOfOrder, seqSnap, func() error { return second(seq.Check(at(5))) }},
		{"Sequencer.Check", "zero now", ErrInvalidInput, seqSnap, func() error { return second(seq.Check(time.Time{})) }},
		{"RestoreSequencer", "state disagrees with the round", ErrInvalidSnapshot, nil, func() error {
			return second(RestoreSequencer(SequencerSettings{GracePeriod: time.Hour}, seqMod(func(s *SequencerSnapshot) { s.State = SequencerUp })))
		}},
		{"RestoreSequencer", "round without HasRound", ErrInvalidSnapshot, nil, func() error {
			return second(RestoreSequencer(SequencerSettings{GracePeriod: time.Hour}, seqMod(func(s *SequencerSnapshot) { s.HasRound = false })))
		}},
		{"RestoreSequencer", "answer 7", ErrInvalidSnapshot, nil, func() error {
			return second(RestoreSequencer(SequencerSettings{GracePeriod: time.Hour}, seqMod(func(s *SequencerSnapshot) { s.Round.Answer = 7 })))
		}},
		{"ByzantineMedian", "N = 3F", ErrInvalidSettings, nil, func() error { return second(ByzantineMedian(QuorumSettings{N: 3, F: 1}, obs)) }},
		{"ByzantineMedian", "F −1", ErrInvalidSettings, nil, func() error { return second(ByzantineMedian(QuorumSettings{N: 3, F: -1}, obs)) }},
		{"ByzantineMedian", "N MaxQuotes+1", ErrInvalidSettings, nil, func() error { return second(ByzantineMedian(QuorumSettings{N: MaxQuotes + 1}, tooManyObs)) }},
		{"ByzantineMedian", "value 1e9999", ErrInvalidInput, nil, func() error {
			return second(ByzantineMedian(QuorumSettings{N: 1}, []OCRObservation{{"a", hugeDec}}))
		}},
		{"ByzantineMedian", "empty observer", ErrInvalidInput, nil, func() error {
			return second(ByzantineMedian(QuorumSettings{N: 1}, []OCRObservation{{"", d("1")}}))
		}},
		{"PythPrice.Decode", "expo −99", ErrInvalidQuote, nil, func() error { _, _, _, err := PythPrice{Price: 1, Expo: -99, PublishTime: 1}.Decode(); return err }},
		{"PythPrice.Decode", "price 0", ErrInvalidQuote, nil, func() error { _, _, _, err := PythPrice{Price: 0, PublishTime: 1}.Decode(); return err }},
		{"PythPrice.Decode", "publish time 0", ErrInvalidQuote, nil, func() error { _, _, _, err := PythPrice{Price: 1}.Decode(); return err }},
		{"PythPrice.Decode", "publish time year 10000", ErrInvalidQuote, nil, func() error {
			_, _, _, err := PythPrice{Price: 1, PublishTime: farTime.Unix()}.Decode()
			return err
		}},
		{"PythPrice.Quote", "empty source", ErrInvalidQuote, nil, func() error { return second(PythPrice{Price: 1, PublishTime: 1}.Quote("")) }},
		{"DecodePythJSON", "5 kB", ErrInvalidQuote, nil, func() error { return second(DecodePythJSON(make([]byte, 5000))) }},
		{"DecodePythJSON", "price 2^63", ErrInvalidQuote, nil, func() error {
			return second(DecodePythJSON([]byte(`{"price":"9223372036854775808","conf":"1","expo":-8,"publish_time":1}`)))
		}},
		{"ConservativePrices", "price −0", ErrInvalidInput, nil, func() error { return second(ConservativePrices(negZero, d("1"), d("1"))) }},
		{"ConservativePrices", "conf −1", ErrInvalidInput, nil, func() error { return second(ConservativePrices(d("1"), minusOne, d("1"))) }},
		{"ConservativePrices", "k 1e9999", ErrInvalidInput, nil, func() error { return second(ConservativePrices(d("1"), d("1"), hugeDec)) }},
		{"ConservativePrices", "k 1001", ErrInvalidInput, nil, func() error { return second(ConservativePrices(d("1"), d("1"), d("1001"))) }},
		{"ConsultTick", "period 0", ErrInvalidInput, nil, func() error { return second(ConsultTick(0, [2]int64{})) }},
		{"ConsultTick", "cumulative −2^63", ErrInvalidInput, nil, func() error { return second(ConsultTick(1, [2]int64{-1 << 63, 0})) }},
		{"ConsultTick", "mean beyond MAX_TICK", ErrInvalidInput, nil, func() error { return second(ConsultTick(1, [2]int64{0, MaxTick + 1})) }},
		{"TickPrice", "tick MIN_TICK−1", ErrInvalidInput, nil, func() error { return second(TickPrice(MinTick-1, 2)) }},
		{"TickPrice", "scale 1e8", ErrInvalidInput, nil, func() error { return second(TickPrice(1, 100_000_000)) }},
		{"TickPrice", "scale −1", ErrInvalidInput, nil, func() error { return second(TickPrice(1, -1)) }},
		{"EstimateManipulationCost", "move 0", ErrInvalidInput, nil, func() error {
			return second(EstimateManipulationCost(msMod(func(s *ManipulationSettings) { s.Move = decimal.Zero })))
		}},
		{"EstimateManipulationCost", "move −1", ErrInvalidInput, nil, func() error {
			return second(EstimateManipulationCost(msMod(func(s *ManipulationSettings) { s.Move = minusOne })))
		}},
		{"EstimateManipulationCost", "move 1e9999", ErrInvalidInput, nil, func() error {
			return second(EstimateManipulationCost(msMod(func(s *ManipulationSettings) { s.Move = hugeDec })))
		}},
		{"EstimateManipulationCost", "held > window", ErrInvalidInput, nil, func() error {
			return second(EstimateManipulationCost(msMod(func(s *ManipulationSettings) { s.Held = 2 * time.Hour })))
		}},
		{"EstimateManipulationCost", "held 1.5 s", ErrInvalidInput, nil, func() error {
			return second(EstimateManipulationCost(msMod(func(s *ManipulationSettings) { s.Held = 1500 * time.Millisecond })))
		}},
		{"EstimateManipulationCost", "window 2^33 s", ErrInvalidInput, nil, func() error {
			return second(EstimateManipulationCost(msMod(func(s *ManipulationSettings) { s.Window = 1 << 33 * time.Second })))
		}},
		{"EstimateManipulationCost", "depth 1e-40", ErrInvalidInput, nil, func() error {
			return second(EstimateManipulationCost(msMod(func(s *ManipulationSettings) { s.Depth = tinyDec })))
		}},
		{"EstimateManipulationCost", "fee 1", ErrInvalidInput, nil, func() error {
			return second(EstimateManipulationCost(msMod(func(s *ManipulationSettings) { s.Fee = d("1") })))
		}},
		{"TallyBallot", "scale 1e8", ErrInvalidInput, nil, func() error { return second(TallyBallot(votes, d("0.02"), 100_000_000)) }},
		{"TallyBallot", "band 1e9999", ErrInvalidInput, nil, func() error { return second(TallyBallot(votes, hugeDec, 6)) }},
		{"TallyBallot", "band −0.01", ErrInvalidInput, nil, func() error { return second(TallyBallot(votes, d("-0.01"), 6)) }},
		{"TallyBallot", "MaxQuotes+1 votes", ErrNoQuorum, nil, func() error { return second(TallyBallot(tooManyVotes, d("0.02"), 6)) }},
		{"TallyBallot", "rate 0", ErrInvalidInput, nil, func() error { return second(TallyBallot([]Vote{{"a", decimal.Zero, 1}}, d("0.02"), 6)) }},
		{"TallyBallot", "power −1", ErrInvalidInput, nil, func() error { return second(TallyBallot([]Vote{{"a", d("1"), -1}}, d("0.02"), 6)) }},
		{"TallyBallot", "power overflow", ErrInvalidInput, nil, func() error {
			return second(TallyBallot([]Vote{{"a", d("1"), MaxBallotPower}, {"b", d("1"), 1}}, d("0.02"), 6))
		}},
		{"TallyBallot", "duplicate voter", ErrInvalidInput, nil, func() error { return second(TallyBallot([]Vote{{"a", d("1"), 1}, {"a", d("2"), 1}}, d("0.02"), 6)) }},
		{"TallyBallot", "all power zero", ErrNoQuorum, nil, func() error { return second(TallyBallot([]Vote{{"a", d("1"), 0}}, d("0.02"), 6)) }},
	}
	entries := runHunt(t, cases)
	if len(entries) < 15 {
		t.Errorf("the table covers %d entry points; keep it complete", len(entries))
	}
	t.Logf("%d bad inputs on %d entry points", len(cases), len(entries))
}
