package portfolio

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/fixed"
	"github.com/failsafe-fi/failsafe/internal/num"
)

// GroupResult is one group's (combined commodity's) requirement.
type GroupResult struct {
	// Group is the group name.
	Group string `json:"group"`
	// Losses are the group's covered losses per scenario (gains negative),
	// each rounded up at the Engine's scale.
	Losses []decimal.Decimal `json:"losses"`
	// Worst is the index of the scenario with the largest loss (the first
	// on a tie); −1 when no scenario loses.
	Worst int `json:"worst"`
	// WorstScenario is that scenario's name ("" when Worst is −1).
	WorstScenario string `json:"worst_scenario"`
	// ScanRisk is max(0, largest loss).
	ScanRisk decimal.Decimal `json:"scan_risk"`
	// InterMonth is the inter-month spread charge, rounded up.
	InterMonth decimal.Decimal `json:"inter_month"`
	// InterCommodityCredit is the inter-commodity credit, rounded down.
	InterCommodityCredit decimal.Decimal `json:"inter_commodity_credit"`
	// ShortOptionMinimum is the short option minimum, rounded up.
	ShortOptionMinimum decimal.Decimal `json:"short_option_minimum"`
	// Requirement is max(ScanRisk + InterMonth − InterCommodityCredit,
	// ShortOptionMinimum).
	Requirement decimal.Decimal `json:"requirement"`
}

// Result is a book's portfolio requirement with the scenario that drives
// it.
type Result struct {
	// Maintenance is max(Σ group requirements + Contingency, BookWorst):
	// credits never take it below the worst whole-book scenario loss.
	// Rounded up at the Engine's scale.
	Maintenance decimal.Decimal `json:"maintenance"`
	// Initial is Maintenance × InitialFactor, rounded up.
	Initial decimal.Decimal `json:"initial"`
	// Groups are the groups the book holds, in the order their underlyings
	// are listed in the Settings.
	Groups []GroupResult `json:"groups"`
	// Contingency is the contingency charge, rounded up.
	Contingency decimal.Decimal `json:"contingency"`
	// Losses are the whole book's covered losses per scenario (every group
	// moved by the same scenario at once), each rounded up.
	Losses []decimal.Decimal `json:"losses"`
	// Worst is the index of the whole book's worst scenario, −1 when none
	// loses; WorstScenario its name.
	Worst         int    `json:"worst"`
	WorstScenario string `json:"worst_scenario"`
	// BookWorst is max(0, largest of Losses).
	BookWorst decimal.Decimal `json:"book_worst"`
}

// Requirement computes the portfolio requirement of a book: for each group
// of underlyings, every scenario of the grid moves prices and volatilities,
// every position is revalued (options with Black-76, futures linearly or
// inversely, risk arrays as published), and the worst covered loss is the
// group's scan risk; add-ons follow (AddOns). Positions in the same
// instrument are netted first. Errors wrap ErrInvalidInput,
// ErrUnknownInstrument, ErrMissingMark or ErrRange; nothing is margined at
// a guessed value.
func (e *Engine) Requirement(now time.Time, positions []Position, m Marks) (Result, error) {
	b, err := e.prepare(now, positions, m)
	if err != nil {
		return Result{}, err
	}
	return e.requirement(now, b)
}

func (e *Engine) requirement(now time.Time, b *book) (Result, error) {
	n := len(e.sc)
	ng := len(e.groups)
	arrays := make([][]decimal.Decimal, ng) // risk-array gains per group and scenario
	var k kern
	for j, np := range b.net {
		in := e.insts[np.inst]
		u := &b.unders[b.uPos[e.instUnder[np.inst]]]
		switch in.Kind {
		case RiskArray:
			g := e.groupOf[u.idx]
			if arrays[g] == nil {
				arrays[g] = make([]decimal.Decimal, n)
			}
			for s := range n {
				arrays[g][s] = arrays[g][s].Add(np.size.Mul(in.Array[s]))
			}
			continue
		case Future:
			q := np.size.Mul(in.ContractSize)
			qN, qOK := fixed.FromDecimal(q)
			for s := range n {
				if in.Inverse {
					u.invf[s].add(qN, qOK, q, wOne-u.invS[s])
				} else {
					u.lin[s].add(qN, qOK, q, u.s[s]-wOne)
				}
			}
			continue
		}
		q := np.size.Mul(in.ContractSize)
		qN, qOK := fixed.FromDecimal(q)
		sr0, err := e.optSeries(&k, in, u, yearsTo(now, in.Expiry, 0), b.rate)
		if err != nil {
			return Result{}, err
		}
		w0 := sr0.value(&k, wOne, 0, b.vols[j])
		sr1 := sr0
		if la := e.grid.LookAheadSeconds; la > 0 {
			sr1.years = yearsTo(now, in.Expiry, la)
			sr1.sqrtT = k.sqrt(sr1.years)
			if b.rate != 0 {
				sr1.df = k.exp(-k.mul(b.rate, sr1.years))
			}
		}
		vols := e.shocked(&k, b.vols[j], sr1.years)
		for s, sc := range e.sc {
			v := sr1.value(&k, u.s[s], u.ls[s], vols[sc.vol])
			if in.Inverse {
				u.coin[s].add(qN, qOK, q, k.div(v, u.s[s])-w0)
			} else {
				u.lin[s].add(qN, qOK, q, v-w0)
			}
		}
		if k.bad {
			return Result{}, fmt.Errorf("%w: instrument %q", ErrRange, in.ID)
		}
	}
	return e.collect(now, b, arrays)
}

// collect turns the per-underlying sums into losses, applies coverage and
// the add-ons.
func (e *Engine) collect(now time.Time, b *book, arrays [][]decimal.Decimal) (Result, error) {
	n := len(e.sc)
	ng := len(e.groups)
	held := make([]bool, ng)
	for _, u := range b.unders {
		held[e.groupOf[u.idx]] = true
	}
	// Model gains per group and scenario, before coverage.
	model := make([][]decimal.Decimal, ng)
	for _, u := range b.unders {
		g := e.groupOf[u.idx]
		if model[g] == nil {
			model[g] = make([]decimal.Decimal, n)
		}
		for s := range n {
			gain := u.lin[s].value().Mul(u.price).Add(u.coin[s].value())
			if u.invf[s].spilled || u.invf[s].v != 0 {
				gain = gain.Add(num.Div(u.invf[s].value(), u.price, accScale, num.Floor))
			}
			model[g][s] = model[g][s].Add(gain)
		}
	}
	r := Result{Losses: make([]decimal.Decimal, n), Worst: -1}
	book := make([]decimal.Decimal, n)
	deltas, err := e.deltas(now, b)
	if err != nil {
		return Result{}, err
	}
	var groups []GroupResult
	for g := range ng {
		if !held[g] {
			continue
		}
		gr := GroupResult{Group: e.groups[g], Losses: make([]decimal.Decimal, n), Worst: -1}
		worst := decimal.Zero
		for s, sc := range e.sc {
			gain := model[g][s]
			if !sc.full {
				gain = gain.Mul(sc.coverage)
			}
			if arrays[g] != nil {
				gain = gain.Add(arrays[g][s])
			}
			loss := gain.Neg()
			book[s] = book[s].Add(loss)
			gr.Losses[s] = num.Round(loss, e.scale, num.Ceil)
			if loss.Cmp(worst) > 0 {
				worst, gr.Worst = loss, s
			}
		}
		gr.ScanRisk = num.Round(worst, e.scale, num.Ceil)
		if gr.Worst >= 0 {
			gr.WorstScenario = e.grid.Scenarios[gr.Worst].Name
		}
		gr.InterMonth = e.interMonth(deltas, g)
		gr.ShortOptionMinimum = e.shortOptionMinimum(b, g)
		groups = append(groups, gr)
	}
	e.interCommodity(groups, deltas)
	total := decimal.Zero
	for i := range groups {
		gr := &groups[i]
		gr.Requirement = decimal.Max(gr.ScanRisk.Add(gr.InterMonth).Sub(gr.InterCommodityCredit), gr.ShortOptionMinimum)
		total = total.Add(gr.Requirement)
	}
	r.Groups = groups
	worst := decimal.Zero
	for s := range n {
		r.Losses[s] = num.Round(book[s], e.scale, num.Ceil)
		if book[s].Cmp(worst) > 0 {
			worst, r.Worst = book[s], s
		}
	}
	if r.Worst >= 0 {
		r.WorstScenario = e.grid.Scenarios[r.Worst].Name
	}
	r.BookWorst = num.Round(worst, e.scale, num.Ceil)
	r.Contingency = e.contingency(b)
	r.Maintenance = decimal.Max(total.Add(r.Contingency), r.BookWorst)
	r.Initial = num.MulRound(r.Maintenance, e.initial, e.scale, num.Ceil)
	return r, nil
}
