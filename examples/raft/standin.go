//go:build !venuecheckpoint

package main

import (
	"encoding/json"
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/replay"
	"github.com/failsafe-fi/failsafe/stress"
	"github.com/failsafe-fi/failsafe/stress/perp"
)

// standin is a small ledger with the machine's shape, used until stress/perp
// exports its snapshot: every tick moves value between accounts by the
// price's last digits, so the state depends on every input and its order.
type standin struct {
	S standinSnap
}

type standinSnap struct {
	Ticks    int               `json:"ticks"`
	Balances []decimal.Decimal `json:"balances"`
	Last     decimal.Decimal   `json:"last"`
}

type standinKind struct {
	accounts int
	seed     int64
	cfg      perp.Config
	ticks    int
}

func (k standinKind) New() (machine, error) {
	s := &standin{S: standinSnap{Balances: make([]decimal.Decimal, k.accounts)}}
	for i := range s.S.Balances {
		s.S.Balances[i] = decimal.NewFromInt(1000)
	}
	return s, nil
}

func (k standinKind) Restore(b []byte) (machine, uint64, error) {
	var cp replay.Checkpoint[standinSnap]
	if err := json.Unmarshal(b, &cp); err != nil {
		return nil, 0, err
	}
	if err := cp.Verify(); err != nil {
		return nil, 0, err
	}
	return &standin{S: cp.State}, cp.Seq, nil
}

func (k standinKind) Scenario() ([]stress.Tick, error) {
	g, err := perp.DefaultCrash(k.cfg)
	if err != nil {
		return nil, err
	}
	sc, err := g.Scenario(k.seed)
	if err != nil {
		return nil, err
	}
	return stress.Collect(sc, k.ticks)
}

func (s *standin) Step(t stress.Tick) error {
	n := len(s.S.Balances)
	from := t.Seq % n
	to := (t.Seq*7 + 3) % n
	amt := t.Price.Mod(decimal.NewFromInt(97))
	s.S.Balances[from] = s.S.Balances[from].Sub(amt)
	s.S.Balances[to] = s.S.Balances[to].Add(amt)
	s.S.Ticks++
	s.S.Last = t.Price
	return nil
}

func (s *standin) Check() error {
	sum := decimal.Zero
	for _, b := range s.S.Balances {
		sum = sum.Add(b)
	}
	if !sum.Equal(decimal.NewFromInt(int64(1000 * len(s.S.Balances)))) {
		return fmt.Errorf("%w: stand-in total %s", stress.ErrNotConserved, sum)
	}
	return nil
}

func (s *standin) Audit() error { return s.Check() }

func (s *standin) Outcome() stress.Outcome { return stress.Outcome{Ticks: s.S.Ticks} }

func (s *standin) Digest() (replay.Digest, error) { return replay.Of(s.S) }

func (s *standin) Checkpoint(seq uint64) ([]byte, error) {
	cp, err := replay.Take(seq, s.S)
	if err != nil {
		return nil, err
	}
	return json.Marshal(cp)
}

func (s *standin) Table() (string, error) {
	b, err := json.Marshal(s.S)
	return string(b), err
}
