package portfolio

import (
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
	// Maintenance is max(Σ requirements of the groups in no product group
	// + Σ product group requirements + Contingency, BookWorst): credits
	// and offsets never take it below the worst whole-book scenario loss.
	// Rounded up at the Engine's scale.
	Maintenance decimal.Decimal `json:"maintenance"`
	// Initial is Maintenance × InitialFactor, rounded up.
	Initial decimal.Decimal `json:"initial"`
	// Groups are the groups the book holds, in the order their underlyings
	// are listed in the Settings.
	Groups []GroupResult `json:"groups"`
	// ProductGroups are the TIMS product groups the book holds
	// (AddOns.ProductGroups), in the order they are configured.
	ProductGroups []ProductGroupResult `json:"product_groups,omitempty"`
	// Contingency is the contingency charge, rounded up.
	Contingency decimal.Decimal `json:"contingency"`
	// Losses are the whole book's covered losses per scenario (every group
	// moved by the same scenario at once), each rounded up.
	Losses []decimal.Decimal `json:"losses"`
	// Worst is the index of the whole book's worst scenario, −1 when none
	// loses.
	Worst int `json:"worst"`
	// WorstScenario is that scenario's name ("" when Worst is −1).
	WorstScenario string `json:"worst_scenario"`
	// BookWorst is max(0, largest of Losses).
	BookWorst decimal.Decimal `json:"book_worst"`
}

// Requirement computes the portfolio requirement of a book: for each group
// of underlyings, every scenario of the grid moves prices and volatilities,
// every position is revalued (options with Black-76, futures linearly or
// inversely, risk arrays as published), and the worst covered loss is the
// group's scan risk; add-ons follow (AddOns). Positions in the same
// instrument are netted first. It is Arrays for the book's instruments
// followed by Arrays.Requirement. Errors wrap ErrInvalidInput,
// ErrUnknownInstrument or ErrMissingMark (bad input only); an option
// beyond the pricer's range is valued by its bounds in the venue's favour
// (bounds.go), never refused.
func (e *Engine) Requirement(now time.Time, positions []Position, m Marks) (Result, error) {
	ids := make([]string, 0, len(positions))
	for _, p := range positions {
		ids = append(ids, p.Instrument)
	}
	if len(ids) == 0 {
		if err := checkNow(now); err != nil {
			return Result{}, err
		}
		return e.emptyResult(), nil
	}
	a, err := e.Arrays(now, m, ids...)
	if err != nil {
		return Result{}, err
	}
	return a.Requirement(positions)
}

// emptyResult is the requirement of a book with no positions.
func (e *Engine) emptyResult() Result {
	r := Result{Losses: make([]decimal.Decimal, len(e.sc)), Worst: -1}
	return r
}

// Requirement sums the book's positions over the precomputed arrays and
// applies coverage and add-ons; see Engine.Requirement. Positions must be
// in instruments these Arrays valued (ErrMissingMark otherwise).
func (a *Arrays) Requirement(positions []Position) (Result, error) {
	b, err := a.netBook(positions)
	if err != nil {
		return Result{}, err
	}
	e := a.e
	n := len(e.sc)
	arrays := make([][]decimal.Decimal, len(e.groups)) // risk-array gains per group and scenario
	for _, np := range b.net {
		in := e.insts[np.inst]
		bu := &b.unders[b.uPos[e.instUnder[np.inst]]]
		if in.Kind == RiskArray {
			g := e.groupOf[bu.u.idx]
			if arrays[g] == nil {
				arrays[g] = make([]decimal.Decimal, n)
			}
			for s := range n {
				arrays[g][s] = arrays[g][s].Add(np.size.Mul(in.Array[s]))
			}
			continue
		}
		q := np.size.Mul(in.ContractSize)
		qN, qOK := fixed.FromDecimal(q)
		target := bu.lin
		switch {
		case in.Kind == Future && in.Inverse:
			target = bu.invf
		case in.Kind == Option && in.Inverse:
			target = bu.coin
		}
		if bnd := a.arr[np.inst].bnd; bnd != nil {
			for s := range n {
				bu.coin[s].addDec(q, bnd.gainOf(s, np.size))
			}
			continue
		}
		gain := a.arr[np.inst].gain
		for s := range n {
			target[s].add(qN, qOK, q, gain[s])
		}
	}
	return a.collect(b, arrays)
}

// collect turns the per-underlying sums into losses, applies coverage and
// the add-ons.
func (a *Arrays) collect(b *book, arrays [][]decimal.Decimal) (Result, error) {
	e := a.e
	n := len(e.sc)
	ng := len(e.groups)
	held := make([]bool, ng)
	for _, bu := range b.unders {
		held[e.groupOf[bu.u.idx]] = true
	}
	// Model gains per group and scenario, before coverage: exact, in the
	// kernel while they fit (xsum).
	model := make([][]xsum, ng)
	for _, bu := range b.unders {
		u := bu.u
		g := e.groupOf[u.idx]
		if model[g] == nil {
			model[g] = make([]xsum, n)
		}
		for s := range n {
			ms := &model[g][s]
			lin, coin := &bu.lin[s], &bu.coin[s]
			// lin × price + coin
			if !lin.spilled && u.priceOK {
				p, ok := fixed.Mul(fixed.Num{M: lin.v, E: -accScale}, u.priceN)
				ms.add(p, ok, func() decimal.Decimal { return lin.value().Mul(u.price) })
			} else {
				ms.add(fixed.Num{}, false, func() decimal.Decimal { return lin.value().Mul(u.price) })
			}
			ms.add(fixed.Num{M: coin.v, E: -accScale}, !coin.spilled, coin.value)
			if inv := &bu.invf[s]; inv.spilled || inv.v != 0 {
				// invf / price, rounded down at accScale (the same quotient
				// in the kernel or in decimal: both correctly rounded).
				q, ok := fixed.Num{}, false
				if !inv.spilled && u.priceOK {
					q, ok = fixed.Div(fixed.Num{M: inv.v, E: -accScale}, u.priceN, accScale, num.Floor)
				}
				ms.add(q, ok, func() decimal.Decimal { return num.Div(inv.value(), u.price, accScale, num.Floor) })
			}
		}
	}
	r := Result{Losses: make([]decimal.Decimal, n), Worst: -1}
	book := make([]xsum, n)
	deltas := a.deltas(b)
	var groups []GroupResult
	var pgLoss [][]decimal.Decimal // exact losses per group, for product groups
	if len(e.addOns.ProductGroups) > 0 {
		pgLoss = make([][]decimal.Decimal, ng)
	}
	for g := range ng {
		if !held[g] {
			continue
		}
		gr := GroupResult{Group: e.groups[g], Losses: make([]decimal.Decimal, n), Worst: -1}
		var worst xsum // zero
		for s, sc := range e.sc {
			loss := model[g][s]
			if !sc.full {
				loss.mul(sc.coverageN, sc.coverageOK, sc.coverage)
			}
			if arrays[g] != nil {
				loss.add(fixed.Num{}, false, func() decimal.Decimal { return arrays[g][s] })
			}
			loss.neg()
			book[s].addX(&loss)
			if pgLoss != nil {
				if pgLoss[g] == nil {
					pgLoss[g] = make([]decimal.Decimal, n)
				}
				pgLoss[g][s] = loss.value()
			}
			gr.Losses[s] = loss.roundUp(e.scale)
			if loss.cmp(&worst) > 0 {
				worst, gr.Worst = loss, s
			}
		}
		gr.ScanRisk = worst.roundUp(e.scale)
		if gr.Worst >= 0 {
			gr.WorstScenario = e.grid.Scenarios[gr.Worst].Name
		}
		gr.InterMonth = e.interMonth(deltas, g)
		gr.ShortOptionMinimum = e.shortOptionMinimum(b, g)
		groups = append(groups, gr)
	}
	e.interCommodity(groups, deltas)
	total := decimal.Zero
	var byGroup []*GroupResult
	if pgLoss != nil {
		byGroup = make([]*GroupResult, ng)
	}
	for i := range groups {
		gr := &groups[i]
		gr.Requirement = decimal.Max(gr.ScanRisk.Add(gr.InterMonth).Sub(gr.InterCommodityCredit), gr.ShortOptionMinimum)
		g := e.groupIdx[gr.Group]
		if byGroup != nil {
			byGroup[g] = gr
		}
		if e.pgOf[g] < 0 {
			total = total.Add(gr.Requirement)
		}
	}
	if pgLoss != nil {
		r.ProductGroups = e.productGroups(pgLoss, byGroup)
		for _, pr := range r.ProductGroups {
			total = total.Add(pr.Requirement)
		}
	}
	r.Groups = groups
	var worst xsum // zero
	for s := range n {
		r.Losses[s] = book[s].roundUp(e.scale)
		if book[s].cmp(&worst) > 0 {
			worst, r.Worst = book[s], s
		}
	}
	if r.Worst >= 0 {
		r.WorstScenario = e.grid.Scenarios[r.Worst].Name
	}
	r.BookWorst = worst.roundUp(e.scale)
	r.Contingency = a.contingency(b)
	r.Maintenance = decimal.Max(total.Add(r.Contingency), r.BookWorst)
	r.Initial = num.MulRound(r.Maintenance, e.initial, e.scale, num.Ceil)
	return r, nil
}
