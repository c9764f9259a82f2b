package main

import (
	"os"
	"strings"
	"testing"
)

// TestWiringSnippetIsVerbatim keeps the README's quick start and the root
// doc.go honest: both quote Venue.Step as "the real wiring code", so the
// quotes must match step.go exactly.
func TestWiringSnippetIsVerbatim(t *testing.T) {
	src, err := os.ReadFile("../../stress/perp/step.go")
	if err != nil {
		t.Fatal(err)
	}
	i := strings.Index(string(src), "func (v *Venue) Step")
	if i < 0 {
		t.Fatal("stress/perp/step.go has no Venue.Step")
	}
	step := strings.TrimRight(string(src[i:]), "\n")

	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(readme), step) {
		t.Error("README.md does not quote Venue.Step verbatim: copy step.go's function into the quick start")
	}

	doc, err := os.ReadFile("../../doc.go")
	if err != nil {
		t.Fatal(err)
	}
	var quoted []string
	for _, line := range strings.Split(step, "\n") {
		if strings.TrimSpace(line) == "" {
			quoted = append(quoted, "//")
		} else {
			quoted = append(quoted, "//\t"+line)
		}
	}
	if !strings.Contains(string(doc), strings.Join(quoted, "\n")) {
		t.Error("doc.go does not quote Venue.Step verbatim: copy step.go's function into the tour")
	}
	if n := strings.Count(step, "\n") + 1; n > 40 {
		t.Errorf("Venue.Step is %d lines; the quick start promises under 40", n)
	}
}
