package main

import (
	"bufio"
	"cmp"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// callOnce runs one tool call as an MCP client would, through the stdio
// server itself (serveStdio over in-memory pipes: the same framing,
// session and dispatch), and prints the text result. A tool error exits 1.
//
// Why not mcp-go's in-process client: it bypasses the stdio path this
// exercises, and it links the client package and all its transports into
// the binary every install starts, for one subcommand (130 KB).
func callOnce(ctx context.Context, srv *server.MCPServer, call callArgs, stdout, stderr io.Writer, logger *slog.Logger) int {
	c := startPipeClient(ctx, srv, logger)
	defer c.close()
	// fail reports a failed step; once ctx has ended (Ctrl-C, SIGTERM) the
	// step failed because the session was stopped, and that is the news.
	fail := func(format string, args ...any) int {
		if ctx.Err() != nil {
			fmt.Fprintln(stderr, "stammer-mcp: interrupted")
			return 1
		}
		fmt.Fprintf(stderr, "stammer-mcp: "+format+"\n", args...)
		return 1
	}
	if _, err := c.request("initialize", map[string]any{
		"protocolVersion": mcp.LATEST_PROTOCOL_VERSION,
		"capabilities":    map[string]any{},
		"clientInfo":      mcp.Implementation{Name: "stammer-mcp call", Version: version()},
	}); err != nil {
		return fail("initialize: %v", err)
	}
	if err := c.send(map[string]any{"jsonrpc": "2.0", "method": "notifications/initialized"}); err != nil {
		return fail("%v", err)
	}
	raw, err := c.request("tools/call", map[string]any{"name": call.tool, "arguments": call.args})
	if err != nil {
		code := fail("%s: %v", call.tool, err)
		if ctx.Err() != nil {
			return code
		}
		if names, lerr := c.toolNames(); lerr == nil && !slices.Contains(names, call.tool) {
			fmt.Fprintf(stderr, "stammer-mcp: there is no tool %q; the tools are: %s\n", call.tool, strings.Join(names, ", "))
		}
		return code
	}
	res, err := mcp.ParseCallToolResult(&raw)
	if err != nil {
		return fail("%s: %v", call.tool, err)
	}
	if res.IsError && ctx.Err() != nil {
		// The server stopped the call, and its answer says so in the
		// words meant for a model; the user pressed Ctrl-C, which fail
		// reports once ctx has ended, whatever the step.
		return fail("")
	}
	for i, content := range res.Content {
		switch c := content.(type) {
		case mcp.TextContent:
			fmt.Fprintln(stdout, c.Text)
		case mcp.ImageContent:
			if call.saveImages == "" {
				fmt.Fprintf(stdout, "[%s image; use --save-images DIR to write it to a file]\n", c.MIMEType)
				continue
			}
			path, err := saveImage(call.saveImages, fmt.Sprintf("%s-%d", call.tool, i), c)
			if err != nil {
				fmt.Fprintf(stderr, "stammer-mcp: %v\n", err)
				return 1
			}
			fmt.Fprintf(stdout, "[image saved to %s]\n", path)
		}
	}
	if res.IsError {
		return 1
	}
	return 0
}

// pipeClient talks JSON-RPC to serveStdio over two pipes, one request at a
// time.
type pipeClient struct {
	in     *io.PipeWriter
	out    *bufio.Reader
	served chan error
	nextID int
}

// startPipeClient serves srv over stdio on a pair of pipes, and returns
// the client's end.
func startPipeClient(ctx context.Context, srv *server.MCPServer, logger *slog.Logger) *pipeClient {
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	c := &pipeClient{in: inW, out: bufio.NewReader(outR), served: make(chan error, 1)}
	// Once ctx ends the server reads no more requests (its reader may hold
	// one it never hands over), and it cannot return while a notification
	// waits for the client to read it: a request written then must fail at
	// once, not wait for the server to return.
	stopped := errors.New("the server has stopped")
	unhook := context.AfterFunc(ctx, func() { inR.CloseWithError(stopped) })
	go func() {
		err := serveStdio(ctx, srv, inR, outW, 0, logger)
		unhook()
		inR.CloseWithError(cmp.Or(err, stopped)) // also when it could not start
		outW.CloseWithError(err)                 // nil: the reader sees io.EOF
		c.served <- err
	}()
	return c
}

// close ends the session as a client closing stdin does, and waits for
// the server to finish. What the server still writes is read and dropped:
// a notification it sends on its way out would otherwise block its writer
// on the pipe, and the server would never finish.
func (c *pipeClient) close() {
	go io.Copy(io.Discard, c.out)
	c.in.Close()
	<-c.served
}

func (c *pipeClient) send(msg any) error {
	b, err := json.Marshal(msg)
	if err != nil {
		return err
	}
	_, err = c.in.Write(append(b, '\n'))
	return err
}

// request sends one request and returns its result, skipping the
// notifications that come before the answer. A JSON-RPC error is returned
// as an error with the server's message.
func (c *pipeClient) request(method string, params any) (json.RawMessage, error) {
	c.nextID++
	id := c.nextID
	if err := c.send(map[string]any{"jsonrpc": "2.0", "id": id, "method": method, "params": params}); err != nil {
		return nil, err
	}
	for {
		line, err := c.out.ReadBytes('\n')
		if err != nil {
			return nil, err
		}
		var msg struct {
			ID     *int            `json:"id"`
			Method string          `json:"method"`
			Result json.RawMessage `json:"result"`
			Error  *struct {
				Message string `json:"message"`
			} `json:"error"`
		}
		if err := json.Unmarshal(line, &msg); err != nil {
			return nil, fmt.Errorf("unreadable answer from the server: %w", err)
		}
		switch {
		case msg.Method != "":
			continue // a notification (progress, log) or a request of the server's
		case msg.ID == nil && msg.Error != nil:
			// An error the server could not tie to a request ("id": null,
			// say for a line it could not read): ours is the only one.
			return nil, errors.New(msg.Error.Message)
		case msg.ID == nil || *msg.ID != id:
			continue
		}
		if msg.Error != nil {
			return nil, errors.New(msg.Error.Message)
		}
		return msg.Result, nil
	}
}

// toolNames lists the server's tools, sorted.
func (c *pipeClient) toolNames() ([]string, error) {
	raw, err := c.request("tools/list", map[string]any{})
	if err != nil {
		return nil, err
	}
	var list struct {
		Tools []struct {
			Name string `json:"name"`
		} `json:"tools"`
	}
	if err := json.Unmarshal(raw, &list); err != nil {
		return nil, err
	}
	names := make([]string, len(list.Tools))
	for i, t := range list.Tools {
		names[i] = t.Name
	}
	slices.Sort(names)
	return names, nil
}

// saveImage writes an image result into dir, named after the call.
func saveImage(dir, name string, img mcp.ImageContent) (string, error) {
	data, err := base64.StdEncoding.DecodeString(img.Data)
	if err != nil {
		return "", fmt.Errorf("image result is not base64: %w", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	ext := ".png"
	if img.MIMEType != "image/png" {
		ext = ".img"
	}
	path := filepath.Join(dir, name+ext)
	return path, os.WriteFile(path, data, 0o644)
}
