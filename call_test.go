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

	"github.com/stammer-mcp/stammer-mcp/stammer/stammertest"
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
		note := func(i int) {
			if srv.SendNotificationToClient(ctx, "notifications/message", map[string]any{"level": "info", "data": fmt.Sprint("note ", i)}) == nil {
				sent++
			}
		}
		for i := range 300 { // more than the session's buffer of 256
			note(i)
		}
		// The client reads these before the answer: wait until the
		// session's writer has taken them all.
		for ch := server.ClientSessionFromContext(ctx).NotificationChannel(); len(ch) > 0 && ctx.Err() == nil; {
			time.Sleep(time.Millisecond)
		}
		for i := range 300 { // and these after it, as it stops
			note(300 + i)
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
		if sent < 512 {
			t.Fatalf("the tool sent %d notifications, want at least 512: the test no longer tests skipping them", sent)
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

// TestCallInterruptedWithNotificationPending: Ctrl-C while the server has a
// notification of its own waiting to be read. The server cannot return
// before the client reads it, so the server's stdin must close when ctx
// ends, not when the server returns: otherwise the client's next request
// waits for a reader and the server for the client (27 of 50 runs hung).
func TestCallInterruptedWithNotificationPending(t *testing.T) {
	for i := range 50 {
		ctx, cancel := context.WithCancel(context.Background())
		hooks := &server.Hooks{}
		stopNotes := make(chan struct{})
		hooks.AddAfterInitialize(func(c context.Context, _ any, _ *mcp.InitializeRequest, _ *mcp.InitializeResult) {
			sess := server.ClientSessionFromContext(c)
			cancel() // Ctrl-C while the server answers initialize
			go func() {
				for {
					select {
					case sess.NotificationChannel() <- mcp.JSONRPCNotification{JSONRPC: "2.0", Notification: mcp.Notification{Method: "notifications/message"}}:
					case <-stopNotes:
						return
					}
				}
			}()
		})
		srv := server.NewMCPServer("t", "0", server.WithToolCapabilities(false), server.WithHooks(hooks))
		srv.AddTool(mcp.NewTool("echo"), func(context.Context, mcp.CallToolRequest) (*mcp.CallToolResult, error) {
			return mcp.NewToolResultText("x"), nil
		})
		var stdout, stderr bytes.Buffer
		done := make(chan int, 1)
		go func() {
			done <- callOnce(ctx, srv, callArgs{tool: "echo", args: json.RawMessage(`{}`)}, &stdout, &stderr, slog.New(slog.DiscardHandler))
		}()
		select {
		case code := <-done:
			if code != 1 || !strings.Contains(stderr.String(), "interrupted") {
				t.Fatalf("run %d: exit %d, stderr %q; want 1 and 'interrupted'", i, code, stderr.String())
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("run %d: interrupted call still running after 5 s", i)
		}
		close(stopNotes)
	}
}

// TestCallInterruptedMidCall: Ctrl-C while a tool waits for the API. The
// server stops the call and answers it with a tool error written for a
// model (tools.StoppingMessage); the command prints "interrupted" instead,
// and nothing on stdout.
func TestCallInterruptedMidCall(t *testing.T) {
	srv := stammertest.NewServer(t)
	srv.SetFault(stammertest.Fault{Delay: time.Minute})
	env := map[string]string{"STAMMER_BASE_URL": srv.URL, "STAMMER_API_TOKEN": stammertest.DefaultToken, "LOG_LEVEL": "error"}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		if srv.WaitRequests(1, 10*time.Second) {
			cancel()
		}
	}()
	var stdout, stderr bytes.Buffer
	code := run(ctx, []string{"call", "list_conversations", `{"chatbot_id":1,"onlyDeletedConversations":false}`}, strings.NewReader(""), &stdout, &stderr, func(k string) string { return env[k] })
	if code != 1 || strings.TrimSpace(stderr.String()) != "stammer-mcp: interrupted" || stdout.Len() != 0 {
		t.Errorf("exit %d, stdout %q, stderr %q; want 1, nothing, and only 'interrupted'", code, stdout.String(), stderr.String())
	}
}
