// Command stress runs a venue model through thousands of seeded scenarios
// with the failsafe stress harness and answers, with 95% confidence
// intervals, how often the insurance fund runs dry and how bad the 99th
// percentile of bad debt is.
//
//	go run ./examples/stress -model toy -scenarios 1000
//	go run ./examples/stress -sweep leverage=2,5,10,20 -sweep fund=0,20000 -chart sweep.png
//	go run ./examples/stress -shard 0/4 -out part-0.json   # … then -merge 'part-*.json'
//
// See README.md for the report, the sweep chart, the shard recipes
// (Kubernetes indexed Job, Slurm array) and how to add a model.
package main
