package textout

import (
	"errors"
	"strings"
	"testing"
)

func TestWrap(t *testing.T) {
	tests := []struct {
		name, in string
		width    int
		want     string
	}{
		{"fits", "a bc", 4, "a bc"},
		{"breaks at the space", "ab cd ef", 5, "ab cd\nef"},
		{"runes, not bytes", "€€ €€", 5, "€€ €€"},
		{"long word alone", "a abcdef b", 3, "a\nabcdef\nb"},
		{"whitespace collapses", "  a \n b  ", 10, "a b"},
		{"empty", "", 5, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Wrap(tc.in, tc.width); got != tc.want {
				t.Errorf("Wrap(%q, %d) = %q, want %q", tc.in, tc.width, got, tc.want)
			}
		})
	}
}

// failAfter accepts n writes, then fails every one.
type failAfter struct {
	n   int
	buf strings.Builder
}

func (f *failAfter) Write(p []byte) (int, error) {
	if f.n == 0 {
		return 0, errors.New("disk full")
	}
	f.n--
	return f.buf.Write(p)
}

func TestWriterKeepsFirstError(t *testing.T) {
	f := &failAfter{n: 1}
	o := New(f)
	o.Printf("%d ", 1)
	o.Printf("%d ", 2)
	o.Printf("%d ", 3)
	if o.Err() == nil || f.buf.String() != "1 " {
		t.Fatalf("err %v, wrote %q", o.Err(), f.buf.String())
	}
}
