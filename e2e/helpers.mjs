// Shared plumbing of the end-to-end tests: where the server binary is, how
// to start it under the official TypeScript SDK client, and the independent
// JSON Schema validator (the Ajv the SDK itself depends on).

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isAbsolute } from 'node:path';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';

/**
 * Everything the SDK (or Node on its behalf) complains about without
 * throwing: console.warn/console.error calls and process warnings. A
 * session must end with none of them.
 */
export const complaints = [];
for (const level of ['warn', 'error']) {
  const original = console[level].bind(console);
  console[level] = (...args) => {
    complaints.push(`console.${level}: ${args.map(String).join(' ')}`);
    original(...args);
  };
}
process.on('warning', (w) => complaints.push(`process warning: ${w.name}: ${w.message}`));

/** The stammer-mcp binary under test: an absolute path, set by e2e_test.go. */
export function serverBin() {
  const bin = process.env.STAMMER_MCP_BIN;
  assert.ok(
    bin && isAbsolute(bin),
    `STAMMER_MCP_BIN must be the absolute path of a stammer-mcp binary (got ${JSON.stringify(bin)}); ` +
      'run these tests through "go test ./e2e/", which builds it',
  );
  return bin;
}

/** The tools/list golden file of the tools package: what the model sees. */
export function goldenTools() {
  return JSON.parse(readFileSync(new URL('../tools/testdata/tools_list.golden.json', import.meta.url), 'utf8'));
}

/** The arguments of the README's example call. */
export const NOVEMBER = Object.freeze({
  chatbot_id: 17,
  startDate: '2026-11-01',
  endDate: '2026-11-24',
  onlyDeletedConversations: false,
});

/**
 * A clean environment for a spawned server: the SDK's default inherited
 * variables (HOME, PATH, …) and nothing of the developer's STAMMER_* or
 * LOG_LEVEL settings, plus `extra`.
 */
export function serverEnv(extra = {}) {
  const env = { ...getDefaultEnvironment() };
  for (const key of Object.keys(env)) {
    if (key.startsWith('STAMMER_') || key === 'LOG_LEVEL') delete env[key];
  }
  return { ...env, ...extra };
}

/**
 * Starts the server under the SDK client and connects (initialize +
 * notifications/initialized). Records every message the server sent
 * (`wire`), every error the client saw (`errors`: a stdout line that is not
 * JSON-RPC lands here), the server's stderr, and how many times the client
 * validated structured content against an output schema.
 */
export async function connect({ args = ['--demo'], env = {} } = {}) {
  const transport = new StdioClientTransport({
    command: serverBin(),
    args,
    env: serverEnv(env),
    stderr: 'pipe',
  });
  const stderrChunks = [];
  transport.stderr.on('data', (chunk) => stderrChunks.push(chunk));

  // Tap the transport: Protocol.connect installs its onmessage before it
  // starts the transport, so wrap whatever it installs.
  const wire = [];
  let handler;
  Object.defineProperty(transport, 'onmessage', {
    configurable: true,
    get: () => handler,
    set: (fn) => {
      handler = fn && ((message, extra) => {
        wire.push(message);
        fn(message, extra);
      });
    },
  });

  // The SDK's own validator, counted, so a test can prove that the client
  // really validated structuredContent against the advertised outputSchema.
  const validations = { run: 0, validators: [] };
  const ajvProvider = new AjvJsonSchemaValidator();
  const jsonSchemaValidator = {
    getValidator(schema) {
      const validate = ajvProvider.getValidator(schema);
      validations.validators.push({ schema, validate });
      return (input) => {
        validations.run++;
        return validate(input);
      };
    },
  };

  const client = new Client({ name: 'stammer-mcp-e2e', version: '0.0.0' }, { capabilities: {}, jsonSchemaValidator });
  const errors = [];
  client.onerror = (err) => errors.push(err);
  await client.connect(transport);

  let closed = false;
  return {
    client,
    transport,
    wire,
    errors,
    validations,
    stderr: () => Buffer.concat(stderrChunks).toString('utf8'),
    async close() {
      if (closed) return;
      closed = true;
      await client.close();
    },
  };
}

/**
 * Asserts what every session must end with: no client-side error (a stray
 * stdout line, a malformed message), and no data race or panic reported by
 * the server (the binary is built with -race when go test runs with -race).
 */
export function assertCleanSession(session) {
  assert.deepEqual(session.errors.map(String), [], 'the SDK client reported errors (is something besides JSON-RPC written to stdout?)');
  assert.deepEqual(complaints, [], 'the SDK or Node complained');
  const stderr = session.stderr();
  assert.doesNotMatch(stderr, /WARNING: DATA RACE/, `the race detector fired in the server:\n${stderr}`);
  assert.doesNotMatch(stderr, /panic/i, `the server panicked:\n${stderr}`);
}

/** The text of a tool result's first text content. */
export function textOf(result) {
  const c = (result.content ?? []).find((x) => x.type === 'text');
  assert.ok(c, `the result has no text content: ${JSON.stringify(result).slice(0, 500)}`);
  return c.text;
}

/** The "N" of "Totals over all N conversations" (N may have thousands separators). */
export function statedTotal(text) {
  const m = /Totals over all ([\d,]+) conversations?/.exec(text);
  assert.ok(m, `no "Totals over all N conversations" in:\n${text.slice(0, 800)}`);
  return Number(m[1].replaceAll(',', ''));
}

/**
 * A strict, independent Ajv (JSON Schema 2020-12, the MCP default dialect,
 * strict mode on, formats checked), loaded from the SDK's own dependency
 * rather than a dependency of ours.
 */
export function strictAjv() {
  const sdk = createRequire(import.meta.url).resolve('@modelcontextprotocol/sdk/validation/ajv');
  const require = createRequire(sdk);
  const Ajv2020 = require('ajv/dist/2020').default;
  const addFormats = require('ajv-formats').default;
  const ajv = new Ajv2020({ strict: true, strictTypes: true, strictTuples: true, allErrors: true });
  addFormats(ajv);
  return ajv;
}

/** Every path at which `key` appears as an object key in `value`. */
export function keyPaths(value, key, path = '$') {
  if (value === null || typeof value !== 'object') return [];
  const out = [];
  for (const [k, v] of Object.entries(value)) {
    const p = Array.isArray(value) ? `${path}[${k}]` : `${path}.${k}`;
    if (k === key) out.push(p);
    out.push(...keyPaths(v, key, p));
  }
  return out;
}
