package replay_test

import (
	"encoding/json"
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/replay"
)

// A host applies a log of deposits exactly once, checkpoints, and a
// standby restores the checkpoint and replays the rest of the log —
// including one input the network delivered twice — to the same digest.
func Example() {
	type ledger struct {
		Balance decimal.Decimal `json:"balance"`
	}
	log := []string{"100", "25.50", "-40", "12"}
	apply := func(l *ledger, c *replay.Cursor, seq uint64) {
		if ok, err := c.Admit(seq); err != nil || !ok {
			return // a duplicate answers with its first result; a gap is refused
		}
		l.Balance = l.Balance.Add(decimal.RequireFromString(log[seq-1]))
	}

	var primary ledger
	var pc replay.Cursor
	for seq := uint64(1); seq <= 2; seq++ {
		apply(&primary, &pc, seq)
	}
	cp, _ := replay.Take(pc.Last(), primary)
	saved, _ := json.Marshal(cp)
	for seq := uint64(3); seq <= 4; seq++ {
		apply(&primary, &pc, seq)
	}

	var back replay.Checkpoint[ledger]
	_ = json.Unmarshal(saved, &back)
	if err := back.Verify(); err != nil {
		fmt.Println(err)
		return
	}
	standby, sc := back.State, replay.CursorAt(back.Seq)
	for _, seq := range []uint64{3, 3, 4} { // input 3 arrives twice
		apply(&standby, &sc, seq)
	}
	p, _ := replay.Of(primary)
	s, _ := replay.Of(standby)
	fmt.Println("checkpoint at input", back.Seq)
	fmt.Println("primary", primary.Balance, "standby", standby.Balance, "same digest:", p == s)
	// Output:
	// checkpoint at input 2
	// primary 97.5 standby 97.5 same digest: true
}
