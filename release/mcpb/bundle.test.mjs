// The packed .mcpb installed the way Claude Desktop installs it, with code we
// did not write: the official mcpb CLI unpacks and validates it, the mcpb
// library's getMcpConfigForManifest (what hosts use to turn a manifest and
// the user's answers into a command line) resolves mcp_config for this OS
// with the user_config values substituted, and the official MCP TypeScript
// SDK client starts that command and talks to it. The base URL the "user"
// enters is the fake Stammer API that release_test.go runs on loopback.
//
// Run by go test ./release (TestRelease), which sets MCPB_FILE,
// STAMMER_TEST_URL and STAMMER_TEST_TOKEN.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, sep } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { getMcpConfigForManifest, hasRequiredConfigMissing } from '@anthropic-ai/mcpb';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

const T = { timeout: 60_000 };
const { MCPB_FILE, STAMMER_TEST_URL, STAMMER_TEST_TOKEN } = process.env;
// The CLI's script, beside the library's entry point (dist/index.js).
const cli = join(dirname(createRequire(import.meta.url).resolve('@anthropic-ai/mcpb')), 'cli', 'cli.js');

/** Runs the official mcpb CLI and returns its output. */
function mcpb(...args) {
  return execFileSync(process.execPath, [cli, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** mcp_config as a host resolves it for this OS and these answers. */
function resolve(manifest, dir, userConfig) {
  return getMcpConfigForManifest({
    manifest,
    extensionPath: dir,
    systemDirs: { HOME: tmpdir(), DESKTOP: tmpdir(), DOCUMENTS: tmpdir(), DOWNLOADS: tmpdir() },
    userConfig,
    pathSeparator: sep,
  });
}

describe('the .mcpb bundle, installed as Claude Desktop does', T, () => {
  let dir;
  let manifest;
  before(() => {
    for (const [k, v] of Object.entries({ MCPB_FILE, STAMMER_TEST_URL, STAMMER_TEST_TOKEN })) {
      assert.ok(v, `${k} is not set: run this through go test ./release`);
    }
    dir = mkdtempSync(join(tmpdir(), 'stammer-mcpb-'));
    mcpb('unpack', MCPB_FILE, dir);
    manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  });
  after(() => dir && rmSync(dir, { recursive: true, force: true }));

  test('the official CLI validates the unpacked manifest', () => {
    assert.match(mcpb('validate', join(dir, 'manifest.json')), /valid/i);
  });

  test('without the token the host has no command to run (it asks for it first)', async () => {
    assert.equal(hasRequiredConfigMissing({ manifest, userConfig: {} }), true);
    assert.equal(await resolve(manifest, dir, {}), undefined);
    const secret = Object.entries(manifest.user_config).filter(([, o]) => o.sensitive);
    assert.deepEqual(secret.map(([k, o]) => [k, o.required]), [['api_token', true]], 'the token, and only it, is sensitive and required');
  });

  test('optional settings left empty resolve to their defaults, never to a ${…} placeholder', async () => {
    const cfg = await resolve(manifest, dir, { api_token: 'x' });
    assert.equal(cfg.env.STAMMER_BASE_URL, 'https://app.stammer.ai');
    assert.equal(cfg.env.STAMMER_MAX_OUTPUT_TOKENS, '8000');
    assert.doesNotMatch(JSON.stringify(cfg), /\$\{/);
  });

  describe('started from mcp_config with the user_config values', T, () => {
    let client;
    let cfg;
    let stderr = '';
    before(async () => {
      cfg = await resolve(manifest, dir, {
        api_token: STAMMER_TEST_TOKEN,
        base_url: STAMMER_TEST_URL,
        max_output_tokens: 6000,
      });
      assert.ok(cfg, 'no mcp_config for this platform');
      assert.equal(cfg.env.STAMMER_API_TOKEN, STAMMER_TEST_TOKEN);
      assert.equal(cfg.env.STAMMER_BASE_URL, STAMMER_TEST_URL);
      assert.ok(cfg.command.startsWith(dir + sep), `the command ${cfg.command} is not inside the unpacked bundle`);
      assert.ok(statSync(cfg.command).mode & 0o111, `${cfg.command} is not executable once unpacked`);

      const transport = new StdioClientTransport({
        command: cfg.command,
        args: cfg.args ?? [],
        env: { ...getDefaultEnvironment(), ...cfg.env },
        stderr: 'pipe',
      });
      transport.stderr.on('data', (c) => (stderr += c));
      client = new Client({ name: 'stammer-mcp-bundle-test', version: '0.0.0' });
      await client.connect(transport);
    }, T);
    after(async () => {
      await client?.close();
    }, T);

    test('initialize: the server is the bundle\'s version', () => {
      const info = client.getServerVersion();
      assert.equal(info?.name, 'stammer-mcp');
      assert.equal(info?.version, manifest.version);
    });

    test('tools/list: exactly the tools the manifest lists, with the same descriptions', async () => {
      const { tools } = await client.listTools();
      const byName = (a) => a.map((t) => ({ name: t.name, description: t.description })).sort((x, y) => x.name.localeCompare(y.name));
      assert.deepEqual(byName(manifest.tools), byName(tools));
    });

    test('list_conversations answers from the base URL the user entered, with their token', async () => {
      const res = await client.callTool({
        name: 'list_conversations',
        arguments: { chatbot_id: 17, startDate: '2026-11-01', endDate: '2026-11-24', onlyDeletedConversations: false },
      });
      const text = res.content.find((c) => c.type === 'text')?.text ?? '';
      assert.notEqual(res.isError, true, text);
      assert.match(text, /Totals over all [\d,]+ conversations?/);
      assert.doesNotMatch(text, /demo/i, 'the answer came from the demo data, not from the configured API');
      assert.doesNotMatch(stderr, new RegExp(STAMMER_TEST_TOKEN), 'the token reached the logs');
    });
  });
});
