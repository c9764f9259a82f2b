package backstop

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

// Adversarial input: every rejected call must return a clear error (one of
// the package's sentinels), never panic, emit no event, and leave the
// object's Snapshot byte-for-byte as it was.

// snapJSON marshals a snapshot so two states compare exactly.
func snapJSON(t *testing.T, v any) string {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

// checkRejected runs a call that must be rejected with want, and checks it
// changed no state (snapshot), emitted no event and broke no invariant.
func checkRejected(t *testing.T, call func() error, want error, snap func() any, check func() error) {
	t.Helper()
	before := snapJSON(t, snap())
	if err := call(); !errors.Is(err, want) {
		t.Fatalf("error %v, want %v", err, want)
	}
	if after := snapJSON(t, snap()); after != before {
		t.Fatalf("rejected call changed state:\nbefore %s\nafter  %s", before, after)
	}
	if err := check(); err != nil {
		t.Fatal(err)
	}
}

// absurd is a decimal with an exponent num.Check rejects.
var absurd = decimal.New(1, 100000)

func TestAdversarialInsuranceFund(t *testing.T) {
	f, err := NewInsuranceFund(FundSettings{
		Funds:   []FundSpec{{ID: "a", Floor: d("10")}, {ID: "b"}},
		Markets: map[string]string{"BTC": "a"},
		Unit:    d("0.01"),
	})
	if err != nil {
		t.Fatal(err)
	}
	later := t0.Add(time.Hour)
	if _, err := f.Deposit(later, "", "a", d("50"), "fees", "seed"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Deposit(later, "", "b", d("5"), "fees", "seed"); err != nil {
		t.Fatal(err)
	}
	now := later.Add(time.Minute)
	tests := []struct {
		name string
		call func() error
		want error
	}{
		{"negative deposit", func() error { _, err := f.Deposit(now, "", "a", d("-1"), "fees", ""); return err }, ErrInvalidInput},
		{"zero deposit", func() error { _, err := f.Deposit(now, "", "a", d("0"), "fees", ""); return err }, ErrInvalidInput},
		{"deposit finer than the unit", func() error { _, err := f.Deposit(now, "", "a", d("0.001"), "fees", ""); return err }, ErrInvalidInput},
		{"absurd deposit", func() error { _, err := f.Deposit(now, "", "a", absurd, "fees", ""); return err }, ErrInvalidInput},
		{"deposit to an unknown fund", func() error { _, err := f.Deposit(now, "", "zz", d("1"), "fees", ""); return err }, ErrUnknownID},
		{"deposit from the fund itself", func() error { _, err := f.Deposit(now, "", "a", d("1"), "insurance:a", ""); return err }, ErrInvalidInput},
		{"deposit from another fund's account", func() error { _, err := f.Deposit(now, "", "a", d("1"), "insurance:b", ""); return err }, ErrInvalidInput},
		{"deposit before the last entry", func() error { _, err := f.Deposit(t0, "", "a", d("1"), "fees", ""); return err }, ErrInvalidInput},
		{"draw below the floor", func() error { _, err := f.Draw(now, "", "a", d("40.01"), "loss", ""); return err }, ErrBelowFloor},
		{"negative draw", func() error { _, err := f.Draw(now, "", "a", d("-1"), "loss", ""); return err }, ErrInvalidInput},
		{"absurd draw", func() error { _, err := f.Draw(now, "", "a", absurd, "loss", ""); return err }, ErrInvalidInput},
		{"draw from an unknown fund", func() error { _, err := f.Draw(now, "", "zz", d("1"), "loss", ""); return err }, ErrUnknownID},
		{"draw to nobody", func() error { _, err := f.Draw(now, "", "a", d("1"), "", ""); return err }, ErrInvalidInput},
		{"draw into another fund's account", func() error { _, err := f.Draw(now, "", "a", d("1"), "insurance:b", ""); return err }, ErrInvalidInput},
		{"draw before the last entry", func() error { _, err := f.Draw(t0, "", "a", d("1"), "loss", ""); return err }, ErrInvalidInput},
		{"unknown fund layer", func() error { _, err := f.FundLayer("zz"); return err }, ErrUnknownID},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			checkRejected(t, tc.call, tc.want, func() any { return f.Snapshot() }, f.CheckInvariants)
		})
	}
}

func TestAdversarialDefaultFund(t *testing.T) {
	f, err := NewDefaultFund(issueFundSettings())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Contribute(t0.Add(time.Hour), "", "A", d("1")); err != nil {
		t.Fatal(err)
	}
	now := t0.Add(2 * time.Hour)
	cover := func(def Default) func() error {
		return func() error { _, err := f.Cover(now, def); return err }
	}
	tests := []struct {
		name string
		call func() error
		want error
	}{
		{"unknown defaulter", cover(Default{ID: "x", Member: "Z", Loss: d("1")}), ErrUnknownID},
		{"negative loss", cover(Default{ID: "x", Member: "D", Loss: d("-1")}), ErrInvalidInput},
		{"absurd loss", cover(Default{ID: "x", Member: "D", Loss: absurd}), ErrInvalidInput},
		{"loss finer than the unit", cover(Default{ID: "x", Member: "D", Loss: d("0.5")}), ErrInvalidInput},
		{"negative margin", cover(Default{ID: "x", Member: "D", Loss: d("1"), Margin: d("-1")}), ErrInvalidInput},
		{"gains of the defaulter", cover(Default{ID: "x", Member: "D", Loss: d("1"), VariationGains: []Balance{{"D", d("1")}}}), ErrInvalidInput},
		{"gains of an unknown member", cover(Default{ID: "x", Member: "D", Loss: d("1"), VariationGains: []Balance{{"Z", d("1")}}}), ErrUnknownID},
		{"gains twice", cover(Default{ID: "x", Member: "D", Loss: d("1"), VariationGains: []Balance{{"A", d("1")}, {"A", d("1")}}}), ErrInvalidInput},
		{"negative gain", cover(Default{ID: "x", Member: "D", Loss: d("1"), VariationGains: []Balance{{"A", d("-1")}}}), ErrInvalidInput},
		{"cover before the last entry", func() error { _, err := f.Cover(t0, Default{ID: "x", Member: "D", Loss: d("1")}); return err }, ErrInvalidInput},
		{"contribution from an unknown member", func() error { _, err := f.Contribute(now, "", "Z", d("1")); return err }, ErrUnknownID},
		{"negative contribution", func() error { _, err := f.Contribute(now, "", "A", d("-1")); return err }, ErrInvalidInput},
		{"absurd contribution", func() error { _, err := f.Contribute(now, "", "A", absurd); return err }, ErrInvalidInput},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			checkRejected(t, tc.call, tc.want, func() any { return f.Snapshot() }, f.CheckInvariants)
		})
	}
	bad := []DefaultFundSettings{
		{}, // no members
		{Members: []MemberSpec{{ID: "A"}, {ID: "A"}}}, // duplicated
		{Members: []MemberSpec{{ID: "A", Contribution: d("-1")}}},
		{Members: []MemberSpec{{ID: "A"}}, SkinInTheGame: d("-1")},
		{Members: []MemberSpec{{ID: "A"}}, Assessment: AssessmentRule{Multiple: d("-1")}},
		{Members: []MemberSpec{{ID: "A"}}, Assessment: AssessmentRule{Multiple: absurd}},
	}
	for i, s := range bad {
		if _, err := NewDefaultFund(s); !errors.Is(err, ErrInvalidSettings) && !errors.Is(err, ErrDuplicateID) {
			t.Errorf("bad settings %d: %v", i, err)
		}
	}
}

func TestAdversarialBackstopPool(t *testing.T) {
	for i, s := range []PoolSettings{
		{},
		{Providers: []Provider{{"P", d("-1")}}},
		{Providers: []Provider{{"P", absurd}}},
		{Providers: []Provider{{"", d("1")}}},
		{Providers: []Provider{{"P", d("1")}, {"P", d("2")}}},
		{Providers: []Provider{{"P", d("1")}}, SizeUnit: d("0.3")},
	} {
		if _, err := NewBackstopPool(s); !errors.Is(err, ErrInvalidSettings) && !errors.Is(err, ErrDuplicateID) {
			t.Errorf("bad pool settings %d: %v", i, err)
		}
	}
	p, err := NewBackstopPool(PoolSettings{Providers: []Provider{{"P1", d("1000")}, {"P2", d("500")}}, Unit: d("0.01"), SizeUnit: d("1")})
	if err != nil {
		t.Fatal(err)
	}
	for _, tk := range []Takeover{
		{ID: "t", Account: "x", Size: d("0"), Price: d("10")},
		{ID: "t", Account: "x", Size: d("1.5"), Price: d("10")},
		{ID: "t", Account: "x", Size: absurd, Price: d("10")},
		{ID: "t", Account: "x", Size: d("1"), Price: d("0")},
		{ID: "t", Account: "x", Size: d("1"), Price: d("-1")},
		{ID: "t", Account: "", Size: d("1"), Price: d("10")},
	} {
		before := snapJSON(t, p.Snapshot())
		if _, err := p.TakeOver(t0, tk); !errors.Is(err, ErrInvalidInput) {
			t.Errorf("takeover %+v: %v", tk, err)
		}
		if _, err := p.Layer(tk, d("10")); !errors.Is(err, ErrInvalidInput) {
			t.Errorf("layer %+v: %v", tk, err)
		}
		if after := snapJSON(t, p.Snapshot()); after != before {
			t.Errorf("rejected takeover changed state")
		}
	}
	if _, err := p.Layer(Takeover{ID: "t", Account: "x", Size: d("1"), Price: d("10")}, d("0")); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("zero mark: %v", err)
	}
}

func TestAdversarialRanking(t *testing.T) {
	good := Position{Account: "a", Size: d("1"), EntryPrice: d("100"), BankruptcyPrice: d("50")}
	mark := d("110")
	with := func(f func(p *Position)) Position { p := good; f(&p); return p }
	for name, p := range map[string]Position{
		"zero size":                   with(func(p *Position) { p.Size = d("0") }),
		"zero entry price":            with(func(p *Position) { p.EntryPrice = d("0") }),
		"negative entry price":        with(func(p *Position) { p.EntryPrice = d("-1") }),
		"negative bankruptcy price":   with(func(p *Position) { p.BankruptcyPrice = d("-1") }),
		"mark value = bankrupt value": with(func(p *Position) { p.BankruptcyPrice = mark }),
		"long beyond bankruptcy":      with(func(p *Position) { p.BankruptcyPrice = d("120") }),
		"short beyond bankruptcy":     with(func(p *Position) { p.Size = d("-1"); p.BankruptcyPrice = d("100") }),
		"empty account":               with(func(p *Position) { p.Account = "" }),
		"absurd size":                 with(func(p *Position) { p.Size = absurd }),
		"absurd price":                with(func(p *Position) { p.EntryPrice = absurd }),
	} {
		if _, err := BitMEXRank(p, mark); !errors.Is(err, ErrInvalidInput) {
			t.Errorf("%s: %v", name, err)
		}
		if _, err := Rank([]Position{p}, mark, nil); !errors.Is(err, ErrInvalidInput) {
			t.Errorf("Rank, %s: %v", name, err)
		}
	}
	for _, m := range []decimal.Decimal{d("0"), d("-1"), absurd} {
		if _, err := BitMEXRank(good, m); !errors.Is(err, ErrInvalidInput) {
			t.Errorf("mark %s: %v", m, err)
		}
	}
	if _, err := Rank([]Position{good, good}, mark, nil); !errors.Is(err, ErrDuplicateID) {
		t.Errorf("duplicated position: %v", err)
	}
	hostErr := errors.New("host ranking broke")
	_, err := Rank([]Position{good}, mark, func(Position, decimal.Decimal) (decimal.Decimal, error) { return decimal.Zero, hostErr })
	if !errors.Is(err, hostErr) || !errors.Is(err, ErrInvalidInput) {
		t.Errorf("host ranking error: %v", err)
	}
	_, err = Rank([]Position{good}, mark, func(Position, decimal.Decimal) (decimal.Decimal, error) { return absurd, nil })
	if !errors.Is(err, ErrInvalidInput) {
		t.Errorf("absurd host score: %v", err)
	}
	bankrupt := Position{Account: "b", Size: d("-1"), EntryPrice: d("100"), BankruptcyPrice: d("105")}
	for name, req := range map[string]DeleverageRequest{
		"candidate is the bankrupt account": {Bankrupt: bankrupt, Mark: mark, Candidates: []Position{with(func(p *Position) { p.Account = "b" })}},
		"size above the position":           {Bankrupt: bankrupt, Mark: mark, Candidates: []Position{good}, Size: d("2")},
		"negative size":                     {Bankrupt: bankrupt, Mark: mark, Candidates: []Position{good}, Size: d("-1")},
		"zero mark":                         {Bankrupt: bankrupt, Mark: d("0"), Candidates: []Position{good}},
		"bad same-side candidate":           {Bankrupt: bankrupt, Mark: mark, Candidates: []Position{{Account: "s", Size: d("-1"), EntryPrice: d("0")}}},
	} {
		if _, err := Deleverage(req); !errors.Is(err, ErrInvalidInput) {
			t.Errorf("%s: %v", name, err)
		}
		if req.Size.Sign() != 0 {
			continue // ADLSettings ignores Request.Size
		}
		if _, err := NewADLLayer(ADLSettings{Request: req}); !errors.Is(err, ErrInvalidInput) {
			t.Errorf("ADL layer, %s: %v", name, err)
		}
	}
}

func TestAdversarialWaterfall(t *testing.T) {
	fund, _ := NewInsuranceFund(FundSettings{Unit: d("0.01")})
	_, _ = fund.Deposit(t0.Add(time.Hour), "", "shared", d("100"), "fees", "")
	def, _ := NewDefaulterLayer("bob", d("10"), d("1"))
	social, _ := NewSocialLayer("social", []Balance{{"w1", d("5")}, {"w2", d("7")}}, d("0.01"))
	j := NewJournal()
	w, err := New(Settings{Layers: []Layer{def, fund.Layer("BTC"), social}, Unit: d("0.01"), Journal: j})
	if err != nil {
		t.Fatal(err)
	}
	state := func() string {
		return snapJSON(t, []any{def.Snapshot(), fund.Snapshot(), social.Snapshot(), j.Snapshot()})
	}
	now := t0.Add(2 * time.Hour)
	for name, call := range map[string]func() error{
		"negative loss":          func() error { _, err := w.Cover(now, Claim{ID: "x", Amount: d("-1")}); return err },
		"absurd loss":            func() error { _, err := w.Cover(now, Claim{ID: "x", Amount: absurd}); return err },
		"loss finer than a unit": func() error { _, err := w.Cover(now, Claim{ID: "x", Amount: d("0.001")}); return err },
		"time travel":            func() error { _, err := w.Cover(t0.Add(-time.Hour), Claim{ID: "x", Amount: d("1")}); return err },
		"loss in the defaulter's margin account": func() error {
			_, err := w.Cover(now, Claim{ID: "x", Amount: d("1"), Account: "margin:bob"})
			return err
		},
		"loss in a fund's account": func() error {
			_, err := w.Cover(now, Claim{ID: "x", Amount: d("1"), Account: "insurance:shared"})
			return err
		},
	} {
		before := state()
		if err := call(); !errors.Is(err, ErrInvalidInput) {
			t.Errorf("%s: %v", name, err)
		}
		if state() != before {
			t.Errorf("%s changed state", name)
		}
	}
	// Bad layer lists.
	for name, layers := range map[string][]Layer{
		"empty":           nil,
		"duplicated":      {def, def},
		"same fund twice": {fund.Layer("BTC"), fund.Layer("ETH")},
		"nil":             {def, nil},
	} {
		if _, err := New(Settings{Layers: layers}); !errors.Is(err, ErrInvalidSettings) && !errors.Is(err, ErrDuplicateID) {
			t.Errorf("%s layer list: %v", name, err)
		}
	}
	// Per-loss layers reject bad construction.
	if _, err := NewDefaulterLayer("bob", d("-1"), d("0")); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("negative margin: %v", err)
	}
	if _, err := NewDefaulterLayer("bob", d("0"), absurd); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("absurd penalty: %v", err)
	}
	if _, err := NewSocialLayer("s", []Balance{{"a", d("1")}, {"a", d("2")}}, d("0.01")); !errors.Is(err, ErrDuplicateID) {
		t.Errorf("duplicated social account: %v", err)
	}
	if _, err := NewSharedPosition(d("0")); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("zero shared position: %v", err)
	}
}

func TestAdversarialProRata(t *testing.T) {
	for name, call := range map[string]func() error{
		"negative total":  func() error { _, err := proRataExact(d("-1"), []decimal.Decimal{d("1")}, 2); return err },
		"negative weight": func() error { _, err := proRataExact(d("1"), []decimal.Decimal{d("-1"), d("2")}, 2); return err },
		"zero weights":    func() error { _, err := proRataExact(d("1"), []decimal.Decimal{d("0"), d("0")}, 2); return err },
		"no weights":      func() error { _, err := proRataExact(d("1"), nil, 2); return err },
		"absurd weight":   func() error { _, err := proRataExact(d("1"), []decimal.Decimal{absurd}, 2); return err },
		"too-fine total":  func() error { _, err := proRataExact(d("0.001"), []decimal.Decimal{d("1")}, 2); return err },
		"caps too small": func() error {
			_, err := proRataCapped(d("3"), []decimal.Decimal{d("1")}, []decimal.Decimal{d("2")}, 2)
			return err
		},
		"negative cap": func() error {
			_, err := proRataCapped(d("1"), []decimal.Decimal{d("1")}, []decimal.Decimal{d("-2")}, 2)
			return err
		},
		"lengths differ": func() error { _, err := proRataCapped(d("1"), []decimal.Decimal{d("1")}, nil, 2); return err },
		"negative loss":  func() error { _, err := Socialise(d("-1"), nil, 2); return err },
		"empty account":  func() error { _, err := Socialise(d("1"), []Balance{{"", d("1")}}, 2); return err },
		"absurd balance": func() error { _, err := Socialise(d("1"), []Balance{{"a", absurd}}, 2); return err },
	} {
		if err := call(); !errors.Is(err, ErrInvalidInput) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestAdversarialLayerSnapshots(t *testing.T) {
	ps := PoolSettings{Providers: []Provider{{"P1", d("1000")}, {"P2", d("500")}}, Unit: d("0.01"), SizeUnit: d("1")}
	for name, snap := range map[string]PoolSnapshot{
		"missing provider":    {Remaining: []Provider{{"P1", d("1")}}},
		"unknown provider":    {Remaining: []Provider{{"P1", d("1")}, {"P3", d("1")}}},
		"repeated provider":   {Remaining: []Provider{{"P1", d("1")}, {"P1", d("1")}}},
		"above commitment":    {Remaining: []Provider{{"P1", d("1000.01")}, {"P2", d("1")}}},
		"negative remaining":  {Remaining: []Provider{{"P1", d("-1")}, {"P2", d("1")}}},
		"finer than the unit": {Remaining: []Provider{{"P1", d("0.001")}, {"P2", d("1")}}},
		"absurd remaining":    {Remaining: []Provider{{"P1", absurd}, {"P2", d("1")}}},
	} {
		if _, err := RestoreBackstopPool(ps, snap); !errors.Is(err, ErrBadSnapshot) {
			t.Errorf("pool, %s: %v", name, err)
		}
	}
	if _, err := RestoreDefaulterLayer(DefaulterSnapshot{Account: "bob", Margin: d("-1")}); !errors.Is(err, ErrBadSnapshot) {
		t.Errorf("defaulter negative margin: %v", err)
	}
	if _, err := RestoreSharedPosition(SharedSnapshot{Remaining: d("-1")}); !errors.Is(err, ErrBadSnapshot) {
		t.Errorf("negative shared position: %v", err)
	}
	for name, snap := range map[string]SocialSnapshot{
		"duplicated account":    {Accounts: []Balance{{"a", d("1")}, {"a", d("1")}}},
		"haircut of a stranger": {Accounts: []Balance{{"a", d("1")}}, Haircuts: []Haircut{{"b", d("1")}}},
		"negative haircut":      {Accounts: []Balance{{"a", d("1")}}, Haircuts: []Haircut{{"a", d("-1")}}},
		"absurd amount":         {Accounts: []Balance{{"a", absurd}}},
	} {
		if _, err := RestoreSocialLayer("s", d("0.01"), snap); !errors.Is(err, ErrBadSnapshot) {
			t.Errorf("social, %s: %v", name, err)
		}
	}
	p, _ := NewBackstopPool(ps)
	tk := Takeover{ID: "t", Account: "x", Size: d("10"), Price: d("100")}
	for name, snap := range map[string]BLPLayerSnapshot{
		"remaining + taken ≠ size": {Remaining: d("10"), Assignments: []Assignment{{"P1", d("2"), d("200")}}},
		"wrong side":               {Remaining: d("12"), Assignments: []Assignment{{"P1", d("-2"), d("200")}}},
		"unknown provider":         {Remaining: d("8"), Assignments: []Assignment{{"P9", d("2"), d("200")}}},
		"finer than the lot":       {Remaining: d("8.5"), Assignments: []Assignment{{"P1", d("1.5"), d("150")}}},
		"more than the position":   {Remaining: d("0"), Assignments: []Assignment{{"P1", d("11"), d("1100")}}},
	} {
		if _, err := p.RestoreBLPLayer(tk, d("90"), nil, snap); !errors.Is(err, ErrBadSnapshot) {
			t.Errorf("BLP layer, %s: %v", name, err)
		}
	}
}
