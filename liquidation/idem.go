package liquidation

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
)

// KeyWindow is how long an idempotency key is remembered after the call
// that used it, by the house's clock (the latest now it has seen). A key
// tied to an auction (its kick, and every take, redo or bid on it) is
// remembered as long as that auction is live too, so a replayed kick can
// never start a second auction while the first runs. Memory is therefore
// bounded by the keyed calls of the last KeyWindow plus those of live
// auctions; a host replaying its input log must replay within KeyWindow
// of the original call (a standby restored from a snapshot taken at most
// KeyWindow ago does).
const KeyWindow = 24 * time.Hour

// KeyRecord is one remembered idempotency key: the operation and a digest
// of the input it was used for, and the first result, returned again for a
// repeat. Snapshots carry the records (ascending Key), so a standby honours
// the keys the primary saw.
type KeyRecord struct {
	Key     string          `json:"key"`
	Op      string          `json:"op"`                // "kick", "take", "redo", "open", "bid", "bid-lot", "settle", "clear", "commit", "release", or a BookDesk operation
	Digest  string          `json:"digest"`            // hex SHA-256 of the input (operation, parameters; not now, not the key)
	Time    time.Time       `json:"time"`              // the now of the call
	Auction uint64          `json:"auction,omitempty"` // the auction it concerns: remembered while live
	Result  json.RawMessage `json:"result"`            // the first result, as JSON (null when it was an error)
	Error   string          `json:"error,omitempty"`   // the first call's error text, when it failed
}

// keyBook holds the idempotency keys of one house or engine.
type keyBook struct {
	m    map[string]KeyRecord
	next int // sweep when the book reaches this size: max(64, twice the size after the last sweep)
}

// digestInput returns the hex SHA-256 of an operation and its parameters.
// Decimals are checked (num.Check) before they are printed: an absurd
// exponent is refused here, never formatted. A decimal is written in its
// shortest form, so 1.50 and 1.5 are the same input.
func digestInput(op string, parts ...any) (string, error) {
	h := sha256.New()
	fmt.Fprintf(h, "%q", op)
	for i, p := range parts {
		switch v := p.(type) {
		case decimal.Decimal:
			if err := num.Check(v); err != nil {
				return "", fmt.Errorf("%w: parameter %d: %w", ErrInvalidInput, i, err)
			}
			fmt.Fprintf(h, "|d%s", canon(v).String())
		case string:
			fmt.Fprintf(h, "|s%q", v)
		case uint64:
			fmt.Fprintf(h, "|u%d", v)
		case bool:
			fmt.Fprintf(h, "|b%t", v)
		case time.Time:
			fmt.Fprintf(h, "|t%d", v.UnixNano())
		default:
			panic(fmt.Sprintf("digestInput: unsupported %T", p)) // a programming error, never host input
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// live reports whether r is still remembered at now (see KeyWindow).
func (r KeyRecord) live(now time.Time, auctionLive func(uint64) bool) bool {
	return !r.Time.Add(KeyWindow).Before(now) || (r.Auction != 0 && auctionLive(r.Auction))
}

// replay looks key up. found: the first result was decoded into out and
// must be returned as is. A key remembered for another input is
// ErrKeyReused. An empty key is never found.
func (b *keyBook) replay(now time.Time, auctionLive func(uint64) bool, key, op, digest string, out any) (found bool, err error) {
	if key == "" {
		return false, nil
	}
	r, ok := b.m[key]
	if !ok || !r.live(now, auctionLive) {
		return false, nil
	}
	if r.Op != op {
		return false, fmt.Errorf("%w: key %q was used for a %s, not a %s", ErrKeyReused, key, r.Op, op)
	}
	if r.Digest != digest {
		return false, fmt.Errorf("%w: key %q was used for a %s with other parameters", ErrKeyReused, key, op)
	}
	if r.Error != "" {
		return true, storedError(r.Error)
	}
	if err := json.Unmarshal(r.Result, out); err != nil {
		return false, fmt.Errorf("%w: key %q: stored result: %w", ErrInvalidSnapshot, key, err)
	}
	return true, nil
}

// record remembers key for the outcome of a call, and forgets the keys no
// longer live when the book has doubled since the last sweep (amortised
// O(1) per call): the book never holds more than max(64, twice the keys
// live at the last sweep) records. An empty key records nothing.
func (b *keyBook) record(now time.Time, auctionLive func(uint64) bool, key, op, digest string, auction uint64, result any, callErr error) {
	if key == "" {
		return
	}
	r := KeyRecord{Key: key, Op: op, Digest: digest, Time: now, Auction: auction, Result: json.RawMessage("null")}
	if callErr != nil {
		r.Error = callErr.Error()
	} else {
		raw, err := json.Marshal(result)
		if err != nil {
			panic(fmt.Sprintf("liquidation: result of %s does not marshal: %v", op, err)) // results are plain values
		}
		r.Result = raw
	}
	if b.m == nil {
		b.m = map[string]KeyRecord{}
	}
	b.m[key] = r
	if len(b.m) >= max(b.next, 64) { // amortised O(1) per call
		b.sweep(now, auctionLive)
		b.next = 2 * len(b.m)
	}
}

// storedError rebuilds a remembered error: the same text, wrapping the
// same sentinel of this package once (ErrInvalidSnapshot when the text
// names none: a hand-made snapshot).
func storedError(msg string) error {
	for _, s := range sentinels {
		if p := s.Error() + ": "; len(msg) >= len(p) && msg[:len(p)] == p {
			return fmt.Errorf("%w: %s", s, msg[len(p):])
		} else if msg == s.Error() {
			return s
		}
	}
	return fmt.Errorf("%w: stored error %q", ErrInvalidSnapshot, msg)
}

// sweep forgets the keys no longer live at now.
func (b *keyBook) sweep(now time.Time, auctionLive func(uint64) bool) {
	for k, r := range b.m {
		if !r.live(now, auctionLive) {
			delete(b.m, k)
		}
	}
}

// snapshot returns the keys live at now, ascending: a canonical list
// whatever the sweeps so far.
func (b *keyBook) snapshot(now time.Time, auctionLive func(uint64) bool) []KeyRecord {
	out := []KeyRecord{}
	for _, r := range b.m {
		if r.live(now, auctionLive) {
			r.Result = append(json.RawMessage(nil), r.Result...) // a copy: the caller may change it
			out = append(out, r)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

// restoreKeys validates a snapshot's key records: non-empty unique keys, a
// known operation, a 64-hex-digit digest, a result that is JSON. (A
// record's time may be after the house clock: a keyed call refused with an
// error is remembered without advancing the clock.)
func restoreKeys(recs []KeyRecord, ops ...string) (keyBook, error) {
	b := keyBook{m: make(map[string]KeyRecord, len(recs))}
	for i, r := range recs {
		if r.Key == "" {
			return b, fmt.Errorf("%w: key record %d: empty key", ErrInvalidSnapshot, i)
		}
		if _, dup := b.m[r.Key]; dup {
			return b, fmt.Errorf("%w: key record %d: duplicate key", ErrInvalidSnapshot, i)
		}
		known := false
		for _, op := range ops {
			known = known || r.Op == op
		}
		if !known {
			return b, fmt.Errorf("%w: key record %d: unknown operation", ErrInvalidSnapshot, i)
		}
		if d, err := hex.DecodeString(r.Digest); err != nil || len(d) != sha256.Size {
			return b, fmt.Errorf("%w: key record %d: digest is not a SHA-256", ErrInvalidSnapshot, i)
		}
		if !json.Valid(r.Result) {
			return b, fmt.Errorf("%w: key record %d: result is not JSON", ErrInvalidSnapshot, i)
		}
		r.Result = append(json.RawMessage(nil), r.Result...)
		b.m[r.Key] = r
	}
	return b, nil
}

// once runs do under an idempotency key: with an empty key it just runs;
// a key remembered for the same operation and parameters returns the
// first outcome — result, refusal or error — and changes nothing (whatever
// now: a replayed input may carry an earlier time than the house has
// seen); a key remembered for another input is ErrKeyReused. Every outcome
// is remembered, a refusal or an error too: replayed later, against a
// state that has moved on, the same input could otherwise succeed where
// it first failed. Only a key whose parameters are out of range (refused
// before the digest) is not remembered. last is the house clock; auction
// names the auction an outcome concerns (0 for none).
func once[R any](b *keyBook, last time.Time, live func(uint64) bool, now time.Time, key, op string, parts []any,
	do func() (R, error), auction func(R) uint64) (R, error) {
	return keyed(b, last, live, now, key, op, parts, do, auction, true)
}

// keyed is once; errors are remembered only when keepErrors is set.
func keyed[R any](b *keyBook, last time.Time, live func(uint64) bool, now time.Time, key, op string, parts []any,
	do func() (R, error), auction func(R) uint64, keepErrors bool) (R, error) {
	var zero R
	if key == "" {
		return do()
	}
	digest, err := digestInput(op, parts...)
	if err != nil {
		return zero, err
	}
	at := now
	if at.Before(last) {
		at = last
	}
	var prev R
	if found, err := b.replay(at, live, key, op, digest, &prev); found || err != nil {
		return prev, err
	}
	r, err := do()
	if err == nil || keepErrors {
		b.record(at, live, key, op, digest, auction(r), r, err)
	}
	return r, err
}

// derivedOnce is once with the key derived from the input itself (the
// digest of op and parts), for calls whose content identifies them: the
// same input is the same call, so there is no other input to refuse. Only
// a success is remembered: a bid refused with an error (say, on an auction
// not yet opened) applied nothing, and the same bid may rightly apply
// later.
func derivedOnce[R any](b *keyBook, last time.Time, live func(uint64) bool, now time.Time, op string, auction uint64, parts []any,
	do func() (R, error)) (R, error) {
	digest, err := digestInput(op, parts...)
	if err != nil {
		var zero R
		return zero, err
	}
	return keyed(b, last, live, now, op+":"+digest, op, parts, do, func(R) uint64 { return auction }, false)
}
