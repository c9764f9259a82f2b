package cli

import (
	"bytes"
	"errors"
	"flag"
	"strings"
	"testing"
)

func TestPlural(t *testing.T) {
	for _, c := range []struct {
		n    int
		want string
	}{{0, "0 quotes"}, {1, "1 quote"}, {2, "2 quotes"}} {
		if got := Plural(c.n, "quote"); got != c.want {
			t.Errorf("Plural(%d) = %q, want %q", c.n, got, c.want)
		}
	}
	if got := Plural(3, "child", "children"); got != "3 children" {
		t.Errorf("irregular plural: %q", got)
	}
}

// -h is exit 0 after the header and the flags; a bad value or a stray
// argument is a UsageError, exit 2; any other failure exit 1.
func TestParseAndReport(t *testing.T) {
	fs := NewFlagSet("prog", "prog — does a thing.\n\nUsage: prog [flags]")
	n := fs.Int("n", 1, "a number")
	var help bytes.Buffer
	fs.SetOutput(&help)
	err := Parse(fs, []string{"-h"})
	if !errors.Is(err, flag.ErrHelp) || Report(&bytes.Buffer{}, "prog", err) != 0 {
		t.Errorf("-h: %v", err)
	}
	for _, args := range [][]string{{"-n", "x"}, {"-m", "1"}, {"stray"}} {
		var out bytes.Buffer
		err := Parse(fs, args)
		if code := Report(&out, "prog", err); code != ExitUsage || !strings.HasPrefix(out.String(), "prog: ") || !strings.Contains(out.String(), "prog -h") {
			t.Errorf("%v: exit %d, %q", args, code, out.String())
		}
	}
	if err := Parse(fs, []string{"-n", "7"}); err != nil || *n != 7 {
		t.Errorf("-n 7: %v, %d", err, *n)
	}
	if code := Report(&bytes.Buffer{}, "prog", errors.New("disk full")); code != 1 {
		t.Errorf("a run error exits %d, want 1", code)
	}
	if code := Report(&bytes.Buffer{}, "prog", nil); code != 0 {
		t.Errorf("success exits %d", code)
	}
}

// Off a terminal (as under go test) the progress line prints nothing and
// hands the writer back unchanged.
func TestProgressOffTerminal(t *testing.T) {
	p := &Progress{}
	var out bytes.Buffer
	if w := p.Writer(&out); w != &out {
		t.Error("Writer wrapped w with the progress off")
	}
	p.Set("tick %d", 1)
	p.Done()
	if p.On() {
		t.Error("on without a terminal")
	}
}

func TestHelpText(t *testing.T) {
	fs := NewFlagSet("prog", "prog — does a thing.")
	fs.Int("n", 1, "a number")
	var help bytes.Buffer
	fs.SetOutput(&help)
	if err := Parse(fs, []string{"-help"}); !errors.Is(err, flag.ErrHelp) {
		t.Fatal(err)
	}
	if s := help.String(); !strings.HasPrefix(s, "prog — does a thing.\n\nFlags:\n") || !strings.Contains(s, "-n int") {
		t.Errorf("help:\n%s", s)
	}
}
