// Package cli is the command-line manners the example programs share: a
// usage header before the flags, bad flags refused with a clear message
// and exit code 2, and a progress line on a terminal that stays silent when
// the output is piped. It is internal to the examples and no part of the
// library's API.
package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
)

// ExitUsage is the exit code of a refused command line (as flag's own
// parse errors and most Unix tools use).
const ExitUsage = 2

// UsageError is a command line the program refuses: a flag out of range,
// a value that does not parse, a stray argument.
type UsageError struct{ Msg string }

func (e *UsageError) Error() string { return e.Msg }

// Errorf returns a UsageError with a formatted message.
func Errorf(format string, args ...any) error {
	return &UsageError{Msg: fmt.Sprintf(format, args...)}
}

// NewFlagSet returns a flag set for the program name whose -h prints the
// header (what the program does, how to run it), then the flags. Parse
// errors are returned, not fatal, so that Parse can report them its way.
func NewFlagSet(name, header string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.Usage = func() {
		out := fs.Output()
		fmt.Fprintln(out, strings.TrimSpace(header))
		fmt.Fprintln(out, "\nFlags:")
		fs.PrintDefaults()
	}
	return fs
}

// Parse parses args into fs and refuses positional arguments; -h and
// -help return flag.ErrHelp after printing the usage. The flag package's
// own complaint (an unknown flag, a value that does not parse) is printed
// by fs to its output; Parse returns it as a UsageError.
func Parse(fs *flag.FlagSet, args []string) error {
	out := fs.Output()
	fs.SetOutput(io.Discard) // the flag package prints usage on every error: too much
	err := fs.Parse(args)
	fs.SetOutput(out)
	switch {
	case errors.Is(err, flag.ErrHelp):
		fs.Usage()
		return err
	case err != nil:
		return &UsageError{Msg: err.Error()}
	case fs.NArg() > 0:
		return Errorf("unexpected argument %q (every option is a flag; see -h)", fs.Arg(0))
	}
	return nil
}

// Exit ends the program after a failed Parse or check: 0 after -h, 2
// (ExitUsage) with "name: message" and a pointer to -h for a UsageError,
// 1 for any other error.
func Exit(name string, err error) {
	os.Exit(Report(os.Stderr, name, err))
}

// Report writes err for the program name to w as Exit would and returns
// the exit code.
func Report(w io.Writer, name string, err error) int {
	var ue *UsageError
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &ue):
		fmt.Fprintf(w, "%s: %s\nRun '%s -h' for the flags and their ranges.\n", name, ue.Msg, name)
		return ExitUsage
	default:
		fmt.Fprintf(w, "%s: %v\n", name, err)
		return 1
	}
}

// Plural returns "1 quote" or "n quotes": n with noun, made plural by
// adding s (or with the plural given) unless n is 1.
func Plural(n int, noun string, plural ...string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, noun)
	}
	if len(plural) > 0 {
		return fmt.Sprintf("%d %s", n, plural[0])
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
