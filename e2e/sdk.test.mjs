// stammer-mcp under the official MCP TypeScript SDK client: the binary is
// spawned over stdio exactly as Claude Desktop and most hosts do it, and
// everything the server sends is parsed and checked by code we did not
// write.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { isDeepStrictEqual } from 'node:util';

import { LATEST_PROTOCOL_VERSION, McpError, SUPPORTED_PROTOCOL_VERSIONS } from '@modelcontextprotocol/sdk/types.js';

import {
  assertCleanSession,
  connect,
  goldenTools,
  keyPaths,
  NOVEMBER,
  statedTotal,
  strictAjv,
  textOf,
} from './helpers.mjs';

const T = { timeout: 15_000 };

const PLATFORMS = ['none', 'whatsapp', 'facebook', 'instagram', 'dashboard', 'embeded', 'shared', 'personalized', 'API', 'AUDIO', 'masterchat'];

describe('SDK client, --demo', () => {
  let s;
  let tools; // tools/list as the SDK parsed it
  before(async () => {
    s = await connect({ args: ['--demo'] });
    tools = (await s.client.listTools()).tools;
  }, T);
  after(async () => {
    await s?.close();
  }, T);

  const list = () => tools.find((t) => t.name === 'list_conversations');
  const call = (args) => s.client.callTool({ name: 'list_conversations', arguments: args });

  test('initialize: server info, instructions, capabilities, protocol version', () => {
    assert.equal(s.client.getServerVersion()?.name, 'stammer-mcp');
    assert.match(s.client.getInstructions() ?? '', /Stammer/);
    assert.ok(s.client.getServerCapabilities()?.tools, 'capabilities.tools is missing');

    const init = s.wire.find((m) => m.result?.protocolVersion);
    assert.ok(init, 'no initialize result on the wire');
    // The SDK asks for its latest version; the server should answer with a
    // version the SDK supports (the SDK would have refused to connect
    // otherwise), ideally the same one.
    assert.ok(SUPPORTED_PROTOCOL_VERSIONS.includes(init.result.protocolVersion), init.result.protocolVersion);
    assert.equal(init.result.protocolVersion, LATEST_PROTOCOL_VERSION, 'the server negotiated an older protocol version than the SDK offered');
  });

  test('tools/list: exactly the golden tools, as sent on the wire', () => {
    const golden = goldenTools();
    const byName = (a) => [...a].sort((x, y) => x.name.localeCompare(y.name));
    assert.deepEqual(tools.map((t) => t.name).sort(), golden.map((t) => t.name).sort());

    // The golden file pins what the model sees; compare it with the raw
    // wire (before any SDK parsing). The golden is written by mcp-go's
    // client, which re-marshals an empty "required" list that the wire
    // omits; the two mean the same.
    const wire = s.wire.find((m) => Array.isArray(m.result?.tools)).result.tools;
    const norm = (v) => {
      if (Array.isArray(v)) return v.map(norm);
      if (v === null || typeof v !== 'object') return v;
      return Object.fromEntries(
        Object.entries(v)
          .filter(([k, x]) => !(k === 'required' && Array.isArray(x) && x.length === 0))
          .map(([k, x]) => [k, norm(x)]),
      );
    };
    assert.ok(
      isDeepStrictEqual(norm(byName(wire)), norm(byName(golden))),
      'tools/list on the wire differs from tools/testdata/tools_list.golden.json ' +
        '(run go test ./tools -update if the change is intended)',
    );
    assert.ok(isDeepStrictEqual(byName(tools), byName(wire)), 'the SDK dropped or changed fields of tools/list');
  });

  test('list_conversations: input schema a strict client accepts', () => {
    const tool = list();
    assert.ok(tool, 'list_conversations is not listed');
    const schema = tool.inputSchema;
    assert.equal(schema.type, 'object');
    assert.equal(schema.additionalProperties, false);
    assert.deepEqual(schema.required, ['onlyDeletedConversations']);
    for (const key of ['$ref', '$defs', 'definitions']) {
      assert.deepEqual(keyPaths(tool.inputSchema, key), [], `inputSchema uses ${key}`);
      assert.deepEqual(keyPaths(tool.outputSchema, key), [], `outputSchema uses ${key}`);
    }
    for (const [name, prop] of Object.entries(schema.properties)) {
      assert.ok(typeof prop.description === 'string' && prop.description.trim().length > 10, `property ${name} has no description`);
    }
    assert.deepEqual([...schema.properties.sourcePlatform.enum].sort(), [...PLATFORMS].sort());
    assert.equal(schema.properties.sourcePlatform.enum.length, 11);

    assert.equal(typeof tool.outputSchema, 'object');
    assert.equal(tool.outputSchema.type, 'object');
    assert.equal(tool.annotations?.readOnlyHint, true);
    assert.equal(tool.annotations?.destructiveHint, false);

    // Every schema of every tool compiles under a strict, independent
    // validator (Ajv 2020-12, strict mode), not only the SDK's lenient one.
    const ajv = strictAjv();
    for (const t of tools) {
      assert.doesNotThrow(() => ajv.compile(t.inputSchema), `${t.name} inputSchema`);
      assert.doesNotThrow(() => ajv.compile(t.outputSchema), `${t.name} outputSchema`);
    }
    // The README's call is valid by the schema; the invalid ones are too
    // invalid for a client that does validate.
    const validIn = ajv.compile(schema);
    assert.ok(validIn(NOVEMBER), JSON.stringify(validIn.errors));
    assert.equal(validIn({ ...NOVEMBER, sourcePlatform: 'telegram' }), false);
    assert.equal(validIn({ ...NOVEMBER, bot: 17 }), false);
  });

  test('valid call: demo text, totals, structuredContent validated', T, async () => {
    const before = s.validations.run;
    const res = await call(NOVEMBER); // throws McpError if structuredContent breaks outputSchema
    assert.notEqual(res.isError, true, textOf(res));
    assert.equal(s.validations.run, before + 1, 'the SDK did not validate structuredContent against outputSchema');

    const text = textOf(res);
    assert.match(text, /DEMO DATA/);
    assert.match(text, /Totals over all/);
    const sc = res.structuredContent;
    assert.equal(typeof sc?.total, 'number');
    assert.ok(sc.total > 0);
    assert.equal(sc.total, statedTotal(text), 'structuredContent.total differs from the total stated in the text');
    assert.equal(sc.demo, true);
    assert.equal(sc.filters.chatbot_id, 17);

    // The validator the SDK used is a real one: it refuses a broken result.
    const sdkValidator = s.validations.validators.find((v) => v.schema === list().outputSchema);
    assert.ok(sdkValidator, 'the SDK compiled no validator for list_conversations');
    assert.equal(sdkValidator.validate({ ...sc, total: 'many' }).valid, false);
    assert.equal(sdkValidator.validate({ ...sc, surprise: true }).valid, false);

    // Again, independently and strictly.
    const validate = strictAjv().compile(list().outputSchema);
    assert.ok(validate(sc), JSON.stringify(validate.errors, null, 2));
  });

  const invalid = [
    ['missing onlyDeletedConversations', { chatbot_id: 17 }, /onlyDeletedConversations/],
    ['both chatbot_id and chatbot_uuid', { ...NOVEMBER, chatbot_uuid: '12345678-1234-5678-1234-567812345678' }, /chatbot_id.*chatbot_uuid|chatbot_uuid.*chatbot_id/s],
    ['startDate later than endDate', { ...NOVEMBER, startDate: '2026-11-24', endDate: '2026-11-01' }, /startDate.*endDate/s],
    ['sourcePlatform "telegram"', { ...NOVEMBER, sourcePlatform: 'telegram' }, /telegram.*whatsapp/s],
    ['unknown parameter "bot"', { ...NOVEMBER, bot: 17 }, /"?bot"?.*chatbot_id/s],
  ];
  for (const [name, args, hint] of invalid) {
    test(`invalid call (${name}): a tool error that says how to call again`, T, async () => {
      let res;
      try {
        res = await call(args);
      } catch (err) {
        assert.fail(`a JSON-RPC error instead of an isError result: ${err instanceof McpError ? `${err.code} ${err.message}` : err}`);
      }
      assert.equal(res.isError, true, `not an error: ${textOf(res).slice(0, 300)}`);
      const text = textOf(res);
      assert.match(text, hint);
      assert.ok(text.length > 40, `too terse to help: ${text}`);
      assert.doesNotMatch(text, /DEMO DATA/, 'an invalid call returned data');
    });
  }

  test('numeric strings are forgiven: chatbot_id "17"', T, async () => {
    const res = await call({ ...NOVEMBER, chatbot_id: '17' });
    assert.notEqual(res.isError, true, textOf(res));
    assert.equal(res.structuredContent.filters.chatbot_id, 17);
    assert.equal(res.structuredContent.total, statedTotal(textOf(res)));
  });

  test('stderr carries the logs, stdout nothing but JSON-RPC', () => {
    assert.match(s.stderr(), /tool call/);
    assert.match(s.stderr(), /demo mode/);
    for (const m of s.wire) assert.equal(m.jsonrpc, '2.0');
    assertCleanSession(s);
  });
});

describe('SDK client, no token', () => {
  test('every call answers with how to set STAMMER_API_TOKEN, without any request', T, async () => {
    // Nothing listens on port 9: a request would fail with "connection
    // refused", not with the token message.
    const s = await connect({ args: [], env: { STAMMER_BASE_URL: 'http://127.0.0.1:9' } });
    try {
      const tools = (await s.client.listTools()).tools;
      assert.ok(tools.some((t) => t.name === 'list_conversations'));
      const res = await s.client.callTool({ name: 'list_conversations', arguments: NOVEMBER });
      assert.equal(res.isError, true);
      assert.match(textOf(res), /STAMMER_API_TOKEN/);
      assert.doesNotMatch(textOf(res), /refused|could not reach/i);
    } finally {
      await s.close();
    }
    assert.match(s.stderr(), /STAMMER_API_TOKEN is not set/);
    assertCleanSession(s);
  });
});
