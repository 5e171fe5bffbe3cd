/**
 * Many independent RMA repair stories for the Kafka fault tests: each RMA gets
 * its own device and the eight inbound events of `repairStory`
 * (test/rma/fixtures.ts); the expected end state is known exactly, so a test
 * can tell an effect lost or doubled from a correct one.
 */
import { In } from 'typeorm';
import type { Database } from '../../src/platform/db/database';
import type { EventEnvelope } from '../../src/platform/kafka/event-bus';
import { OutboxMessage, ProcessedEvent } from '../../src/platform/outbox/outbox.entity';
import { DeadLetter } from '../../src/platform/outbox/dead-letter.entity';
import { HeldRmaEvent, Rma, RmaEvent, RmaPart } from '../../src/modules/rma/rma.entity';
import { RMA_CONSUMER } from '../../src/modules/rma/rma.events';
import { createCustomer, createNetwork, minutes, registerDevice, repairStory, rmaEvent, runId, type Network } from '../rma/fixtures';
import type { TestHub } from './hub';

/** The timeline of a finished repairStory: 8 inbound events and the hub's two loaner decisions. */
export const REPAIRED_TIMELINE = [
  'RmaCreated',
  'RmaApproved',
  'RmaEscalated',
  'DefectiveReceived',
  'RepairStarted',
  'LoanerRequired',
  'LoanerUnavailable',
  'LoanerDelivered',
  'RepairCompleted',
  'UnitReturned',
];
/** What the hub announces on hub.events for each repaired RMA. */
export const REPAIRED_OUTBOUND = ['RmaEscalated', 'LoanerRequired'];

export interface Stories {
  net: Network;
  siteId: string;
  numbers: string[];
  /** All inbound events, RMA by RMA in story order. */
  events: EventEnvelope[];
}

/** Creates the support network, a customer and `count` devices through `t`, and returns one story per device. */
export async function createStories(t: TestHub, count: number, prefix = 'FLT'): Promise<Stories> {
  const tag = runId();
  const net = await createNetwork(t, tag);
  const { siteId } = await createCustomer(t, tag);
  const t0 = new Date(Date.now() - 3600_000);
  const numbers: string[] = [];
  const events: EventEnvelope[] = [];
  for (let i = 0; i < count; i++) {
    const serial = await registerDevice(t, siteId, `SN-${tag}-${i}`);
    const number = `${prefix}-${tag}-${String(i).padStart(4, '0')}`;
    numbers.push(number);
    events.push(...repairStory(number, serial, net, t0));
  }
  return { net, siteId, numbers, events };
}

/** How many of `events` the RMA consumer has claimed (applied, or refused into a dead letter). */
export async function appliedCount(db: Database, events: EventEnvelope[]): Promise<number> {
  const ids = events.map((e) => e.eventId);
  let total = 0;
  for (let i = 0; i < ids.length; i += 500)
    total += await db.manager.count(ProcessedEvent, { where: { consumer: RMA_CONSUMER, eventId: In(ids.slice(i, i + 500)) } });
  return total;
}

/**
 * Everything that must hold once every story was consumed, each effect exactly
 * once: one claim per event, each RMA repaired with the exact timeline (every
 * inbound eventId once), the exact outbound events, nothing held or dead-lettered.
 * Returns a list of problems (empty = correct).
 */
export async function storyProblems(db: Database, stories: Stories): Promise<string[]> {
  const problems: string[] = [];
  const em = db.manager;
  const applied = await appliedCount(db, stories.events);
  if (applied !== stories.events.length) problems.push(`claimed ${applied} of ${stories.events.length} events`);
  const rmas = await em.find(Rma, { where: { number: In(stories.numbers) } });
  if (rmas.length !== stories.numbers.length) problems.push(`${rmas.length} RMAs instead of ${stories.numbers.length}`);
  const timeline = await em.find(RmaEvent, { where: { rmaNumber: In(stories.numbers) }, order: { seq: 'ASC' } });
  const outbox = await em.find(OutboxMessage, { where: { messageKey: In(stories.numbers) }, order: { seq: 'ASC' } });
  for (const rma of rmas) {
    if (rma.status !== 'RETURNED_TO_CUSTOMER') problems.push(`${rma.number} is ${rma.status}`);
    const types = timeline.filter((e) => e.rmaId === rma.id).map((e) => e.type);
    if (types.join() !== REPAIRED_TIMELINE.join()) problems.push(`${rma.number} timeline ${types.join(',')}`);
    const announced = outbox.filter((o) => o.messageKey === rma.number && o.topic === 'hub.events').map((o) => o.type);
    if (announced.join() !== REPAIRED_OUTBOUND.join()) problems.push(`${rma.number} outbound ${announced.join(',')}`);
  }
  const byEventId = new Map<string, number>();
  for (const e of timeline) if (e.eventId) byEventId.set(e.eventId, (byEventId.get(e.eventId) ?? 0) + 1);
  for (const e of stories.events) {
    const n = byEventId.get(e.eventId) ?? 0;
    if (n !== 1) problems.push(`event ${e.type} ${e.eventId} of ${e.key} is on the timeline ${n} times`);
  }
  const held = await em.count(HeldRmaEvent, { where: { rmaNumber: In(stories.numbers) } });
  if (held > 0) problems.push(`${held} events still held`);
  const dead = await em.count(DeadLetter, { where: { messageKey: In(stories.numbers) } });
  if (dead > 0) problems.push(`${dead} dead letters`);
  return problems;
}

/** A story as a function of its RMA number and device, so one story can be told to several RMAs with the same times. */
export type StoryOf = (rmaNumber: string, serialNumber: string, net: Network, t0: Date) => EventEnvelope[];

/**
 * Stories whose steps overtake each other when shuffled: a rejection after the
 * receipt (RmaRejected can arrive before the approval and the receipt), an
 * advance replacement then a new unit (the shipment can arrive after the receipt,
 * the repair start after the replacement), and a repair abandoned for a new unit
 * (the repair's start and end can arrive after the replacement). With the
 * repairStory, every field of the record can be compared across arrival orders.
 */
export const ORDER_STORIES: Record<string, StoryOf> = {
  repaired: repairStory,
  rejected: (n, serial, net, t0) => [
    rmaEvent('RmaCreated', n, net.sh.source, minutes(t0, 0), {
      serialNumber: serial,
      faultyPartNumbers: ['HDD-2T'],
      problem: 'disk errors',
      outOfServiceAt: t0.toISOString(),
    }),
    rmaEvent('RmaApproved', n, net.sh.source, minutes(t0, 1), { validity: 'P14D', approvedBy: 'sh desk' }),
    rmaEvent('DefectiveReceived', n, net.sh.source, minutes(t0, 5), { condition: 'liquid damage' }),
    rmaEvent('RmaRejected', n, net.sh.source, minutes(t0, 6), { reason: 'misuse: liquid damage' }),
  ],
  advanceThenNewUnit: (n, serial, net, t0) => [
    rmaEvent('RmaCreated', n, net.sh.source, minutes(t0, 0), {
      serialNumber: serial,
      faultyPartNumbers: ['MB-1'],
      problem: 'no POST',
      outOfServiceAt: t0.toISOString(),
    }),
    rmaEvent('RmaApproved', n, net.sh.source, minutes(t0, 1), { validUntil: minutes(t0, 60 * 24 * 10).toISOString() }),
    rmaEvent('AdvanceReplacementShipped', n, net.sh.source, minutes(t0, 2), { carrier: 'SF', replacementSerialNumber: 'ADV-UNIT-1' }),
    rmaEvent('DefectiveReceived', n, net.sh.source, minutes(t0, 8)),
    rmaEvent('RepairStarted', n, net.sh.source, minutes(t0, 9), { estimatedCompletionAt: minutes(t0, 120).toISOString() }),
    rmaEvent('UnitReplaced', n, net.sh.source, minutes(t0, 12), { newSerialNumber: 'NEW-UNIT-1' }),
  ],
  repairAbandoned: (n, serial, net, t0) => [
    rmaEvent('RmaCreated', n, net.sh.source, minutes(t0, 0), {
      serialNumber: serial,
      faultyPartNumbers: ['FAN-3'],
      problem: 'fan noise',
      outOfServiceAt: t0.toISOString(),
    }),
    rmaEvent('RmaApproved', n, net.sh.source, minutes(t0, 1)),
    rmaEvent('DefectiveReceived', n, net.sh.source, minutes(t0, 3)),
    rmaEvent('RepairStarted', n, net.sh.source, minutes(t0, 4), { estimatedCompletionAt: minutes(t0, 90).toISOString(), technician: 'Li' }),
    rmaEvent('RepairCompleted', n, net.sh.source, minutes(t0, 7), {
      summary: 'fan swapped, still failing',
      partsUsed: [{ partNumber: 'FAN-3', condition: 'NEW', source: 'ORIGINAL_MANUFACTURER', quantity: 2 }],
    }),
    rmaEvent('UnitReplaced', n, net.sh.source, minutes(t0, 9), { newSerialNumber: 'NEW-UNIT-2' }),
  ],
};

/** Columns that name the RMA or its device, or hold the wall-clock time of the hub's own work: not part of the compared record. */
const NOT_COMPARED = new Set([
  'id',
  'number',
  'deviceId',
  'serialNumber',
  'createdAt',
  'updatedAt',
  'eventSeq',
  'loanerRequiredAt',
  'loanerAssignedAt',
]);

/** Every other column of the RMA, instants as ISO strings, plus its parts and which inbound event types its timeline holds. */
export async function comparableRecord(db: Database, number: string): Promise<Record<string, unknown>> {
  const em = db.manager;
  const rma = await em.findOneByOrFail(Rma, { number });
  const record: Record<string, unknown> = {};
  for (const column of em.getRepository(Rma).metadata.columns) {
    const name = column.propertyName;
    if (NOT_COMPARED.has(name)) continue;
    const value = (rma as unknown as Record<string, unknown>)[name];
    record[name] = value instanceof Date ? value.toISOString() : value;
  }
  const parts = await em.find(RmaPart, { where: { rmaId: rma.id } });
  record.parts = parts.map((p) => `${p.kind} ${p.partNumber} ${p.condition ?? ''} ${p.source ?? ''} x${p.quantity}`).sort();
  const timeline = await em.find(RmaEvent, { where: { rmaId: rma.id } });
  record.inboundOnTimeline = timeline
    .filter((e) => e.eventId)
    .map((e) => e.type)
    .sort();
  return record;
}
