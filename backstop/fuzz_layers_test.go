package backstop

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

// layersFuzzState is the host-held state of the per-loss layers.
type layersFuzzState struct {
	Defaulter DefaulterSnapshot `json:"defaulter"`
	Social    SocialSnapshot    `json:"social"`
}

// FuzzRestoreLayers feeds arbitrary JSON to RestoreDefaulterLayer and
// RestoreSocialLayer: they must never panic, an accepted layer must report
// a capacity ≥ 0 and absorb exactly it, and a refused draw must leave it
// unchanged.
func FuzzRestoreLayers(f *testing.F) {
	def, _ := NewDefaulterLayer("x", d("100"), d("5"))
	soc, _ := NewSocialLayer("social", []Balance{{Account: "a", Amount: d("30")}, {Account: "b", Amount: d("10.005")}, {Account: "c", Amount: d("-1")}}, d("0.01"))
	_, _, _ = def.Absorb(t0, d("40"), "loss")
	_, _, _ = soc.Absorb(t0, d("7"), "loss")
	valid, _ := json.Marshal(layersFuzzState{Defaulter: def.Snapshot(), Social: soc.Snapshot()})
	f.Add(valid)
	f.Add([]byte(`{"defaulter":{"account":"","margin":"1","penalty":"0"},"social":{"accounts":[{"account":"a","amount":"1"},{"account":"a","amount":"2"}]}}`))
	f.Add([]byte(`{"defaulter":{"account":"x","margin":"-1","penalty":"0"},"social":{"accounts":[{"account":"a","amount":"1"}],"haircuts":[{"account":"z","amount":"1"}]}}`))
	f.Add([]byte(`{"defaulter":{"account":"x","margin":"1e999999","penalty":"0.001"},"social":{"accounts":[{"account":"a","amount":"1"}],"haircuts":[{"account":"a","amount":"0.001"}]}}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var s layersFuzzState
		if json.Unmarshal(data, &s) != nil {
			return
		}
		var layers []Layer
		if l, err := RestoreDefaulterLayer(s.Defaulter); err == nil {
			layers = append(layers, l)
		}
		if l, err := RestoreSocialLayer("social", d("0.01"), s.Social); err == nil {
			layers = append(layers, l)
		}
		for _, l := range layers {
			c := l.Capacity()
			if c.Sign() < 0 {
				t.Fatalf("%s: capacity %s < 0", l.ID(), c)
			}
			before := snapshotOf(l)
			if _, _, err := l.Absorb(t0, c.Add(d("1")), "loss"); err == nil {
				t.Fatalf("%s: absorb above capacity accepted", l.ID())
			}
			if !reflect.DeepEqual(before, snapshotOf(l)) {
				t.Fatalf("%s: refused absorb changed the layer", l.ID())
			}
			if c.Sign() == 0 {
				continue
			}
			ms, _, err := l.Absorb(t0.Add(time.Minute), c, "loss")
			if err != nil {
				t.Fatalf("%s: absorb of its capacity %s: %v", l.ID(), c, err)
			}
			if err := validateMovements(ms); err != nil {
				t.Fatal(err)
			}
			if sum := sumMovements(ms); !sum.Equal(c) {
				t.Fatalf("%s: movements sum to %s, absorbed %s", l.ID(), sum, c)
			}
			if left := l.Capacity(); left.Sign() != 0 {
				t.Fatalf("%s: capacity %s left after absorbing all", l.ID(), left)
			}
		}
	})
}

func snapshotOf(l Layer) any {
	switch l := l.(type) {
	case *DefaulterLayer:
		return l.Snapshot()
	case *SocialLayer:
		return l.Snapshot()
	}
	return nil
}

func sumMovements(ms []Movement) decimal.Decimal {
	s := decimal.Zero
	for _, m := range ms {
		s = s.Add(m.Amount)
	}
	return s
}
