package main

import (
	"fmt"
	"math"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// The report: where the run happened, the tables and the targets.

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
		t.add(s.label, durCell(*b.cold[s.key]), ratio(medianRatio(*b.cold[s.key], *bare), 1), durCell(*b.coldInit[s.key]))
	}
	w.WriteString(t.String())
	fmt.Fprintf(&w, "\n× bare is the median of the per-round ratios: each round starts the three servers once, in a shuffled order.\n")
	fmt.Fprintf(&w, "\nProtocol floor of a call (bare's ping tool): %s.\n\n", durCell(b.ping))

	fmt.Fprintf(&w, "### Call latency\n\n")
	fmt.Fprintf(&w, "`list_conversations {\"onlyDeletedConversations\":false}` over K conversations; each repetition in a fresh server process. *repeat* is the same call again, *paged* the next page (`offset` 20); stammer-mcp serves both from its cache, naive fetches again. Each is sent once the server has gone idle after the previous answer (its CPU time grew by under 0.1 ms in each of two 2 ms windows in a row; at most 0.5 s), as it has long before a model's next call: sent at once, it would also time the garbage collection the first call left running.\n\n")
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
	rs := pairRatios(*b.cold["stammer-mcp"], *b.cold["bare"])
	v, detail := ratioVerdict(rs, 1.1)
	out = append(out, fmt.Sprintf("Cold start ≤ 1.1× bare: %s — %s vs %s, %s (%s).", v, fmtDur(ours), fmtDur(bare), ratio(rs.median(), 1), detail))

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
