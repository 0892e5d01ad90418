package tools

import (
	"context"
	"sync"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/stammer-mcp/stammer-mcp/stammer"
)

// A tool is one typed function, run(ctx, params) (result, error), holding
// only what is specific to it. The adapter below does everything else, the
// same way for every tool and for the transcript resource:
//
//	progress → token check → bind → params.check → max_tokens check
//	  → run (whose reads go through fetcher.list, which enforces the
//	    caller's access scope: access.go) → fit the result to the budget,
//	    less any attached image → text + image + structured content; any
//	    error explained for the model.

// params is what the adapter needs of a tool's arguments.
type params[P any] interface {
	// check validates the arguments before any request and returns them
	// normalised (trimmed, platforms spelt as the API does). Every rule of
	// a tool's arguments is checked there and nowhere else.
	check(d Deps) (P, error)
	// budget is the call's max_tokens; 0 means the server's budget.
	budget() int
}

// result is what run returns: a result that renders itself and shrinks to
// fit the budget.
type result interface{ shaper }

// attached is a result that carries an image besides its text; the
// adapter charges the image to the budget before fitting the rest.
type attached interface{ attachment() *image }

// Budget is the max_tokens option that every tool takes.
type Budget struct {
	MaxTokens int `json:"max_tokens,omitempty" jsonschema:"minimum=1500" jsonschema_description:"Ours: lower the output budget of this call, in real (o200k) tokens (the server's budget is the default and the maximum)."`
}

// budget is the call's max_tokens.
func (b Budget) budget() int { return b.MaxTokens }

// tool is one tool behind the adapter.
type tool[P params[P], R result] struct {
	deps Deps
	// bind is built on the tool's first call: it reflects over P, work
	// a start need not do (docs/benchmarks.md, cold start).
	bind func() *binder[P]
	run  func(context.Context, P) (R, error)
}

// newTool builds a read-only tool from its name, its description for the
// model and its run function; the schemas come from the embedded files
// generated from P and R.
func newTool[P params[P], R result](d Deps, name, title, description string, run func(context.Context, P) (R, error)) (server.ServerTool, *tool[P, R], error) {
	in, out, err := schemasOf(name)
	if err != nil {
		return server.ServerTool{}, nil, err
	}
	t := &tool[P, R]{deps: d, bind: sync.OnceValue(newBinder[P]), run: run}
	return server.ServerTool{Tool: readOnlyTool(name, title, description, in, out), Handler: t.handle}, t, nil
}

// handle is the MCP handler: every failure is a tool error (isError) that
// says what to do, never a protocol error, which models do not see.
func (t *tool[P, R]) handle(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	content, sc, err := t.call(withProgress(ctx, req), req.Params.Arguments)
	if err != nil {
		return errorResult(t.deps.explain(err)), nil
	}
	return &mcp.CallToolResult{Content: content, StructuredContent: sc}, nil
}

// call runs the steps shared by every tool on raw arguments (a JSON object,
// as a map or raw JSON). It returns the content (text first, then any
// image) and the structured content.
func (t *tool[P, R]) call(ctx context.Context, args any) ([]mcp.Content, any, error) {
	// The token comes first: nothing works without it, and the fix is the
	// same whatever the arguments.
	if !t.deps.Client.HasToken() {
		return nil, nil, stammer.ErrNoToken
	}
	if m := t.deps.Misconfigured; m != "" {
		return nil, nil, answerErrorf("stammer-mcp is misconfigured, so it answers no call until this is fixed in the env block of its entry in the MCP client's config (then restart the server): %s", m)
	}
	p, err := t.bind().bind(args)
	if err != nil {
		return nil, nil, err
	}
	if p, err = p.check(t.deps); err != nil {
		return nil, nil, err
	}
	if err := t.deps.checkMaxTokens(p.budget()); err != nil {
		return nil, nil, err
	}
	r, err := t.run(ctx, p)
	if err != nil {
		return nil, nil, err
	}
	budget := t.deps.budgetFor(p.budget())
	var img []mcp.Content
	if a, ok := any(r).(attached); ok {
		if im := a.attachment(); im != nil {
			budget -= im.tokens
			img = append(img, mcp.NewImageContent(im.png, "image/png"))
		}
	}
	text, sc, err := fit(r, budget)
	if err != nil {
		return nil, nil, answerErrorf("The result does not fit the output budget: %v. Call again without max_tokens, or with a narrower query (or without chart)", err)
	}
	return append([]mcp.Content{mcp.NewTextContent(text)}, img...), sc, nil
}

// text runs a call and returns only its text, for the transcript resource.
func (t *tool[P, R]) text(ctx context.Context, args map[string]any) (string, error) {
	content, _, err := t.call(ctx, args)
	if err != nil {
		return "", err
	}
	return content[0].(mcp.TextContent).Text, nil
}
