/**
 * Baseline for reservations: an equally thin node:http + mysql2 server taking
 * the same GraphQL request body (only the variables are read) and doing the
 * same durable work as the hub's reserveParts in one transaction, in the same
 * order: the reservation row (its unique idempotency key), the movement row,
 * then the guarded conditional UPDATE of the stock line (commit if it took the
 * units, roll back with INSUFFICIENT_STOCK if not). Part → stock line comes
 * from a map read at start; no hold-expiry job, no re-read of the line.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { createPool, type ResultSetHeader, type RowDataPacket } from 'mysql2/promise';
import { serveBaseline } from './lib/baseline-server';
import { childMain } from './lib/children';
import { poolOptions } from './lib/db';

interface Input {
  depotId: string;
  partNumber: string;
  quantity: number;
  condition: string;
  incidentId?: string;
  rmaNumber?: string;
  idempotencyKey: string;
  holdFor: string;
}

childMain(async () => {
  const key = process.env.BENCH_KEY!;
  const actor = process.env.BENCH_ACTOR ?? 'bench baseline';
  const pool = createPool(poolOptions(process.env.DATABASE_URL!, { connectionLimit: Number(process.env.DATABASE_POOL_SIZE ?? 10) }));
  const lines = new Map<string, { id: string; partId: string }>();
  const [rows] = await pool.query<RowDataPacket[]>(
    'SELECT s.id, s.depotId, s.partId, s.`condition`, p.partNumber FROM stock s JOIN parts p ON p.id = s.partId',
  );
  for (const r of rows) lines.set(`${r.depotId}|${r.partNumber}|${r.condition}`, { id: r.id, partId: r.partId });

  async function reserve(i: Input) {
    const line = lines.get(`${i.depotId}|${i.partNumber}|${i.condition}`);
    if (!line) return { errors: [{ message: `Part ${i.partNumber} not found`, extensions: { code: 'NOT_FOUND' } }] };
    const now = new Date();
    const holdUntil = new Date(now.getTime() + 86400_000); // holdFor P1D, as the load sends
    const id = randomUUID();
    const conn = await pool.getConnection();
    try {
      await conn.query('START TRANSACTION');
      await conn.query(
        `INSERT INTO reservations (id, idempotencyKey, stockId, depotId, partId, \`condition\`, quantity, incidentId, rmaNumber, status, holdFor, holdUntil, reservedBy, createdAt)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'HELD', ?, ?, ?, ?)`,
        [
          id,
          i.idempotencyKey,
          line.id,
          i.depotId,
          line.partId,
          i.condition,
          i.quantity,
          i.incidentId ?? null,
          i.rmaNumber ?? null,
          i.holdFor,
          holdUntil,
          actor,
          now,
        ],
      );
      await conn.query(
        `INSERT INTO stock_movements (id, stockId, depotId, partId, \`condition\`, type, quantity, onHandDelta, reservedDelta, reservationId, incidentId, rmaNumber, actor, reason, createdAt)
         VALUES (?, ?, ?, ?, ?, 'RESERVATION', ?, 0, ?, ?, ?, ?, ?, ?, ?)`,
        [
          randomUUID(),
          line.id,
          i.depotId,
          line.partId,
          i.condition,
          i.quantity,
          i.quantity,
          id,
          i.incidentId ?? null,
          i.rmaNumber ?? null,
          actor,
          `held for incident ${i.incidentId}`,
          now,
        ],
      );
      const [result] = await conn.query<ResultSetHeader>(
        'UPDATE stock SET reserved = reserved + ?, updatedAt = ? WHERE id = ? AND onHand - (reserved + ?) >= 0',
        [i.quantity, now, line.id, i.quantity],
      );
      if (result.affectedRows !== 1) {
        await conn.query('ROLLBACK');
        return { errors: [{ message: `Only ... of ${i.partNumber} available`, extensions: { code: 'INSUFFICIENT_STOCK' } }] };
      }
      await conn.query('COMMIT');
      return {
        data: {
          reserveParts: { id, status: 'HELD', quantity: i.quantity, idempotencyKey: i.idempotencyKey, holdUntil: holdUntil.toISOString() },
        },
      };
    } catch (error) {
      await conn.query('ROLLBACK').catch(() => undefined);
      const code =
        (error as { code?: string }).code === 'ER_DUP_ENTRY' ? 'CONFLICT' : ((error as { code?: string }).code ?? 'INTERNAL_SERVER_ERROR');
      return { errors: [{ message: (error as Error).message, extensions: { code } }] };
    } finally {
      conn.release();
    }
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.headers.authorization !== `Bearer ${key}`) {
        res.writeHead(401, { 'content-type': 'application/json' });
        return res.end('{"errors":[{"message":"unauthenticated","extensions":{"code":"UNAUTHENTICATED"}}]}');
      }
      let input: Input;
      try {
        input = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { variables: { i: Input } }).variables.i;
      } catch {
        res.writeHead(400, { 'content-type': 'application/json' });
        return res.end('{"errors":[{"message":"bad request","extensions":{"code":"BAD_REQUEST"}}]}');
      }
      reserve(input).then((body) => {
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'x-sql-statements': '3' });
        res.end(JSON.stringify(body));
      });
    });
  });
  await serveBaseline(server, pool);
});
