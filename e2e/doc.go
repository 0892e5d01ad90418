// Package e2e holds no code: its tests run stammer-mcp end to end under MCP
// clients that nobody in this project wrote, installed from npm at the
// versions pinned in package-lock.json:
//
//   - the official MCP TypeScript SDK client (sdk.test.mjs), which spawns
//     the binary over stdio, parses every line it prints and validates
//     structured results against the advertised output schemas;
//   - the MCP Inspector's CLI mode (inspector.test.mjs), as a developer
//     runs it from a shell;
//   - the SDK client again (oauth.test.mjs, run by oauth_test.go) through
//     the whole OAuth 2.1 flow of the MCP authorization specification
//     against the server on HTTP, with a real OpenID Connect provider
//     (zitadel's library, built from oidcprovider/, a module of its own);
//   - the official MCP conformance suite (conformance_test.go), whose
//     server scenarios run against the binary serving Streamable HTTP on a
//     loopback port; docs/conformance.md lists every scenario, which ones
//     apply and why the others cannot.
//
// "go test ./..." builds the server once into a temporary directory (with
// -race when the test runs with -race), runs "npm ci" here when
// node_modules is missing or older than package-lock.json, then runs "node
// --test" with STAMMER_MCP_BIN set to the binary, and the conformance
// suite. It needs Node.js 20 or newer with npm on PATH; without them the
// tests are skipped, except when the environment variable CI is "true",
// where they fail. "go test -short" skips them too.
//
// To run the Node tests alone, from this directory:
//
//	npm ci
//	go build -o /tmp/stammer-mcp .. && STAMMER_MCP_BIN=/tmp/stammer-mcp npm test
//
// package.json pins exact versions, and .npmrc keeps registry URLs out of
// package-lock.json (npm ci fetches from whichever registry npm is
// configured for and checks every package against the lock's integrity
// hash) and makes npm refuse packages whose engines exclude the running
// Node.js.
package e2e
