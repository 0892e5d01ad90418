package main

import (
	"crypto/x509"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
)

// TestFallbackRootsWithoutSystemStore runs this test binary again with no
// system certificate store at all, as in the FROM scratch image, and checks
// that Go has no roots before the Stammer client's first HTTPS request (the
// embedded ones are not parsed at start, nor for a plain-HTTP request) and
// a full pool after it.
func TestFallbackRootsWithoutSystemStore(t *testing.T) {
	if os.Getenv("STAMMER_TEST_NO_CERTS") == "1" {
		count := func() int {
			pool, err := x509.SystemCertPool()
			if err != nil {
				t.Fatalf("SystemCertPool: %v", err)
			}
			return len(pool.Subjects()) // deprecated for system pools, but counting is all this needs
		}
		before := count()
		hc := withFallbackRoots(nil)
		plain := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
		defer plain.Close()
		resp, err := hc.Get(plain.URL)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		afterPlain := count()
		tlsSrv := httptest.NewTLSServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
		defer tlsSrv.Close()
		if resp, err := hc.Get(tlsSrv.URL); err == nil { // the test server's own certificate is not among the roots
			resp.Body.Close()
		}
		os.Stdout.WriteString("before=" + strconv.Itoa(before) + "\nplain=" + strconv.Itoa(afterPlain) + "\nroots=" + strconv.Itoa(count()) + "\n")
		return
	}
	empty := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestFallbackRootsWithoutSystemStore$", "-test.v")
	cmd.Env = append(os.Environ(), "STAMMER_TEST_NO_CERTS=1", "SSL_CERT_FILE="+empty+"/none.pem", "SSL_CERT_DIR="+empty)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	n := map[string]int{"before": -1, "plain": -1, "roots": -1}
	for _, line := range strings.Split(string(out), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok {
			if _, want := n[k]; want {
				n[k], _ = strconv.Atoi(v)
			}
		}
	}
	if n["before"] != 0 {
		t.Errorf("with no system store Go has %d roots before the first request; the fallback should be installed lazily:\n%s", n["before"], out)
	}
	if n["plain"] != 0 {
		t.Errorf("with no system store Go has %d roots after a plain-HTTP request, which needs none:\n%s", n["plain"], out)
	}
	if n["roots"] < 100 {
		t.Errorf("with no system store Go has %d roots after the first HTTPS request; the embedded fallback should give over 100:\n%s", n["roots"], out)
	}
}

// TestFallbackRootsKeepSystemStore checks that where the system has roots
// they stay in use (the fallback is only for a store that is empty).
func TestFallbackRootsKeepSystemStore(t *testing.T) {
	sys, err := x509.SystemCertPool()
	if err != nil || sys.Equal(x509.NewCertPool()) {
		t.Skip("this machine has no system roots")
	}
	fallbackRoots()
	after, err := x509.SystemCertPool()
	if err != nil || !after.Equal(sys) {
		t.Errorf("the system pool changed after fallbackRoots (err %v)", err)
	}
}
