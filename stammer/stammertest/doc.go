// Package stammertest runs a fake Stammer.ai conversations API on loopback,
// in the manner of net/http/httptest.
//
// It exists so that every test layer of stammer-mcp (the client, the tools,
// end-to-end MCP sessions) and the product's --demo mode talk to the same
// upstream: one that enforces the documented rules of
// GET /{lang}/chatbot/api/v1/conversations/ (token auth, the seven query
// parameters, mutual exclusion of chatbot_id and chatbot_uuid, date order,
// the eleven source platforms), serves realistic multilingual fixtures,
// records every request, and can be made to misbehave (Fault: status codes,
// Retry-After, delays, connection resets, slow-drip and truncated bodies,
// huge bodies generated on the fly, redirects) or to answer in DRF pages
// (Paging, with next links to itself or to another host).
//
// The record says how each request ended (Request.Status, BodyBytes) and
// whether, and when, the client gave up before the answer was complete
// (Request.CancelledAt); WaitRequests and WaitCancelled let a test act while
// a request is in flight and assert that cancelling a call stopped its
// upstream request, and how fast.
//
// The response body of the real API is undocumented, so the server can
// answer in several envelopes (Shape) and message styles (Style); a client
// that decodes all of them is tolerant of whatever Stammer really sends.
//
// The package deliberately does not import the client package
// (stammer-mcp/stammer): it is an independent oracle, written from the API
// documentation, so a misunderstanding in the client is not mirrored here.
// It does not import "testing" either, because the demo mode links it into
// the product binary; NewServer takes the small TB interface instead.
//
// Typical use in a test:
//
//	srv := stammertest.NewServer(t)              // closed by t.Cleanup
//	// point the client at srv.URL with stammertest.DefaultToken, call it,
//	srv.SetFault(stammertest.Fault{Status: 429, Header: http.Header{"Retry-After": {"1"}}, Times: 1})
//	// call it again, then assert on srv.Requests() (two requests: a retry).
//
// The demo mode uses New, serves the default Fixtures, and Closes it on exit.
package stammertest
