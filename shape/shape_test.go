package shape

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stammer-mcp/stammer-mcp/stammer/stammertest"
)

func TestLayout(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"2026-09-01T08:12:33Z", "2006-01-02T15:04:05Z07:00"},
		{"2026-09-01T08:12:33.123456Z", "2006-01-02T15:04:05.999999Z07:00"},
		{"2026-09-01T08:12:33,5+02:00", "2006-01-02T15:04:05,9Z07:00"},
		{"2026-09-01T08:12:33-0300", "2006-01-02T15:04:05Z0700"},
		{"2026-09-01 08:12:33", "2006-01-02 15:04:05"},
		{"2026-09-01 08:12:33 +0000", "2006-01-02 15:04:05 -0700"},
		{"2026-09-01T08:12", "2006-01-02T15:04"},
		{"2026-09-01", "2006-01-02"},
		{"Tue, 01 Sep 2026 08:12:33 GMT", "Mon, 02 Jan 2006 15:04:05 MST"},
		{"Tue, 01 Sep 2026 08:12:33 +0200", "Mon, 02 Jan 2006 15:04:05 -0700"},
		// Not timestamps, or not real ones.
		{"2026-13-01", ""},
		{"2026-09-01T", ""},
		{"2026-09-01T08:12:33.Z", ""},
		{"2026-09-01T08:12:33+2", ""},
		{"2026-09-01 is the day", ""},
		{"+44 7700 900123", ""},
		{"1793525400", ""},
		{"", ""},
	}
	for _, tc := range tests {
		got, ok := Layout(tc.in)
		if got != tc.want || ok != (tc.want != "") {
			t.Errorf("Layout(%q) = %q, %v; want %q", tc.in, got, ok, tc.want)
		}
	}
}

func TestSafeKey(t *testing.T) {
	for _, k := range []string{"id", "created_at", "createdAt", "source-platform", "_meta", "field_123", "v2"} {
		if got := safeKey(k); got != k {
			t.Errorf("safeKey(%q) = %q", k, got)
		}
	}
	for _, k := range []string{
		"jane.roe@example.org", "5f88e692-ede2-4241-91bb-2dae22a2535c", "447700900123", "+447700900123",
		"Jane Roe", "user_20261107", "", "2026-09-01", strings.Repeat("a", 41), "naïve", "a\x1b[31m",
	} {
		if got := safeKey(k); got != DataKey {
			t.Errorf("safeKey(%q) = %q, want it withheld", k, got)
		}
	}
}

func TestWalkCountsKindsAndPresence(t *testing.T) {
	root, err := Walk(strings.NewReader(`[{"a":1,"b":"xy","c":[1,2,3]},{"a":1.5,"b":null,"a":2},{"c":[],"d":{"e":true}}, 7]`))
	if err != nil {
		t.Fatal(err)
	}
	if root.Kinds[Array] != 1 || root.ArrMin != 4 || root.ArrMax != 4 {
		t.Errorf("root = %+v", root)
	}
	el := root.Elem
	if el.Kinds[Object] != 3 || el.Kinds[Int] != 1 {
		t.Errorf("elements: %v", el.Kinds)
	}
	a := el.Fields["a"]
	// "a" appears in two objects (once repeated): present in 2, three values.
	if a.N != 2 || a.Kinds[Int] != 2 || a.Kinds[Float] != 1 {
		t.Errorf("a: N=%d kinds=%v", a.N, a.Kinds)
	}
	b := el.Fields["b"]
	if b.N != 2 || b.Kinds[String] != 1 || b.Kinds[Null] != 1 || b.StrMin != 2 || b.StrMax != 2 {
		t.Errorf("b: %+v", b)
	}
	c := el.Fields["c"]
	if c.ArrMin != 0 || c.ArrMax != 3 || c.Elem.N != 3 {
		t.Errorf("c: %+v", c)
	}
	if got := strings.Join(el.Keys, ","); got != "a,b,c,d" {
		t.Errorf("keys %s", got)
	}
	if s := Summary(root); s != "[{a b c:[] d:{e}}]" {
		t.Errorf("Summary = %s", s)
	}
}

func TestWalkKeepsNoValues(t *testing.T) {
	body := `{"user":{"email":"jane.roe@example.org","jane.roe@example.org":1,"id":1793525400,"platform":"whatsapp","other":"telegram"}}`
	root, err := Walk(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	u := root.Fields["user"]
	if u.Fields[DataKey] == nil || u.Fields["jane.roe@example.org"] != nil {
		t.Errorf("e-mail key kept: %v", u.Keys)
	}
	if got := u.Fields["platform"].Words; len(got) != 1 || got["whatsapp"] != 1 {
		t.Errorf("platform words %v", got)
	}
	if got := u.Fields["other"].Words; len(got) != 0 {
		t.Errorf("an undocumented platform was kept: %v", got)
	}
	if got := u.Fields["id"].Epochs; got["unix seconds"] != 1 {
		t.Errorf("epochs %v", got)
	}
	dump := fmt.Sprintf("%+v %+v %+v", *root, *u, Summary(root))
	for _, f := range u.Fields {
		dump += fmt.Sprintf("%+v", *f)
	}
	for _, v := range []string{"jane", "1793525400", "telegram"} {
		if strings.Contains(dump, v) {
			t.Errorf("the tree holds %q: %s", v, dump)
		}
	}
}

func TestWalkBoundsHostileInput(t *testing.T) {
	deep := strings.Repeat("[", 100) + strings.Repeat("]", 100)
	if _, err := Walk(strings.NewReader(deep)); err == nil || !strings.Contains(err.Error(), "nested deeper") {
		t.Errorf("deep nesting: %v", err)
	}
	var b strings.Builder
	b.WriteString("{")
	for i := range 300 {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `"k%d":{"x":1}`, i)
	}
	b.WriteString("}")
	root, err := Walk(strings.NewReader(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	if len(root.Keys) != maxKeys || root.MoreKeys != 300-maxKeys {
		t.Errorf("keys %d, more %d", len(root.Keys), root.MoreKeys)
	}
	// A cut-off body still yields what came before the cut.
	root, err = Walk(strings.NewReader(`{"data":[{"id":1,"uuid":"x"},{"id":2,"uu`))
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("truncated: %v", err)
	}
	if s := Summary(root); s != "{data:[{id uuid}]}" {
		t.Errorf("truncated summary %s", s)
	}
	if _, err := Walk(strings.NewReader(`{"a":1} {"b":2}`)); err == nil {
		t.Error("two values accepted")
	}
}

func TestRecorderKeepsSuccessfulBodiesUpToTheLimit(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/fail" {
			w.WriteHeader(http.StatusBadGateway)
		}
		io.WriteString(w, strings.Repeat("x", 1000))
	}))
	defer srv.Close()
	type call struct {
		body     string
		read     int64
		complete bool
	}
	var calls []call
	hc := RecordingClient(srv.Client(), 600, func(b []byte, read int64, complete bool) bool {
		calls = append(calls, call{string(b), read, complete})
		return len(calls) == 2 // then done: later answers pass untouched
	})
	get := func(path string, readAll bool) {
		resp, err := hc.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		if readAll {
			io.Copy(io.Discard, resp.Body)
		} else {
			resp.Body.Read(make([]byte, 10))
		}
		resp.Body.Close()
	}
	get("/ok", true)
	get("/fail", true)
	get("/ok", false)
	get("/ok", true)
	if len(calls) != 2 {
		t.Fatalf("%d calls, want 2 (the 502 is not recorded, nor anything after done)", len(calls))
	}
	resp, err := hc.Get(srv.URL + "/ok")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if _, wrapped := resp.Body.(*recordedBody); wrapped {
		t.Error("an answer after done is still copied")
	}
	if c := calls[0]; len(c.body) != 600 || c.read != 1000 || c.complete {
		t.Errorf("over the limit: kept %d, read %d, complete %v", len(c.body), c.read, c.complete)
	}
	if c := calls[1]; c.complete || c.read > 1000 {
		t.Errorf("closed early: %+v", c)
	}
	hc = RecordingClient(srv.Client(), 4096, func(b []byte, read int64, complete bool) bool {
		if !complete || !bytes.Equal(b, bytes.Repeat([]byte("x"), 1000)) {
			t.Errorf("whole body: complete %v, %d bytes", complete, len(b))
		}
		return false
	})
	get("/ok", true)
}

// TestKnownShapesAreTheServedOnes keeps the report's list of known shapes
// the same as the shapes stammertest serves (and the decoder names).
func TestKnownShapesAreTheServedOnes(t *testing.T) {
	var served []string
	for _, sh := range stammertest.Shapes() {
		served = append(served, sh.String())
	}
	var known []string
	for k := range knownShapes {
		known = append(known, k)
	}
	slices.Sort(served)
	slices.Sort(known)
	if !slices.Equal(served, known) {
		t.Errorf("known shapes %v, stammertest serves %v", known, served)
	}
}

// TestWalkSaysWhichTimesTheDecoderReads checks that a time form the
// decoder ignores is reported as such, not as a layout in use.
func TestWalkSaysWhichTimesTheDecoderReads(t *testing.T) {
	body := `{"a":"2026-11-07T09:15:02.5+01:00","b":"Sat, 07 Nov 2026 09:15:02 GMT","c":1794043211000,"d":1794043211000000}`
	root, err := Walk(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"a": "2006-01-02T15:04:05.9Z07:00",
		"b": time.RFC1123 + notRead,
		"c": "unix milliseconds" + notRead,
		"d": "unix microseconds" + notRead,
	}
	for k, w := range want {
		f := root.Fields[k]
		if f.Layouts[w] != 1 && f.Epochs[w] != 1 {
			t.Errorf("%s: layouts %v, epochs %v; want %q", k, f.Layouts, f.Epochs, w)
		}
	}
}
