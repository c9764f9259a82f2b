// Package fixed is the library's one fixed-point kernel: exact decimal
// arithmetic on int64 coefficients (m × 10^e) and 128-bit products, for the
// hot paths that would otherwise allocate a shopspring decimal per
// operation.
//
// Every operation reports ok=false instead of overflowing or losing a digit;
// the caller then falls back to the exact decimal path, so the kernel only
// ever changes speed, never an answer. Division and rounding take the named
// directions of internal/num (Floor, Ceil, Trunc, HalfEven) and agree with
// num.Div and num.Round digit for digit; fixed_test.go checks every
// operation against exact rational arithmetic (math/big.Rat).
//
// The package is internal: decimal.Decimal stays the public type.
package fixed
