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
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
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
	defaultColdReps = 100
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
// round by round in a shuffled order (no server always follows the same
// one), after one unmeasured round that brings each binary into the page
// cache. Round i is each sample's i-th value (medianRatio). bare's ping
// latency and peak RSS come from the same processes.
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
	order := rand.New(rand.NewPCG(b.o.seed, 0))
	for round := -1; round < b.o.coldReps; round++ {
		order.Shuffle(len(servers), func(i, j int) { servers[i], servers[j] = servers[j], servers[i] })
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

// step is one thing a repetition does with its server process.
type step func(ctx context.Context, p *proc) error

// repetition runs one server afresh: a new process, the handshake, then
// the steps in order; the process is stopped after them.
func (b *bench) repetition(ctx context.Context, name, bin string, env []string, steps ...step) error {
	ctx, cancel := context.WithTimeout(ctx, 3*b.o.timeout)
	defer cancel()
	p, err := spawn(name, bin, env)
	if err != nil {
		return err
	}
	defer p.stop()
	if _, err := p.handshake(ctx); err != nil {
		return err
	}
	for _, s := range steps {
		if err := s(ctx, p); err != nil {
			return err
		}
	}
	return nil
}

// timed is a step that makes a list_conversations call with args and adds
// its time to into; answer, when not nil, keeps the answer line. Answers are
// parsed after the process stops, so that parsing a large one in this
// process does not share the CPU with the server's next call.
func timed(args string, into *sample, answer *[]byte) step {
	return func(ctx context.Context, p *proc) error {
		line, d, err := p.callTool(ctx, "list_conversations", args)
		if err != nil {
			return err
		}
		into.addDuration(d)
		if answer != nil {
			*answer = line
		}
		return nil
	}
}

// peak is a step that adds the process's peak RSS so far to into.
func peak(into *sample) step {
	return func(_ context.Context, p *proc) error {
		n, err := p.peakRSS()
		*into = append(*into, float64(n))
		return err
	}
}

// naiveRun is one repetition of the naive baseline: the first call and
// the same call again (it has no cache, and no paging).
func (b *bench) naiveRun(ctx context.Context, url string, r *kResult, keep bool) error {
	var first []byte
	err := b.repetition(ctx, "naive", b.bins.naive, env(url),
		timed(firstArgs, &r.naiveFirst, &first), settled, timed(firstArgs, &r.naiveRepeat, nil), peak(&r.naiveRSS))
	if err != nil || !keep {
		return err
	}
	if r.naiveOut, err = parseOutput(first); err != nil {
		return fmt.Errorf("naive: %w", err)
	}
	if int64(len(r.naiveOut.text)) != r.body {
		return fmt.Errorf("naive returned %d bytes of text for a %d-byte body", len(r.naiveOut.text), r.body)
	}
	return nil
}

// oursRun is one repetition of stammer-mcp: the first call, the same call
// again and the next page (both from its cache).
func (b *bench) oursRun(ctx context.Context, url string, r *kResult, keep bool) error {
	var first, paged []byte
	err := b.repetition(ctx, "stammer-mcp", b.bins.ours, b.oursEnvFor(url),
		timed(firstArgs, &r.oursFirst, &first), settled, timed(firstArgs, &r.oursRepeat, nil),
		settled, timed(pagedArgs, &r.oursPaged, &paged), peak(&r.oursRSS))
	if err != nil || !keep {
		return err
	}
	if r.oursOut, err = parseOutput(first); err == nil {
		r.oursPagedOut, err = parseOutput(paged)
	}
	if err != nil {
		return fmt.Errorf("stammer-mcp: %w", err)
	}
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
