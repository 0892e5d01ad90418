package main

import (
	"bytes"
	"testing"
	"time"
)

func TestBoundsDefaults(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	cfg, err := parseConfig(nil, env(nil), &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.drain != 35*time.Second || cfg.memoryLimit(env(nil)) != 512<<20 {
		t.Errorf("defaults: drain %v, memory limit %d", cfg.drain, cfg.memoryLimit(env(nil)))
	}
	cfg, err = parseConfig(nil, env(map[string]string{"STAMMER_TIMEOUT": "60s", "STAMMER_MAX_BODY_BYTES": "1GiB"}), &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.drain != 65*time.Second || cfg.memoryLimit(env(nil)) != 2<<30 {
		t.Errorf("a 60s timeout and a 1 GiB cap: drain %v, memory limit %d", cfg.drain, cfg.memoryLimit(env(nil)))
	}
	if got := cfg.memoryLimit(env(map[string]string{"GOMEMLIMIT": "1GiB"})); got != 0 {
		t.Errorf("GOMEMLIMIT set, yet a limit of %d is set over it", got)
	}
	cfg, _ = parseConfig(nil, env(map[string]string{"STAMMER_MEMORY_LIMIT": "off"}), &bytes.Buffer{})
	if got := cfg.memoryLimit(env(nil)); got != 0 {
		t.Errorf("STAMMER_MEMORY_LIMIT=off set %d", got)
	}
}
