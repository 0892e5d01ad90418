package sharedcache

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"sync"

	"github.com/redis/go-redis/v9"
)

// The scripts run on the server, each atomically. Their sources are
// constants and the scripts are made in New: redis.NewScript hashes its
// source, which as package variables ran at every start of the server,
// with a shared cache or without.
const (
	// unlockSrc deletes the lock only if this replica still holds it,
	// so a holder that outlived its lease cannot free another's lock.
	unlockSrc = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`

	// renewSrc extends the lease of a lock this replica holds.
	renewSrc = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`

	// backoffSrc records a Retry-After deadline (Unix ms), keeping the
	// later one when replicas race.
	backoffSrc = `
local cur = tonumber(redis.call('GET', KEYS[1]) or '0')
if tonumber(ARGV[1]) > cur then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) end
return 1`

	// storeSrc stores an entry only if every live entry together stays
	// within the byte limit. KEYS: the entry, a sorted set of entries by
	// expiry, a hash of their sizes. ARGV: the value, its TTL in ms, the
	// limit. Entries the server evicted early still count until their
	// expiry, which errs on the side of the limit. Returns 1 if stored.
	storeSrc = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ttl = tonumber(ARGV[2])
for _, k in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now)) do
  redis.call('HDEL', KEYS[3], k)
end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
local total = 0
for _, v in ipairs(redis.call('HVALS', KEYS[3])) do total = total + tonumber(v) end
total = total - tonumber(redis.call('HGET', KEYS[3], KEYS[1]) or '0')
local size = string.len(ARGV[1])
if total + size > tonumber(ARGV[3]) then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ttl)
redis.call('ZADD', KEYS[2], now + ttl, KEYS[1])
redis.call('HSET', KEYS[3], KEYS[1], size)
local keep = redis.call('PTTL', KEYS[2])
if keep < ttl then
  redis.call('PEXPIRE', KEYS[2], ttl)
  redis.call('PEXPIRE', KEYS[3], ttl)
end
return 1`
)

// scripts are the Cache's server-side scripts.
type scripts struct{ unlock, renew, backoff, store *redis.Script }

func newScripts() scripts {
	return scripts{redis.NewScript(unlockSrc), redis.NewScript(renewSrc), redis.NewScript(backoffSrc), redis.NewScript(storeSrc)}
}

// redactURL removes the password of rawURL from s.
func redactURL(s, rawURL string) string {
	if u, err := url.Parse(rawURL); err == nil && u.User != nil {
		if p, ok := u.User.Password(); ok && p != "" {
			s = strings.ReplaceAll(s, p, "[REDACTED]")
		}
	}
	return s
}

// redisLogger sends the client library's own messages (reconnects, pool
// faults) to slog at debug level: the cache logs what matters itself.
type redisLogger struct{ l *slog.Logger }

func (r redisLogger) Printf(ctx context.Context, format string, v ...any) {
	r.l.Log(ctx, slog.LevelDebug, "shared cache client", "detail", fmt.Sprintf(format, v...))
}

var loggerOnce sync.Once

// setRedisLogger installs l for the client library, which has one logger
// per process; the first Cache's logger wins.
func setRedisLogger(l *slog.Logger) {
	loggerOnce.Do(func() { redis.SetLogger(redisLogger{l}) })
}
