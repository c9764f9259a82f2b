package main

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/examples/internal/cli"
	"github.com/failsafe-fi/failsafe/stress/perp"
)

// usage is the header of -h: what the program does and how to run it.
const usage = `cascade — a flash crash on a perpetual futures venue, told step by step.

1,000 traders hold BTC-PERP at 30,000. The price falls 35% in ten minutes
and wins back 40% of the drop; one oracle source spikes, another goes stale.
Every ten simulated seconds the whole risk stack runs — oracle, breaker,
margin, liquidation (Dutch auctions against keepers with finite cash),
backstop (insurance fund, auto-deleveraging, socialised loss) — and the
program prints what each did, then a table of who paid for the losses and a
conservation line exact to the smallest unit. Same flags, same output.

Usage:
  go run ./examples/cascade [flags]

Examples:
  go run ./examples/cascade -crash 0.6 -chart crash.png
  go run ./examples/cascade -seed 7 -accounts 5000
  go run ./examples/cascade -crash -0.3        # a squeeze: shorts fail
  go run ./examples/cascade -metrics           # Prometheus metrics instead of the story
  go run ./examples/cascade -listen 127.0.0.1:9108 -serve-for 1m`

// maxAccounts bounds -accounts: the venue model's own bound
// (perp.MaxAccounts), one quiet step of which peaks at about 490 MB; the
// run's cost grows about linearly with the book (100,000 accounts take
// well under a minute).
const maxAccounts = perp.MaxAccounts

// maxServe bounds -serve-for.
const maxServe = 10 * time.Minute

// options is a checked command line.
type options struct {
	cfg      Config
	chart    string        // file to draw the chart to ("": none)
	format   string        // "png" or "svg"
	metrics  bool          // print Prometheus metrics instead of the story
	listen   string        // serve /metrics on this loopback address ("": don't)
	serveFor time.Duration // how long to serve
}

// parseFlags reads and checks the command line. Every value is checked
// here, before the run, so a mistake is refused at once (exit 2) rather
// than after minutes of simulation, and none silently becomes a default.
func parseFlags(args []string) (options, error) {
	fs := cli.NewFlagSet("cascade", usage)
	seed := fs.Int64("seed", 1, "seed for the account book, the price noise and the keepers; any integer `N` but 0")
	accounts := fs.Int("accounts", 1000, fmt.Sprintf("number of trader accounts `N`, 1 to %s (100,000 take about a minute)", groupInt(maxAccounts)))
	crash := fs.String("crash", "0.35", "`DEPTH` of the flash crash: 0.35 = −35% over 10 minutes; negative is a squeeze up; in [-0.9, 0.9], not 0, at most 4 decimal places")
	chart := fs.String("chart", "", "draw price, insurance fund and bad debt to `FILE`; its extension, .png or .svg, picks the format")
	svg := fs.String("svg", "", "the same as -chart `FILE`, always SVG (kept for old scripts)")
	metrics := fs.Bool("metrics", false, "print the venue's state as Prometheus metrics (text exposition format) instead of the story")
	listen := fs.String("listen", "", "serve the metrics at http://`ADDR`/metrics on a loopback address (e.g. 127.0.0.1:9108) while the crash plays out")
	scan := fs.String("scan", "watchlist", "how each tick finds the accounts to value: `SCAN` watchlist (only those near the edge) or full (every account); the output is the same")
	serveFor := fs.Duration("serve-for", 30*time.Second, "with -listen: how long to serve before exiting, at most 10m (the crash plays out, slowed down, in about the first third; then its final state)")
	if err := cli.Parse(fs, args); err != nil {
		return options{}, err
	}
	o := options{metrics: *metrics, listen: *listen, serveFor: *serveFor}
	if *seed == 0 {
		return o, cli.Errorf("-seed 0: 0 is not a seed here (the library reads it as 1); use any other integer")
	}
	if *accounts < 1 || *accounts > maxAccounts {
		return o, cli.Errorf("-accounts %d: want 1 to %s (the venue's bound: one quiet step of %s accounts peaks at about 490 MB; more are refused)",
			*accounts, groupInt(maxAccounts), groupInt(maxAccounts))
	}
	depth, err := decimal.NewFromString(*crash)
	switch {
	case err != nil:
		return o, cli.Errorf("-crash %q: not a number (want e.g. 0.35 for −35%%)", *crash)
	case depth.IsZero():
		return o, cli.Errorf("-crash %s: a crash of 0 is no crash; want a depth in [-0.9, 0.9] other than 0", *crash)
	case depth.Abs().GreaterThan(decimal.New(9, -1)):
		return o, cli.Errorf("-crash %s: want a depth in [-0.9, 0.9] (0.9 = −90%%; a fall of 100%% or more has no price left)", *crash)
	case depth.Exponent() < -4:
		return o, cli.Errorf("-crash %s: at most 4 decimal places (0.0001 = 0.01%%)", *crash)
	}
	o.cfg = Config{Seed: *seed, Accounts: *accounts, Crash: depth}
	var pc perp.Config
	if err := pc.Set("scan", *scan); err != nil {
		return o, cli.Errorf("-scan %s: want watchlist or full", *scan)
	}
	o.cfg.Scan = pc.Scan
	switch {
	case *chart != "" && *svg != "":
		return o, cli.Errorf("-chart and -svg both given: use -chart alone")
	case *svg != "":
		o.chart, o.format = *svg, "svg"
	case *chart != "":
		o.chart = *chart
		switch ext := strings.ToLower(filepath.Ext(*chart)); ext {
		case ".png", ".svg":
			o.format = ext[1:]
		default:
			return o, cli.Errorf("-chart %s: the file must end in .png or .svg (the extension picks the format)", *chart)
		}
	}
	if o.chart != "" {
		if st, err := os.Stat(filepath.Dir(o.chart)); err != nil || !st.IsDir() {
			return o, cli.Errorf("-chart %s: directory %s does not exist", o.chart, filepath.Dir(o.chart))
		}
	}
	if o.listen != "" {
		if err := loopback(o.listen); err != nil {
			return o, cli.Errorf("-listen %s: %v", o.listen, err)
		}
		if o.serveFor <= 0 || o.serveFor > maxServe {
			return o, cli.Errorf("-serve-for %s: want more than 0 and at most %s", o.serveFor, maxServe)
		}
	}
	return o, nil
}

// loopback checks that addr is host:port on a loopback address: the
// program serves nothing beyond this machine.
func loopback(addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("want HOST:PORT, e.g. 127.0.0.1:9108")
	}
	if host == "localhost" {
		host = "127.0.0.1"
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("host %q is not a loopback address (127.0.0.1, ::1 or localhost): the metrics stay on this machine", host)
	}
	if _, err := net.LookupPort("tcp", port); err != nil {
		return fmt.Errorf("port %q: %v", port, err)
	}
	return nil
}

// groupInt renders n with thousands separators: 20000 → "20,000".
func groupInt(n int) string {
	return strings.TrimSuffix(money(decimal.New(int64(n), 0)), ".00")
}
