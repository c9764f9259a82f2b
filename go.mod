module github.com/failsafe-fi/failsafe

go 1.23

require (
	github.com/google/go-cmp v0.7.0 // indirect
	github.com/shopspring/decimal v1.5.0 // indirect
	github.com/sony/gobreaker/v2 v2.0.0 // indirect
	golang.org/x/time v0.5.0 // indirect
	pgregory.net/rapid v1.2.0 // indirect
)
