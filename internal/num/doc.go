// Package num holds the decimal arithmetic that every failsafe package
// shares, so that one rule is written once:
//
//   - division at an explicit scale with a named rounding direction
//     (shopspring's Decimal.Div silently rounds to a global 16 places, so no
//     failsafe package calls it);
//   - validation of decimals that come from a host, so that an absurd
//     exponent cannot make later arithmetic allocate gigabytes;
//   - exact pro-rata allocation by the largest-remainder rule, so that shares
//     always sum to the whole.
//
// Rounding in the venue's favour means: amounts the venue receives or
// requires (requirements, debts, fees, penalties) round with [Ceil]; amounts
// the venue pays out or credits (collateral values, payouts, proceeds)
// round with [Floor]. Both directions are toward an infinity, not toward
// zero, so a negative PnL credited to a trader also rounds against the
// trader.
package num
