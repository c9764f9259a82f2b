package cli

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"golang.org/x/term"
)

// Progress is one status line on a terminal ("tick 42 of at most 168 …"),
// redrawn in place on standard error. When standard error is not a
// terminal (piped, redirected, a test) it prints nothing at all, so the
// program's output stays exactly what it was. Its clock only throttles
// redrawing; nothing it does reaches the simulation. Safe for concurrent
// use.
type Progress struct {
	mu    sync.Mutex
	tty   io.Writer // nil: off
	line  string
	drawn time.Time
	shown bool
}

// NewProgress returns a Progress on standard error, off unless standard
// error is a terminal.
func NewProgress() *Progress {
	p := &Progress{}
	if term.IsTerminal(int(os.Stderr.Fd())) {
		p.tty = os.Stderr
	}
	return p
}

// On reports whether the progress line is shown at all.
func (p *Progress) On() bool { return p != nil && p.tty != nil }

// Set replaces the status line; it is redrawn at most ten times a second.
func (p *Progress) Set(format string, args ...any) {
	if !p.On() {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.line = fmt.Sprintf(format, args...)
	if now := time.Now(); now.Sub(p.drawn) >= 100*time.Millisecond {
		p.drawn = now
		p.draw()
	}
}

// Done clears the status line for good.
func (p *Progress) Done() {
	if !p.On() {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.clear()
	p.line = ""
}

// Writer wraps w (the program's standard output) so that a line written
// there does not land in the middle of the status line: the status is
// cleared first and redrawn after. When the progress is off it returns w.
func (p *Progress) Writer(w io.Writer) io.Writer {
	if !p.On() {
		return w
	}
	return writerFunc(func(b []byte) (int, error) {
		p.mu.Lock()
		defer p.mu.Unlock()
		p.clear()
		n, err := w.Write(b)
		if p.line != "" {
			p.draw()
		}
		return n, err
	})
}

func (p *Progress) draw() {
	fmt.Fprintf(p.tty, "\r\033[K%s", p.line)
	p.shown = true
}

func (p *Progress) clear() {
	if p.shown {
		fmt.Fprint(p.tty, "\r\033[K")
		p.shown = false
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(b []byte) (int, error) { return f(b) }
