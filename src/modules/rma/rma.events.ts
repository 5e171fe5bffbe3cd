/**
 * The Kafka contract of the RMA module.
 *
 * Inbound (topic `config.kafka.topics.rmaInbound`, key = RMA number): what
 * support centres report. Every type is at version 1; another version of a known
 * type is refused (dead-lettered) rather than guessed at. Unknown payload fields
 * are ignored so a centre may add fields without a version bump.
 *
 * Outbound (topic `config.kafka.topics.hubEvents`, key = RMA number, source =
 * the hub's client id): what the hub decides. Written to the outbox in the
 * transaction of the decision.
 */
import { z } from 'zod';
import type { EventEnvelope } from '../../platform/kafka/event-bus';
import { INBOUND_EVENT_TYPES, type InboundEventType } from './rules/applicability';
import { PART_CONDITIONS, PART_SOURCES } from './rules/parts-policy';
import { isValidRmaNumber } from './rules/rma-number';

/** Consumer name for the inbound dedupe table (processed_events). */
export const RMA_CONSUMER = 'rma-inbound';

const instant = z.iso.datetime({ offset: true }).transform((s) => new Date(s));
const id = z.string().min(1).max(36);
const text = (max: number) => z.string().trim().min(1).max(max);
const partNumber = text(64);
const centreCode = z.string().regex(/^[A-Z0-9-]{2,32}$/, 'must be a centre code (upper-case letters, digits, dashes)');
const serial = z.string().regex(/^[A-Za-z0-9._/-]{3,64}$/, 'must be a serial number (3-64 letters, digits or . _ / -)');

export const partUsedSchema = z.object({
  partNumber,
  condition: z.enum(PART_CONDITIONS),
  source: z.enum(PART_SOURCES),
  manufacturer: text(100).optional(),
  serialNumber: text(64).optional(),
  description: text(200).optional(),
  quantity: z.number().int().min(1).max(1000).default(1),
});

export const payloadSchemas = {
  RmaCreated: {
    1: z.object({
      serialNumber: serial,
      faultyPartNumbers: z.array(partNumber).max(50).default([]),
      problem: text(4000),
      incidentId: id.optional(),
      /** The centre the RMA is raised for; defaults to the sending centre. */
      centreCode: centreCode.optional(),
      outOfServiceAt: instant.optional(),
      loanerThresholdWorkingDays: z.number().int().min(0).max(60).optional(),
    }),
  },
  RmaApproved: {
    1: z.object({
      validUntil: instant.optional(),
      validity: z.iso.duration().optional(),
      approvedBy: text(120).optional(),
      note: text(1000).optional(),
    }),
  },
  RmaRejected: { 1: z.object({ reason: text(1000) }) },
  AdvanceReplacementShipped: {
    1: z.object({
      carrier: text(100).optional(),
      trackingNumber: text(100).optional(),
      replacementSerialNumber: text(64).optional(),
    }),
  },
  DefectiveReceived: { 1: z.object({ condition: text(200).optional(), note: text(1000).optional() }) },
  RepairStarted: { 1: z.object({ estimatedCompletionAt: instant.optional(), technician: text(120).optional() }) },
  RepairCompleted: { 1: z.object({ summary: text(2000).optional(), partsUsed: z.array(partUsedSchema).max(50).default([]) }) },
  UnitReturned: { 1: z.object({ carrier: text(100).optional(), trackingNumber: text(100).optional() }) },
  UnitReplaced: {
    1: z.object({
      newSerialNumber: serial.optional(),
      condition: z.enum(PART_CONDITIONS).default('NEW'),
      source: z.enum(PART_SOURCES).default('ORIGINAL_MANUFACTURER'),
    }),
  },
  RmaEscalated: { 1: z.object({ toCentreCode: centreCode.optional(), reason: text(1000).optional() }) },
  LoanerDelivered: { 1: z.object({ loanerSerialNumber: text(64).optional(), deliveredAt: instant.optional() }) },
} as const satisfies Record<InboundEventType, Record<number, z.ZodType>>;

export type PayloadOf<T extends InboundEventType> = z.output<(typeof payloadSchemas)[T][1]>;
export type PartUsed = z.output<typeof partUsedSchema>;

interface EventBase {
  eventId: string;
  version: number;
  occurredAt: Date;
  source: string;
  rmaNumber: string;
}
export type InboundRmaEvent = { [K in InboundEventType]: EventBase & { type: K; payload: PayloadOf<K> } }[InboundEventType];
export type InboundRmaEventOf<K extends InboundEventType> = EventBase & { type: K; payload: PayloadOf<K> };

export type ParseResult = { ok: true; event: InboundRmaEvent } | { ok: false; reason: string };

/** Validates an envelope from a centre (or an operator) into a typed event; the reason goes to the dead letter. */
export function parseInboundEvent(envelope: EventEnvelope): ParseResult {
  const { type, version } = envelope;
  if (!(INBOUND_EVENT_TYPES as readonly string[]).includes(type))
    return { ok: false, reason: `unknown event type ${JSON.stringify(type).slice(0, 100)}` };
  const schemas = payloadSchemas[type as InboundEventType] as Record<number, z.ZodType>;
  const schema = schemas[version];
  if (!schema) return { ok: false, reason: `unsupported version ${version} of ${type} (supported: ${Object.keys(schemas).join(', ')})` };
  if (envelope.eventId.length > 64) return { ok: false, reason: 'eventId is longer than 64 characters' };
  if (envelope.source.length > 120) return { ok: false, reason: 'source is longer than 120 characters' };
  if (!isValidRmaNumber(envelope.key))
    return { ok: false, reason: `key ${JSON.stringify(envelope.key).slice(0, 60)} is not a valid RMA number` };
  const occurredAt = instant.safeParse(envelope.occurredAt);
  if (!occurredAt.success) return { ok: false, reason: 'occurredAt is not an ISO-8601 instant with offset' };
  const payload = schema.safeParse(envelope.payload);
  if (!payload.success) {
    const issues = payload.error.issues.map((i) => `${i.path.join('.') || '(payload)'}: ${i.message}`).join('; ');
    return { ok: false, reason: `invalid ${type} v${version} payload: ${issues}` };
  }
  return {
    ok: true,
    event: {
      eventId: envelope.eventId,
      type,
      version,
      occurredAt: occurredAt.data,
      source: envelope.source,
      rmaNumber: envelope.key,
      payload: payload.data,
    } as InboundRmaEvent,
  };
}

// ---------------------------------------------------------------------------
// Outbound payloads (version 1). Instants are ISO-8601 UTC strings.
// ---------------------------------------------------------------------------

export const OUTBOUND_EVENT_TYPES = [
  'RmaRequested',
  'RmaDispositionDecided',
  'LoanerRequired',
  'LoanerAssigned',
  'RmaExpired',
  'RmaEscalated',
] as const;
export type OutboundEventType = (typeof OUTBOUND_EVENT_TYPES)[number];

export interface RmaRequestedPayload {
  rmaNumber: string;
  centreCode: string;
  customerId: string;
  incidentId: string | null;
  serialNumber: string;
  vendor: string;
  model: string;
  faultyPartNumbers: string[];
  problem: string;
  disposition: string;
  referenceRmaNumber: string | null;
  outOfServiceAt: string;
  loanerThresholdWorkingDays: number;
  loanerDeadline: string | null;
}

export interface RmaDispositionDecidedPayload {
  rmaNumber: string;
  serialNumber: string;
  disposition: string;
  reason: string;
  referenceRmaNumber: string | null;
}

export interface LoanerRequiredPayload {
  rmaNumber: string;
  serialNumber: string;
  model: string;
  equivalenceClass: string;
  customerId: string;
  siteId: string;
  centreCode: string;
  basis: 'ACTUAL' | 'PROJECTED';
  thresholdWorkingDays: number;
  deadline: string;
  dueAt: string;
  projectedCompletionAt: string | null;
}

export interface LoanerAssignedPayload {
  rmaNumber: string;
  loanerSerialNumber: string;
  model: string;
  match: string;
  depotId: string | null;
  assignmentId: string | null;
}

export interface RmaExpiredPayload {
  rmaNumber: string;
  serialNumber: string;
  customerId: string;
  centreCode: string;
  validUntil: string;
  expiredAt: string;
}

export interface RmaEscalatedPayload {
  rmaNumber: string;
  fromCentreCode: string;
  toCentreCode: string;
  toTier: number;
  reason: string | null;
  escalatedBy: string;
}

export interface OutboundPayloads {
  RmaRequested: RmaRequestedPayload;
  RmaDispositionDecided: RmaDispositionDecidedPayload;
  LoanerRequired: LoanerRequiredPayload;
  LoanerAssigned: LoanerAssignedPayload;
  RmaExpired: RmaExpiredPayload;
  RmaEscalated: RmaEscalatedPayload;
}
