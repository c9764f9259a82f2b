package stress

import (
	"strconv"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
)

// Number formatting of the reports: decimal and integer only, so the text
// is the same on every machine.

// groupInt writes n with thousands separators: 1234567 → "1,234,567".
func groupInt(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// money writes an amount rounded to the nearest cent (ties to even) with
// thousands separators: 1234567.891 → "1,234,567.89".
func money(d decimal.Decimal) string { return moneyR(d, num.HalfEven) }

// moneyR writes an amount as money does, rounded to the cent in direction
// r (an interval's bounds round outward).
func moneyR(d decimal.Decimal, r num.Rounding) string {
	d = num.Round(d, 2, r)
	s := d.StringFixed(2)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	ip, fp, _ := strings.Cut(s, ".")
	i, err := strconv.ParseInt(ip, 10, 64)
	out := ip
	if err == nil {
		out = groupInt(i)
	}
	if neg {
		out = "-" + out
	}
	return out + "." + fp
}

// compact writes an amount in three significant-ish figures with a unit:
// 1234567 → "1.23M", 45210 → "45.2k", 812.5 → "812.50". Rounded to the
// nearest (ties to even).
func compact(d decimal.Decimal) string { return compactR(d, num.HalfEven) }

// compactR writes an amount as compact does, rounded in direction r (an
// interval's bounds round outward).
func compactR(d decimal.Decimal, r num.Rounding) string {
	a := d.Abs()
	for _, u := range []struct {
		exp  int32
		name string
	}{{12, "T"}, {9, "B"}, {6, "M"}, {3, "k"}} {
		if a.Cmp(decimal.New(1, u.exp)) >= 0 {
			v := d.Shift(-u.exp)
			places := int32(2)
			if a.Cmp(decimal.New(1, u.exp+2)) >= 0 {
				places = 0
			} else if a.Cmp(decimal.New(1, u.exp+1)) >= 0 {
				places = 1
			}
			return num.Round(v, places, r).StringFixed(places) + u.name
		}
	}
	return moneyR(d, r)
}

// pct writes a fraction as a percentage to places decimals, rounded to the
// nearest: 0.031 → "3.1%".
func pct(f decimal.Decimal, places int32) string {
	return num.Round(f.Shift(2), places, num.HalfEven).StringFixed(places) + "%"
}

// pctDown and pctUp write an interval's bounds to places decimals,
// rounded outward (down and up), so the printed interval contains the
// computed one.
func pctDown(f decimal.Decimal, places int32) string {
	return num.Round(f.Shift(2), places, num.Floor).StringFixed(places) + "%"
}

func pctUp(f decimal.Decimal, places int32) string {
	return num.Round(f.Shift(2), places, num.Ceil).StringFixed(places) + "%"
}
