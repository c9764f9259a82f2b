module github.com/failsafe-fi/failsafe/examples

go 1.23

require (
	github.com/failsafe-fi/failsafe v0.0.0-00010101000000-000000000000
	github.com/google/go-cmp v0.7.0
	github.com/shopspring/decimal v1.5.0
	pgregory.net/rapid v1.2.0
)

require (
	github.com/sony/gobreaker/v2 v2.0.0 // indirect
	golang.org/x/time v0.5.0 // indirect
)

// The programs build against the library in this repository, with or without
// the workspace (go.work) at the root.
replace github.com/failsafe-fi/failsafe => ../
