package breaker

import (
	"fmt"
	"slices"
	"sync"
	"time"
)

// CauseKillSwitch is the halt cause reported by a KillSwitch.
const CauseKillSwitch = "kill-switch"

// AllMarkets is the KillSwitch target that halts the whole venue.
const AllMarkets = "*"

// KillSwitch is the manual halt of one market or the whole venue, with the
// reason and actor recorded. It is a HaltSource: attach it to every Market.
// A market is halted by the kill switch while either its own entry or the
// venue entry (AllMarkets) is engaged. Safe for concurrent use.
type KillSwitch struct {
	mu      sync.Mutex
	engaged []Halt // sorted by target, which Halt.Cause holds
	last    time.Time
}

// NewKillSwitch returns a kill switch with nothing engaged.
func NewKillSwitch() *KillSwitch { return &KillSwitch{} }

func (k *KillSwitch) find(target string) (int, bool) {
	return slices.BinarySearchFunc(k.engaged, target, func(h Halt, t string) int { return cmpString(h.Cause, t) })
}

func (k *KillSwitch) validate(now time.Time, target, reason, actor string) error {
	if target == "" || reason == "" || actor == "" {
		return fmt.Errorf("%w: kill switch: target, reason and actor are required", ErrInvalidInput)
	}
	if now.Before(k.last) {
		return fmt.Errorf("%w: kill switch: %s < %s", ErrTimeWentBack, now, k.last)
	}
	return nil
}

// Engage halts target (a market ID, or AllMarkets) at now and returns the
// EventKill it records. Engaging a target that is already engaged is
// refused with ErrInvalidInput and changes nothing: the original reason,
// actor and start time stay (the audit trail keeps who engaged it first;
// Release it to engage it anew).
func (k *KillSwitch) Engage(now time.Time, target, reason, actor string) ([]Event, error) {
	now = instant(now)
	k.mu.Lock()
	defer k.mu.Unlock()
	if err := k.validate(now, target, reason, actor); err != nil {
		return nil, err
	}
	i, ok := k.find(target)
	if ok {
		h := k.engaged[i]
		return nil, fmt.Errorf("%w: kill switch: %q already engaged since %s by %q", ErrInvalidInput, target,
			h.Since.UTC().Format(time.RFC3339Nano), h.Actor)
	}
	k.last = now
	k.engaged = slices.Insert(k.engaged, i, Halt{Cause: target, Reason: reason, Actor: actor, Since: now})
	return []Event{{Time: now, Kind: EventKill, Subject: target, Reason: reason, Actor: actor, Cause: CauseKillSwitch}}, nil
}

// Release lifts the kill switch on target at now and returns the
// EventResume it records. It returns ErrUnknownCause when target is not
// engaged. Releasing a market does not lift a venue-wide halt, and vice
// versa.
func (k *KillSwitch) Release(now time.Time, target, reason, actor string) ([]Event, error) {
	now = instant(now)
	k.mu.Lock()
	defer k.mu.Unlock()
	if err := k.validate(now, target, reason, actor); err != nil {
		return nil, err
	}
	i, ok := k.find(target)
	if !ok {
		return nil, fmt.Errorf("%w: kill switch: %q not engaged", ErrUnknownCause, target)
	}
	k.last = now
	k.engaged = slices.Delete(k.engaged, i, i+1)
	return []Event{{Time: now, Kind: EventResume, Subject: target, Reason: reason, Actor: actor, Cause: CauseKillSwitch}}, nil
}

// HaltFor implements HaltSource: the venue-wide entry if engaged, else the
// market's own entry. The returned Halt's Cause is CauseKillSwitch.
func (k *KillSwitch) HaltFor(_ time.Time, market string) (Halt, bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	for _, target := range [2]string{AllMarkets, market} {
		if i, ok := k.find(target); ok {
			h := k.engaged[i]
			h.Reason = h.Cause + ": " + h.Reason
			h.Cause = CauseKillSwitch
			return h, true
		}
	}
	return Halt{}, false
}

// Engaged returns a copy of the engaged entries sorted by target (in each
// Halt, Cause holds the target).
func (k *KillSwitch) Engaged() []Halt {
	k.mu.Lock()
	defer k.mu.Unlock()
	return slices.Clone(k.engaged)
}

// KillSwitchSnapshot is the serialisable state of a KillSwitch.
type KillSwitchSnapshot struct {
	Engaged []Halt    `json:"engaged"` // engaged targets (in Cause), sorted
	Last    time.Time `json:"last"`    // last Engage/Release
}

// Snapshot returns the kill switch's state (a copy).
func (k *KillSwitch) Snapshot() KillSwitchSnapshot {
	k.mu.Lock()
	defer k.mu.Unlock()
	return KillSwitchSnapshot{Engaged: utcHalts(k.engaged), Last: k.last.UTC()}
}

// RestoreKillSwitch rebuilds a KillSwitch, validating the entries (sorted,
// unique, non-empty target, reason and actor, engaged by the last action).
func RestoreKillSwitch(snap KillSwitchSnapshot) (*KillSwitch, error) {
	k := &KillSwitch{engaged: utcHalts(snap.Engaged), last: instant(snap.Last)}
	if err := k.check(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidSnapshot, err)
	}
	return k, nil
}

// CheckInvariants verifies the engaged entries are sorted by target,
// unique, carry a target, reason and actor, and were engaged no later than
// the last Engage/Release.
func (k *KillSwitch) CheckInvariants() error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if err := k.check(); err != nil {
		return fmt.Errorf("%w: %w", ErrInvariant, err)
	}
	return nil
}

func (k *KillSwitch) check() error {
	for i, h := range k.engaged {
		if h.Cause == "" || h.Reason == "" || h.Actor == "" || (i > 0 && k.engaged[i-1].Cause >= h.Cause) || h.Since.After(k.last) {
			return fmt.Errorf("kill switch: entry %d invalid, unsorted, repeated or in the future", i)
		}
	}
	return nil
}
