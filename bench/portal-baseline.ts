/**
 * Baseline for the partner-portal query: a bare node:http + mysql2 server that
 * answers the same JSON as the hub's `rmas(first: N) { ... }` for the portal
 * query, from the same tables, with hand-written batched SQL: the page and its
 * count, then one statement per nested field, in parallel (what the hub's
 * dataloaders do). Authentication is a string compare with the one key.
 */
import { createServer } from 'node:http';
import { createPool, type RowDataPacket } from 'mysql2/promise';
import { serveBaseline } from './lib/baseline-server';
import { childMain } from './lib/children';
import { poolOptions } from './lib/db';

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const cursorOf = (createdAt: Date, id: string) => Buffer.from(JSON.stringify([createdAt.toISOString(), id])).toString('base64url');

childMain(async () => {
  const key = process.env.BENCH_KEY!;
  const scope: string[] = JSON.parse(process.env.BENCH_SCOPE_IDS!);
  const pool = createPool(poolOptions(process.env.DATABASE_URL!, { connectionLimit: Number(process.env.DATABASE_POOL_SIZE ?? 10) }));
  const q = async (sql: string, params: unknown[]) => (await pool.query<RowDataPacket[]>(sql, params))[0];

  async function page(first: number) {
    let statements = 2;
    const [countRows, rows] = await Promise.all([
      q('SELECT COUNT(*) AS n FROM rmas WHERE originCentreId IN (?)', [scope]),
      q(
        `SELECT id, number, status, disposition, serialNumber, problem, requestedAt, statusChangedAt, loanerRequired, loanerDeadline,
                createdAt, deviceId, incidentId, customerId, centreId
           FROM rmas WHERE originCentreId IN (?) ORDER BY createdAt DESC, id DESC LIMIT ?`,
        [scope, first + 1],
      ),
    ]);
    const list = rows.slice(0, first);
    const ids = list.map((r) => r.id as string);
    const uniq = (values: Array<string | null>) => [...new Set(values.filter((v): v is string => !!v))];
    const deviceIds = uniq(list.map((r) => r.deviceId));
    const incidentIds = uniq(list.map((r) => r.incidentId));
    const customerIds = uniq(list.map((r) => r.customerId));
    const centreIds = uniq(list.map((r) => r.centreId));
    const numbers = list.map((r) => r.number as string);
    const none = Promise.resolve([] as RowDataPacket[]);
    const run = (sql: string, params: unknown[], values: unknown[]) => {
      if (values.length === 0) return none;
      statements++;
      return q(sql, params);
    };
    const [devices, incidents, customers, parts, loans, centres] = await Promise.all([
      run('SELECT id, serialNumber, vendor, model FROM devices WHERE id IN (?)', [deviceIds], deviceIds),
      run('SELECT id, status, severity, summary FROM incidents WHERE id IN (?)', [incidentIds], incidentIds),
      run('SELECT id, code, name FROM customers WHERE id IN (?)', [customerIds], customerIds),
      run(
        'SELECT rmaId, kind, partNumber, quantity, `condition` FROM rma_parts WHERE rmaId IN (?) ORDER BY recordedAt ASC, id ASC',
        [ids],
        ids,
      ),
      run(
        'SELECT id, rmaNumber, status, matchKind, assignedAt, deliveredAt FROM loans WHERE rmaNumber IN (?) ORDER BY assignedAt ASC',
        [numbers],
        numbers,
      ),
      run('SELECT id, code, name, tier FROM support_centres WHERE id IN (?)', [centreIds], centreIds),
    ]);
    const byId = <T extends RowDataPacket>(rs: T[]) => new Map(rs.map((r) => [r.id as string, r]));
    const deviceBy = byId(devices);
    const incidentBy = byId(incidents);
    const customerBy = byId(customers);
    const centreBy = byId(centres);
    const partsBy = new Map<string, RowDataPacket[]>();
    for (const p of parts) {
      const arr = partsBy.get(p.rmaId) ?? [];
      arr.push(p);
      partsBy.set(p.rmaId, arr);
    }
    const loanBy = new Map<string, RowDataPacket>();
    for (const l of loans) loanBy.set(l.rmaNumber, l); // the latest loan counts, as in the hub
    const edges = list.map((r) => {
      const d = deviceBy.get(r.deviceId)!;
      const i = r.incidentId ? incidentBy.get(r.incidentId) : null;
      const c = customerBy.get(r.customerId)!;
      const l = loanBy.get(r.number);
      const ce = centreBy.get(r.centreId)!;
      return {
        cursor: cursorOf(r.createdAt, r.id),
        node: {
          number: r.number,
          status: r.status,
          disposition: r.disposition,
          serialNumber: r.serialNumber,
          problem: r.problem,
          requestedAt: iso(r.requestedAt),
          statusChangedAt: iso(r.statusChangedAt),
          loanerRequired: r.loanerRequired === 1,
          loanerDeadline: iso(r.loanerDeadline),
          device: { serialNumber: d.serialNumber, vendor: d.vendor, model: d.model },
          incident: i ? { id: i.id, status: i.status, severity: i.severity, summary: i.summary } : null,
          customer: { code: c.code, name: c.name },
          parts: (partsBy.get(r.id) ?? []).map((p) => ({
            kind: p.kind,
            partNumber: p.partNumber,
            quantity: p.quantity,
            condition: p.condition,
          })),
          loaner: l
            ? { id: l.id, status: l.status, match: l.matchKind, assignedAt: iso(l.assignedAt), deliveredAt: iso(l.deliveredAt) }
            : null,
          centre: { code: ce.code, name: ce.name, tier: ce.tier },
        },
      };
    });
    const body = {
      data: {
        rmas: {
          totalCount: Number(countRows[0].n),
          pageInfo: { hasNextPage: rows.length > first, endCursor: edges.at(-1)?.cursor ?? null },
          edges,
        },
      },
    };
    return { body, statements };
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const fail = (status: number, message: string) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ errors: [{ message }] }));
      };
      if (req.headers.authorization !== `Bearer ${key}`) return fail(401, 'unauthenticated');
      let first: number;
      try {
        const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { variables?: { first?: number } };
        first = parsed.variables?.first ?? 20;
      } catch {
        return fail(400, 'bad JSON');
      }
      page(first).then(
        ({ body, statements }) => {
          const text = JSON.stringify(body);
          res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'x-sql-statements': String(statements) });
          res.end(text);
        },
        (error: Error) => fail(500, error.message),
      );
    });
  });
  await serveBaseline(server, pool);
});
