package backstop

import (
	"fmt"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"

	"github.com/failsafe-fi/failsafe/internal/testkit"
)

// The replay properties of issue 14 item 1 (DESIGN.md rule 11) for the
// package's stateful types: a drawn sequence of each type's real
// operations — every mutating method, inputs it refuses, repeated and
// reused idempotency keys (keyed deposits, draws and contributions; claim,
// default and takeover IDs) and a clock that sometimes steps back — run
// without interruption equals the same sequence snapshotted after a drawn
// input, written to JSON, restored and replayed from there
// (testkit.CheckReplay). The per-loss layers (DefaulterLayer, SocialLayer,
// SharedPosition, ADLLayer, BLPLayer) are replayed inside a whole
// exchange waterfall, the way a host runs them (TestReplayWaterfall).

// bsIn is one input: Kind selects the method, the other fields are its
// parameters.
type bsIn struct {
	At      time.Time
	Kind    int
	Key     string // idempotency key, claim, default or takeover ID
	Who     string // fund, member, account or provider
	Amount  decimal.Decimal
	Amount2 decimal.Decimal
}

func bsAt(in bsIn, at time.Time) bsIn { in.At = at; return in }

// bsInputs draws 1–30 inputs: times mostly forward by 0–300 s, one in
// eight backwards by up to a minute; one input in six repeats an earlier
// one (same key and content) at the current time.
func bsInputs(t *rapid.T, draw func(t *rapid.T, at time.Time) bsIn) []bsIn {
	n := rapid.IntRange(1, 30).Draw(t, "inputs")
	out := make([]bsIn, n)
	now := t0.Add(time.Minute)
	for i := range out {
		if rapid.IntRange(0, 7).Draw(t, "backwards") == 0 {
			now = now.Add(-time.Duration(rapid.IntRange(1, 60).Draw(t, "back s")) * time.Second)
		} else {
			now = now.Add(time.Duration(rapid.IntRange(0, 300).Draw(t, "dt s")) * time.Second)
		}
		if i > 0 && rapid.IntRange(0, 5).Draw(t, "repeat") == 0 {
			out[i] = bsAt(out[rapid.IntRange(0, i-1).Draw(t, "repeat of")], now)
			continue
		}
		out[i] = draw(t, now)
	}
	return out
}

// bsAmount draws an amount at the unit 0.01, one time in ten refused:
// negative, zero or finer than the unit.
func bsAmount(t *rapid.T, label string, hi int64) decimal.Decimal {
	if rapid.IntRange(0, 9).Draw(t, label+" bad") == 0 {
		return rapid.SampledFrom([]decimal.Decimal{d("-1"), d("0"), d("0.001")}).Draw(t, label+" refused")
	}
	return testkit.Decimal(1, hi, 2).Draw(t, label)
}

func bsKey(t *rapid.T) string {
	return rapid.SampledFrom([]string{"", "", "k1", "k2", "k3"}).Draw(t, "key")
}

// TestReplayInsuranceFund: keyed and unkeyed Deposit and Draw on two
// funds and an unknown one, and fund-layer Absorbs (a waterfall's draw).
//
// Mutations seen failing: InsuranceFund.Snapshot without Keys: a repeated
// keyed deposit or draw after the snapshot applies again ("replay
// returned"); RestoreInsuranceFund not setting a fund's history: the
// restore refuses it (history does not replay to the balance).
func TestReplayInsuranceFund(t *testing.T) {
	s := FundSettings{Funds: []FundSpec{{ID: "shared", Floor: d("10")}, {ID: "doge"}},
		Markets: map[string]string{"doge": "doge"}, Unit: d("0.01")}
	rapid.Check(t, func(t *rapid.T) {
		in := bsInputs(t, func(t *rapid.T, at time.Time) bsIn {
			return bsIn{At: at, Kind: rapid.SampledFrom([]int{0, 0, 1, 1, 2}).Draw(t, "kind"), Key: bsKey(t),
				Who:    rapid.SampledFrom([]string{"shared", "doge", "nope"}).Draw(t, "fund"),
				Amount: bsAmount(t, "amount", 50_000_00)}
		})
		testkit.CheckReplay(t, testkit.Replayable[*InsuranceFund, FundSnapshot, bsIn]{
			New: func() (*InsuranceFund, error) { return NewInsuranceFund(s) },
			Apply: func(f *InsuranceFund, in bsIn) (any, error) {
				switch in.Kind {
				case 0:
					return f.Deposit(in.At, in.Key, in.Who, in.Amount, "fees", "fees")
				case 1:
					return f.Draw(in.At, in.Key, in.Who, in.Amount, "loss", "draw")
				default:
					ms, ev, err := f.Layer(in.Who).Absorb(in.At, in.Amount, "shortfall")
					return []any{ms, ev}, err
				}
			},
			Snapshot: (*InsuranceFund).Snapshot,
			Restore:  func(snap FundSnapshot) (*InsuranceFund, error) { return RestoreInsuranceFund(s, snap) },
		}, in)
	})
}

// TestReplayDefaultFund: keyed Contribute (of every member, a defaulted
// one and an unknown one), Cover of defaults (IDs repeat: the same
// default replayed, or another under its ID), ResetAssessments.
//
// Mutations seen failing: DefaultFund.Snapshot without Keys: a repeated
// keyed contribution after the snapshot pays in again ("replay
// returned"); DefaultFund.Snapshot without the covered defaults: the
// restore refuses a defaulted member with no covered default.
func TestReplayDefaultFund(t *testing.T) {
	s := issueFundSettings()
	rapid.Check(t, func(t *rapid.T) {
		in := bsInputs(t, func(t *rapid.T, at time.Time) bsIn {
			in := bsIn{At: at, Kind: rapid.SampledFrom([]int{0, 0, 1, 1, 2}).Draw(t, "kind"),
				Who:     rapid.SampledFrom([]string{"D", "A", "B", "C", "Z"}).Draw(t, "member"),
				Amount:  testkit.Decimal(-5, 600, 0).Draw(t, "amount"),
				Amount2: testkit.Decimal(0, 100, 0).Draw(t, "margin")}
			in.Key = bsKey(t)
			if in.Kind == 1 {
				in.Key = rapid.SampledFrom([]string{"d1", "d2", "d3", ""}).Draw(t, "default ID")
			}
			return in
		})
		testkit.CheckReplay(t, testkit.Replayable[*DefaultFund, DefaultFundSnapshot, bsIn]{
			New: func() (*DefaultFund, error) { return NewDefaultFund(s) },
			Apply: func(f *DefaultFund, in bsIn) (any, error) {
				switch in.Kind {
				case 0:
					return f.Contribute(in.At, in.Key, in.Who, in.Amount)
				case 1:
					return f.Cover(in.At, Default{ID: in.Key, Member: in.Who, Loss: in.Amount, Margin: in.Amount2})
				default:
					return f.ResetAssessments(in.At), nil
				}
			},
			Snapshot: (*DefaultFund).Snapshot,
			Restore:  func(snap DefaultFundSnapshot) (*DefaultFund, error) { return RestoreDefaultFund(s, snap) },
		}, in)
	})
}

// TestReplayBackstopPool: TakeOver (IDs repeat: the same takeover
// replayed, or other content under its ID; sizes on both sides, refused
// zero sizes and prices) and Replenish.
//
// Mutations seen failing: BackstopPool.Snapshot without Takeovers: a
// takeover replayed after the snapshot assigns capacity again ("replay
// returned"); BackstopPool.Snapshot writing each provider's committed
// capacity as remaining: a takeover after the restore takes more.
func TestReplayBackstopPool(t *testing.T) {
	s := PoolSettings{Providers: []Provider{{"p1", d("30000")}, {"p2", d("50000")}, {"p3", d("0")}}, Unit: d("0.01"), SizeUnit: d("0.1")}
	rapid.Check(t, func(t *rapid.T) {
		in := bsInputs(t, func(t *rapid.T, at time.Time) bsIn {
			size := testkit.Decimal(-500, 500, 1).Draw(t, "size")
			return bsIn{At: at, Kind: rapid.SampledFrom([]int{0, 0, 0, 1}).Draw(t, "kind"),
				Key:     rapid.SampledFrom([]string{"t1", "t2", "t3", "t4", ""}).Draw(t, "takeover ID"),
				Who:     rapid.SampledFrom([]string{"bad", "worse", ""}).Draw(t, "account"),
				Amount:  size,
				Amount2: testkit.Decimal(0, 2000, 1).Draw(t, "price")}
		})
		testkit.CheckReplay(t, testkit.Replayable[*BackstopPool, PoolSnapshot, bsIn]{
			New: func() (*BackstopPool, error) { return NewBackstopPool(s) },
			Apply: func(p *BackstopPool, in bsIn) (any, error) {
				if in.Kind == 1 {
					return p.Replenish(in.At), nil
				}
				return p.TakeOver(in.At, Takeover{ID: in.Key, Account: in.Who, Size: in.Amount, Price: in.Amount2})
			},
			Snapshot: (*BackstopPool).Snapshot,
			Restore:  func(snap PoolSnapshot) (*BackstopPool, error) { return RestoreBackstopPool(s, snap) },
		}, in)
	})
}

// TestReplayJournal: Record of one or two movements, some refused (an
// account moving to itself, an empty account, an amount ≤ 0, a time
// before the last entry).
//
// Mutation seen failing: Journal.Snapshot dropping the last entry: the
// restored journal differs from the uninterrupted one.
func TestReplayJournal(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		accounts := []string{"a", "b", "c", ""}
		in := bsInputs(t, func(t *rapid.T, at time.Time) bsIn {
			return bsIn{At: at, Kind: rapid.IntRange(1, 2).Draw(t, "movements"),
				Key:     rapid.SampledFrom(accounts).Draw(t, "from"),
				Who:     rapid.SampledFrom(accounts).Draw(t, "to"),
				Amount:  bsAmount(t, "amount", 1_000_00),
				Amount2: bsAmount(t, "amount2", 1_000_00)}
		})
		testkit.CheckReplay(t, testkit.Replayable[*Journal, JournalSnapshot, bsIn]{
			New: func() (*Journal, error) { return NewJournal(), nil },
			Apply: func(j *Journal, in bsIn) (any, error) {
				ms := []Movement{{From: in.Key, To: in.Who, Amount: in.Amount, Reason: "r"}}
				if in.Kind == 2 {
					ms = append(ms, Movement{From: in.Who, To: "c", Amount: in.Amount2, Reason: "r2"})
				}
				return nil, j.Record(in.At, ms...)
			},
			Snapshot: (*Journal).Snapshot,
			Restore:  RestoreJournal,
		}, in)
	})
}

// rigState is a whole exchange waterfall (exchangeRig: defaulter, fund,
// BLP pool and layer on a shared position, ADL, socialisation, journal)
// with the Waterfall that draws through it.
type rigState struct {
	rig *exchangeRig
	w   *Waterfall
}

type rigReplaySnapshot struct {
	Rig       rigSnapshot       `json:"rig"`
	Waterfall WaterfallSnapshot `json:"waterfall"`
}

func (r *exchangeRig) settings() Settings {
	return Settings{Layers: []Layer{r.def, r.fund.Layer("x"), r.blp, r.adl, r.social}, Unit: r.unit, Journal: r.journal}
}

// TestReplayWaterfall: Cover of claims (IDs repeat: the same claim
// replayed, or another amount under its ID; refused empty IDs, negative
// and too-fine amounts, times before the journal's last entry) through
// every built-in layer, interleaved with keyed deposits into the fund and
// takeovers and replenishments of the BLP pool, as a host runs them.
//
// Mutations seen failing (one per type):
//   - Waterfall.Snapshot without Claims: a claim replayed after the
//     snapshot is drawn again ("replay returned");
//   - DefaulterLayer.Snapshot without Penalty: the restored layer covers
//     less ("replay returned" at the first claim after the snapshot);
//   - RestoreSocialLayer not setting the haircuts: the restored layer
//     digests differently from its snapshot (Snapshot without Haircuts
//     cannot fail: the haircuts are a record no later input reads);
//   - SharedPosition.Snapshot writing one lot more than is left: the
//     restore refuses it or the next draw hands over more;
//   - ADLLayer.Snapshot without Fills: the restore refuses the queue
//     (positions reduced by fills it no longer has);
//   - RestoreBLPLayer not setting the assignments: the restored layer
//     digests differently from its snapshot (Snapshot without
//     Assignments cannot fail: the pool's snapshot holds the capacity
//     they used, and no later input reads them).
func TestReplayWaterfall(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		build := drawRig(t)
		r0 := build()
		in := bsInputs(t, func(t *rapid.T, at time.Time) bsIn {
			in := bsIn{At: at, Kind: rapid.SampledFrom([]int{0, 0, 0, 1, 2, 3}).Draw(t, "kind"),
				Key:    rapid.SampledFrom([]string{"c1", "c2", "c3", "c4", ""}).Draw(t, "claim ID"),
				Who:    rapid.SampledFrom([]string{"", "", "loss", "margin:x"}).Draw(t, "loss account"),
				Amount: bsAmount(t, "loss", 100_000_00)}
			if in.Kind == 1 {
				in.Key = bsKey(t)
			}
			if in.Kind == 2 {
				in.Amount = testkit.Decimal(-200, 200, 0).Draw(t, "takeover size")
			}
			return in
		})
		testkit.CheckReplay(t, testkit.Replayable[*rigState, rigReplaySnapshot, bsIn]{
			New: func() (*rigState, error) {
				r := build()
				w, err := New(r.settings())
				return &rigState{rig: r, w: w}, err
			},
			Apply: func(s *rigState, in bsIn) (any, error) {
				switch in.Kind {
				case 0:
					return s.w.Cover(in.At, Claim{ID: in.Key, Amount: in.Amount, Account: in.Who})
				case 1:
					return s.rig.fund.Deposit(in.At, in.Key, "f", in.Amount, "fees", "fees")
				case 2:
					return s.rig.pool.TakeOver(in.At, Takeover{ID: "x" + in.Key, Account: "other", Size: in.Amount, Price: d("1100")})
				default:
					return s.rig.pool.Replenish(in.At), nil
				}
			},
			Snapshot: func(s *rigState) rigReplaySnapshot {
				return rigReplaySnapshot{Rig: s.rig.snapshot(), Waterfall: s.w.Snapshot()}
			},
			Restore: func(snap rigReplaySnapshot) (*rigState, error) {
				r, err := restoreRig(r0, snap.Rig)
				if err != nil {
					return nil, err
				}
				w, err := RestoreWaterfall(r.settings(), snap.Waterfall)
				return &rigState{rig: r, w: w}, err
			},
		}, in)
	})
}

// restoreRig is exchangeRig.restore returning the first error instead of
// failing the test, so CheckReplay reports it with the snapshot.
func restoreRig(r *exchangeRig, s rigSnapshot) (*exchangeRig, error) {
	var err error
	out := *r
	if out.fund, err = RestoreInsuranceFund(r.fundSettings, s.Fund); err != nil {
		return nil, fmt.Errorf("fund: %w", err)
	}
	if out.pool, err = RestoreBackstopPool(r.poolSettings, s.Pool); err != nil {
		return nil, fmt.Errorf("pool: %w", err)
	}
	if out.shared, err = RestoreSharedPosition(s.Shared); err != nil {
		return nil, fmt.Errorf("shared: %w", err)
	}
	if out.def, err = RestoreDefaulterLayer(s.Defaulter); err != nil {
		return nil, fmt.Errorf("defaulter: %w", err)
	}
	if out.blp, err = out.pool.RestoreBLPLayer(r.takeover, r.mark, out.shared, s.BLP); err != nil {
		return nil, fmt.Errorf("blp: %w", err)
	}
	as := r.adlSettings
	as.Shared = out.shared
	if out.adl, err = RestoreADLLayer(as, s.ADL); err != nil {
		return nil, fmt.Errorf("adl: %w", err)
	}
	if out.social, err = RestoreSocialLayer(r.social.ID(), r.unit, s.Social); err != nil {
		return nil, fmt.Errorf("social: %w", err)
	}
	if out.journal, err = RestoreJournal(s.Journal); err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	return &out, nil
}

// drawRig draws an exchange waterfall as newRig does and returns a
// function building it fresh, each time the same, without going through a
// snapshot (a snapshot mutation must not reach the fresh instance).
func drawRig(t *rapid.T) func() *exchangeRig {
	floor := testkit.Decimal(0, 50_000, 2).Draw(t, "floor")
	deposit := testkit.Decimal(0, 200_000, 2).Draw(t, "deposit")
	margin := testkit.Decimal(0, 50_000, 2).Draw(t, "margin")
	penalty := testkit.Decimal(1, 5_000, 2).Draw(t, "penalty")
	pb := testkit.Decimal(1001, 1200, 0).Draw(t, "pb")
	size := testkit.Decimal(1, 500, 0).Draw(t, "size")
	c1, c2 := testkit.Decimal(0, 100_000, 0).Draw(t, "c1"), testkit.Decimal(0, 100_000, 0).Draw(t, "c2")
	var shorts []Position
	for i := 0; i < rapid.IntRange(0, 6).Draw(t, "shorts"); i++ {
		shorts = append(shorts, Position{Account: fmt.Sprint("s", i), Size: testkit.Decimal(1, 200, 0).Draw(t, "ssize").Neg(),
			EntryPrice: testkit.Decimal(900, 1300, 0).Draw(t, "sentry"), BankruptcyPrice: d("1500")})
	}
	var winners []Balance
	for i := 0; i < rapid.IntRange(0, 6).Draw(t, "winners"); i++ {
		winners = append(winners, Balance{Account: fmt.Sprint("w", i), Amount: testkit.Decimal(-1000, 10_000, 2).Draw(t, "profit")})
	}
	return func() *exchangeRig {
		r := &exchangeRig{unit: d("0.01"), mark: d("1000")}
		r.fundSettings = FundSettings{Funds: []FundSpec{{ID: "f", Floor: floor}}, Unit: r.unit}
		r.fund, _ = NewInsuranceFund(r.fundSettings)
		if deposit.Sign() > 0 {
			_, _ = r.fund.Deposit(t0, "", "f", deposit, "fees", "")
		}
		r.def, _ = NewDefaulterLayer("bad", margin, penalty)
		r.poolSettings = PoolSettings{Providers: []Provider{{"p1", c1}, {"p2", c2}}, Unit: r.unit, SizeUnit: d("1")}
		r.pool, _ = NewBackstopPool(r.poolSettings)
		r.shared, _ = NewSharedPosition(size)
		r.takeover = Takeover{ID: "t", Account: "bad", Size: size, Price: pb}
		r.blp, _ = r.pool.SharedLayer(r.takeover, r.mark, r.shared)
		r.adlSettings = ADLSettings{Request: DeleverageRequest{Bankrupt: Position{Account: "bad", Size: size, EntryPrice: d("1300"), BankruptcyPrice: pb},
			Mark: r.mark, Candidates: shorts}, Unit: r.unit, SizeUnit: d("1"), Shared: r.shared}
		r.adl, _ = NewADLLayer(r.adlSettings)
		r.social, _ = NewSocialLayer("social", winners, r.unit)
		r.journal = NewJournal()
		return r
	}
}
