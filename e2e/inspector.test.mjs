// stammer-mcp under the MCP Inspector's CLI mode, run as a developer runs
// it: `mcp-inspector --cli <server> [args] --method … [--tool-arg k=v …]`,
// with its JSON result on stdout.
//
// How this Inspector (0.15.x) passes --tool-arg values, found by experiment
// and by reading its cli/build/client/tools.js: every value arrives as a
// string and is then converted by the type the tool's inputSchema gives the
// property: "integer"/"number" → Number(v) (so "abc" becomes NaN, which JSON
// sends as null), "boolean" → v.toLowerCase() === "true" (so anything else,
// "yes" included, is false), "object"/"array" → JSON.parse(v), anything else
// (and a parameter the schema does not know) → the string as typed. The
// server's environment is the Inspector's own plus its -e KEY=VALUE pairs.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';

import { goldenTools, serverBin, serverEnv, statedTotal, textOf } from './helpers.mjs';

const INSPECTOR = fileURLToPath(new URL('./node_modules/.bin/mcp-inspector', import.meta.url));
const RUN_TIMEOUT_MS = 20_000;
// T bounds each test, never a describe: node:test applies a describe's timeout
// to the whole suite, which five Inspector runs on a loaded machine outlast.
const T = { timeout: RUN_TIMEOUT_MS + 5_000 };

/**
 * Runs the Inspector CLI against the server and returns its parsed JSON
 * output. The Inspector runs in its own process group (it starts a second
 * node process, which starts the server), so a timeout kills all three.
 */
function inspect(args, { env = {} } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(INSPECTOR, ['--cli', ...args], {
      // The Inspector hands its whole environment to the server: give it a
      // clean one (no developer STAMMER_* settings).
      env: serverEnv({ NO_COLOR: '1', ...env }),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const out = [];
    const err = [];
    child.stdout.on('data', (c) => out.push(c));
    child.stderr.on('data', (c) => err.push(c));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }, RUN_TIMEOUT_MS);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8');
      const where = `mcp-inspector --cli ${args.join(' ')}\nexit ${code ?? signal}\nstdout:\n${stdout}\nstderr:\n${stderr}`;
      if (timedOut) return reject(new Error(`timed out after ${RUN_TIMEOUT_MS} ms: ${where}`));
      if (code !== 0) return reject(new Error(`failed: ${where}`));
      // The result is the last thing printed: a pretty-printed JSON object.
      const start = stdout.indexOf('{');
      try {
        resolve(JSON.parse(stdout.slice(start)));
      } catch (e) {
        reject(new Error(`output is not JSON (${e.message}): ${where}`));
      }
    });
  });
}

const listCall = (...toolArgs) => [
  '--method', 'tools/call', '--tool-name', 'list_conversations',
  ...toolArgs.flatMap((a) => ['--tool-arg', a]),
];

describe('MCP Inspector CLI', () => {
  test('tools/list shows the golden tools', T, async () => {
    const res = await inspect([serverBin(), '--demo', '--method', 'tools/list']);
    assert.deepEqual(res.tools.map((t) => t.name).sort(), goldenTools().map((t) => t.name).sort());
    const list = res.tools.find((t) => t.name === 'list_conversations');
    assert.deepEqual(list.inputSchema.required, ['onlyDeletedConversations']);
  });

  test('tools/call: demo data, with arguments converted by the schema', T, async () => {
    const res = await inspect([serverBin(), '--demo', ...listCall('chatbot_id=17', 'onlyDeletedConversations=false')]);
    assert.notEqual(res.isError, true, JSON.stringify(res).slice(0, 500));
    const text = textOf(res);
    assert.match(text, /DEMO DATA/);
    assert.equal(res.structuredContent.total, statedTotal(text));
    // "17" reached the server as the number 17 (integer in the schema),
    // "false" as the boolean false.
    assert.strictEqual(res.structuredContent.filters.chatbot_id, 17);
    assert.strictEqual(res.structuredContent.filters.onlyDeletedConversations, false);
  });

  test('tools/call: how --tool-arg values arrive', T, async () => {
    // search is a string in the schema: "17" stays the string "17";
    // "TRUE" is the boolean true (case-insensitive "true").
    const res = await inspect([serverBin(), '--demo', ...listCall('chatbot_id=17', 'onlyDeletedConversations=TRUE', 'search=17')]);
    assert.notEqual(res.isError, true, JSON.stringify(res).slice(0, 500));
    assert.strictEqual(res.structuredContent.filters.onlyDeletedConversations, true);
    assert.strictEqual(res.structuredContent.search, '17');
  });

  test('tools/call: an invalid call is a tool error (isError true)', T, async () => {
    const res = await inspect([serverBin(), '--demo', ...listCall('onlyDeletedConversations=false', 'sourcePlatform=telegram')]);
    assert.equal(res.isError, true);
    assert.match(textOf(res), /telegram.*whatsapp/s);
    // A parameter the schema does not know is sent as a string, and refused.
    const bot = await inspect([serverBin(), '--demo', ...listCall('onlyDeletedConversations=false', 'bot=17')]);
    assert.equal(bot.isError, true);
    assert.match(textOf(bot), /bot/);
  });

  test('no token: the tool error names STAMMER_API_TOKEN; -e reaches the server', T, async () => {
    const noToken = await inspect(['-e', 'STAMMER_BASE_URL=http://127.0.0.1:9', serverBin(), ...listCall('onlyDeletedConversations=false')]);
    assert.equal(noToken.isError, true);
    assert.match(textOf(noToken), /STAMMER_API_TOKEN/);

    // With a token passed by -e the server does try the (closed) port:
    // proof that -e KEY=VALUE reaches the spawned server.
    const withToken = await inspect([
      '-e', 'STAMMER_BASE_URL=http://127.0.0.1:9', '-e', 'STAMMER_API_TOKEN=e2e-not-a-real-token',
      serverBin(), ...listCall('onlyDeletedConversations=false'),
    ]);
    assert.equal(withToken.isError, true);
    assert.doesNotMatch(textOf(withToken), /No Stammer API token/);
    assert.match(textOf(withToken), /127\.0\.0\.1:9/);
  });
});
