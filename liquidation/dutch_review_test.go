package liquidation

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/testkit"
)

// rogueCurve breaks the Curve promises on purpose.
type rogueCurve struct{ p decimal.Decimal }

func (c rogueCurve) Price(top decimal.Decimal, elapsed time.Duration) decimal.Decimal {
	if elapsed <= 0 {
		return top
	}
	return c.p
}

// A host Curve that returns a negative, rising or absurd price is held to
// [0, top]: a keeper never pays a negative amount nor more than top.
func TestDutchRogueCurveClamped(t *testing.T) {
	for name, c := range map[string]struct {
		p         decimal.Decimal
		wantPrice string
		redo      bool
	}{
		"negative":       {d("-5"), "0", true},
		"above top":      {d("1000"), "120", false},
		"absurdly large": {decimal.New(1, 100000), "120", false},
		"absurdly small": {decimal.New(1, -100000), "0", true},
	} {
		t.Run(name, func(t *testing.T) {
			s := testDutchSettings(t)
			s.Curve = rogueCurve{c.p}
			h := mustHouse(t, s)
			k := kick(t, h, t0, "1100", "10", "100")
			st, err := h.Status(sec(10), k.ID)
			if err != nil || !st.Price.Equal(d(c.wantPrice)) || st.NeedsRedo != c.redo {
				t.Fatalf("status %+v %v", st, err)
			}
			r, err := h.Take(sec(10), TakeParams{ID: k.ID, MaxLot: d("1"), MaxPrice: d("1000")})
			if err != nil || (r.Refusal == RefusalNeedsRedo) != c.redo || (!c.redo && !r.Paid.Equal(d("120"))) {
				t.Fatalf("take %+v %v", r, err)
			}
		})
	}
}

// Adversarial calls on a Dutch house: every bad call returns the named
// error and leaves the snapshot exactly as it was (issue 5 "Bad input").
func TestDutchBadCallsLeaveStateUnchanged(t *testing.T) {
	h := mustHouse(t, testDutchSettings(t))
	k := kick(t, h, sec(100), "1100", "10", "100")
	done := kick(t, h, sec(100), "1100", "10", "100")
	if r, err := h.Take(sec(100), TakeParams{ID: done.ID, MaxLot: d("10"), MaxPrice: d("120")}); err != nil || r.Settlement == nil {
		t.Fatalf("settling take: %+v %v", r, err)
	}
	absurd := decimal.New(1, 1000000)
	before := h.Snapshot()
	runBadCalls(t, h.Snapshot, []badCall{
		{"take after settlement", func() error {
			_, e := h.Take(sec(100), TakeParams{ID: done.ID, MaxLot: d("1"), MaxPrice: d("200")})
			return e
		}, ErrUnknownAuction},
		{"take time backwards", func() error {
			_, e := h.Take(sec(99), TakeParams{ID: k.ID, MaxLot: d("1"), MaxPrice: d("200")})
			return e
		}, ErrTimeBackwards},
		{"take negative max price", func() error {
			_, e := h.Take(sec(100), TakeParams{ID: k.ID, MaxLot: d("1"), MaxPrice: d("-1")})
			return e
		}, ErrInvalidInput},
		{"take absurd max lot", func() error {
			_, e := h.Take(sec(100), TakeParams{ID: k.ID, MaxLot: absurd, MaxPrice: d("200")})
			return e
		}, ErrInvalidInput},
		{"kick absurd price", func() error {
			_, e := h.Kick(sec(100), KickParams{Tab: d("1"), Lot: d("1"), Owner: "o", Price: absurd})
			return e
		}, ErrInvalidInput},
		{"kick lot off grid", func() error {
			_, e := h.Kick(sec(100), KickParams{Tab: d("1"), Lot: decimal.New(1, -30), Owner: "o", Price: d("1")})
			return e
		}, ErrInvalidInput},
		{"redo unknown", func() error { _, e := h.Redo(sec(100), RedoParams{ID: 99, Price: d("1")}); return e }, ErrUnknownAuction},
		{"redo zero price", func() error { _, e := h.Redo(sec(100), RedoParams{ID: k.ID, Price: d("0")}); return e }, ErrInvalidInput},
		{"redo time backwards", func() error { _, e := h.Redo(sec(1), RedoParams{ID: k.ID, Price: d("1")}); return e }, ErrTimeBackwards},
		{"yank unknown", func() error { _, e := h.Yank(sec(100), 99); return e }, ErrUnknownAuction},
		{"yank settled", func() error { _, e := h.Yank(sec(100), done.ID); return e }, ErrUnknownAuction},
		{"yank time backwards", func() error { _, e := h.Yank(sec(1), k.ID); return e }, ErrTimeBackwards},
		{"stop level 4", func() error { _, e := h.SetStop(sec(100), 4); return e }, ErrInvalidInput},
		{"stop level -1", func() error { _, e := h.SetStop(sec(100), -1); return e }, ErrInvalidInput},
		{"status unknown", func() error { _, e := h.Status(sec(100), 99); return e }, ErrUnknownAuction},
		{"status time backwards", func() error { _, e := h.Status(sec(1), k.ID); return e }, ErrTimeBackwards},
	})
	// refusals are values and change nothing either
	for name, p := range map[string]TakeParams{
		"too expensive":          {ID: k.ID, MaxLot: d("1"), MaxPrice: d("119")},
		"max lot below one unit": {ID: k.ID, MaxLot: decimal.New(1, -30), MaxPrice: d("120")},
	} {
		if r, err := h.Take(sec(100), p); err != nil || r.Refusal == "" {
			t.Errorf("%s: %+v %v", name, r, err)
		}
	}
	if r, err := h.Redo(sec(100), RedoParams{ID: k.ID, Price: d("100")}); err != nil || r.Refusal != RefusalNoRedoNeeded {
		t.Errorf("redo not needed: %+v %v", r, err)
	}
	if diff := cmp.Diff(before, h.Snapshot(), testkit.EquateDecimals); diff != "" {
		t.Fatalf("refusals changed state:\n%s", diff)
	}
}
