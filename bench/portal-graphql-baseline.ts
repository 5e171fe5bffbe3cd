/**
 * Baseline for the partner-portal query, as a team would hand-roll it with
 * graphql-js: node:http, a schema from SDL with resolvers over mysql2, one
 * DataLoader per nested field per request (one batched statement each, as the
 * hub), parse + validate + execute per request (what graphql-http does; no
 * document cache), and no auth layer beyond a string compare with the one key.
 * It answers the same JSON as the hub for the portal query (compared field by
 * field before measuring) and the same SQL statement count.
 */
import { createServer } from 'node:http';
import DataLoader from 'dataloader';
import { buildSchema, execute, parse, validate, type DocumentNode } from 'graphql';
import { createPool, type RowDataPacket } from 'mysql2/promise';
import { serveBaseline } from './lib/baseline-server';
import { childMain } from './lib/children';
import { poolOptions } from './lib/db';

const schema = buildSchema(`
  type Query { rmas(first: Int): RmaConnection! }
  type PageInfo { hasNextPage: Boolean! endCursor: String }
  type RmaConnection { totalCount: Int! pageInfo: PageInfo! edges: [RmaEdge!]! }
  type RmaEdge { cursor: String! node: Rma! }
  type Rma {
    number: String! status: String! disposition: String serialNumber: String! problem: String!
    requestedAt: String! statusChangedAt: String! loanerRequired: Boolean! loanerDeadline: String
    device: Device! incident: Incident customer: Customer! parts: [Part!]! loaner: Loan centre: Centre!
  }
  type Device { serialNumber: String! vendor: String! model: String! }
  type Incident { id: ID! status: String! severity: String! summary: String! }
  type Customer { code: String! name: String! }
  type Part { kind: String! partNumber: String! quantity: Int! condition: String }
  type Loan { id: ID! status: String! match: String! assignedAt: String! deliveredAt: String }
  type Centre { code: String! name: String! tier: Int! }
`);

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const cursorOf = (createdAt: Date, id: string) => Buffer.from(JSON.stringify([createdAt.toISOString(), id])).toString('base64url');

interface RequestContext {
  statements: number;
  q: (sql: string, params: unknown[]) => Promise<RowDataPacket[]>;
  device: DataLoader<string, RowDataPacket>;
  incident: DataLoader<string, RowDataPacket | null>;
  customer: DataLoader<string, RowDataPacket>;
  parts: DataLoader<string, RowDataPacket[]>;
  loan: DataLoader<string, RowDataPacket | null>;
  centre: DataLoader<string, RowDataPacket>;
}

childMain(async () => {
  const key = process.env.BENCH_KEY!;
  const scope: string[] = JSON.parse(process.env.BENCH_SCOPE_IDS!);
  const pool = createPool(poolOptions(process.env.DATABASE_URL!, { connectionLimit: Number(process.env.DATABASE_POOL_SIZE ?? 10) }));

  function contextFor(): RequestContext {
    const ctx = { statements: 0 } as RequestContext;
    const q = (ctx.q = async (sql: string, params: unknown[]) => {
      ctx.statements++;
      return (await pool.query<RowDataPacket[]>(sql, params))[0];
    });
    const one = (sql: string, column = 'id') =>
      new DataLoader<string, RowDataPacket>(async (ids) => {
        const byKey = new Map((await q(sql, [ids])).map((r) => [r[column] as string, r]));
        return ids.map((id) => byKey.get(id) ?? null) as RowDataPacket[];
      });
    ctx.device = one('SELECT id, serialNumber, vendor, model FROM devices WHERE id IN (?)');
    ctx.incident = one('SELECT id, status, severity, summary FROM incidents WHERE id IN (?)');
    ctx.customer = one('SELECT id, code, name FROM customers WHERE id IN (?)');
    ctx.centre = one('SELECT id, code, name, tier FROM support_centres WHERE id IN (?)');
    // The latest loan of an RMA counts, as in the hub: ascending order, last one wins.
    ctx.loan = one(
      'SELECT id, rmaNumber, status, matchKind, assignedAt, deliveredAt FROM loans WHERE rmaNumber IN (?) ORDER BY assignedAt ASC',
      'rmaNumber',
    );
    ctx.parts = new DataLoader(async (ids) => {
      const rows = await q(
        'SELECT rmaId, kind, partNumber, quantity, `condition` FROM rma_parts WHERE rmaId IN (?) ORDER BY recordedAt ASC, id ASC',
        [ids],
      );
      const byRma = new Map<string, RowDataPacket[]>(ids.map((id) => [id, []]));
      for (const row of rows) byRma.get(row.rmaId as string)?.push(row);
      return ids.map((id) => byRma.get(id)!);
    });
    return ctx;
  }

  const rootValue = {
    rmas: async ({ first }: { first?: number | null }, ctx: RequestContext) => {
      const size = first ?? 20;
      const [countRows, rows] = await Promise.all([
        ctx.q('SELECT COUNT(*) AS n FROM rmas WHERE originCentreId IN (?)', [scope]),
        ctx.q(
          `SELECT id, number, status, disposition, serialNumber, problem, requestedAt, statusChangedAt, loanerRequired, loanerDeadline,
                  createdAt, deviceId, incidentId, customerId, centreId
             FROM rmas WHERE originCentreId IN (?) ORDER BY createdAt DESC, id DESC LIMIT ?`,
          [scope, size + 1],
        ),
      ]);
      const edges = rows.slice(0, size).map((r) => ({ cursor: cursorOf(r.createdAt as Date, r.id as string), node: rmaNode(r) }));
      return {
        totalCount: Number(countRows[0].n),
        pageInfo: { hasNextPage: rows.length > size, endCursor: edges.at(-1)?.cursor ?? null },
        edges,
      };
    },
  };

  function rmaNode(r: RowDataPacket) {
    return {
      number: r.number,
      status: r.status,
      disposition: r.disposition,
      serialNumber: r.serialNumber,
      problem: r.problem,
      requestedAt: iso(r.requestedAt as Date),
      statusChangedAt: iso(r.statusChangedAt as Date),
      loanerRequired: r.loanerRequired === 1,
      loanerDeadline: iso(r.loanerDeadline as Date | null),
      device: (_: unknown, ctx: RequestContext) => ctx.device.load(r.deviceId as string),
      incident: (_: unknown, ctx: RequestContext) => (r.incidentId ? ctx.incident.load(r.incidentId as string) : null),
      customer: (_: unknown, ctx: RequestContext) => ctx.customer.load(r.customerId as string),
      parts: (_: unknown, ctx: RequestContext) => ctx.parts.load(r.id as string),
      loaner: async (_: unknown, ctx: RequestContext) => {
        const l = await ctx.loan.load(r.number as string);
        return l
          ? {
              id: l.id,
              status: l.status,
              match: l.matchKind,
              assignedAt: iso(l.assignedAt as Date),
              deliveredAt: iso(l.deliveredAt as Date | null),
            }
          : null;
      },
      centre: (_: unknown, ctx: RequestContext) => ctx.centre.load(r.centreId as string),
    };
  }

  async function answer(body: string): Promise<{ status: number; text: string; statements: number }> {
    let request: { query?: string; variables?: Record<string, unknown>; operationName?: string };
    try {
      request = JSON.parse(body) as typeof request;
    } catch {
      return { status: 400, text: JSON.stringify({ errors: [{ message: 'bad JSON' }] }), statements: 0 };
    }
    let document: DocumentNode;
    try {
      document = parse(request.query ?? '');
    } catch (error) {
      return { status: 400, text: JSON.stringify({ errors: [{ message: (error as Error).message }] }), statements: 0 };
    }
    const invalid = validate(schema, document);
    if (invalid.length) return { status: 400, text: JSON.stringify({ errors: invalid }), statements: 0 };
    const contextValue = contextFor();
    const result = await execute({
      schema,
      document,
      rootValue,
      contextValue,
      variableValues: request.variables,
      operationName: request.operationName,
    });
    return { status: 200, text: JSON.stringify(result), statements: contextValue.statements };
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.headers.authorization !== `Bearer ${key}`) {
        res.writeHead(401, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ errors: [{ message: 'unauthenticated' }] }));
        return;
      }
      answer(Buffer.concat(chunks).toString('utf8')).then(
        ({ status, text, statements }) => {
          res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'x-sql-statements': String(statements) });
          res.end(text);
        },
        (error: Error) => {
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ errors: [{ message: error.message }] }));
        },
      );
    });
  });
  await serveBaseline(server, pool);
});
