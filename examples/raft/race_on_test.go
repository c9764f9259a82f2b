//go:build race

package main

// Under the race detector (CI's second test pass) the drill runs a tenth
// of its schedules: the full 200 run in the pass without it.
const raceDetector = true
