package main

import (
	"crypto/x509"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
)

// TestFallbackRootsWithoutSystemStore runs this test binary again with no
// system certificate store at all, as in the FROM scratch image, and checks
// that Go still has a root pool: the embedded fallback roots.
func TestFallbackRootsWithoutSystemStore(t *testing.T) {
	if os.Getenv("STAMMER_TEST_NO_CERTS") == "1" {
		pool, err := x509.SystemCertPool()
		if err != nil {
			t.Fatalf("SystemCertPool: %v", err)
		}
		n := len(pool.Subjects()) // deprecated for system pools, but counting is all this needs
		os.Stdout.WriteString("roots=" + strconv.Itoa(n) + "\n")
		return
	}
	empty := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestFallbackRootsWithoutSystemStore$", "-test.v")
	cmd.Env = append(os.Environ(), "STAMMER_TEST_NO_CERTS=1", "SSL_CERT_FILE="+empty+"/none.pem", "SSL_CERT_DIR="+empty)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	var n int
	for _, line := range strings.Split(string(out), "\n") {
		if v, ok := strings.CutPrefix(line, "roots="); ok {
			n, _ = strconv.Atoi(v)
		}
	}
	if n < 100 {
		t.Errorf("with no system store Go has %d roots; the embedded fallback should give over 100:\n%s", n, out)
	}
}
