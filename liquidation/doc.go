// Package liquidation plans liquidations and runs the auctions that sell
// seized collateral: Dutch (falling price, MakerDAO Liquidations 2.0),
// English (two-phase, Maker Flipper / Kava) and sealed-bid batch.
//
// Like every failsafe package it is a pure state machine: the host passes
// the time, owns I/O and money movements, and acts on the values returned.
package liquidation
