//go:build unix

package policy

import (
	"context"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stammer-mcp/stammer-mcp/auth"
)

// TestReloadOnSIGHUP: with the file check far away (an hour), only the
// signal can bring the edited policy in.
func TestReloadOnSIGHUP(t *testing.T) {
	// Until Watch has registered, a SIGHUP must not end the test binary.
	guard := make(chan os.Signal, 16)
	signal.Notify(guard, syscall.SIGHUP)
	defer signal.Stop(guard)

	path := filepath.Join(t.TempDir(), "policy.json")
	if err := os.WriteFile(path, []byte(`{"rules": [{"subject": "u1", "chatbots": [17]}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := NewStore(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	go s.Watch(ctx, time.Hour)
	u1 := auth.WithIdentity(t.Context(), auth.Identity{Subject: "u1"})
	if err := os.WriteFile(path, []byte(`{"rules": [{"subject": "u1", "chatbots": [42]}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(5 * time.Second); !s.ScopeFor(u1).Allows(42, ""); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("SIGHUP did not reload the policy within 5 s")
		}
		syscall.Kill(os.Getpid(), syscall.SIGHUP)
	}
	if s.ScopeFor(u1).Allows(17, "") {
		t.Error("the old rule is still in force")
	}
}
