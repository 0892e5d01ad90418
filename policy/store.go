package policy

import (
	"context"
	"log/slog"
	"os"
	"os/signal"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/stammer-mcp/stammer-mcp/auth"
)

// Store holds the policy in force and reloads it from its file on SIGHUP
// or when the file changes, without a restart. A file that fails to load
// leaves the previous policy in force (and is logged), so a typo cannot
// open everything up or lock everyone out.
type Store struct {
	path   string
	logger *slog.Logger
	cur    atomic.Pointer[Policy]

	mu   sync.Mutex // serialises reloads
	stat fileStamp
}

type fileStamp struct {
	mod  time.Time
	size int64
}

// NewStore loads the policy file; a file that does not load is an error
// at start-up.
func NewStore(path string, logger *slog.Logger) (*Store, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	s := &Store{path: path, logger: logger}
	if err := s.Reload(); err != nil {
		return nil, err
	}
	return s, nil
}

// Reload reads the file again.
func (s *Store) Reload() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, _ := stamp(s.path)
	p, err := Load(s.path)
	if err != nil {
		return err
	}
	s.stat = st
	s.cur.Store(p)
	s.logger.Info("access policy loaded", "file", s.path, "rules", len(p.rules))
	return nil
}

func stamp(path string) (fileStamp, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return fileStamp{}, err
	}
	return fileStamp{mod: fi.ModTime(), size: fi.Size()}, nil
}

// Watch reloads on SIGHUP and when the file's modification time or size
// changes (checked every interval), until ctx ends.
func (s *Store) Watch(ctx context.Context, interval time.Duration) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-hup:
			s.reloadLogged("SIGHUP")
		case <-tick.C:
			st, err := stamp(s.path)
			s.mu.Lock()
			changed := err == nil && st != s.stat
			s.mu.Unlock()
			if changed {
				s.reloadLogged("file changed")
			}
		}
	}
}

func (s *Store) reloadLogged(why string) {
	if err := s.Reload(); err != nil {
		s.logger.Error("access policy not reloaded; the previous one stays in force", "why", why, "error", err)
	}
}

// ScopeFor is the scope of the caller of ctx. Calls that came through no
// authentication (stdio, the call command, HTTP on loopback without auth)
// and every call when s is nil (no policy file) may read everything.
func (s *Store) ScopeFor(ctx context.Context) Scope {
	id, ok := auth.FromContext(ctx)
	if s == nil || !ok {
		return All()
	}
	return s.cur.Load().ScopeFor(id)
}
