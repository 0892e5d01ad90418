// Command bench measures stammer-mcp end to end against three baselines
// measured in the same run, on the same machine, against the same upstream:
//
//   - bare: an mcp-go stdio server with one trivial tool (bench/bare), the
//     protocol floor;
//   - naive: a passthrough tool that GETs the same upstream and returns the
//     raw body as text (bench/naive), what a quick wrapper does;
//   - floor: a plain HTTP GET of the same upstream body to io.Discard, from
//     this process, the least any call can cost.
//
// It builds stammer-mcp and both baseline servers with go build from this
// module, starts stammertest (the fake Stammer API) on loopback with K
// generated conversations for each K, and drives every server over real
// stdio pipes with a minimal JSON-RPC client. It prints Markdown tables of
// medians and p95s over repeated runs — cold start, call latency (first
// call, then the same call and the next page, which stammer-mcp serves from
// its cache), throughput with concurrent calls, peak RSS (VmHWM) and output
// size — each next to the baseline it is compared with, and then the
// issue's targets, each met or missed. When valkey-server or redis-server
// is on PATH it also measures the shared cache across two replicas
// (shared.go).
//
// Run it from the module root:
//
//	go run ./bench                       # the full run, a few minutes on 2 cores
//	go run ./bench -k 0,1,1000 -reps 3   # a quick one
//
// It exits 1 only when it could not measure (a build failed, a server did
// not start, a call errored), never because something was slow.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/stammer-mcp/stammer-mcp/sharedcache/cachetest"
	"github.com/stammer-mcp/stammer-mcp/stammer/stammertest"
)

// Defaults of the flags: the full run stays within about five minutes on a
// 2-core machine.
const (
	defaultKs       = "0,1,1000,10000,50000"
	defaultReps     = 7
	defaultColdReps = 20
	defaultConc     = 8
	defaultTputReps = 5
	// maxDefaultTputK bounds the K of the default throughput measurement:
	// at 50,000, the naive baseline's bursts alone take minutes.
	maxDefaultTputK = 10000
	// Seed of the generated conversations; the micro-benchmarks use the
	// same one, so their bodies are the same bytes.
	defaultSeed = 7
)

// The calls under test. Every K's fake serves exactly K conversations to
// firstArgs (WithAllOnNotDeleted: live and deleted alike).
const (
	firstArgs = `{"onlyDeletedConversations":false}`
	pagedArgs = `{"onlyDeletedConversations":false,"offset":20}`
	listPath  = "/en/chatbot/api/v1/conversations/"
	// budget is stammer-mcp's default output budget in tokens
	// (tools.DefaultMaxOutputTokens, repeated here to keep the bench a
	// client of the binary only).
	budget = 8000
)

// Generated data spans dataStart to dataEnd; a startDate before dataStart
// selects the same conversations under a different query, which defeats
// every cache.
var (
	dataStart = time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)
	dataEnd   = time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
)

type options struct {
	ks       []int
	tputKs   []int
	reps     int
	tputReps int
	coldReps int
	conc     int
	seed     uint64
	out      string
	timeout  time.Duration
	bindir   string
	// oursEnv is added to stammer-mcp's environment only (-env), for
	// experiments such as GOGC=50; the report repeats it.
	oursEnv []string
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	ks := fs.String("k", defaultKs, "comma-separated numbers of conversations K in the upstream answer")
	tputKs := fs.String("throughput-k", "", "the K at which to measure throughput (default: every K up to 10,000; 50,000 adds minutes on 2 cores)")
	o := options{}
	fs.IntVar(&o.reps, "reps", defaultReps, "repetitions of each call measurement (a fresh server process each)")
	fs.IntVar(&o.coldReps, "cold-reps", defaultColdReps, "repetitions of the cold start of each server")
	fs.IntVar(&o.conc, "c", defaultConc, "concurrent calls in the throughput measurement")
	fs.IntVar(&o.tputReps, "throughput-reps", defaultTputReps, "bursts of concurrent calls per server and K in the throughput measurement")
	fs.Uint64Var(&o.seed, "seed", defaultSeed, "seed of the generated conversations")
	fs.StringVar(&o.out, "o", "", "also write the report (Markdown) to this file")
	fs.DurationVar(&o.timeout, "timeout", 3*time.Minute, "deadline of any one call (exceeding it is a failure to measure)")
	fs.StringVar(&o.bindir, "bindir", "", "build the binaries here and keep them (default: a temporary directory)")
	verbose := fs.Bool("v", false, "copy the servers' stderr (their logs) to this command's stderr")
	fs.Func("env", "add `KEY=VALUE` to stammer-mcp's environment (not the baselines'), for experiments; repeatable", func(v string) error {
		if !strings.Contains(v, "=") {
			return errors.New("want KEY=VALUE")
		}
		o.oursEnv = append(o.oursEnv, v)
		return nil
	})
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	serverStderr = nil
	if *verbose {
		serverStderr = stderr
	}
	var err error
	if o.ks, err = parseKs(*ks); err != nil {
		fmt.Fprintln(stderr, "bench: -k:", err)
		return 2
	}
	for _, k := range o.ks {
		if k <= maxDefaultTputK {
			o.tputKs = append(o.tputKs, k)
		}
	}
	if *tputKs != "" {
		if o.tputKs, err = parseKs(*tputKs); err != nil {
			fmt.Fprintln(stderr, "bench: -throughput-k:", err)
			return 2
		}
	}
	if o.reps < 1 || o.coldReps < 1 || o.conc < 1 || o.tputReps < 1 {
		fmt.Fprintln(stderr, "bench: -reps, -cold-reps, -throughput-reps and -c must be at least 1")
		return 2
	}
	b := &bench{o: o, log: stderr, cold: map[string]*sample{}, coldInit: map[string]*sample{}}
	b.start = time.Now()
	b.loadBefore = loadavg()
	if err := b.run(ctx); err != nil {
		fmt.Fprintf(stderr, "bench: could not measure: %v\n", err)
		return 1
	}
	b.took = time.Since(b.start)
	b.loadAfter = loadavg()
	report := b.report()
	fmt.Fprint(stdout, report)
	if o.out != "" {
		if err := os.WriteFile(o.out, []byte(report), 0o644); err != nil {
			fmt.Fprintln(stderr, "bench:", err)
			return 1
		}
	}
	return 0
}

// parseKs reads "0,1,1000" (underscores allowed: 50_000).
func parseKs(s string) ([]int, error) {
	var ks []int
	for f := range strings.SplitSeq(s, ",") {
		f = strings.ReplaceAll(strings.TrimSpace(f), "_", "")
		if f == "" {
			continue
		}
		k, err := strconv.Atoi(f)
		if err != nil || k < 0 {
			return nil, fmt.Errorf("%q is not a number of conversations", f)
		}
		ks = append(ks, k)
	}
	if len(ks) == 0 {
		return nil, errors.New("no K given")
	}
	return ks, nil
}

// bench is one run: what was measured so far.
type bench struct {
	o     options
	log   io.Writer
	bins  struct{ ours, bare, naive string }
	start time.Time
	took  time.Duration
	// loadBefore and loadAfter are the 1-minute load averages around the
	// run: other work on the machine shows up in every figure.
	loadBefore, loadAfter string

	cold     map[string]*sample // spawn → tools/list answer, seconds
	coldInit map[string]*sample // spawn → initialize answer, seconds
	ping     sample             // bare's ping call, seconds
	bareRSS  sample             // bytes
	perK     []*kResult
	cache    *cachetest.Server // nil: the shared cache is not measured
}

// kResult is everything measured at one K.
type kResult struct {
	k    int
	body int64 // raw upstream body, bytes

	floor                            sample // GET to io.Discard, fresh connection
	naiveFirst, naiveRepeat          sample
	oursFirst, oursRepeat, oursPaged sample
	naiveRSS, oursRSS                sample // VmHWM, bytes

	naiveOut, oursOut, oursPagedOut output // from the first repetition

	tput   *tputResult
	shared *sharedResult
}

// tputResult holds calls per second with o.conc concurrent calls.
type tputResult struct {
	floor, naive, oursDistinct, oursCached sample
}

func (b *bench) logf(format string, args ...any) {
	fmt.Fprintf(b.log, "bench: %6.1fs "+format+"\n", append([]any{time.Since(b.start).Seconds()}, args...)...)
}

func (b *bench) run(ctx context.Context) error {
	dir := b.o.bindir
	if dir == "" {
		tmp, err := os.MkdirTemp("", "stammer-mcp-bench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	}
	if err := b.build(ctx, dir); err != nil {
		return err
	}
	if err := b.coldStarts(ctx); err != nil {
		return err
	}
	b.startCache()
	if b.cache != nil {
		defer b.cache.Close()
	}
	for _, k := range b.o.ks {
		if err := b.atK(ctx, k); err != nil {
			return fmt.Errorf("K=%d: %w", k, err)
		}
	}
	return nil
}

// build compiles stammer-mcp and the two baseline servers from this module,
// with the same flags (the README's install command).
func (b *bench) build(ctx context.Context, dir string) error {
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return fmt.Errorf("go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return errors.New("not inside the stammer-mcp module: run the bench from a clone (go run ./bench)")
	}
	root := filepath.Dir(gomod)
	for _, t := range []struct {
		dst *string
		pkg string
	}{{&b.bins.ours, "."}, {&b.bins.bare, "./bench/bare"}, {&b.bins.naive, "./bench/naive"}} {
		name := filepath.Base(t.pkg)
		if t.pkg == "." {
			name = "stammer-mcp"
		}
		*t.dst = filepath.Join(dir, name)
		start := time.Now()
		cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-o", *t.dst, t.pkg)
		cmd.Dir = root
		cmd.Stdout, cmd.Stderr = b.log, b.log
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("go build %s: %w", t.pkg, err)
		}
		b.logf("built %s in %s", name, time.Since(start).Round(time.Millisecond))
	}
	return nil
}

// env is the environment of a server under test talking to url.
func env(url string) []string {
	return []string{"STAMMER_BASE_URL=" + url, "STAMMER_API_TOKEN=" + stammertest.DefaultToken}
}

// oursEnvFor is stammer-mcp's environment: env plus -env.
func (b *bench) oursEnvFor(url string) []string {
	return append(env(url), b.o.oursEnv...)
}

// coldStarts measures spawn → first tools/list answer for every server,
// interleaved round by round after one unmeasured warm-up round (which
// brings each binary into the page cache). bare's ping latency and peak
// RSS come from the same processes.
func (b *bench) coldStarts(ctx context.Context) error {
	fake := stammertest.New(stammertest.WithFixtures(nil))
	defer fake.Close()
	servers := []struct{ name, bin string }{{"bare", b.bins.bare}, {"naive", b.bins.naive}, {"stammer-mcp", b.bins.ours}}
	envOf := func(name string) []string {
		if name == "stammer-mcp" {
			return b.oursEnvFor(fake.URL)
		}
		return env(fake.URL)
	}
	for _, s := range servers {
		b.cold[s.name], b.coldInit[s.name] = &sample{}, &sample{}
	}
	b.logf("cold start: %d rounds of %d servers", b.o.coldReps, len(servers))
	for round := -1; round < b.o.coldReps; round++ {
		for _, s := range servers {
			ctx, cancel := context.WithTimeout(ctx, b.o.timeout)
			start := time.Now()
			p, err := spawn(s.name, s.bin, envOf(s.name))
			if err != nil {
				cancel()
				return err
			}
			var initAt time.Time
			_, initAt, err = p.initialize(ctx)
			if err == nil {
				_, err = p.listTools(ctx)
			}
			d := time.Since(start)
			if err == nil && s.name == "bare" {
				var pd time.Duration
				if _, pd, err = p.callTool(ctx, "ping", `{}`); err == nil && round >= 0 {
					b.ping.addDuration(pd)
					var rss int64
					if rss, err = p.peakRSS(); err == nil {
						b.bareRSS = append(b.bareRSS, float64(rss))
					}
				}
			}
			p.stop()
			cancel()
			if err != nil {
				return err
			}
			if round >= 0 {
				b.cold[s.name].addDuration(d)
				b.coldInit[s.name].addDuration(initAt.Sub(start))
			}
		}
	}
	return nil
}

// atK measures every call at K conversations.
func (b *bench) atK(ctx context.Context, k int) error {
	gen := time.Now()
	cs := stammertest.Generate(stammertest.GenerateOptions{Seed: b.o.seed, N: k, Start: dataStart, End: dataEnd})
	fake := stammertest.New(stammertest.WithFixtures(cs), stammertest.WithAllOnNotDeleted())
	defer fake.Close()
	r := &kResult{k: k}
	b.perK = append(b.perK, r)

	// The floor, and the raw body's size.
	url := fake.URL + listPath + "?onlyDeletedConversations=false"
	for range b.o.reps {
		hc := &http.Client{Transport: &http.Transport{}}
		n, d, err := get(ctx, hc, url)
		hc.CloseIdleConnections()
		if err != nil {
			return fmt.Errorf("floor: %w", err)
		}
		r.body = n
		r.floor.addDuration(d)
	}
	b.logf("K=%s: raw body %s (generated in %s); %d repetitions per server",
		fmtInt(k), fmtBytes(float64(r.body)), time.Since(gen).Round(time.Millisecond), b.o.reps)

	// First, repeated and paged calls, each repetition in a fresh process,
	// the two servers interleaved.
	for rep := range b.o.reps {
		if err := b.naiveRun(ctx, fake.URL, r, rep == 0); err != nil {
			return err
		}
		if err := b.oursRun(ctx, fake.URL, r, rep == 0); err != nil {
			return err
		}
		if b.cache != nil {
			if err := b.sharedRun(ctx, fake, r); err != nil {
				return err
			}
		}
	}
	if r.oursOut.tokens() > budget || r.oursPagedOut.tokens() > budget {
		b.logf("K=%d: stammer-mcp's output is over the default budget", k)
	}

	for _, tk := range b.o.tputKs {
		if tk == k {
			return b.throughput(ctx, fake.URL, r)
		}
	}
	return nil
}

// get GETs url to io.Discard and returns the body's size and the time to
// its last byte.
func get(ctx context.Context, hc *http.Client, url string) (int64, time.Duration, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, 0, err
	}
	req.Header.Set("Authorization", "Token "+stammertest.DefaultToken)
	req.Header.Set("Accept", "application/json")
	start := time.Now()
	resp, err := hc.Do(req)
	if err != nil {
		return 0, 0, err
	}
	defer resp.Body.Close()
	n, err := io.Copy(io.Discard, resp.Body)
	d := time.Since(start)
	if err != nil {
		return 0, 0, err
	}
	if resp.StatusCode != http.StatusOK {
		return 0, 0, fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return n, d, nil
}

// naiveRun is one repetition of the naive baseline: a fresh process, the
// first call, the same call again (it has no cache, and no paging), and
// its peak RSS.
func (b *bench) naiveRun(ctx context.Context, url string, r *kResult, keep bool) error {
	ctx, cancel := context.WithTimeout(ctx, 3*b.o.timeout)
	defer cancel()
	p, err := spawn("naive", b.bins.naive, env(url))
	if err != nil {
		return err
	}
	defer p.stop()
	if _, err := p.handshake(ctx); err != nil {
		return err
	}
	line, d, err := p.callTool(ctx, "list_conversations", firstArgs)
	if err != nil {
		return err
	}
	r.naiveFirst.addDuration(d)
	if keep {
		if r.naiveOut, err = parseOutput(line); err != nil {
			return fmt.Errorf("naive: %w", err)
		}
		if int64(len(r.naiveOut.text)) != r.body {
			return fmt.Errorf("naive returned %d bytes of text for a %d-byte body", len(r.naiveOut.text), r.body)
		}
	}
	if _, d, err = p.callTool(ctx, "list_conversations", firstArgs); err != nil {
		return err
	}
	r.naiveRepeat.addDuration(d)
	rss, err := p.peakRSS()
	if err != nil {
		return err
	}
	r.naiveRSS = append(r.naiveRSS, float64(rss))
	return nil
}

// oursRun is one repetition of stammer-mcp: a fresh process, the first
// call, the same call again and the next page (both from its cache), and
// its peak RSS.
func (b *bench) oursRun(ctx context.Context, url string, r *kResult, keep bool) error {
	ctx, cancel := context.WithTimeout(ctx, 3*b.o.timeout)
	defer cancel()
	p, err := spawn("stammer-mcp", b.bins.ours, b.oursEnvFor(url))
	if err != nil {
		return err
	}
	defer p.stop()
	if _, err := p.handshake(ctx); err != nil {
		return err
	}
	line, d, err := p.callTool(ctx, "list_conversations", firstArgs)
	if err != nil {
		return err
	}
	r.oursFirst.addDuration(d)
	if keep {
		if r.oursOut, err = parseOutput(line); err != nil {
			return fmt.Errorf("stammer-mcp: %w", err)
		}
	}
	if _, d, err = p.callTool(ctx, "list_conversations", firstArgs); err != nil {
		return err
	}
	r.oursRepeat.addDuration(d)
	if line, d, err = p.callTool(ctx, "list_conversations", pagedArgs); err != nil {
		return err
	}
	r.oursPaged.addDuration(d)
	if keep {
		if r.oursPagedOut, err = parseOutput(line); err != nil {
			return fmt.Errorf("stammer-mcp: %w", err)
		}
	}
	rss, err := p.peakRSS()
	if err != nil {
		return err
	}
	r.oursRSS = append(r.oursRSS, float64(rss))
	return nil
}

// throughput runs bursts of o.conc concurrent calls against one long-lived
// process of each server, after a warm-up call: calls per second is o.conc
// over the burst's wall time. "Distinct" calls differ in startDate (all
// before the data, so the answer is the same K conversations) and miss
// every cache; "cached" calls repeat the warm-up call.
func (b *bench) throughput(ctx context.Context, url string, r *kResult) error {
	ctx, cancel := context.WithTimeout(ctx, time.Duration(b.o.tputReps*4)*b.o.timeout)
	defer cancel()
	t := &tputResult{}
	r.tput = t
	naive, err := spawn("naive", b.bins.naive, env(url))
	if err != nil {
		return err
	}
	defer naive.stop()
	ours, err := spawn("stammer-mcp", b.bins.ours, b.oursEnvFor(url))
	if err != nil {
		return err
	}
	defer ours.stop()
	for _, p := range []*proc{naive, ours} {
		if _, err := p.handshake(ctx); err != nil {
			return err
		}
		if _, _, err := p.callTool(ctx, "list_conversations", firstArgs); err != nil {
			return err
		}
	}
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: b.o.conc}}
	defer hc.CloseIdleConnections()
	floorURL := url + listPath + "?onlyDeletedConversations=false"
	day := 0
	distinct := func() string {
		day++
		return fmt.Sprintf(`{"onlyDeletedConversations":false,"startDate":"%s"}`, dataStart.AddDate(0, 0, -day).Format(time.DateOnly))
	}
	b.logf("K=%s: throughput, %d bursts of %d concurrent calls per server", fmtInt(r.k), b.o.tputReps, b.o.conc)
	for range b.o.tputReps {
		wall, err := burst(b.o.conc, func(int) error { _, _, err := get(ctx, hc, floorURL); return err })
		if err != nil {
			return fmt.Errorf("floor: %w", err)
		}
		t.floor = append(t.floor, float64(b.o.conc)/wall.Seconds())

		args := make([]string, b.o.conc)
		for i := range args {
			args[i] = distinct()
		}
		if wall, err = burst(b.o.conc, func(i int) error { _, _, err := naive.callTool(ctx, "list_conversations", args[i]); return err }); err != nil {
			return err
		}
		t.naive = append(t.naive, float64(b.o.conc)/wall.Seconds())

		for i := range args {
			args[i] = distinct()
		}
		if wall, err = burst(b.o.conc, func(i int) error { _, _, err := ours.callTool(ctx, "list_conversations", args[i]); return err }); err != nil {
			return err
		}
		t.oursDistinct = append(t.oursDistinct, float64(b.o.conc)/wall.Seconds())

		if wall, err = burst(b.o.conc, func(int) error { _, _, err := ours.callTool(ctx, "list_conversations", firstArgs); return err }); err != nil {
			return err
		}
		t.oursCached = append(t.oursCached, float64(b.o.conc)/wall.Seconds())
	}
	return nil
}

// burst runs f(0..n-1) concurrently and returns the wall time of the whole.
func burst(n int, f func(i int) error) (time.Duration, error) {
	var wg sync.WaitGroup
	errs := make([]error, n)
	start := time.Now()
	for i := range n {
		wg.Go(func() { errs[i] = f(i) })
	}
	wg.Wait()
	return time.Since(start), errors.Join(errs...)
}

// loadavg is the 1-minute load average, or "?".
func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) > 0 {
		return f[0]
	}
	return "?"
}

// machine describes where the run happened.
func machine() []string {
	cpu := "unknown CPU"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for line := range strings.SplitSeq(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, "model name"); ok {
				cpu = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), ":"))
				break
			}
		}
	}
	mem := "unknown"
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		for line := range strings.SplitSeq(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, "MemTotal:"); ok {
				f := strings.Fields(v)
				if kb, err := strconv.ParseFloat(f[0], 64); err == nil {
					mem = fmtBytes(kb * 1024)
				}
			}
		}
	}
	return []string{
		fmt.Sprintf("%s/%s, %d CPUs (%s), %s RAM", runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), cpu, mem),
		runtime.Version(),
	}
}

// report renders the tables and the targets.
func (b *bench) report() string {
	var w strings.Builder
	m := machine()
	fmt.Fprintf(&w, "## stammer-mcp bench\n\n")
	fmt.Fprintf(&w, "Machine: %s; %s; 1-minute load average %s before the run, %s after. Run: `%s` (seed %d, %d repetitions, %d cold starts per server, %d bursts of %d concurrent calls), %s in all.\n\n",
		m[0], m[1], b.loadBefore, b.loadAfter, strings.TrimSpace("go run ./bench "+b.flagsLine()), b.o.seed, b.o.reps, b.o.coldReps, b.o.tputReps, b.o.conc, b.took.Round(time.Second))
	fmt.Fprintf(&w, "Medians, with the p95 (nearest rank; the maximum below 20 repetitions). Latency runs from writing the request on the server's stdin to reading the last byte of its response from the server's stdout; ratios are of medians.\n\n")

	bare := b.cold["bare"]
	fmt.Fprintf(&w, "### Cold start (spawn → first tools/list answer)\n\n")
	t := &table{head: []string{"server", "cold start", "× bare", "of which: to the initialize answer"}}
	for _, s := range []struct{ key, label string }{{"bare", "bare (mcp-go, one trivial tool)"}, {"naive", "naive (passthrough)"}, {"stammer-mcp", "**stammer-mcp**"}} {
		t.add(s.label, durCell(*b.cold[s.key]), ratio(b.cold[s.key].median(), bare.median()), durCell(*b.coldInit[s.key]))
	}
	w.WriteString(t.String())
	fmt.Fprintf(&w, "\nProtocol floor of a call (bare's ping tool): %s.\n\n", durCell(b.ping))

	fmt.Fprintf(&w, "### Call latency\n\n")
	fmt.Fprintf(&w, "`list_conversations {\"onlyDeletedConversations\":false}` over K conversations; each repetition in a fresh server process. *repeat* is the same call again, *paged* the next page (`offset` 20); stammer-mcp serves both from its cache, naive fetches again.\n\n")
	t = &table{head: []string{"K", "raw body", "floor GET", "naive first", "**stammer-mcp first**", "÷ naive", "÷ floor", "naive repeat", "stammer-mcp repeat", "stammer-mcp paged", "first ÷ paged"}}
	for _, r := range b.perK {
		t.add(fmtInt(r.k), fmtBytes(float64(r.body)), durCell(r.floor), durCell(r.naiveFirst), durCell(r.oursFirst),
			ratio(r.oursFirst.median(), r.naiveFirst.median()), ratio(r.oursFirst.median(), r.floor.median()),
			durCell(r.naiveRepeat), durCell(r.oursRepeat), durCell(r.oursPaged),
			ratio(r.oursFirst.median(), r.oursPaged.median()))
	}
	w.WriteString(t.String())

	if b.anyTput() {
		fmt.Fprintf(&w, "\n### Throughput (%d concurrent calls)\n\n", b.o.conc)
		fmt.Fprintf(&w, "Calls per second: %d calls at once over one long-lived process, %d bursts. *distinct* calls differ in `startDate` (before the data: the same K conversations) and miss every cache; *cached* repeats a call just made. floor: %d concurrent GETs.\n\n", b.o.conc, b.o.tputReps, b.o.conc)
		t = &table{head: []string{"K", "floor GET", "naive (distinct)", "**stammer-mcp (distinct)**", "÷ naive", "stammer-mcp (cached)", "÷ naive"}}
		for _, r := range b.perK {
			if r.tput == nil {
				continue
			}
			tp := r.tput
			t.add(fmtInt(r.k), rateCell(tp.floor), rateCell(tp.naive), rateCell(tp.oursDistinct),
				ratio(tp.oursDistinct.median(), tp.naive.median()), rateCell(tp.oursCached), ratio(tp.oursCached.median(), tp.naive.median()))
		}
		w.WriteString(t.String())
		fmt.Fprintf(&w, "\nHigher is better; the p95 column of a rate is its 5th percentile (the slow end).\n")
	}

	fmt.Fprintf(&w, "\n### Output (what the model reads)\n\n")
	fmt.Fprintf(&w, "Text plus structured content, in bytes and in tokens (the calibrated o200k estimate the server's own budget uses); *wire* is the whole JSON-RPC line. Default budget: %s tokens.\n\n", fmtInt(budget))
	t = &table{head: []string{"K", "raw body", "naive out", "naive tokens", "**stammer-mcp out**", "**tokens**", "paged tokens", "wire", "naive ÷ stammer-mcp", "body ÷ out", "within budget"}}
	for _, r := range b.perK {
		within := "yes"
		if r.oursOut.tokens() > budget || r.oursPagedOut.tokens() > budget {
			within = "**no**"
		}
		t.add(fmtInt(r.k), fmtBytes(float64(r.body)), fmtBytes(float64(r.naiveOut.bytes())), fmtInt(r.naiveOut.tokens()),
			fmtBytes(float64(r.oursOut.bytes())), fmtInt(r.oursOut.tokens()), fmtInt(r.oursPagedOut.tokens()), fmtBytes(float64(r.oursOut.wire)),
			ratio(float64(r.naiveOut.tokens()), float64(r.oursOut.tokens())), ratio(float64(r.body), float64(r.oursOut.bytes())), within)
	}
	w.WriteString(t.String())

	b.sharedReport(&w)

	fmt.Fprintf(&w, "\n### Memory (peak RSS, VmHWM, read just before the process is stopped)\n\n")
	fmt.Fprintf(&w, "After the calls of one repetition above (stammer-mcp: first, repeat, paged; naive: first, repeat). bare after its ping: %s. ÷ body is left out below 1 MiB, where the runtime's own memory dominates.\n\n", fmtBytes(b.bareRSS.median()))
	t = &table{head: []string{"K", "raw body", "naive RSS", "÷ body", "**stammer-mcp RSS**", "**÷ body**", "÷ naive", "÷ bare"}}
	for _, r := range b.perK {
		perBody := func(s sample) string {
			if r.body < 1<<20 {
				return "—" // the runtime's own few MiB, over a tiny body
			}
			return ratio(s.median(), float64(r.body))
		}
		t.add(fmtInt(r.k), fmtBytes(float64(r.body)), bytesCell(r.naiveRSS), perBody(r.naiveRSS),
			bytesCell(r.oursRSS), perBody(r.oursRSS), ratio(r.oursRSS.median(), r.naiveRSS.median()),
			ratio(r.oursRSS.median(), b.bareRSS.median()))
	}
	w.WriteString(t.String())

	fmt.Fprintf(&w, "\n### Targets\n\n")
	for _, line := range b.targets() {
		w.WriteString("- " + line + "\n")
	}
	return w.String()
}

// flagsLine repeats the flags that differ from the defaults.
func (b *bench) flagsLine() string {
	var parts []string
	ks := joinInts(b.o.ks)
	if ks != defaultKs {
		parts = append(parts, "-k "+ks)
	}
	var defTput []int
	for _, k := range b.o.ks {
		if k <= maxDefaultTputK {
			defTput = append(defTput, k)
		}
	}
	if t := joinInts(b.o.tputKs); t != joinInts(defTput) {
		parts = append(parts, "-throughput-k "+t)
	}
	if b.o.reps != defaultReps {
		parts = append(parts, fmt.Sprintf("-reps %d", b.o.reps))
	}
	if b.o.tputReps != defaultTputReps {
		parts = append(parts, fmt.Sprintf("-throughput-reps %d", b.o.tputReps))
	}
	if b.o.coldReps != defaultColdReps {
		parts = append(parts, fmt.Sprintf("-cold-reps %d", b.o.coldReps))
	}
	if b.o.conc != defaultConc {
		parts = append(parts, fmt.Sprintf("-c %d", b.o.conc))
	}
	if b.o.seed != defaultSeed {
		parts = append(parts, fmt.Sprintf("-seed %d", b.o.seed))
	}
	for _, e := range b.o.oursEnv {
		parts = append(parts, "-env "+e)
	}
	return strings.Join(parts, " ")
}

func joinInts(xs []int) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = strconv.Itoa(x)
	}
	return strings.Join(s, ",")
}

func (b *bench) anyTput() bool {
	for _, r := range b.perK {
		if r.tput != nil {
			return true
		}
	}
	return false
}

// rateCell renders calls per second: the median, and the slow end.
func rateCell(s sample) string {
	if len(s) == 0 {
		return "—"
	}
	slow := make(sample, len(s))
	for i, x := range s {
		slow[i] = -x
	}
	return fmt.Sprintf("%s/s (p95 %s/s)", rate(s.median()), rate(-slow.p95()))
}

// rate renders calls per second.
func rate(x float64) string {
	if x >= 1000 {
		return fmtInt(int(math.Round(x)))
	}
	return sig(x)
}

func bytesCell(s sample) string {
	if len(s) == 0 {
		return "—"
	}
	return fmt.Sprintf("%s (p95 %s)", fmtBytes(s.median()), fmtBytes(s.p95()))
}

// resultAt finds the result for k.
func (b *bench) resultAt(k int) *kResult {
	for _, r := range b.perK {
		if r.k == k {
			return r
		}
	}
	return nil
}

// targets judges the targets from this run's medians.
func (b *bench) targets() []string {
	verdict := func(ok bool) string {
		if ok {
			return "**met**"
		}
		return "**missed**"
	}
	notRun := func(k int) string { return fmt.Sprintf("not measured (K=%s is not in -k)", fmtInt(k)) }
	var out []string

	ours, bare := b.cold["stammer-mcp"].median(), b.cold["bare"].median()
	out = append(out, fmt.Sprintf("Cold start ≤ 1.2× bare: %s — %s vs %s, %s.", verdict(ours <= 1.2*bare), fmtDur(ours), fmtDur(bare), ratio(ours, bare)))

	if r := b.resultAt(10000); r != nil {
		o, n := r.oursFirst.median(), r.naiveFirst.median()
		out = append(out, fmt.Sprintf("Call latency at K=10,000 ≤ naive's: %s — %s vs %s, %s.", verdict(o <= n), fmtDur(o), fmtDur(n), ratio(o, n)))
		p, rep := r.oursPaged.median(), r.oursRepeat.median()
		out = append(out, fmt.Sprintf("Cached/paged call ≥ 20× faster than the first at K=10,000: %s — first %s, paged %s (%s), repeat %s (%s).",
			verdict(o >= 20*p && o >= 20*rep), fmtDur(o), fmtDur(p), ratio(o, p), fmtDur(rep), ratio(o, rep)))
	} else {
		out = append(out, "Call latency at K=10,000 ≤ naive's: "+notRun(10000)+".", "Cached/paged call ≥ 20× faster than the first: "+notRun(10000)+".")
	}

	if r := b.resultAt(1000); r != nil {
		n, o := float64(r.naiveOut.tokens()), float64(r.oursOut.tokens())
		out = append(out, fmt.Sprintf("Output at K=1,000 ≥ 50× smaller than naive's: %s — %s tokens vs %s, %s smaller.",
			verdict(n >= 50*o), fmtInt(int(o)), fmtInt(int(n)), ratio(n, o)))
	} else {
		out = append(out, "Output at K=1,000 ≥ 50× smaller than naive's: "+notRun(1000)+".")
	}
	worst, worstK := 0, 0
	for _, r := range b.perK {
		for _, n := range []int{r.oursOut.tokens(), r.oursPagedOut.tokens()} {
			if n > worst {
				worst, worstK = n, r.k
			}
		}
	}
	out = append(out, fmt.Sprintf("Output within the default budget (%s tokens) at every K: %s — largest %s tokens (K=%s).",
		fmtInt(budget), verdict(worst <= budget), fmtInt(worst), fmtInt(worstK)))

	if r := b.resultAt(50000); r != nil {
		rss := r.oursRSS.median()
		out = append(out, fmt.Sprintf("Peak RSS at K=50,000 ≤ 2× the raw body: %s — %s for a %s body, %s (naive: %s, %s).",
			verdict(rss <= 2*float64(r.body)), fmtBytes(rss), fmtBytes(float64(r.body)), ratio(rss, float64(r.body)),
			fmtBytes(r.naiveRSS.median()), ratio(r.naiveRSS.median(), float64(r.body))))
	} else {
		out = append(out, "Peak RSS at K=50,000 ≤ 2× the raw body: "+notRun(50000)+".")
	}
	return out
}
