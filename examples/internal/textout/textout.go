// Package textout holds the two text helpers the example programs'
// reports share: a writer that remembers its first error, so a report
// prints freely and checks once at the end, and a word wrapper for the
// narrative paragraphs. It is internal to the examples and no part of the
// library's API.
package textout

import (
	"fmt"
	"io"
	"strings"
)

// Writer writes formatted text to an io.Writer and remembers the first
// write error; after one, every later Printf is a no-op. Not safe for
// concurrent use.
type Writer struct {
	w   io.Writer
	err error
}

// New returns a Writer writing to w.
func New(w io.Writer) *Writer { return &Writer{w: w} }

// Printf writes like fmt.Fprintf unless an earlier write failed.
func (o *Writer) Printf(format string, args ...any) {
	if o.err == nil {
		_, o.err = fmt.Fprintf(o.w, format, args...)
	}
}

// Err is the first write error, or nil.
func (o *Writer) Err() error { return o.err }

// Wrap breaks text into lines of at most width runes, at spaces; runs of
// whitespace become one space, and a word longer than width gets a line
// of its own.
func Wrap(text string, width int) string {
	var b strings.Builder
	n := 0
	for i, word := range strings.Fields(text) {
		l := len([]rune(word))
		if i > 0 && n+1+l > width {
			b.WriteByte('\n')
			n = 0
		} else if i > 0 {
			b.WriteByte(' ')
			n++
		}
		b.WriteString(word)
		n += l
	}
	return b.String()
}
