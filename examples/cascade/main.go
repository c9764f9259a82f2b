package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/failsafe-fi/failsafe/examples/internal/cli"
	"github.com/failsafe-fi/failsafe/stress/perp"
)

// main parses the flags and runs the simulation.
func main() {
	o, err := parseFlags(os.Args[1:])
	if err == nil {
		err = run(o, os.Stdout, os.Stderr)
	}
	cli.Exit("cascade", err)
}

// run runs the simulation the options describe: the story (or, with
// -metrics, the Prometheus metrics) to stdout, a progress line on a
// terminal, the chart to its file, and with -listen the metrics served
// on loopback while the crash plays out. Notices go to stderr.
func run(o options, stdout, stderr io.Writer) error {
	prog := cli.NewProgress()
	defer prog.Done()
	out := prog.Writer(stdout)
	exp := &exporter{}
	reg := prometheus.NewRegistry()
	reg.MustRegister(exp)
	if o.metrics {
		out = io.Discard
	}
	var pace time.Duration
	var stop func() error
	if o.listen != "" {
		addr, s, err := serve(o.listen, reg)
		if err != nil {
			return err
		}
		stop = s
		defer stop() //nolint:errcheck // idempotent: the stop below reports the error
		fmt.Fprintf(stderr, "cascade: serving http://%s/metrics for %s\n", addr, o.serveFor)
		pace = min(o.serveFor/3, 30*time.Second) / 200 // the crash plays out in about a third of the time, at most 30 s
	}
	cfg := o.cfg
	deadline := time.Now().Add(o.serveFor)
	cfg.OnTick = func(v *perp.Venue, k int, now time.Time) {
		g := read(v, now)
		exp.update(g)
		t := v.Totals()
		prog.Set("cascade: tick %d, t%s simulated, %d liquidations, bad debt %s",
			k, signedClock(now.Sub(crashStart)), t.Book, money(t.BadDebt))
		if pace > 0 {
			time.Sleep(pace)
		}
	}
	prog.Set("cascade: seeding %s accounts…", groupInt(cfg.Accounts))
	res, err := Run(cfg, out)
	prog.Done()
	if err != nil {
		return err
	}
	if o.chart != "" {
		if err := writeChartFile(o.chart, o.format, cfg, res); err != nil {
			return err
		}
	}
	if o.metrics {
		bw := bufio.NewWriter(stdout)
		if err := writeMetrics(bw, reg); err != nil {
			return err
		}
		if err := bw.Flush(); err != nil {
			return err
		}
	}
	if stop != nil {
		time.Sleep(time.Until(deadline))
		return stop()
	}
	return nil
}

// writeChartFile draws the chart to path.
func writeChartFile(path, format string, cfg Config, res Result) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := WriteChart(f, format, cfg, res); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// serve serves reg's metrics at /metrics on addr (a loopback address,
// checked by parseFlags) until the returned stop is called; bound is the
// address it listens on (the port filled in when addr's was 0).
func serve(addr string, reg *prometheus.Registry) (bound string, stop func() error, err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	var once sync.Once
	return ln.Addr().String(), func() error {
		once.Do(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			err = srv.Shutdown(ctx)
			if serr := <-done; !errors.Is(serr, http.ErrServerClosed) && err == nil {
				err = serr
			}
		})
		return err
	}, nil
}

// signedClock renders d as +mm:ss or -mm:ss.
func signedClock(d time.Duration) string {
	if d < 0 {
		return "-" + clock(-d)
	}
	return "+" + clock(d)
}
