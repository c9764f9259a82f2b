// Package testkit holds what the tests of every failsafe package share: a
// go-cmp option that compares decimals by value, rapid generators for
// decimals, and exact rational conversions to check rounding against.
//
// It is imported only by _test.go files, so library users never compile it.
package testkit

import (
	"math/big"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

// EquateDecimals makes cmp.Diff compare decimals by value, so 1.50 equals
// 1.5.
var EquateDecimals = cmp.Comparer(func(a, b decimal.Decimal) bool { return a.Equal(b) })

// D parses a decimal literal for tests, panicking on a typo.
func D(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// Decimal draws a decimal with exactly scale places in [lo, hi], where lo
// and hi are given in whole units of 10^-scale (so Decimal(1, 500, 2) draws
// from 0.01 to 5.00). Small values and the bounds are drawn more often, as
// rapid does for integers.
func Decimal(lo, hi int64, scale int32) *rapid.Generator[decimal.Decimal] {
	return rapid.Custom(func(t *rapid.T) decimal.Decimal {
		return decimal.New(rapid.Int64Range(lo, hi).Draw(t, "units"), -scale)
	})
}

// Price draws a positive price from 0.0001 to 1,000,000.0000.
func Price() *rapid.Generator[decimal.Decimal] {
	return Decimal(1, 10_000_000_000, 4)
}

// Amount draws a non-negative amount from 0 to 10,000,000.00.
func Amount() *rapid.Generator[decimal.Decimal] {
	return Decimal(0, 1_000_000_000, 2)
}

// Rat returns d as an exact rational number.
func Rat(d decimal.Decimal) *big.Rat { return d.Rat() }

// RatDecimal returns the exact rational a / b of two decimals.
func RatDecimal(a, b decimal.Decimal) *big.Rat {
	return new(big.Rat).Quo(a.Rat(), b.Rat())
}
