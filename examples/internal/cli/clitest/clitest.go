// Package clitest runs an example program's main, as a user would, from
// its own tests: the test binary re-executes itself with the program's
// arguments and reports the output and the exit code.
package clitest

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"testing"
)

// envRun marks the re-executed test binary that must run main.
const envRun = "FAILSAFE_EXAMPLE_RUN_MAIN"

// Main is the program's TestMain: in the re-executed binary it runs main
// with the arguments it was given (and exits 0 if main returns), else it
// runs the tests.
func Main(m *testing.M, main func()) {
	if os.Getenv(envRun) == "1" {
		os.Args = append([]string{os.Args[0]}, os.Args[1:]...)
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// Run runs the program's main with args in a child process and returns
// what it printed and its exit code.
func Run(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, args...)
	cmd.Env = append(os.Environ(), envRun+"=1")
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err = cmd.Run()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		code = exit.ExitCode()
	case err != nil:
		t.Fatal(err)
	}
	return out.String(), errOut.String(), code
}
