package breaker

import (
	"errors"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"

	"github.com/failsafe-fi/failsafe/internal/testkit"
)

// Mutation seen failing: exactBucket.restore dropping Last (b.at =
// time.Time{}, seen kept); bucket.restore taking the last call for the
// last admission (b.changed = instant(snap.Last)).
func TestReplayCountLimiter(t *testing.T) {
	for _, exact := range []bool{false, true} {
		s := CountSettings{Name: "liquidations", Events: 5, Per: time.Second, Burst: 3, Exact: exact}
		t.Run(map[bool]string{false: "x-time-rate", true: "exact"}[exact], func(t *testing.T) {
			rapid.Check(t, func(t *rapid.T) {
				in := drawInputs(t, []int{0}, 150*time.Millisecond, func(t *rapid.T, in *replayIn) {
					in.N = rapid.SampledFrom([]int{1, 1, 1, 2, 3, 0, 4}).Draw(t, "n") // 0 and 4 (> burst) refused
				})
				testkit.CheckReplay(t, testkit.Replayable[*CountLimiter, ThrottleSnapshot, replayIn]{
					New:      func() (*CountLimiter, error) { return NewCountLimiter(s) },
					Apply:    func(l *CountLimiter, in replayIn) (any, error) { return l.AllowN(in.At, in.N) },
					Snapshot: (*CountLimiter).Snapshot,
					Restore:  func(snap ThrottleSnapshot) (*CountLimiter, error) { return RestoreCountLimiter(s, snap) },
				}, in)
			})
		})
	}
}

// Mutation seen failing: exactBucket.restore restoring Level one token
// lower (max(snap.Level-b.per, 0)); bucket.restore rebuilding the token
// count one token lower (target = max(snap.Tokens-1, 0)).
func TestReplayNotionalLimiter(t *testing.T) {
	for _, exact := range []bool{false, true} {
		s := NotionalSettings{Name: "auction notional", Max: decimal.NewFromInt(1000), Per: time.Minute,
			Burst: decimal.NewFromInt(1500), Unit: decimal.New(1, -1), Exact: exact}
		t.Run(map[bool]string{false: "x-time-rate", true: "exact"}[exact], func(t *testing.T) {
			rapid.Check(t, func(t *rapid.T) {
				in := drawInputs(t, []int{0, 0, 1}, 5*time.Second, func(t *rapid.T, in *replayIn) {
					in.V = drawValue(t, "notional", 1, 60000) // up to 600; bad ones refused
					if rapid.IntRange(0, 19).Draw(t, "above burst?") == 0 {
						in.V = decimal.NewFromInt(1501)
					}
				})
				testkit.CheckReplay(t, testkit.Replayable[*NotionalLimiter, ThrottleSnapshot, replayIn]{
					New: func() (*NotionalLimiter, error) { return NewNotionalLimiter(s) },
					Apply: func(l *NotionalLimiter, in replayIn) (any, error) {
						if in.Op == 1 {
							if exact {
								return l.Available(in.At), nil
							}
							return nil, nil // x/time/rate: a float read of no replicated state (see TokensAt)
						}
						return l.Allow(in.At, in.V)
					},
					Snapshot: (*NotionalLimiter).Snapshot,
					Restore:  func(snap ThrottleSnapshot) (*NotionalLimiter, error) { return RestoreNotionalLimiter(s, snap) },
				}, in)
			})
		})
	}
}

// Mutation seen failing: RestoreOutflowLimiter dropping GraceEnd
// (graceEnd: time.Time{}); restoring LastLimit as Last (lastLimit:
// instant(snap.Last)).
func TestReplayOutflowLimiter(t *testing.T) {
	s := OutflowSettings{Asset: "USDC", LimitBeginThreshold: decimal.NewFromInt(100), WithdrawalPeriod: time.Hour,
		TickLength: 5 * time.Minute, CooldownPeriod: 3 * time.Hour}
	const inflow, outflow, status, override, expired, grace = 0, 1, 2, 3, 4, 5
	rapid.Check(t, func(t *rapid.T) {
		in := drawInputs(t, []int{inflow, inflow, outflow, outflow, outflow, status, override, expired, grace}, 10*time.Minute,
			func(t *rapid.T, in *replayIn) {
				in.V = decimal.NewFromInt(rapid.Int64Range(1, 400).Draw(t, "amount"))
				if rapid.IntRange(0, 9).Draw(t, "bad amount?") == 0 {
					in.V = rapid.SampledFrom([]decimal.Decimal{decimal.Zero, decimal.NewFromInt(-5), decimal.New(15, -1), decimal.New(1, 40)}).Draw(t, "bad amount")
				}
				in.Until = in.At.Add(time.Duration(rapid.Int64Range(-1, 90).Draw(t, "grace")) * time.Minute)
				in.Actor = "ops"
			})
		testkit.CheckReplay(t, testkit.Replayable[*OutflowLimiter, OutflowSnapshot, replayIn]{
			New: func() (*OutflowLimiter, error) { return NewOutflowLimiter(s) },
			Apply: func(l *OutflowLimiter, in replayIn) (any, error) {
				switch in.Op {
				case inflow:
					return l.Inflow(in.At, in.V)
				case outflow:
					return l.Outflow(in.At, in.V)
				case status:
					st, limited, err := l.Status(in.At)
					return []any{st, limited}, err
				case override:
					return l.Override(in.At, in.Actor)
				case expired:
					return l.OverrideExpired(in.At)
				}
				return l.StartGrace(in.At, in.Until, in.Actor)
			},
			Snapshot: (*OutflowLimiter).Snapshot,
			Restore:  func(snap OutflowSnapshot) (*OutflowLimiter, error) { return RestoreOutflowLimiter(s, snap) },
		}, in)
	})
}

// errReplayRequest is the failure of a request a replayed Service runs.
var errReplayRequest = errors.New("upstream down")

// Mutation seen failing: RestoreService dropping the forced state (no
// svc.forced.Store: a forced breaker restored as closed, its reason and
// actor kept).
//
// Only the operator's forced state is replicated: gobreaker's own
// closed/half-open/open state and counts run on the wall clock (see
// Service), so the inputs are the operator's calls and requests made while
// the breaker is forced, and the events' Time (time.Now) is left out of
// the comparison.
func TestReplayService(t *testing.T) {
	s := ServiceSettings{Name: "custody"}
	const forceOpen, forceClosed, release, execute = 0, 1, 2, 3
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 30).Draw(t, "inputs")
		in := make([]replayIn, n)
		for i := range in {
			in[i] = replayIn{Op: rapid.IntRange(forceOpen, execute).Draw(t, "op"),
				Reason: rapid.SampledFrom([]string{"maintenance", "incident", ""}).Draw(t, "reason"),
				Actor:  rapid.SampledFrom([]string{"alice", "bob", ""}).Draw(t, "actor"),
				N:      rapid.IntRange(0, 1).Draw(t, "request fails")}
		}
		untimed := func(evs []Event) []Event {
			for i := range evs {
				evs[i].Time = time.Time{}
			}
			return evs
		}
		testkit.CheckReplay(t, testkit.Replayable[*Service[int], ServiceSnapshot, replayIn]{
			New: func() (*Service[int], error) { return NewService[int](s) },
			Apply: func(svc *Service[int], in replayIn) (any, error) {
				switch in.Op {
				case forceOpen:
					evs, err := svc.ForceOpen(in.Reason, in.Actor)
					return untimed(evs), err
				case forceClosed:
					evs, err := svc.ForceClosed(in.Reason, in.Actor)
					return untimed(evs), err
				case release:
					evs, err := svc.Release(in.Reason, in.Actor)
					return untimed(evs), err
				}
				if svc.State() != ServiceForcedOpen && svc.State() != ServiceForcedClosed {
					return "not forced: not replicated", nil // gobreaker's own state runs on the wall clock
				}
				v, evs, err := svc.Execute(func() (int, error) {
					if in.N == 1 {
						return 0, errReplayRequest
					}
					return 42, nil
				})
				return []any{v, untimed(evs), svc.State()}, err
			},
			Snapshot: (*Service[int]).Snapshot,
			Restore:  func(snap ServiceSnapshot) (*Service[int], error) { return RestoreService[int](s, snap) },
		}, in)
	})
}
