package tools

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// redactor is the part of the Stammer client that removes its token from
// text (redact.Redactor: any case, URL- or base64-encoded).
type redactor interface{ Redact(string) string }

// redactResults is the last step of every tool call: whatever a handler
// built from upstream text (conversation content, the API's words in an
// error), the token does not reach the model. The client already redacts
// its errors; this covers what the API put inside the conversations
// themselves, and any path added later.
func redactResults(r redactor) server.ToolHandlerMiddleware {
	return func(next server.ToolHandlerFunc) server.ToolHandlerFunc {
		return func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
			res, err := next(ctx, req)
			if res != nil {
				redactResult(r, res)
			}
			if err != nil {
				if msg := r.Redact(err.Error()); msg != err.Error() {
					err = errors.New(msg)
				}
			}
			return res, err
		}
	}
}

// redactResult redacts a result in place: each text, and the structured
// content (as JSON, replaced only when it held the token; the mark holds
// no character JSON escapes, so the JSON stays valid).
func redactResult(r redactor, res *mcp.CallToolResult) {
	for i, c := range res.Content {
		if t, ok := c.(mcp.TextContent); ok {
			if s := r.Redact(t.Text); s != t.Text {
				t.Text = s
				res.Content[i] = t
			}
		}
	}
	if res.StructuredContent == nil {
		return
	}
	b, err := json.Marshal(res.StructuredContent)
	if err != nil {
		return
	}
	if s := r.Redact(string(b)); s != string(b) {
		res.StructuredContent = json.RawMessage(s)
	}
}

// redactResources does the same for resource reads (transcripts).
func redactResources(r redactor) server.ResourceHandlerMiddleware {
	return func(next server.ResourceHandlerFunc) server.ResourceHandlerFunc {
		return func(ctx context.Context, req mcp.ReadResourceRequest) ([]mcp.ResourceContents, error) {
			cs, err := next(ctx, req)
			for i, c := range cs {
				if t, ok := c.(mcp.TextResourceContents); ok {
					t.Text = r.Redact(t.Text)
					cs[i] = t
				}
			}
			if err != nil {
				if msg := r.Redact(err.Error()); msg != err.Error() {
					err = errors.New(msg)
				}
			}
			return cs, err
		}
	}
}
