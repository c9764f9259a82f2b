package backstop

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// A refused claim's error starts with the package's prefix, once: it read
// 'claim "c3": backstop: …' (independent review of issue 11 item 4).
func TestCoverRefusalStartsWithThePrefix(t *testing.T) {
	at := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
	fund, _ := NewInsuranceFund(FundSettings{Unit: d("0.01")})
	w, err := New(Settings{Layers: []Layer{fund.Layer("BTC")}, Unit: d("0.01")})
	if err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]struct {
		now   time.Time
		claim Claim
	}{
		"negative loss": {at, Claim{ID: "c3", Amount: d("-1")}},
		"zero time":     {time.Time{}, Claim{ID: "c3", Amount: d("1")}},
	} {
		_, err := w.Cover(c.now, c.claim)
		if !errors.Is(err, ErrInvalidInput) {
			t.Fatalf("%s: err = %v", name, err)
		}
		msg := err.Error()
		if !strings.HasPrefix(msg, "backstop: ") || strings.Count(msg, "backstop:") != 1 || !strings.Contains(msg, `claim "c3"`) {
			t.Errorf("%s: %q, want one leading backstop prefix and the claim named", name, msg)
		}
	}
}
