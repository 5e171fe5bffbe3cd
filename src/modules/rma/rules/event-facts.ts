/**
 * The facts an inbound RMA event records on the RMA, apart from moving its
 * status. The same function serves an event applied in order and one recorded
 * late (its step overtaken by a later one), so any arrival order of the same
 * events leaves the same record:
 * - each event sets only its own timestamps and details;
 * - where two events write one field, the result does not depend on which came
 *   first: the service was restored at the earliest restoring event, and the
 *   unit that finally replaced the customer's (UnitReplaced) wins over the
 *   advance replacement's serial number.
 */
import type { PayloadOf } from '../rma.events';
import type { InboundEventType } from './applicability';

/** The RMA fields an event's facts are computed from (and may change). */
export interface RecordedFacts {
  approvedAt: Date | null;
  validUntil: Date | null;
  rejectedAt: Date | null;
  rejectionReason: string | null;
  advanceShippedAt: Date | null;
  defectiveReceivedAt: Date | null;
  repairStartedAt: Date | null;
  projectedCompletionAt: Date | null;
  repairCompletedAt: Date | null;
  returnedAt: Date | null;
  replacedAt: Date | null;
  replacementSerialNumber: string | null;
  serviceRestoredAt: Date | null;
  loanerDeliveredAt: Date | null;
}

/** The event types whose facts this rule records (RmaCreated and RmaEscalated change other things). */
export type FactEventType = Exclude<InboundEventType, 'RmaCreated' | 'RmaEscalated'>;
export type FactEvent = { [K in FactEventType]: { type: K; occurredAt: Date; payload: PayloadOf<K> } }[FactEventType];

export type FactsResult =
  { ok: true; changes: Partial<RecordedFacts>; restoresService: boolean } | { ok: false; field: string; reason: string };

/** Default approval validity and the duration parser (ISO-8601 to milliseconds, null when invalid). */
export interface FactSettings {
  validityMs: number;
  durationMs: (iso: string) => number | null;
}

const earliest = (current: Date | null, at: Date): Date => (current && current.getTime() <= at.getTime() ? current : at);

export function factsOf(current: Readonly<RecordedFacts>, event: FactEvent, settings: FactSettings): FactsResult {
  const at = event.occurredAt;
  const restoring = (changes: Partial<RecordedFacts>): FactsResult => ({
    ok: true,
    changes: { ...changes, serviceRestoredAt: earliest(current.serviceRestoredAt, at) },
    restoresService: true,
  });
  const facts = (changes: Partial<RecordedFacts>): FactsResult => ({ ok: true, changes, restoresService: false });
  switch (event.type) {
    case 'RmaApproved': {
      const validityMs = event.payload.validity ? settings.durationMs(event.payload.validity) : settings.validityMs;
      if (!validityMs || validityMs <= 0) return { ok: false, field: 'validity', reason: 'validity must be a positive ISO-8601 duration' };
      return facts({ approvedAt: at, validUntil: event.payload.validUntil ?? new Date(at.getTime() + validityMs) });
    }
    case 'RmaRejected':
      return facts({ rejectedAt: at, rejectionReason: event.payload.reason });
    case 'AdvanceReplacementShipped':
      return restoring({
        advanceShippedAt: at,
        // The unit that finally replaced the customer's is the one on record, whichever arrived first.
        replacementSerialNumber: current.replacedAt
          ? (current.replacementSerialNumber ?? event.payload.replacementSerialNumber ?? null)
          : (event.payload.replacementSerialNumber ?? current.replacementSerialNumber),
      });
    case 'DefectiveReceived':
      return facts({ defectiveReceivedAt: at });
    case 'RepairStarted':
      return facts({
        repairStartedAt: at,
        ...(event.payload.estimatedCompletionAt ? { projectedCompletionAt: event.payload.estimatedCompletionAt } : {}),
      });
    case 'RepairCompleted':
      return facts({ repairCompletedAt: at });
    case 'UnitReturned':
      return restoring({ returnedAt: at });
    case 'UnitReplaced':
      return restoring({ replacedAt: at, replacementSerialNumber: event.payload.newSerialNumber ?? current.replacementSerialNumber });
    case 'LoanerDelivered':
      return facts({ loanerDeliveredAt: event.payload.deliveredAt ?? at });
  }
}
