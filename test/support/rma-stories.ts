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
import { HeldRmaEvent, Rma, RmaEvent } from '../../src/modules/rma/rma.entity';
import { RMA_CONSUMER } from '../../src/modules/rma/rma.events';
import { createCustomer, createNetwork, registerDevice, repairStory, runId, type Network } from '../rma/fixtures';
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
