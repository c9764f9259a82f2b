module github.com/failsafe-fi/failsafe

go 1.23

require (
	github.com/google/go-cmp v0.7.0
	github.com/shopspring/decimal v1.5.0
	github.com/sony/gobreaker/v2 v2.0.0
	golang.org/x/time v0.5.0
	pgregory.net/rapid v1.2.0
)
