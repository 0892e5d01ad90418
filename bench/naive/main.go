// Command naive is the "quick wrapper" baseline of the bench command: an
// mcp-go stdio server whose list_conversations tool sends its arguments
// upstream as query parameters, GETs the same Stammer endpoint as
// stammer-mcp (STAMMER_BASE_URL, STAMMER_API_TOKEN), and returns the raw
// response body as the tool's text. No decoding, no summary, no cache, no
// budget: what a wrapper written in ten minutes does.
package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

func main() {
	base := strings.TrimRight(os.Getenv("STAMMER_BASE_URL"), "/")
	token := os.Getenv("STAMMER_API_TOKEN")
	endpoint := base + "/en/chatbot/api/v1/conversations/"

	s := server.NewMCPServer("naive", "0", server.WithToolCapabilities(false))
	tool := mcp.NewTool("list_conversations",
		mcp.WithDescription("Lists Stammer conversations: the API's answer, verbatim."),
		mcp.WithBoolean("onlyDeletedConversations", mcp.Required()),
		mcp.WithNumber("chatbot_id"),
		mcp.WithString("chatbot_uuid"),
		mcp.WithString("startDate"),
		mcp.WithString("endDate"),
		mcp.WithString("sourcePlatform"),
		mcp.WithNumber("conversation_number"),
	)
	s.AddTool(tool, func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		q := url.Values{}
		for k, v := range req.GetArguments() {
			q.Set(k, fmt.Sprint(v))
		}
		r, err := http.NewRequestWithContext(ctx, http.MethodGet, endpoint+"?"+q.Encode(), nil)
		if err != nil {
			return mcp.NewToolResultError(err.Error()), nil
		}
		r.Header.Set("Authorization", "Token "+token)
		r.Header.Set("Accept", "application/json")
		resp, err := http.DefaultClient.Do(r)
		if err != nil {
			return mcp.NewToolResultError(err.Error()), nil
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			return mcp.NewToolResultError(err.Error()), nil
		}
		if resp.StatusCode != http.StatusOK {
			return mcp.NewToolResultError(resp.Status + ": " + string(body)), nil
		}
		return mcp.NewToolResultText(string(body)), nil
	})
	if err := server.ServeStdio(s); err != nil {
		fmt.Fprintln(os.Stderr, "naive:", err)
		os.Exit(1)
	}
}
