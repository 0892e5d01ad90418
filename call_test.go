package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// TestCallEndsWhenInterrupted: Ctrl-C (ctx ends) at any moment of a call
// ends the command with exit code 1, never a hang. A request written after
// the server stopped once waited forever for a reader (about 1 run in 70).
func TestCallEndsWhenInterrupted(t *testing.T) {
	quiet := func(k string) string {
		if k == "LOG_LEVEL" {
			return "error"
		}
		return ""
	}
	args := []string{"--demo", "call", "no_such_tool", "{}"}
	start := time.Now()
	run(context.Background(), args, strings.NewReader(""), &bytes.Buffer{}, &bytes.Buffer{}, quiet)
	whole := time.Since(start)
	for i := range 300 {
		ctx, cancel := context.WithCancel(context.Background())
		stop := time.AfterFunc(time.Duration(rand.Int64N(int64(whole))), cancel)
		var stdout, stderr bytes.Buffer
		done := make(chan int, 1)
		go func() { done <- run(ctx, args, strings.NewReader(""), &stdout, &stderr, quiet) }()
		select {
		case code := <-done:
			if code != 1 {
				t.Fatalf("run %d: exit %d, want 1; stderr:\n%s", i, code, stderr.String())
			}
			if s := stderr.String(); !strings.Contains(s, "not found") && !strings.Contains(s, "stammer-mcp: interrupted") {
				t.Fatalf("run %d: neither the unknown tool nor 'interrupted' in stderr:\n%s", i, s)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("run %d: call still running 10 s after ctx ended; stderr so far:\n%s", i, stderr.String())
		}
		stop.Stop()
		cancel()
	}
}

// TestCallSkipsNotifications: notifications the server sends during a call,
// before and after its answer, are skipped, and the call prints its result
// and ends.
func TestCallSkipsNotifications(t *testing.T) {
	srv := server.NewMCPServer("chatty", "0", server.WithToolCapabilities(false))
	sent := 0
	srv.AddTool(mcp.NewTool("chatty"), func(ctx context.Context, _ mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		for i := range 300 { // more than the session's buffer of 256
			if srv.SendNotificationToClient(ctx, "notifications/message", map[string]any{"level": "info", "data": fmt.Sprint("note ", i)}) == nil {
				sent++
			}
		}
		return mcp.NewToolResultText("the answer"), nil
	})
	var stdout, stderr bytes.Buffer
	done := make(chan int, 1)
	go func() {
		done <- callOnce(t.Context(), srv, callArgs{tool: "chatty", args: json.RawMessage(`{}`)}, &stdout, &stderr, slog.New(slog.DiscardHandler))
	}()
	select {
	case code := <-done:
		if code != 0 || stdout.String() != "the answer\n" {
			t.Fatalf("exit %d, stdout %q, stderr %q; want 0 and the answer", code, stdout.String(), stderr.String())
		}
		if sent < 256 {
			t.Fatalf("the tool sent %d notifications, want at least 256: the test no longer tests skipping them", sent)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("call still running after 10 s")
	}
}

// TestCallReportsUnreadableLine: an error the server cannot tie to a request
// ("id": null: here for a line over stdio's 16 MiB cap) ends the call with
// the server's words, rather than leaving it waiting for an answer with its
// id.
func TestCallReportsUnreadableLine(t *testing.T) {
	srv := server.NewMCPServer("t", "0", server.WithToolCapabilities(false))
	srv.AddTool(mcp.NewTool("echo"), func(context.Context, mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		return mcp.NewToolResultText("never"), nil
	})
	huge := json.RawMessage(`{"text":"` + strings.Repeat("a", maxStdioLine) + `"}`)
	var stdout, stderr bytes.Buffer
	done := make(chan int, 1)
	go func() {
		done <- callOnce(t.Context(), srv, callArgs{tool: "echo", args: huge}, &stdout, &stderr, slog.New(slog.DiscardHandler))
	}()
	select {
	case code := <-done:
		if code != 1 || !strings.Contains(stderr.String(), "longer than 16 MiB") {
			t.Fatalf("exit %d, stderr %q; want 1 and the server's parse error", code, stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("call still waiting 30 s after sending a line the server cannot read")
	}
}
