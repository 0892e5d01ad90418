package tools

import (
	"context"
	"fmt"
	"sync"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/stammer-mcp/stammer-mcp/stammer"
)

// withProgress returns ctx carrying a stammer progress callback that sends
// notifications/progress to the client, when the call asked for progress
// (a progress token in its _meta); otherwise ctx unchanged. Progress is
// the number of conversations read so far, total the API's own count when
// it sent one; each notification's progress is larger than the last, as
// the protocol requires.
//
// Handlers call it first: ctx = withProgress(ctx, req).
func withProgress(ctx context.Context, req mcp.CallToolRequest) context.Context {
	if req.Params.Meta == nil || req.Params.Meta.ProgressToken == nil {
		return ctx
	}
	srv := server.ServerFromContext(ctx)
	if srv == nil {
		return ctx
	}
	token := req.Params.Meta.ProgressToken
	var (
		mu   sync.Mutex
		last = -1
	)
	return stammer.WithProgress(ctx, func(p stammer.Progress) {
		// A shared upstream request outlives a caller that left; its
		// progress is no longer anyone's business.
		if ctx.Err() != nil {
			return
		}
		mu.Lock()
		if p.Conversations <= last {
			mu.Unlock()
			return
		}
		last = p.Conversations
		mu.Unlock()
		params := map[string]any{
			"progressToken": token,
			"progress":      p.Conversations,
			"message":       progressMessage(p),
		}
		if p.Total >= p.Conversations {
			params["total"] = p.Total
		}
		// Best effort: a client that cannot take the notification still
		// gets its result.
		_ = srv.SendNotificationToClient(ctx, string(mcp.MethodNotificationProgress), params)
	})
}

// progressMessage says in words how far the read has got.
func progressMessage(p stammer.Progress) string {
	msg := fmt.Sprintf("Read %s conversations from Stammer", num(p.Conversations))
	if p.Total >= p.Conversations {
		msg = fmt.Sprintf("Read %s of %s conversations from Stammer", num(p.Conversations), num(p.Total))
	}
	if p.Page > 1 {
		msg += fmt.Sprintf(" (page %d)", p.Page)
	}
	return msg
}
