package main

import (
	"bytes"
	"context"
	"math"
	"strings"
	"testing"
)

// TestBenchCommand runs the bench command end to end at tiny sizes, so
// that it cannot rot: it builds the three servers, measures every figure
// and prints every table. Skipped with -short (it runs go build three
// times).
func TestBenchCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("builds stammer-mcp and the baselines; skipped with -short")
	}
	var out, log bytes.Buffer
	code := run(context.Background(), []string{"-k", "0,1,20", "-reps", "2", "-cold-reps", "2", "-throughput-reps", "1", "-c", "2"}, &out, &log)
	if code != 0 {
		t.Fatalf("exit %d; stderr:\n%s", code, log.String())
	}
	report := out.String()
	for _, want := range []string{
		"### Cold start", "### Call latency", "### Throughput", "### Output", "### Shared cache", "### Memory", "### Targets",
		"| bare (mcp-go, one trivial tool) |", "| naive (passthrough) |", "| **stammer-mcp** |",
		"| 20 |", "Cold start ≤ 1.1× bare: **", "too few for an interval",
		"not measured (K=50,000 is not in -k)",
	} {
		if !strings.Contains(report, want) {
			t.Errorf("report lacks %q:\n%s", want, report)
		}
	}
}

// TestBenchCannotMeasure checks that a call that fails makes the command
// exit 1, saying which call and why: here stammer-mcp gets a token the
// fake API refuses.
func TestBenchCannotMeasure(t *testing.T) {
	if testing.Short() {
		t.Skip("builds stammer-mcp and the baselines; skipped with -short")
	}
	var out, log bytes.Buffer
	code := run(context.Background(), []string{"-k", "1", "-reps", "1", "-cold-reps", "1", "-throughput-reps", "1",
		"-env", "STAMMER_API_TOKEN=stt_refused_by_the_fake_api_00000000"}, &out, &log)
	if code != 1 {
		t.Fatalf("exit %d, want 1; stderr:\n%s", code, log.String())
	}
	if !strings.Contains(log.String(), "could not measure") || !strings.Contains(log.String(), "tools/call list_conversations") {
		t.Errorf("stderr does not say what failed:\n%s", log.String())
	}
	if out.Len() != 0 {
		t.Errorf("a failed run printed a report:\n%s", out.String())
	}
}

// TestBenchUsage checks that bad flags are a usage error (2).
func TestBenchUsage(t *testing.T) {
	var out, log bytes.Buffer
	if code := run(context.Background(), []string{"-k", "ten"}, &out, &log); code != 2 {
		t.Errorf("-k ten: exit %d, want 2", code)
	}
	if code := run(context.Background(), []string{"-reps", "0"}, &out, &log); code != 2 {
		t.Errorf("-reps 0: exit %d, want 2", code)
	}
}

func TestStats(t *testing.T) {
	s := sample{5, 1, 4, 2, 3}
	if s.median() != 3 || s.p95() != 5 {
		t.Errorf("median %v p95 %v", s.median(), s.p95())
	}
	if (sample{1, 2, 3, 4}).median() != 2.5 {
		t.Error("even median")
	}
	var twenty sample
	for i := 1; i <= 20; i++ {
		twenty = append(twenty, float64(i))
	}
	if twenty.p95() != 19 {
		t.Errorf("p95 of 1..20 = %v, want 19 (nearest rank)", twenty.p95())
	}
	if got := ratio(3, 2); got != "1.50×" {
		t.Errorf("ratio = %q", got)
	}
	if got := fmtInt(1234567); got != "1,234,567" {
		t.Errorf("fmtInt = %q", got)
	}
	// Pairs: the machine slows down in round 4 and one round is an outlier;
	// the ratio of the medians says 3.3/2 = 1.65, the per-round ratios say
	// 1.1 in four rounds of five.
	ours, bare := sample{1.1, 2.2, 3.3, 8.8, 11}, sample{1, 2, 3, 8, 1}
	if got := medianRatio(ours, bare); math.Abs(got-1.1) > 1e-9 {
		t.Errorf("medianRatio = %v, want 1.1", got)
	}
	if got := medianRatio(sample{1, 2}, sample{1}); got != 1 {
		t.Errorf("medianRatio of unequal samples = %v, want the one pair's 1", got)
	}
	if got := medianRatio(nil, sample{1}); !math.IsNaN(got) {
		t.Errorf("medianRatio without pairs = %v, want NaN", got)
	}
}

// TestRatioVerdict: met and missed only when the median's whole interval
// is on one side of the limit; the median alone, said so, under 6 rounds.
func TestRatioVerdict(t *testing.T) {
	around := func(mid, spread float64) sample {
		var s sample
		for i := range 100 {
			s = append(s, mid+spread*float64(i-50)/50)
		}
		return s
	}
	for _, tc := range []struct {
		name    string
		rs      sample
		verdict string
		detail  string
	}{
		// The 40th and 61st of 100 values mid + spread·(i−50)/50: mid −
		// 0.22·spread and mid + 0.2·spread.
		{"under", around(1.05, 0.04), "**met**", "interval is 1.041×–1.058×"},
		{"over", around(1.15, 0.04), "**missed**", "interval is 1.141×–1.158×"},
		{"spans", around(1.1004, 0.01), "**undecided**", "interval is 1.098×–1.102×"},
		{"just over", around(1.103, 0.01), "**missed**", "interval is 1.101×–1.105×"},
		{"just under", around(1.097, 0.01), "**met**", "interval is 1.095×–1.099×"},
		{"one round", sample{1.05}, "**met**", "median of 1 per-round ratios, too few for an interval"},
		{"none", nil, "**not measured**", "no rounds"},
	} {
		v, d := ratioVerdict(tc.rs, 1.1)
		if v != tc.verdict || !strings.Contains(d, tc.detail) {
			t.Errorf("%s: %s (%s), want %s and %q", tc.name, v, d, tc.verdict, tc.detail)
		}
	}
}

// TestMedianInterval: the order-statistic bounds of a 95% interval for
// the median, in any input order.
func TestMedianInterval(t *testing.T) {
	var hundred sample
	for i := 100; i >= 1; i-- {
		hundred = append(hundred, float64(i))
	}
	if lo, hi := hundred.medianInterval(); lo != 40 || hi != 61 {
		t.Errorf("interval of 1..100 = %v–%v, want 40–61", lo, hi)
	}
	// Six values: the whole range, which covers the median 96.9% of the
	// time; five: none, which covers it only 93.75% of the time.
	if lo, hi := (sample{3, 1, 2, 6, 5, 4}).medianInterval(); lo != 1 || hi != 6 {
		t.Errorf("interval of 6 values = %v–%v, want 1–6", lo, hi)
	}
	if lo, hi := (sample{3, 1, 2, 5, 4}).medianInterval(); !math.IsNaN(lo) || !math.IsNaN(hi) {
		t.Errorf("interval of 5 values = %v–%v, want NaN", lo, hi)
	}
	// More rounds, a narrower interval around the same median.
	var many sample
	for i := 0; i < 400; i++ {
		many = append(many, float64(i%100+1))
	}
	if lo, hi := many.medianInterval(); lo <= 40 || hi >= 61 || lo > 50 || hi < 51 {
		t.Errorf("interval of 400 values = %v–%v, want inside 40–61 and around 50.5", lo, hi)
	}
	if lo, hi := (sample{}).medianInterval(); !math.IsNaN(lo) || !math.IsNaN(hi) {
		t.Errorf("interval of nothing = %v–%v, want NaN", lo, hi)
	}
}

func TestResponseID(t *testing.T) {
	for line, want := range map[string]int64{
		`{"jsonrpc":"2.0","id":42,"result":{}}` + "\n":        42,
		`{"result":{},"jsonrpc":"2.0","id":7}` + "\n":         7,
		`{"jsonrpc":"2.0","id":3,"error":{"code":-1}}` + "\n": 3,
	} {
		if got, ok := responseID([]byte(line)); !ok || got != want {
			t.Errorf("responseID(%s) = %d, %v", line, got, ok)
		}
	}
	if _, ok := responseID([]byte(`{"jsonrpc":"2.0","method":"notifications/message","params":{}}`)); ok {
		t.Error("a notification has no response id")
	}
}
