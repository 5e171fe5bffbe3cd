import { readFileSync } from 'node:fs';
import path from 'node:path';
import { buildSchema, parse, validate } from 'graphql';
import { startTestHub, TestHub } from '../support/hub';

/**
 * Every GraphQL example in README.md is valid against schema/schema.graphql, and every request example
 * runs against a demo-seeded hub without errors. What is checked (see "README examples" in README.md):
 *   - each ```graphql block (one document);
 *   - in ```bash / ```sh blocks, each `gql '<json>'` call and each `curl ... -d '<json>'` (the JSON may
 *     span lines up to the closing quote), validated and then POSTed to /graphql with the demo ADMIN key;
 *   - each `curl` of a plain path without a body (e.g. /healthz), fetched and expected to answer 2xx;
 *   - placeholders "<name>" in a request are filled from the demo data (PLACEHOLDERS below); an unknown
 *     placeholder fails the test, so a new one gets a resolver here.
 */
const ROOT = path.resolve(__dirname, '../..');
const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const schema = buildSchema(readFileSync(path.join(ROOT, 'schema/schema.graphql'), 'utf8'));

interface Block {
  lang: string;
  line: number;
  body: string;
}

function fencedBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\w*)\s*$/.exec(lines[i]);
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i]); i++) body.push(lines[i]);
    blocks.push({ lang: open[1], line: start + 1, body: body.join('\n') });
  }
  return blocks;
}

interface RequestExample {
  line: number;
  source: string;
  /** JSON body for POST /graphql, or null for a GET of `path`. */
  body: { query: string; variables?: Record<string, unknown> } | null;
  path: string;
}

function requestExamples(blocks: Block[]): RequestExample[] {
  const out: RequestExample[] = [];
  for (const block of blocks.filter((b) => ['bash', 'sh', 'shell'].includes(b.lang))) {
    const lines = block.body.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i];
      if (/^\s*gql\(\)\s*\{/.test(line) || /^\s*#/.test(line)) continue; // the helper's definition, comments
      const gqlCall = /^\s*gql\s+'/.test(line);
      const curl = /\bcurl\b/.test(line);
      if (!gqlCall && !curl) continue;
      let text = line;
      // A quoted argument may continue on the next lines until its closing quote, a command after a backslash.
      while (((text.match(/'/g) ?? []).length % 2 === 1 || /\\\s*$/.test(text)) && i + 1 < lines.length) text += `\n${lines[++i]}`;
      const lineNo = block.line + 1 + lines.slice(0, i).length - (text.split('\n').length - 1);
      const json = gqlCall ? /gql\s+'([\s\S]*)'/.exec(text)?.[1] : /-d\s+'([\s\S]*?)'/.exec(text)?.[1];
      const url = /https?:\/\/[^\s'"]+|localhost:\d+[^\s'"]*/.exec(text)?.[0];
      const parsed = url ? new URL(url.startsWith('http') ? url : `http://${url}`) : null;
      // Examples addressed to another process (the federation gateway on :4080) are checked by its own tests.
      if (parsed && parsed.port && parsed.port !== '4000') continue;
      const examplePath = gqlCall || !parsed ? '/graphql' : `${parsed.pathname}${parsed.search}`;
      out.push({ line: lineNo, source: text, body: json ? JSON.parse(json) : null, path: examplePath });
    }
  }
  return out;
}

const blocks = fencedBlocks(readme);
const graphqlBlocks = blocks.filter((b) => b.lang === 'graphql');
const requests = requestExamples(blocks);

/** Demo-data values for the placeholders a README example may use. */
const PLACEHOLDERS: Record<string, (t: TestHub, key: string) => Promise<string>> = {
  contractId: async (t, key) => (await t.ok('{ contracts { id } }', {}, key)).contracts[0].id,
  customerId: async (t, key) => (await t.ok('{ customers { id } }', {}, key)).customers[0].id,
  incidentId: async (t, key) => (await t.ok('{ incidents(first: 1) { edges { node { id } } } }', {}, key)).incidents.edges[0].node.id,
  depotId: async (t, key) => (await stocked(t, key)).depotId,
  partNumber: async (t, key) => (await stocked(t, key)).partNumber,
  contactId: async (t, key) => (await t.ok('{ contacts { id } }', {}, key)).contacts[0].id,
};
const stocked = async (t: TestHub, key: string) =>
  (
    (await t.ok('{ stockLevels { depotId partNumber condition available } }', {}, key)).stockLevels as Array<{
      depotId: string;
      partNumber: string;
      condition: string;
      available: number;
    }>
  )
    .filter((s) => s.condition === 'NEW' && s.available > 0)
    .sort((a, b) => b.available - a.available)[0];

describe('README examples', () => {
  it('has examples to check', () => {
    expect(requests.filter((r) => r.body).length).toBeGreaterThanOrEqual(3);
  });

  it.each([
    ...graphqlBlocks.map((b) => [`graphql block at README.md:${b.line}`, b.body] as const),
    ...requests.filter((r) => r.body).map((r) => [`request at README.md:${r.line}`, r.body!.query] as const),
  ])('%s is valid against the schema', (_where, query) => {
    const errors = validate(schema, parse(query));
    expect(errors.map((e) => e.message)).toEqual([]);
  });

  describe('run against a demo hub', () => {
    let t: TestHub;
    let key: string;
    beforeAll(async () => {
      t = await startTestHub({ env: { SEED_DEMO: 'true' } });
      key = t.app.demoKeys!.ADMIN;
    });
    afterAll(() => t?.stop());

    const fill = async (value: string): Promise<string> => {
      let out = value;
      for (const [, name] of value.matchAll(/<([A-Za-z]+)>/g)) {
        const resolve = PLACEHOLDERS[name];
        if (!resolve) throw new Error(`README placeholder <${name}> has no resolver in test/platform/readme-examples.test.ts`);
        out = out.replace(`<${name}>`, await resolve(t, key));
      }
      return out;
    };
    const fillAll = async (value: unknown): Promise<unknown> => {
      if (typeof value === 'string') return fill(value);
      if (Array.isArray(value)) return Promise.all(value.map(fillAll));
      if (value && typeof value === 'object')
        return Object.fromEntries(await Promise.all(Object.entries(value).map(async ([k, v]) => [k, await fillAll(v)])));
      return value;
    };

    it.each(requests.map((r) => [`README.md:${r.line}`, r] as const))('%s answers without errors', async (_where, example) => {
      if (!example.body) {
        const response = await fetch(`${t.url}${example.path}`, { headers: { authorization: `Bearer ${key}` } });
        expect({ path: example.path, status: response.status }).toEqual({ path: example.path, status: expect.any(Number) });
        expect(response.status).toBeLessThan(300);
        return;
      }
      const result = await t.gql(
        await fill(example.body.query),
        (await fillAll(example.body.variables ?? {})) as Record<string, unknown>,
        key,
      );
      expect({ status: result.status, errors: result.errors ?? [] }).toEqual({ status: 200, errors: [] });
    });
  });
});
