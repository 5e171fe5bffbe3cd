/**
 * Fair baseline for Kafka ingest: kafkajs + mysql2, no ORM, no framework, doing
 * the durable work the hub's RMA consumer does per event (src/modules/rma/
 * rma.processor.ts + rma.lifecycle.ts), by hand and set-based per fetched batch:
 *
 * - one transaction per fetched batch (a partition's messages, in order);
 * - claim: the batch's eventIds already in processed_events are skipped (and a
 *   re-sent copy inside the batch), the fresh ones inserted in one statement;
 * - the batch's RMAs read and row-locked by primary key (ids first, as the hub:
 *   a locking read of a missing number takes a gap lock), the devices/sites and
 *   the serials' earlier RMAs of its creations read in two statements;
 * - every event applied in memory with the hub's own pure rules (state machine,
 *   event facts, second-failure disposition, loaner deadline on the site's
 *   working calendar, parts policy), so the rows are the hub's rows;
 * - written as: one INSERT … ON DUPLICATE KEY UPDATE of every new or changed RMA,
 *   one INSERT of the parts, one of the timeline rows, one of the new jobs
 *   (loaner deadline, validity expiry), one UPDATE cancelling jobs of earlier
 *   batches (expiry on DefectiveReceived, every job of a returned RMA);
 * - COMMIT, then the offset commit: a batch that fails is redelivered from its
 *   first message, and its claims make the re-run change nothing.
 *
 * Left out, because they are not durable effects of these events: the hub's
 * live updates after commit, metrics, and the keyed stream locks that serialise
 * GraphQL submissions with Kafka (the consumer group already gives a partition
 * one owner). The event types handled are the ones the benchmark sends; any
 * other outcome (out of order, unknown source) is counted as `refused` and fails
 * the benchmark's checks.
 */
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { createPool, type PoolConnection, type RowDataPacket } from 'mysql2/promise';
import {
  calendarFromEntries,
  DEFAULT_WEEKEND,
  type CalendarDayKind,
  type WorkingCalendar,
} from '../src/modules/calendar/rules/working-calendar';
import { decideDisposition } from '../src/modules/rma/rules/disposition';
import { factsOf, type FactEvent } from '../src/modules/rma/rules/event-facts';
import { loanerDeadline } from '../src/modules/rma/rules/loaner-rule';
import { checkReplacementPart } from '../src/modules/rma/rules/parts-policy';
import { isTerminal, transition, type RmaStatus, type StatusTrigger } from '../src/modules/rma/rules/state-machine';
import { durationMs } from '../src/modules/rma/rma.settings';
import { childMain, emit, serveRpc } from './lib/children';
import { poolOptions } from './lib/db';

const CONSUMER = 'rma-inbound';
const VALIDITY_MS = 30 * 86400_000;
const THRESHOLD_WORKING_DAYS = 5;

type Row = Record<string, unknown>;
interface Envelope {
  eventId: string;
  type: string;
  occurredAt: string;
  source: string;
  key: string;
  payload: Record<string, unknown>;
}

/** The rmas columns the hub writes on creation (rma.lifecycle.ts#create), in one list for the upsert. */
// prettier-ignore
const RMA_COLUMNS = [
  'id', 'number', 'status', 'disposition', 'dispositionReason', 'referenceRmaId', 'customerId', 'deviceId', 'serialNumber', 'siteId',
  'incidentId', 'centreId', 'originCentreId', 'problem', 'faultyPartNumbers', 'createdBy', 'requestedAt', 'outOfServiceAt',
  'statusChangedAt', 'approvedAt', 'validUntil', 'advanceShippedAt', 'defectiveReceivedAt', 'repairStartedAt', 'repairCompletedAt',
  'returnedAt', 'replacedAt', 'rejectedAt', 'expiredAt', 'rejectionReason', 'serviceRestoredAt', 'replacementSerialNumber',
  'loanerThresholdWorkingDays', 'loanerDeadline', 'calendarIncomplete', 'projectedCompletionAt', 'loanerRequired', 'loanerRequiredAt',
  'loanerBasis', 'loanerDueAt', 'loanerAssignmentId', 'loanerSerialNumber', 'loanerModel', 'loanerMatch', 'loanerDepotId',
  'loanerAssignedAt', 'loanerDeliveredAt', 'partsWaiverReference', 'partsWaiverSignedBy', 'partsWaiverAt', 'partsWaiverRecordedBy',
  'eventSeq', 'createdAt', 'updatedAt',
];
/** What an event may change on an existing RMA (the upsert's UPDATE part). */
// prettier-ignore
const RMA_MUTABLE = [
  'status', 'statusChangedAt', 'approvedAt', 'validUntil', 'advanceShippedAt', 'defectiveReceivedAt', 'repairStartedAt',
  'projectedCompletionAt', 'repairCompletedAt', 'returnedAt', 'replacedAt', 'rejectedAt', 'rejectionReason', 'serviceRestoredAt',
  'replacementSerialNumber', 'loanerDeliveredAt', 'eventSeq', 'updatedAt',
];
// prettier-ignore
const EVENT_COLUMNS = [
  'id', 'rmaId', 'rmaNumber', 'seq', 'serialNumber', 'customerId', 'originCentreId', 'eventId', 'type', 'source', 'actorCentreId',
  'fromStatus', 'toStatus', 'late', 'occurredAt', 'recordedAt', 'payload',
];
// prettier-ignore
const PART_COLUMNS = [
  'id', 'rmaId', 'kind', 'partNumber', 'description', 'condition', 'source', 'manufacturer', 'serialNumber', 'quantity',
  'waiverApplied', 'recordedAt', 'recordedBy',
];
const JOB_COLUMNS = ['id', 'kind', 'jobKey', 'dueAt', 'payload', 'status', 'attempts', 'lastError', 'firedAt', 'firedBy', 'createdAt'];

function insertSql(table: string, columns: string[], rows: Row[], params: unknown[]): string {
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  for (const row of rows) for (const c of columns) params.push(row[c]);
  return `INSERT INTO \`${table}\` (${columns.map((c) => `\`${c}\``).join(', ')}) VALUES ${rows.map(() => tuple).join(', ')}`;
}

childMain(async () => {
  const brokers = process.env.BENCH_BROKERS!.split(',');
  const topic = process.env.BENCH_TOPIC!;
  const pool = createPool(poolOptions(process.env.BENCH_DATABASE_URL!, { connectionLimit: 10 }));

  // Reference data read once: which centre publishes as which source, and the regions' working calendars.
  const [centres] = await pool.query<RowDataPacket[]>('SELECT id, kafkaSourceId FROM support_centres WHERE kafkaSourceId IS NOT NULL');
  const centreBySource = new Map(centres.map((c) => [c.kafkaSourceId as string, c.id as string]));
  const calendars = new Map<string, WorkingCalendar>();
  const calendarOf = async (conn: PoolConnection, region: string): Promise<WorkingCalendar> => {
    let calendar = calendars.get(region);
    if (!calendar) {
      const [days] = await conn.query<RowDataPacket[]>('SELECT date, kind FROM calendar_days WHERE region = ?', [region]);
      const [years] = await conn.query<RowDataPacket[]>('SELECT year FROM calendar_years WHERE region = ?', [region]);
      calendar = calendarFromEntries(
        region,
        years.map((y) => Number(y.year)),
        days.map((d) => ({ date: String(d.date), kind: d.kind as CalendarDayKind })),
        DEFAULT_WEEKEND,
      );
      calendars.set(region, calendar);
    }
    return calendar;
  };

  let consumed = 0;
  let refused = 0;
  let cpuFrom = process.cpuUsage();

  async function handle(conn: PoolConnection, raw: Array<{ value: Buffer | null }>): Promise<void> {
    const envelopes = raw.map((m) => JSON.parse(m.value!.toString('utf8')) as Envelope);
    await conn.query('START TRANSACTION');
    try {
      // Claim.
      const ids = [...new Set(envelopes.map((e) => e.eventId))];
      const [done] = await conn.query<RowDataPacket[]>(
        `SELECT eventId FROM processed_events WHERE consumer = ? AND eventId IN (${ids.map(() => '?').join(', ')})`,
        [CONSUMER, ...ids],
      );
      const seen = new Set(done.map((d) => d.eventId as string));
      const fresh: Envelope[] = [];
      for (const e of envelopes) {
        if (seen.has(e.eventId)) continue;
        seen.add(e.eventId);
        fresh.push(e);
      }
      if (fresh.length === 0) {
        await conn.query('COMMIT');
        return;
      }
      const now = new Date();
      const claimIds = fresh.map((e) => e.eventId).sort();
      await conn.query(
        `INSERT INTO processed_events (consumer, eventId, processedAt) VALUES ${claimIds.map(() => '(?, ?, ?)').join(', ')}`,
        claimIds.flatMap((id) => [CONSUMER, id, now]),
      );

      // The batch's RMAs, locked by primary key; its creations' devices, sites and serial histories.
      const numbers = [...new Set(fresh.map((e) => e.key))];
      const rmas = new Map<string, Row>();
      const [found] = await conn.query<RowDataPacket[]>(
        `SELECT id FROM rmas WHERE number IN (${numbers.map(() => '?').join(', ')})`,
        numbers,
      );
      if (found.length > 0) {
        const [locked] = await conn.query<RowDataPacket[]>(
          `SELECT * FROM rmas WHERE id IN (${found.map(() => '?').join(', ')}) FOR UPDATE`,
          found.map((f) => f.id as string),
        );
        for (const r of locked) rmas.set(r.number as string, r);
      }
      const serials = [
        ...new Set(fresh.filter((e) => e.type === 'RmaCreated').map((e) => (e.payload as { serialNumber: string }).serialNumber)),
      ];
      const devices = new Map<string, Row>();
      const history = new Map<string, Row[]>();
      if (serials.length > 0) {
        const marks = serials.map(() => '?').join(', ');
        const [rows] = await conn.query<RowDataPacket[]>(
          `SELECT d.id, d.customerId, d.serialNumber, d.warrantyEnd, d.siteId, s.timeZone, s.calendarRegion
             FROM devices d JOIN sites s ON s.id = d.siteId WHERE d.serialNumber IN (${marks})`,
          serials,
        );
        for (const d of rows) devices.set(d.serialNumber as string, d);
        const [earlier] = await conn.query<RowDataPacket[]>(
          `SELECT id, number, serialNumber, status, outOfServiceAt, approvedAt FROM rmas WHERE serialNumber IN (${marks}) ORDER BY outOfServiceAt`,
          serials,
        );
        for (const r of earlier) {
          const list = history.get(r.serialNumber as string) ?? [];
          list.push(rmas.get(r.number as string) ?? r);
          history.set(r.serialNumber as string, list);
        }
      }

      // Apply in memory, in order.
      const changed = new Map<string, Row>();
      const timeline: Row[] = [];
      const parts: Row[] = [];
      const jobs = new Map<string, Row>();
      const cancelKeys = new Set<string>();
      const schedule = (kind: string, jobKey: string, dueAt: Date, rma: Row) =>
        jobs.set(jobKey, {
          id: randomUUID(),
          kind,
          jobKey,
          dueAt,
          payload: JSON.stringify({ rmaId: rma.id, number: rma.number }),
          status: 'PENDING',
          attempts: 0,
          lastError: null,
          firedAt: null,
          firedBy: null,
          createdAt: now,
        });
      const cancel = (jobKey: string) => {
        const queued = jobs.get(jobKey);
        if (queued) queued.status = 'CANCELLED';
        else cancelKeys.add(jobKey);
      };
      const entry = (
        rma: Row,
        e: Envelope | null,
        type: string,
        from: RmaStatus | null,
        to: RmaStatus | null,
        payload: unknown,
        by: string,
      ) => {
        rma.eventSeq = Number(rma.eventSeq) + 1;
        timeline.push({
          id: randomUUID(),
          rmaId: rma.id,
          rmaNumber: rma.number,
          seq: rma.eventSeq,
          serialNumber: rma.serialNumber,
          customerId: rma.customerId,
          originCentreId: rma.originCentreId,
          eventId: e?.eventId ?? null,
          type,
          source: by,
          actorCentreId: e ? centreBySource.get(e.source) : null,
          fromStatus: from,
          toStatus: to,
          late: false,
          occurredAt: e ? new Date(e.occurredAt) : now,
          recordedAt: now,
          payload: payload === null ? null : JSON.stringify(payload),
        });
      };

      for (const e of fresh) {
        const centreId = centreBySource.get(e.source);
        const at = new Date(e.occurredAt);
        if (!centreId) {
          refused++;
          continue;
        }
        let rma = rmas.get(e.key);
        if (e.type === 'RmaCreated') {
          const p = e.payload as { serialNumber: string; faultyPartNumbers: string[]; problem: string; outOfServiceAt?: string };
          const device = devices.get(p.serialNumber);
          if (rma || !device) {
            refused++;
            continue;
          }
          const outOfServiceAt = p.outOfServiceAt ? new Date(p.outOfServiceAt) : at;
          const earlier = history.get(p.serialNumber) ?? [];
          const decision = decideDisposition({
            serialNumber: p.serialNumber,
            failedAt: outOfServiceAt,
            warrantyEnd: (device.warrantyEnd as Date | null) ?? null,
            history: earlier.map((r) => ({
              id: r.id as string,
              status: r.status as RmaStatus,
              failedAt: r.outOfServiceAt as Date,
              approvedAt: (r.approvedAt as Date | null) ?? null,
            })),
            timeZone: device.timeZone as string,
          });
          const calendar = await calendarOf(conn, device.calendarRegion as string);
          const { deadline, calendarIncomplete } = loanerDeadline({
            repairStart: outOfServiceAt,
            calendar,
            timeZone: device.timeZone as string,
            thresholdWorkingDays: THRESHOLD_WORKING_DAYS,
          });
          rma = {
            id: randomUUID(),
            number: e.key,
            status: 'REQUESTED',
            disposition: decision.disposition,
            dispositionReason: decision.reason,
            referenceRmaId:
              decision.disposition === 'REPLACE_WITH_NEW' ? ((decision as { referenceRmaId?: string }).referenceRmaId ?? null) : null,
            customerId: device.customerId,
            deviceId: device.id,
            serialNumber: p.serialNumber,
            siteId: device.siteId,
            incidentId: null,
            centreId,
            originCentreId: centreId,
            problem: p.problem,
            faultyPartNumbers: JSON.stringify(p.faultyPartNumbers),
            createdBy: e.source.slice(0, 120),
            requestedAt: at,
            outOfServiceAt,
            statusChangedAt: at,
            loanerThresholdWorkingDays: THRESHOLD_WORKING_DAYS,
            loanerDeadline: deadline,
            calendarIncomplete,
            loanerRequired: false,
            eventSeq: 0,
            createdAt: now,
            updatedAt: now,
          };
          rmas.set(e.key, rma);
          changed.set(e.key, rma);
          earlier.push(rma);
          history.set(p.serialNumber, earlier);
          entry(
            rma,
            e,
            'RmaCreated',
            null,
            'REQUESTED',
            { ...e.payload, disposition: decision.disposition, dispositionReason: decision.reason },
            e.source,
          );
          for (const partNumber of p.faultyPartNumbers)
            parts.push({
              id: randomUUID(),
              rmaId: rma.id,
              kind: 'FAULTY',
              partNumber,
              description: null,
              condition: null,
              source: null,
              manufacturer: null,
              serialNumber: null,
              quantity: 1,
              waiverApplied: false,
              recordedAt: now,
              recordedBy: rma.createdBy,
            });
          schedule('rma.loaner-deadline', `rma:${rma.id as string}:loaner`, deadline, rma);
          continue;
        }
        const moved = rma ? transition(rma.status as RmaStatus, e.type as StatusTrigger) : null;
        if (!rma || !moved?.ok) {
          refused++;
          continue;
        }
        const current = rma as unknown as Parameters<typeof factsOf>[0];
        const facts = factsOf(current, { type: e.type, occurredAt: at, payload: e.payload } as unknown as FactEvent, {
          validityMs: VALIDITY_MS,
          durationMs,
        });
        if (!facts.ok) {
          refused++;
          continue;
        }
        if (e.type === 'RepairCompleted') {
          for (const part of (e.payload as { partsUsed: Array<Record<string, unknown>> }).partsUsed) {
            const policy = checkReplacementPart(part as never, rma.partsWaiverAt ? { recordedAt: rma.partsWaiverAt as Date } : null);
            if (!policy.allowed) throw new Error(`part ${String(part.partNumber)} refused by the parts policy`);
            parts.push({
              id: randomUUID(),
              rmaId: rma.id,
              kind: 'REPLACEMENT',
              partNumber: part.partNumber,
              description: part.description ?? null,
              condition: part.condition,
              source: part.source,
              manufacturer: part.manufacturer ?? null,
              serialNumber: part.serialNumber ?? null,
              quantity: part.quantity ?? 1,
              waiverApplied: policy.waiverApplied,
              recordedAt: now,
              recordedBy: e.source.slice(0, 120),
            });
          }
        }
        if (e.type === 'DefectiveReceived') cancel(`rma:${rma.id as string}:expiry`);
        Object.assign(rma, facts.changes);
        if (facts.restoresService && !rma.loanerRequired) cancel(`rma:${rma.id as string}:loaner`);
        if (e.type === 'RmaApproved') schedule('rma.validity-expiry', `rma:${rma.id as string}:expiry`, rma.validUntil as Date, rma);
        rma.status = moved.to;
        rma.statusChangedAt = at;
        entry(rma, e, e.type, moved.from, moved.to, JSON.parse(JSON.stringify(e.payload ?? {})), e.source);
        if (moved.restsIn !== moved.to) {
          rma.status = moved.restsIn;
          entry(rma, null, 'StatusSettled', moved.to, moved.restsIn, null, 'hub');
        }
        if (isTerminal(rma.status as RmaStatus)) {
          for (const kind of ['loaner', 'expiry']) cancel(`rma:${rma.id as string}:${kind}`);
        }
        rma.updatedAt = now;
        changed.set(e.key, rma);
      }

      // Write.
      if (changed.size > 0) {
        const params: unknown[] = [];
        const rows = [...changed.values()].map((r) => {
          const out: Row = {};
          for (const c of RMA_COLUMNS) out[c] = r[c] ?? null;
          return out;
        });
        const sql = insertSql('rmas', RMA_COLUMNS, rows, params);
        await conn.query(`${sql} ON DUPLICATE KEY UPDATE ${RMA_MUTABLE.map((c) => `\`${c}\` = VALUES(\`${c}\`)`).join(', ')}`, params);
      }
      for (const [table, columns, rows] of [
        ['rma_parts', PART_COLUMNS, parts],
        ['rma_events', EVENT_COLUMNS, timeline],
        ['scheduled_jobs', JOB_COLUMNS, [...jobs.values()]],
      ] as const) {
        if (rows.length === 0) continue;
        const params: unknown[] = [];
        await conn.query(insertSql(table, columns as string[], rows as Row[], params), params);
      }
      if (cancelKeys.size > 0)
        await conn.query(
          `UPDATE scheduled_jobs SET status = 'CANCELLED' WHERE status = 'PENDING' AND jobKey IN (${[...cancelKeys].map(() => '?').join(', ')})`,
          [...cancelKeys],
        );
      await conn.query('COMMIT');
    } catch (error) {
      await conn.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }

  const kafka = new Kafka({ clientId: 'bench-bare-ingest', brokers, logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({
    groupId: process.env.BENCH_GROUP!,
    sessionTimeout: 6000,
    heartbeatInterval: 500,
    maxWaitTimeInMs: 100,
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    partitionsConsumedConcurrently: 4,
    eachBatch: async ({ batch, resolveOffset, commitOffsetsIfNecessary, heartbeat }) => {
      if (batch.messages.length === 0) return;
      const conn = await pool.getConnection();
      try {
        await handle(conn, batch.messages);
      } finally {
        conn.release();
      }
      // Offsets after the database commit: a crash in between redelivers the batch, whose claims then skip it.
      const last = batch.lastOffset();
      resolveOffset(last);
      await commitOffsetsIfNecessary({
        topics: [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset: (BigInt(last) + 1n).toString() }] }],
      });
      consumed += batch.messages.length;
      await heartbeat();
    },
  });
  serveRpc({
    resetStats: () => {
      cpuFrom = process.cpuUsage();
      return true;
    },
    stats: () => {
      const cpu = process.cpuUsage(cpuFrom);
      return { consumed, refused, cpuMs: (cpu.user + cpu.system) / 1000, memory: process.memoryUsage().rss };
    },
    stop: async () => {
      await consumer.disconnect().catch(() => undefined);
      await pool.end().catch(() => undefined);
      setImmediate(() => process.exit(0));
      return true;
    },
  });
  emit('ready', {});
});
