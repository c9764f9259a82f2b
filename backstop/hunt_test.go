package backstop

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

// Issue 10's hunt: every exported function and method of backstop that
// takes host input, with the bad inputs tried for each — absurd decimals
// (1e9999, an exponent near 2³¹, 1e-40, −0), zero and negative where
// positive is needed, huge scales, typed-nil and nil interfaces, empty and
// duplicate IDs, zero and backwards times, inconsistent snapshots. Every
// row must be refused with its sentinel within milliseconds, the error must
// say "backstop:" exactly once (one sentinel, wrapped once), nothing may
// panic, and the state of every object (Snapshot JSON) must be identical
// before and after. Rows that are accepted by design say so (want nil).

var (
	huge     = decimal.New(1, 9999)          // 1e9999
	hugeExp  = decimal.New(1, math.MaxInt32) // formatting it would hang
	tiny     = decimal.New(1, -40)           // 1e-40, finer than num.MaxScale
	negZero  = decimal.RequireFromString("-0")
	tinyExp  = decimal.New(1, math.MinInt32+1)
	zeroTime time.Time
)

type huntRow struct {
	entry, input string
	call         func() error
	want         error // nil: accepted by design
}

func TestHuntEveryEntryPoint(t *testing.T) {
	def, fund, pool, blp, adl, social, layerState := exchangeLayers(t)
	j := NewJournal()
	w, err := New(Settings{Layers: []Layer{def, fund.Layer("x"), blp, adl, social}, Unit: d("0.01"), Journal: j})
	if err != nil {
		t.Fatal(err)
	}
	later := t0.Add(time.Hour)
	if _, err := w.Cover(later, Claim{ID: "done", Amount: d("1")}); err != nil {
		t.Fatal(err)
	}
	df, _ := NewDefaultFund(issueFundSettings())
	if _, err := df.Contribute(later, "", "A", d("1")); err != nil {
		t.Fatal(err)
	}
	if _, err := df.Cover(later, Default{ID: "seen", Member: "C", Loss: d("1")}); err != nil {
		t.Fatal(err)
	}
	shared, _ := NewSharedPosition(d("5"))
	state := func() string {
		return layerState() + snapJSON(t, []any{w.Snapshot(), j.Snapshot(), df.Snapshot(), shared.Snapshot()})
	}
	now := later.Add(time.Minute)
	cover := func(c Claim, at time.Time) func() error {
		return func() error { _, err := w.Cover(at, c); return err }
	}
	var typedNil *DefaulterLayer
	var nilBLP *BLPLayer
	goodPos := Position{Account: "a", Size: d("1"), EntryPrice: d("100"), BankruptcyPrice: d("50")}
	adlReq := DeleverageRequest{Bankrupt: Position{Account: "liq", Size: d("-1"), EntryPrice: d("100"), BankruptcyPrice: d("110")}, Mark: d("120"), Candidates: []Position{goodPos}}
	goodFundSnap := fund.Snapshot()
	goodDFSnap := df.Snapshot()
	fs := FundSettings{Funds: []FundSpec{{ID: "f", Floor: d("10")}}, Unit: d("0.01")}
	ps := PoolSettings{Providers: []Provider{{"P1", d("1500")}, {"P2", d("1000")}}, Unit: d("0.01"), SizeUnit: d("1")}
	tk := Takeover{ID: "t2", Account: "bad", Size: d("1"), Price: d("500")}

	rows := []huntRow{
		// New(Settings)
		{"New", "no layers", func() error { _, err := New(Settings{}); return err }, ErrInvalidSettings},
		{"New", "nil layer", func() error { _, err := New(Settings{Layers: []Layer{def, nil}}); return err }, ErrInvalidSettings},
		{"New", "typed-nil layer (*DefaulterLayer)(nil) (panicked before)", func() error { _, err := New(Settings{Layers: []Layer{typedNil}}); return err }, ErrInvalidSettings},
		{"New", "typed-nil layer (*BLPLayer)(nil)", func() error { _, err := New(Settings{Layers: []Layer{def, nilBLP}}); return err }, ErrInvalidSettings},
		{"New", "duplicate layer", func() error { _, err := New(Settings{Layers: []Layer{def, def}}); return err }, ErrDuplicateID},
		{"New", "unit 1e9999", func() error { _, err := New(Settings{Layers: []Layer{def}, Unit: huge}); return err }, ErrInvalidSettings},
		{"New", "unit with exponent 2³¹−1", func() error { _, err := New(Settings{Layers: []Layer{def}, Unit: hugeExp}); return err }, ErrInvalidSettings},
		{"New", "unit 1e-40", func() error { _, err := New(Settings{Layers: []Layer{def}, Unit: tiny}); return err }, ErrInvalidSettings},
		{"New", "unit −0.01", func() error { _, err := New(Settings{Layers: []Layer{def}, Unit: d("-0.01")}); return err }, ErrInvalidSettings},
		{"New", "unit 0.05 (not a power of ten)", func() error { _, err := New(Settings{Layers: []Layer{def}, Unit: d("0.05")}); return err }, ErrInvalidSettings},
		// Waterfall.Cover
		{"Waterfall.Cover", "empty claim ID", cover(Claim{Amount: d("1")}, now), ErrInvalidInput},
		{"Waterfall.Cover", "claim ID not valid UTF-8 (JSON would merge it with another)", cover(Claim{ID: "\xff", Amount: d("1")}, now), ErrInvalidInput},
		{"Waterfall.Cover", "loss account not valid UTF-8", cover(Claim{ID: "n", Amount: d("1"), Account: "\x8c"}, now), ErrInvalidInput},
		{"Waterfall.Cover", "covered ID, other amount", cover(Claim{ID: "done", Amount: d("2")}, now), ErrDuplicateID},
		{"Waterfall.Cover", "covered ID, same claim (idempotent: first allocation)", cover(Claim{ID: "done", Amount: d("1")}, now), nil},
		{"Waterfall.Cover", "amount 1e9999", cover(Claim{ID: "n", Amount: huge}, now), ErrInvalidInput},
		{"Waterfall.Cover", "amount exponent 2³¹−1", cover(Claim{ID: "n", Amount: hugeExp}, now), ErrInvalidInput},
		{"Waterfall.Cover", "amount exponent −2³¹+1", cover(Claim{ID: "n", Amount: tinyExp}, now), ErrInvalidInput},
		{"Waterfall.Cover", "amount 1e-40", cover(Claim{ID: "n", Amount: tiny}, now), ErrInvalidInput},
		{"Waterfall.Cover", "amount −1", cover(Claim{ID: "n", Amount: d("-1")}, now), ErrInvalidInput},
		{"Waterfall.Cover", "amount finer than the unit", cover(Claim{ID: "n", Amount: d("0.001")}, now), ErrInvalidInput},
		{"Waterfall.Cover", "zero time", cover(Claim{ID: "n", Amount: d("1")}, zeroTime), ErrInvalidInput},
		{"Waterfall.Cover", "time before the journal's last entry", cover(Claim{ID: "n", Amount: d("1")}, t0), ErrInvalidInput},
		{"Waterfall.Cover", "loss account in a payer namespace", cover(Claim{ID: "n", Amount: d("1"), Account: "insurance:f"}, now), ErrInvalidInput},
		// RestoreWaterfall
		{"RestoreWaterfall", "claim with an absurd loss", func() error {
			s := roundTrip(t, w.Snapshot())
			s.Claims[0].Claim.Amount, s.Claims[0].Allocation.Loss = hugeExp, hugeExp
			_, err := RestoreWaterfall(Settings{Layers: []Layer{def, fund.Layer("x"), blp, adl, social}, Unit: d("0.01")}, s)
			return err
		}, ErrBadSnapshot},
		{"RestoreWaterfall", "claim ID twice", func() error {
			s := roundTrip(t, w.Snapshot())
			s.Claims = append(s.Claims, s.Claims[0])
			_, err := RestoreWaterfall(Settings{Layers: []Layer{def, fund.Layer("x"), blp, adl, social}, Unit: d("0.01")}, s)
			return err
		}, ErrBadSnapshot},
		// NewInsuranceFund / Deposit / Draw / lookups / Restore
		{"NewInsuranceFund", "floor 1e9999", func() error {
			_, err := NewInsuranceFund(FundSettings{Funds: []FundSpec{{ID: "f", Floor: huge}}})
			return err
		}, ErrInvalidSettings},
		{"NewInsuranceFund", "empty fund ID", func() error { _, err := NewInsuranceFund(FundSettings{Funds: []FundSpec{{}}}); return err }, ErrInvalidSettings},
		{"NewInsuranceFund", "duplicate fund", func() error {
			_, err := NewInsuranceFund(FundSettings{Funds: []FundSpec{{ID: "f"}, {ID: "f"}}})
			return err
		}, ErrDuplicateID},
		{"NewInsuranceFund", "market to an undeclared fund", func() error {
			_, err := NewInsuranceFund(FundSettings{Markets: map[string]string{"BTC": "zz"}})
			return err
		}, ErrInvalidSettings},
		{"InsuranceFund.Deposit", "amount exponent 2³¹−1", func() error { _, err := fund.Deposit(now, "", "f", hugeExp, "fees", ""); return err }, ErrInvalidInput},
		{"InsuranceFund.Deposit", "amount 1e-40", func() error { _, err := fund.Deposit(now, "", "f", tiny, "fees", ""); return err }, ErrInvalidInput},
		{"InsuranceFund.Deposit", "amount −0", func() error { _, err := fund.Deposit(now, "", "f", negZero, "fees", ""); return err }, ErrInvalidInput},
		{"InsuranceFund.Deposit", "zero time", func() error { _, err := fund.Deposit(zeroTime, "", "f", d("1"), "fees", ""); return err }, ErrInvalidInput},
		{"InsuranceFund.Deposit", "backwards time", func() error { _, err := fund.Deposit(t0.Add(-time.Hour), "", "f", d("1"), "fees", ""); return err }, ErrInvalidInput},
		{"InsuranceFund.Deposit", "payer account not valid UTF-8", func() error { _, err := fund.Deposit(now, "", "f", d("1"), "\xff", ""); return err }, ErrInvalidInput},
		{"InsuranceFund.Deposit", "empty fund ID", func() error { _, err := fund.Deposit(now, "", "", d("1"), "fees", ""); return err }, ErrUnknownID},
		{"InsuranceFund.Draw", "amount 1e9999", func() error { _, err := fund.Draw(now, "", "f", huge, "loss", ""); return err }, ErrInvalidInput},
		{"InsuranceFund.Draw", "zero time", func() error { _, err := fund.Draw(zeroTime, "", "f", d("1"), "loss", ""); return err }, ErrInvalidInput},
		{"InsuranceFund.Draw", "the floor itself", func() error { _, err := fund.Draw(now, "", "f", d("90.01"), "loss", ""); return err }, ErrBelowFloor},
		{"InsuranceFund.FundLayer", "unknown fund", func() error { _, err := fund.FundLayer("zz"); return err }, ErrUnknownID},
		{"InsuranceFund.Balance", "unknown fund", func() error { _, err := fund.Balance("zz"); return err }, ErrUnknownID},
		{"InsuranceFund.Available", "empty fund", func() error { _, err := fund.Available(""); return err }, ErrUnknownID},
		{"InsuranceFund.History", "unknown fund", func() error { _, err := fund.History("zz"); return err }, ErrUnknownID},
		{"RestoreInsuranceFund", "journal entry touching no fund", func() error {
			s := roundTrip(t, goodFundSnap)
			s.Journal.Entries = append(s.Journal.Entries, Entry{Seq: uint64(len(s.Journal.Entries) + 1), Time: later, From: "a", To: "b", Amount: d("1")})
			_, err := RestoreInsuranceFund(fs, s)
			return err
		}, ErrBadSnapshot},
		{"RestoreInsuranceFund", "balance exponent 2³¹−1", func() error {
			s := roundTrip(t, goodFundSnap)
			s.Funds[0].Balance = hugeExp
			_, err := RestoreInsuranceFund(fs, s)
			return err
		}, ErrBadSnapshot},
		// DefaultFund
		{"NewDefaultFund", "no members", func() error { _, err := NewDefaultFund(DefaultFundSettings{}); return err }, ErrInvalidSettings},
		{"NewDefaultFund", "assessment multiple 1e9999", func() error {
			_, err := NewDefaultFund(DefaultFundSettings{Members: []MemberSpec{{ID: "A"}}, Assessment: AssessmentRule{Multiple: huge}})
			return err
		}, ErrInvalidSettings},
		{"NewDefaultFund", "contribution 1e-40", func() error {
			_, err := NewDefaultFund(DefaultFundSettings{Members: []MemberSpec{{ID: "A", Contribution: tiny}}})
			return err
		}, ErrInvalidSettings},
		{"DefaultFund.Cover", "empty default ID", func() error { _, err := df.Cover(now, Default{Member: "D", Loss: d("1")}); return err }, ErrInvalidInput},
		{"DefaultFund.Cover", "default ID not valid UTF-8 (FuzzDefaultFundCover: \\x8c and \\xff restored as one)", func() error { _, err := df.Cover(now, Default{ID: "\x8c", Member: "D", Loss: d("1")}); return err }, ErrInvalidInput},
		{"DefaultFund.Cover", "covered ID again with a loss exponent 2³¹−1 (compared before it was bounded)", func() error {
			_, err := df.Cover(now, Default{ID: "seen", Member: "C", Loss: hugeExp})
			return err
		}, ErrInvalidInput},
		{"DefaultFund.Cover", "loss exponent 2³¹−1", func() error { _, err := df.Cover(now, Default{ID: "x", Member: "D", Loss: hugeExp}); return err }, ErrInvalidInput},
		{"DefaultFund.Cover", "zero time", func() error { _, err := df.Cover(zeroTime, Default{ID: "x", Member: "D", Loss: d("1")}); return err }, ErrInvalidInput},
		{"DefaultFund.Cover", "backwards time", func() error { _, err := df.Cover(t0, Default{ID: "x", Member: "D", Loss: d("1")}); return err }, ErrInvalidInput},
		{"DefaultFund.Cover", "duplicate gains", func() error {
			_, err := df.Cover(now, Default{ID: "x", Member: "D", Loss: d("1"), VariationGains: []Balance{{"A", d("1")}, {"A", d("1")}}})
			return err
		}, ErrInvalidInput},
		{"DefaultFund.Contribute", "zero time", func() error { _, err := df.Contribute(zeroTime, "", "A", d("1")); return err }, ErrInvalidInput},
		{"DefaultFund.Contribute", "amount 1e9999", func() error { _, err := df.Contribute(now, "", "A", huge); return err }, ErrInvalidInput},
		{"DefaultFund.Contribute", "empty member", func() error { _, err := df.Contribute(now, "", "", d("1")); return err }, ErrUnknownID},
		{"RestoreDefaultFund", "entry touching no member", func() error {
			s := roundTrip(t, goodDFSnap)
			s.Journal.Entries = append(s.Journal.Entries, Entry{Seq: uint64(len(s.Journal.Entries) + 1), Time: later, From: "x", To: "y", Amount: d("1")})
			_, err := RestoreDefaultFund(issueFundSettings(), s)
			return err
		}, ErrBadSnapshot},
		{"RestoreDefaultFund", "defaulted member without its default", func() error {
			s := roundTrip(t, goodDFSnap)
			s.Members[0].Defaulted = true
			_, err := RestoreDefaultFund(issueFundSettings(), s)
			return err
		}, ErrBadSnapshot},
		// BackstopPool
		{"NewBackstopPool", "no providers", func() error { _, err := NewBackstopPool(PoolSettings{}); return err }, ErrInvalidSettings},
		{"NewBackstopPool", "duplicate provider", func() error {
			_, err := NewBackstopPool(PoolSettings{Providers: []Provider{{"P", d("1")}, {"P", d("1")}}})
			return err
		}, ErrDuplicateID},
		{"NewBackstopPool", "capacity exponent 2³¹−1", func() error {
			_, err := NewBackstopPool(PoolSettings{Providers: []Provider{{"P", hugeExp}}})
			return err
		}, ErrInvalidSettings},
		{"BackstopPool.TakeOver", "size exponent 2³¹−1", func() error {
			_, err := pool.TakeOver(now, Takeover{ID: "t", Account: "x", Size: hugeExp, Price: d("1")})
			return err
		}, ErrInvalidInput},
		{"BackstopPool.TakeOver", "price 0", func() error {
			_, err := pool.TakeOver(now, Takeover{ID: "t", Account: "x", Size: d("1"), Price: d("0")})
			return err
		}, ErrInvalidInput},
		{"BackstopPool.TakeOver", "size −0", func() error {
			_, err := pool.TakeOver(now, Takeover{ID: "t", Account: "x", Size: negZero, Price: d("1")})
			return err
		}, ErrInvalidInput},
		{"BackstopPool.TakeOver", "zero time", func() error { _, err := pool.TakeOver(zeroTime, tk); return err }, ErrInvalidInput},
		{"BackstopPool.Layer", "mark 1e-40", func() error { _, err := pool.Layer(tk, tiny); return err }, ErrInvalidInput},
		{"BackstopPool.SharedLayer", "shared larger than the takeover", func() error { _, err := pool.SharedLayer(tk, d("480"), shared); return err }, ErrInvalidInput},
		{"RestoreBackstopPool", "remaining above capacity", func() error {
			_, err := RestoreBackstopPool(ps, PoolSnapshot{Remaining: []Provider{{"P1", d("1501")}, {"P2", d("1")}}})
			return err
		}, ErrBadSnapshot},
		{"BackstopPool.RestoreBLPLayer", "assignment of an unknown provider", func() error {
			s := roundTrip(t, blp.Snapshot())
			s.Assignments = append(s.Assignments, Assignment{Provider: "zz", Size: d("1"), Notional: d("500")})
			_, err := pool.RestoreBLPLayer(tk, d("480"), nil, s)
			return err
		}, ErrBadSnapshot},
		{"BackstopPool.RestoreBLPLayer", "remaining size exponent 2³¹−1 (was formatted into the error: hung)", func() error {
			_, err := pool.RestoreBLPLayer(tk, d("480"), nil, BLPLayerSnapshot{Remaining: hugeExp})
			return err
		}, ErrBadSnapshot},
		// Built-in layers' Absorb, called directly by a host.
		{"DefaulterLayer.Absorb", "amount exponent 2³¹−1", func() error { _, _, err := def.Absorb(now, hugeExp, "loss"); return err }, ErrInvalidInput},
		{"DefaulterLayer.Absorb", "above capacity", func() error { _, _, err := def.Absorb(now, d("12"), "loss"); return err }, ErrOverCapacity},
		{"DefaulterLayer.Absorb", "empty loss account", func() error { _, _, err := def.Absorb(now, d("1"), ""); return err }, ErrInvalidInput},
		{"DefaulterLayer.Absorb", "zero time", func() error { _, _, err := def.Absorb(zeroTime, d("1"), "loss"); return err }, ErrInvalidInput},
		{"SocialLayer.Absorb", "amount exponent 2³¹−1 (formatted into its error before)", func() error { _, _, err := social.Absorb(now, hugeExp, "loss"); return err }, ErrInvalidInput},
		{"SocialLayer.Absorb", "amount −1", func() error { _, _, err := social.Absorb(now, d("-1"), "loss"); return err }, ErrInvalidInput},
		{"SocialLayer.Absorb", "empty loss account", func() error { _, _, err := social.Absorb(now, d("1"), ""); return err }, ErrInvalidInput},
		{"ADLLayer.Absorb", "amount 1e-40", func() error { _, _, err := adl.Absorb(now, tiny, "loss"); return err }, ErrInvalidInput},
		{"ADLLayer.Absorb", "empty loss account", func() error { _, _, err := adl.Absorb(now, d("1"), ""); return err }, ErrInvalidInput},
		{"BLPLayer.Absorb", "amount 1e9999", func() error { _, _, err := blp.Absorb(now, huge, "loss"); return err }, ErrInvalidInput},
		{"BLPLayer.Absorb", "zero time", func() error { _, _, err := blp.Absorb(zeroTime, d("1"), "loss"); return err }, ErrInvalidInput},
		{"InsuranceFund.Layer().Absorb", "empty loss account", func() error { _, _, err := fund.Layer("x").Absorb(now, d("1"), ""); return err }, ErrInvalidInput},
		// Per-loss layers' constructors and restores
		{"NewDefaulterLayer", "empty account", func() error { _, err := NewDefaulterLayer("", d("1"), d("1")); return err }, ErrInvalidInput},
		{"NewDefaulterLayer", "margin 1e9999", func() error { _, err := NewDefaulterLayer("a", huge, d("1")); return err }, ErrInvalidInput},
		{"RestoreDefaulterLayer", "penalty −1", func() error {
			_, err := RestoreDefaulterLayer(DefaulterSnapshot{Account: "a", Margin: d("1"), Penalty: d("-1")})
			return err
		}, ErrBadSnapshot},
		{"NewSocialLayer", "duplicate account", func() error {
			_, err := NewSocialLayer("s", []Balance{{"a", d("1")}, {"a", d("1")}}, d("0.01"))
			return err
		}, ErrDuplicateID},
		{"NewSocialLayer", "empty ID", func() error { _, err := NewSocialLayer("", nil, d("0.01")); return err }, ErrInvalidSettings},
		{"RestoreSocialLayer", "haircut of an unknown account", func() error {
			_, err := RestoreSocialLayer("s", d("0.01"), SocialSnapshot{Accounts: []Balance{{"a", d("1")}}, Haircuts: []Haircut{{"z", d("1")}}})
			return err
		}, ErrBadSnapshot},
		{"NewADLLayer", "mark 0", func() error {
			r := adlReq
			r.Mark = d("0")
			_, err := NewADLLayer(ADLSettings{Request: r})
			return err
		}, ErrInvalidInput},
		{"NewADLLayer", "duplicate candidate", func() error {
			r := adlReq
			r.Candidates = []Position{goodPos, goodPos}
			_, err := NewADLLayer(ADLSettings{Request: r})
			return err
		}, ErrDuplicateID},
		{"RestoreADLLayer", "fill of an unranked account", func() error {
			_, err := RestoreADLLayer(ADLSettings{Request: adlReq}, ADLSnapshot{Queue: nil, Remaining: d("1"), Fills: []Fill{{Account: "zz", Closed: d("1"), Price: d("110")}}})
			return err
		}, ErrBadSnapshot},
		{"RestoreADLLayer", "fill price exponent 2³¹−1 (compared before it was bounded: hung)", func() error {
			_, err := RestoreADLLayer(ADLSettings{Request: adlReq}, ADLSnapshot{Remaining: d("1"), Fills: []Fill{{Account: "a", Closed: d("1"), Price: hugeExp}}})
			return err
		}, ErrBadSnapshot},
		{"RestoreADLLayer", "queue entry price exponent 2³¹−1 (hung)", func() error {
			q := Ranked{Position: goodPos, Score: d("1")}
			q.Position.EntryPrice = hugeExp
			_, err := RestoreADLLayer(ADLSettings{Request: adlReq}, ADLSnapshot{Remaining: d("1"), Queue: []Ranked{q}})
			return err
		}, ErrBadSnapshot},
		{"RestoreADLLayer", "remaining exponent 2³¹−1 (formatted into the error: hung)", func() error {
			_, err := RestoreADLLayer(ADLSettings{Request: adlReq}, ADLSnapshot{Remaining: hugeExp})
			return err
		}, ErrBadSnapshot},
		{"NewSharedPosition", "size −0", func() error { _, err := NewSharedPosition(negZero); return err }, ErrInvalidInput},
		{"NewSharedPosition", "size exponent 2³¹−1", func() error { _, err := NewSharedPosition(hugeExp); return err }, ErrInvalidInput},
		{"RestoreSharedPosition", "remaining −1", func() error { _, err := RestoreSharedPosition(SharedSnapshot{Remaining: d("-1")}); return err }, ErrBadSnapshot},
		// Ranking and deleveraging
		{"Deleverage", "size above the bankrupt position", func() error {
			r := adlReq
			r.Size = d("2")
			_, err := Deleverage(r)
			return err
		}, ErrInvalidInput},
		{"Deleverage", "bankrupt size 1e9999", func() error {
			r := adlReq
			r.Bankrupt.Size = huge
			_, err := Deleverage(r)
			return err
		}, ErrInvalidInput},
		{"Rank", "mark exponent 2³¹−1 with a host ranking (reached the host before)", func() error {
			_, err := Rank([]Position{goodPos}, hugeExp, func(Position, decimal.Decimal) (decimal.Decimal, error) { return d("1"), nil })
			return err
		}, ErrInvalidInput},
		{"Rank", "host ranking returns an absurd score", func() error {
			_, err := Rank([]Position{goodPos}, d("1"), func(Position, decimal.Decimal) (decimal.Decimal, error) { return hugeExp, nil })
			return err
		}, ErrInvalidInput},
		{"Rank", "host ranking fails", func() error {
			_, err := Rank([]Position{goodPos}, d("1"), func(Position, decimal.Decimal) (decimal.Decimal, error) { return decimal.Zero, errHostDown })
			return err
		}, ErrInvalidInput},
		{"BitMEXRank", "entry price −0", func() error {
			p := goodPos
			p.EntryPrice = negZero
			_, err := BitMEXRank(p, d("1"))
			return err
		}, ErrInvalidInput},
		{"BitMEXRank", "mark at the bankruptcy price", func() error { _, err := BitMEXRank(goodPos, d("50")); return err }, ErrInvalidInput},
		// Pro-rata helpers
		{"ProRata", "scale 1e9 (hung)", func() error { _, err := proRataExact(d("1"), []decimal.Decimal{d("1")}, 1e9); return err }, ErrInvalidInput},
		{"ProRata", "weight 1e9999", func() error { _, err := proRataExact(d("1"), []decimal.Decimal{huge}, 2); return err }, ErrInvalidInput},
		{"ProRata", "weights sum to zero", func() error { _, err := proRataExact(d("1"), []decimal.Decimal{d("0")}, 2); return err }, ErrInvalidInput},
		{"proRataCapped", "lengths differ", func() error { _, err := proRataCapped(d("1"), []decimal.Decimal{d("1")}, nil, 2); return err }, ErrInvalidInput},
		{"proRataCapped", "total above the caps", func() error {
			_, err := proRataCapped(d("2"), []decimal.Decimal{d("1")}, []decimal.Decimal{d("1")}, 2)
			return err
		}, ErrInvalidInput},
		{"Socialise", "scale 1e8 (hung)", func() error { _, err := Socialise(d("1"), []Balance{{"a", d("1")}}, 1e8); return err }, ErrInvalidInput},
		{"Socialise", "scale −1e9", func() error { _, err := Socialise(d("1"), []Balance{{"a", d("1")}}, -1e9); return err }, ErrInvalidInput},
		{"Socialise", "empty account", func() error { _, err := Socialise(d("1"), []Balance{{"", d("1")}}, 2); return err }, ErrInvalidInput},
		// Journal and checks
		{"Journal.Record", "zero time", func() error { return NewJournal().Record(zeroTime, Movement{From: "a", To: "b", Amount: d("1")}) }, ErrInvalidInput},
		{"Journal.Record", "amount exponent 2³¹−1", func() error { return NewJournal().Record(now, Movement{From: "a", To: "b", Amount: hugeExp}) }, ErrInvalidInput},
		{"Journal.Record", "to itself", func() error { return NewJournal().Record(now, Movement{From: "a", To: "a", Amount: d("1")}) }, ErrInvalidInput},
		{"Journal.Record", "backwards time", func() error { return j.Record(t0, Movement{From: "a", To: "b", Amount: d("1")}) }, ErrInvalidInput},
		{"RestoreJournal", "seq out of order", func() error {
			_, err := RestoreJournal(JournalSnapshot{Entries: []Entry{{Seq: 2, Time: now, From: "a", To: "b", Amount: d("1")}}})
			return err
		}, ErrBadSnapshot},
		{"CheckAllocation", "drawn exponent 2³¹−1 (formatted before)", func() error {
			return CheckAllocation(Allocation{Loss: d("1"), Residual: d("0"), Draws: []Draw{{Layer: "l", Capacity: hugeExp, Drawn: hugeExp}}})
		}, ErrInvariant},
		{"CheckInvariants", "allocation with an absurd residual", func() error { return CheckInvariants(nil, Allocation{Loss: d("1"), Residual: hugeExp}) }, ErrInvariant},
	}
	for _, r := range rows {
		t.Run(r.entry+"/"+r.input, func(t *testing.T) {
			before := state()
			start := time.Now()
			err := r.call()
			if took := time.Since(start); took > 500*time.Millisecond {
				t.Errorf("took %v", took)
			}
			if r.want == nil {
				if err != nil {
					t.Fatalf("accepted by design, got %v", err)
				}
			} else {
				if !errors.Is(err, r.want) {
					t.Fatalf("error %v, want %v", err, r.want)
				}
				if n := strings.Count(err.Error(), "backstop:"); n != 1 {
					t.Errorf("%q says \"backstop:\" %d times, want once", err, n)
				}
			}
			if after := state(); after != before {
				t.Fatalf("changed state:\nbefore %s\nafter  %s", before, after)
			}
		})
	}
}
