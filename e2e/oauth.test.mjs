// The whole OAuth 2.1 flow of the MCP authorization specification, driven
// by the official TypeScript SDK client against stammer-mcp serving
// Streamable HTTP, with a real OpenID Connect provider (zitadel's library,
// e2e/oidcprovider) as the authorization server. Nobody here mints a token:
// the SDK discovers the resource metadata from the 401, the authorization
// server's metadata from it, sends the user to the authorization endpoint
// with PKCE, and exchanges the code; this test only plays the user's
// browser (it fills in the provider's login form and captures the
// redirect).

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { after, before, describe, test } from 'node:test';

import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

import { assertCleanSession, NOVEMBER, serverBin, serverEnv, statedTotal, textOf } from './helpers.mjs';

const T = { timeout: 60_000 };
const CLIENT_ID = 'stammer-mcp-e2e';
const REDIRECT = 'http://localhost:33418/callback';
const STATIC = 'static-token-for-scripts-0123456789';

/** A free loopback port (the server must know its URL before it starts). */
function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Starts a child process and collects its output. */
function start(cmd, args, env) {
  const child = spawn(cmd, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
  const out = [];
  const err = [];
  child.stdout.on('data', (c) => out.push(c));
  child.stderr.on('data', (c) => err.push(c));
  return {
    child,
    stdout: () => Buffer.concat(out).toString('utf8'),
    stderr: () => Buffer.concat(err).toString('utf8'),
  };
}

async function waitFor(what, check, ms = 30_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The claims of a JWT, unverified: for assertions about what the provider issued. */
function claimsOf(jwt) {
  return JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8'));
}

/**
 * Plays the user's browser: follows the provider's redirects to its login
 * form, submits the user's credentials, and follows the redirects until the
 * one to the client's redirect URI, whose code it returns.
 */
async function browserLogin(authUrl, username, password) {
  let url = authUrl.toString();
  let cookie = '';
  for (let hop = 0; hop < 10; hop++) {
    if (url.startsWith(REDIRECT)) {
      const u = new URL(url);
      assert.equal(u.searchParams.get('error'), null, `the provider answered with an error: ${url}`);
      return u.searchParams.get('code');
    }
    const res = await fetch(url, { redirect: 'manual', headers: cookie ? { cookie } : {} });
    const set = res.headers.get('set-cookie');
    if (set) cookie = set.split(';')[0];
    if (res.status >= 300 && res.status < 400) {
      url = new URL(res.headers.get('location'), url).toString();
      continue;
    }
    const html = await res.text();
    assert.equal(res.status, 200, `${url}: ${res.status} ${html.slice(0, 300)}`);
    const form = /<form[^>]*action="([^"]+)"/.exec(html);
    assert.ok(form, `no login form at ${url}:\n${html.slice(0, 500)}`);
    const fields = new URLSearchParams();
    for (const m of html.matchAll(/<input[^>]*type="hidden"[^>]*name="([^"]+)"[^>]*value="([^"]*)"/g)) fields.set(m[1], m[2]);
    fields.set('username', username);
    fields.set('password', password);
    const post = await fetch(new URL(form[1], url), {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie } : {}) },
      body: fields,
    });
    assert.ok(post.status >= 300 && post.status < 400, `login failed: ${post.status} ${(await post.text()).slice(0, 300)}`);
    url = new URL(post.headers.get('location'), url).toString();
  }
  throw new Error('too many redirects');
}

/** An OAuthClientProvider for a client registered in advance (no DCR). */
class PreRegisteredClient {
  constructor() {
    this.authUrl = undefined;
    this.saved = undefined;
    this.verifier = undefined;
  }
  get redirectUrl() {
    return REDIRECT;
  }
  get clientMetadata() {
    return {
      client_name: 'stammer-mcp e2e',
      redirect_uris: [REDIRECT],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    };
  }
  clientInformation() {
    return { client_id: CLIENT_ID };
  }
  tokens() {
    return this.saved;
  }
  saveTokens(tokens) {
    this.saved = tokens;
  }
  redirectToAuthorization(url) {
    this.authUrl = url;
  }
  saveCodeVerifier(v) {
    this.verifier = v;
  }
  codeVerifier() {
    return this.verifier;
  }
}

describe('OAuth 2.1: SDK client, real OpenID provider, stammer-mcp over HTTP', () => {
  let provider;
  let server;
  let issuer;
  let mcpUrl;
  const seen = []; // every request the SDK made: method and URL
  const recordingFetch = async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    seen.push({ method: init?.method ?? 'GET', url, body: typeof init?.body === 'string' ? init.body : init?.body?.toString?.() });
    return fetch(input, init);
  };

  before(async () => {
    const bin = process.env.OIDC_PROVIDER_BIN;
    assert.ok(bin, 'OIDC_PROVIDER_BIN must name the built e2e/oidcprovider; run this through go test ./e2e/');
    const port = await freePort();
    mcpUrl = `http://127.0.0.1:${port}/mcp`;
    provider = start(bin, ['-audience', mcpUrl, '-client-id', CLIENT_ID, '-redirect-uri', REDIRECT], process.env);
    issuer = await waitFor('the provider', () => /^issuer (\S+)$/m.exec(provider.stdout())?.[1]);
    server = start(serverBin(), ['--demo', '--transport', 'http', '--listen', `127.0.0.1:${port}`],
      serverEnv({ MCP_OAUTH_ISSUER: issuer, MCP_OAUTH_RESOURCE: mcpUrl, MCP_HTTP_TOKEN: STATIC, LOG_LEVEL: 'info' }));
    await waitFor('the server', async () => {
      try {
        return (await fetch(`http://127.0.0.1:${port}/healthz`)).ok;
      } catch {
        return false;
      }
    });
  }, T);

  after(() => {
    server?.child.kill('SIGTERM');
    provider?.child.stdin.end();
    provider?.child.kill('SIGTERM');
  });

  test('discovery, authorization code with PKCE, token, tools/call', T, async () => {
    const auth = new PreRegisteredClient();
    const transport = new StreamableHTTPClientTransport(new URL(mcpUrl), { authProvider: auth, fetch: recordingFetch });
    const first = new Client({ name: 'stammer-mcp-e2e', version: '0.0.0' });
    await assert.rejects(first.connect(transport), UnauthorizedError, 'the server let an unauthenticated client in');

    // The SDK found the resource metadata from the 401 and the provider
    // from it, and sent the user to the provider's authorization endpoint.
    const urls = seen.map((r) => r.url);
    assert.ok(urls.some((u) => u === `${new URL(mcpUrl).origin}/.well-known/oauth-protected-resource/mcp`), `no resource metadata request: ${urls.join('\n')}`);
    assert.ok(urls.some((u) => u.startsWith(issuer) && u.includes('/.well-known/')), `no authorization server metadata request: ${urls.join('\n')}`);
    assert.ok(auth.authUrl, 'the SDK did not start the authorization');
    const a = auth.authUrl.searchParams;
    assert.equal(auth.authUrl.origin, new URL(issuer).origin);
    assert.equal(a.get('response_type'), 'code');
    assert.equal(a.get('client_id'), CLIENT_ID);
    assert.equal(a.get('code_challenge_method'), 'S256');
    assert.match(a.get('code_challenge') ?? '', /^[A-Za-z0-9_-]{43}$/);
    assert.equal(a.get('resource'), mcpUrl, 'the SDK did not name the resource (RFC 8707)');
    assert.match(a.get('scope') ?? '', /\bstammer\.read\b/, 'the scope from WWW-Authenticate was not requested');

    const code = await browserLogin(auth.authUrl, 'test-user@127.0.0.1', 'verysecure');
    assert.ok(code, 'no authorization code');
    await transport.finishAuth(code);
    const tokenReq = seen.find((r) => r.method === 'POST' && r.url.startsWith(issuer) && /grant_type=authorization_code/.test(r.body ?? ''));
    assert.ok(tokenReq, 'no token request');
    assert.match(tokenReq.body, /code_verifier=/, 'the token request carried no PKCE verifier');
    const access = auth.tokens()?.access_token;
    assert.ok(access, 'no access token saved');
    const claims = claimsOf(access);
    assert.equal(claims.iss, issuer);
    assert.deepEqual([claims.aud].flat(), [mcpUrl]);
    assert.match(claims.scope, /\bstammer\.read\b/);

    // Connected with the token: a real call answers with the demo data.
    const client = new Client({ name: 'stammer-mcp-e2e', version: '0.0.0' });
    const errors = [];
    client.onerror = (e) => errors.push(e);
    await client.connect(new StreamableHTTPClientTransport(new URL(mcpUrl), { authProvider: auth, fetch: recordingFetch }));
    const res = await client.callTool({ name: 'list_conversations', arguments: NOVEMBER });
    assert.notEqual(res.isError, true, textOf(res));
    assert.match(textOf(res), /DEMO DATA/);
    assert.equal(res.structuredContent.total, statedTotal(textOf(res)));
    await client.close();
    assertCleanSession({ errors, stderr: server.stderr });

    // The server logged the call with the subject, never the token.
    const log = await waitFor('the audit line', () => (/tool call.*subject=/.test(server.stderr()) ? server.stderr() : ''), 5_000);
    assert.match(log, new RegExp(`tool call.*subject=${claims.sub}\\b`));
    assert.ok(!log.includes(access), 'the access token appears in the server log');
    assert.ok(!log.includes(access.split('.')[2]), 'the token signature appears in the server log');
  });

  test('the static token works beside OAuth (both modes at once)', T, async () => {
    const client = new Client({ name: 'stammer-mcp-e2e-static', version: '0.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(mcpUrl), { requestInit: { headers: { Authorization: `Bearer ${STATIC}` } } }));
    const res = await client.callTool({ name: 'list_conversations', arguments: NOVEMBER });
    assert.notEqual(res.isError, true, textOf(res));
    assert.equal(res.structuredContent.total, statedTotal(textOf(res)));
    await client.close();
    await waitFor('the audit line', () => /tool call.*subject=mcp-http-token.*auth=token/.test(server.stderr()), 5_000);
  });

  test('a tampered or foreign token is refused with the metadata pointer', T, async () => {
    const good = new PreRegisteredClient();
    const t = new StreamableHTTPClientTransport(new URL(mcpUrl), { authProvider: good });
    await assert.rejects(new Client({ name: 'x', version: '0' }).connect(t), UnauthorizedError);
    const code = await browserLogin(good.authUrl, 'test-user2', 'verysecure');
    await t.finishAuth(code);
    const token = good.tokens().access_token;
    const [h, p, s] = token.split('.');
    const forged = { ...claimsOf(token), sub: 'someone-else' };
    for (const [name, bad] of [
      ['tampered claims', `${h}.${Buffer.from(JSON.stringify(forged)).toString('base64url')}.${s}`],
      ['truncated signature', `${h}.${p}.${s.slice(0, -4)}`],
    ]) {
      const res = await fetch(mcpUrl, {
        method: 'POST',
        headers: { authorization: `Bearer ${bad}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'list_conversations', arguments: NOVEMBER } }),
      });
      assert.equal(res.status, 401, name);
      assert.match(res.headers.get('www-authenticate') ?? '', /error="invalid_token".*resource_metadata="/, name);
    }
  });
});
