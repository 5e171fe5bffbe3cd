import { createHash } from 'node:crypto';
import { In } from 'typeorm';
import { newId } from '../../platform/db/columns';
import type { Tx } from '../../platform/db/database';
import { AppError, ErrorCode } from '../../platform/errors';
import type { Hub } from '../../platform/hub';
import type { EventEnvelope, ReceivedMessage } from '../../platform/kafka/event-bus';
import { claimEvent, claimEvents } from '../../platform/outbox/outbox';
import { selectByIds } from '../../platform/db/raw-sql';
import { WriteBehind } from '../../platform/db/write-behind';
import { Device, Site } from '../customers/customer.entity';
import { SupportCentre } from '../support-network/support-centre.entity';
import { SupportNetworkService } from '../support-network/support-network.service';
import { HeldRmaEvent, Rma } from './rma.entity';
import { parseInboundEvent, RMA_CONSUMER, type InboundRmaEvent } from './rma.events';
import { HUB_ACTOR, RmaChanges, type ActorInfo } from './rma.changes';
import { recordedTypes, RmaLifecycle } from './rma.lifecycle';
import { RmaStreams } from './rma.streams';
import { RmaSettings } from './rma.settings';
import { isValidRmaNumber } from './rules/rma-number';
import { decide, replayOrder, type EventFacts, type RefusalCode, type RmaSnapshot } from './rules/applicability';
import { getOrCreate } from '../../platform/maps';
import { actorLabel, type Actor } from '../../platform/auth/actor';

export const JOB_HELD_TIMEOUT = 'rma.held-timeout';
export const heldJobKey = (heldId: string) => `rma-held:${heldId}`;

/** Pseudo-topic of events submitted through GraphQL (operators, partner escalations). */
export const GRAPHQL_TOPIC = 'graphql';

export type ProcessOutcome =
  | { kind: 'APPLIED' | 'RECORDED_LATE'; rma: Rma }
  | { kind: 'HELD'; waitingFor: string; rma: Rma | null }
  | { kind: 'DUPLICATE'; rma: Rma | null }
  | { kind: 'REFUSED'; reason: string; error: AppError };

/** What `process` did; the caller reads the RMA again only if it needs it. */
type Outcome =
  { kind: 'APPLIED' | 'RECORDED_LATE' } | { kind: 'HELD'; waitingFor: string } | { kind: 'REFUSED'; reason: string; error: AppError };

/**
 * What the messages handled in one transaction share, read once: the RMAs (as
 * this transaction sees them, row-locked on MariaDB) and the numbers with held
 * events. Every change of these inside the transaction goes through the
 * processor, which keeps them up to date.
 */
interface Scope {
  /** By number; null when the RMA does not exist (yet). */
  readonly rmas: Map<string, Rma | null>;
  /** Numbers that may have held events; null when unknown (look each time). */
  readonly held: Set<string> | null;
  /** Read ahead for the batch's RmaCreated events, by serial number; serials not here are read when needed. */
  readonly creations?: {
    readonly devices: Map<string, { device: Device; site: Site }>;
    /** Earlier RMAs of the serial as read, plus those the batch created; oldest failure first. */
    readonly history: Map<string, Rma[]>;
  };
}

const unknownScope = (): Scope => ({ rmas: new Map(), held: null });

/** Label values of hub_events_consumed_total's `outcome`. */
export type ConsumedOutcome = 'applied' | 'duplicate' | 'held' | 'dead_lettered' | 'refused';

const consumedOutcomeOf = (kind: Outcome['kind']): ConsumedOutcome =>
  kind === 'REFUSED' ? 'dead_lettered' : kind === 'HELD' ? 'held' : 'applied';

type Attempt =
  { kind: 'APPLIED' | 'RECORDED_LATE' } | { kind: 'HOLD'; waitingFor: string } | { kind: 'REFUSED'; reason: string; error: AppError };

const RULE_ERROR_CODES: Record<RefusalCode | 'UNKNOWN_SOURCE', string> = {
  NOT_ENTITLED: ErrorCode.FORBIDDEN,
  UNKNOWN_SOURCE: ErrorCode.FORBIDDEN,
  INVALID_TRANSITION: ErrorCode.INVALID_TRANSITION,
  DUPLICATE: ErrorCode.CONFLICT,
  POLICY: ErrorCode.INVALID_TRANSITION,
};

const refused = (code: string, reason: string, details: Record<string, unknown> = {}): Attempt & { kind: 'REFUSED' } => ({
  kind: 'REFUSED',
  reason: `${code}: ${reason}`,
  error: new AppError(code in RULE_ERROR_CODES ? RULE_ERROR_CODES[code as RefusalCode] : code, reason, { reason: code, ...details }),
});

const refusedBy = (error: AppError): Attempt & { kind: 'REFUSED' } => ({
  kind: 'REFUSED',
  reason: `${error.code}: ${error.message}`,
  error,
});

/** Dedupe key: the eventId, or for a message without a usable one its position and bytes. */
function claimIdOf(message: ReceivedMessage): string {
  const eventId = message.envelope?.eventId;
  if (eventId && eventId.length <= 64) return eventId;
  const hash = createHash('sha256')
    .update(`${message.topic}|${message.partition}|${message.offset}|`)
    .update(message.raw ?? Buffer.alloc(0))
    .digest('hex');
  return `msg:${hash.slice(0, 60)}`;
}

/** The dead-letter table has bounded columns; the raw bytes keep the full message. */
function boundedForDeadLetter(message: ReceivedMessage): ReceivedMessage {
  const cut = (value: string | null | undefined, max: number) => (typeof value === 'string' ? value.slice(0, max) : value);
  const e = message.envelope;
  return {
    ...message,
    key: cut(message.key, 120) ?? null,
    envelope: e ? { ...e, eventId: cut(e.eventId, 64)!, type: cut(e.type, 80)!, source: cut(e.source, 120)! } : null,
  };
}

export function snapshotOf(rma: Rma | null): RmaSnapshot | null {
  if (!rma) return null;
  return {
    status: rma.status,
    disposition: rma.disposition,
    centreId: rma.centreId,
    originCentreId: rma.originCentreId,
    statusChangedAt: rma.statusChangedAt,
    recorded: recordedTypes(rma),
  };
}

/**
 * Inbound RMA events, from Kafka and from GraphQL alike. Each message is one
 * transaction: claim its eventId (a replay changes nothing), validate it, and
 * then apply it, hold it for later, or refuse it. After anything applied, the
 * RMA's held events are retried oldest first. Only infrastructure failures
 * escape (the bus redelivers); every refusal commits with the claim, so a bad
 * message never blocks the ones behind it.
 */
export class RmaEventProcessor {
  constructor(private readonly hub: Hub) {}

  private get lifecycle() {
    return this.hub.get(RmaLifecycle);
  }
  private get network() {
    return this.hub.get(SupportNetworkService);
  }
  private get streams() {
    return this.hub.get(RmaStreams);
  }

  /** Kafka handler: refusals become dead letters in the same transaction as the claim. */
  async handleMessage(message: ReceivedMessage): Promise<void> {
    await this.handleInOneTransaction([message]);
  }

  /**
   * Kafka batch handler: consecutive messages of one partition in one
   * transaction, in order. Should that transaction fail for good (not a
   * refusal: those commit), the messages go one transaction each, so the
   * messages before the one that fails are not held back by it.
   */
  async handleBatch(messages: ReceivedMessage[]): Promise<void> {
    try {
      await this.handleInOneTransaction(messages);
    } catch (error) {
      if (messages.length === 1) throw error;
      this.hub.log.warn(
        { err: error, messages: messages.length, firstOffset: messages[0].offset },
        'rma batch failed; handling its messages one by one',
      );
      for (const message of messages) await this.handleInOneTransaction([message]);
    }
  }

  /**
   * The transaction holds its writes back (WriteBehind): the effects of all its
   * events go to the database as a few multi-row statements before COMMIT.
   */
  private async handleInOneTransaction(messages: ReceivedMessage[]): Promise<Array<Outcome | { kind: 'DUPLICATE' }>> {
    const outcomes: Array<Outcome | { kind: 'DUPLICATE' }> = [];
    const numbers = [...new Set(messages.map(streamOf).filter((n): n is string => n !== null))];
    await this.streams.ensure(numbers);
    await this.hub.db.transaction(async (outer) => {
      const writes = WriteBehind.open(outer.em);
      try {
        const tx: Tx = { ...outer, writes };
        await this.streams.lockMany(tx, numbers);
        const claimed = await claimEvents(tx, RMA_CONSUMER, messages.map(claimIdOf));
        const scope = await this.scopeOf(tx, numbers, creationSerials(messages));
        for (const message of messages) {
          // Claimed once per transaction: a re-sent copy in the same batch is a duplicate too.
          if (!claimed.delete(claimIdOf(message))) {
            this.countConsumed(tx, message.topic, 'duplicate');
            outcomes.push({ kind: 'DUPLICATE' });
            continue;
          }
          const outcome = await this.process(tx, message, scope);
          if (outcome.kind === 'REFUSED') await this.deadLetter(tx, message, outcome.reason);
          this.countConsumed(tx, message.topic, consumedOutcomeOf(outcome.kind));
          outcomes.push(outcome);
        }
        await writes.close();
      } finally {
        writes.release();
      }
    });
    return outcomes;
  }

  /** GraphQL: the same pipeline, but a refusal is the caller's error and nothing is kept. */
  async submit(envelope: EventEnvelope): Promise<ProcessOutcome> {
    const message = graphqlMessage(envelope);
    const number = streamOf(message);
    const numbers = number ? [number] : [];
    await this.streams.ensure(numbers);
    return this.hub.db.transaction(async (tx): Promise<ProcessOutcome> => {
      await this.streams.lockMany(tx, numbers);
      if (!(await claimEvent(tx, RMA_CONSUMER, claimIdOf(message)))) {
        this.countConsumed(tx, GRAPHQL_TOPIC, 'duplicate');
        return { kind: 'DUPLICATE', rma: await tx.em.findOneBy(Rma, { number: envelope.key }) };
      }
      const outcome = await this.process(tx, message, await this.scopeOf(tx, numbers));
      if (outcome.kind === 'REFUSED') {
        // The caller gets the error and the transaction rolls back: counted now, nothing commits.
        this.hub.metrics.eventsConsumed.inc({ topic: GRAPHQL_TOPIC, outcome: 'refused' });
        throw outcome.error;
      }
      this.countConsumed(tx, GRAPHQL_TOPIC, consumedOutcomeOf(outcome.kind));
      if (outcome.kind === 'HELD') return { ...outcome, rma: await tx.em.findOneBy(Rma, { number: envelope.key }) };
      return { kind: outcome.kind, rma: await tx.em.findOneByOrFail(Rma, { number: envelope.key }) };
    });
  }

  /**
   * GraphQL batch: one transaction, as a Kafka batch is; each refused event is dead-lettered (as on
   * Kafka) and reported in its place, the others apply. The RMAs are read after the commit.
   */
  async submitBatch(envelopes: readonly EventEnvelope[]): Promise<ProcessOutcome[]> {
    if (envelopes.length === 0) return [];
    const outcomes = await this.handleInOneTransaction(envelopes.map(graphqlMessage));
    const rmas = new Map(
      (await this.hub.db.manager.findBy(Rma, { number: In([...new Set(envelopes.map((e) => e.key))]) })).map((r) => [r.number, r]),
    );
    return outcomes.map((outcome, i): ProcessOutcome => {
      const rma = rmas.get(envelopes[i].key) ?? null;
      if (outcome.kind === 'REFUSED') return outcome;
      if (outcome.kind === 'HELD' || outcome.kind === 'DUPLICATE') return { ...outcome, rma };
      // Applied: the RMA exists (created or changed by the event).
      return { kind: outcome.kind, rma: rma! };
    });
  }

  /**
   * Reads what the messages of a transaction share, right after their streams
   * are locked: the RMAs and which have held events (three statements at most),
   * and for the RMAs it creates their devices, sites and serials' history (three more).
   */
  private async scopeOf(tx: Tx, numbers: readonly string[], serials: readonly string[] = []): Promise<Scope> {
    if (numbers.length === 0) return { rmas: new Map(), held: new Set() };
    const rmas = new Map<string, Rma | null>(numbers.map((n) => [n, null]));
    for (const rma of await this.readRmas(tx, numbers)) rmas.set(rma.number, rma);
    const held = await tx.em
      .createQueryBuilder(HeldRmaEvent, 'h')
      .select('DISTINCT h.rmaNumber', 'rmaNumber')
      .where('h.rmaNumber IN (:...numbers)', { numbers })
      .getRawMany<{ rmaNumber: string }>();
    return {
      rmas,
      held: new Set(held.map((h) => h.rmaNumber)),
      creations: serials.length > 0 ? await this.readCreations(tx, serials, rmas) : undefined,
    };
  }

  private async readCreations(tx: Tx, serials: readonly string[], rmas: Map<string, Rma | null>): Promise<NonNullable<Scope['creations']>> {
    const devices = await tx.em.findBy(Device, { serialNumber: In([...serials]) });
    const sites = new Map((await tx.em.findBy(Site, { id: In([...new Set(devices.map((d) => d.siteId))]) })).map((s) => [s.id, s]));
    const found = new Map<string, { device: Device; site: Site }>();
    for (const device of devices) {
      const site = sites.get(device.siteId);
      if (site) found.set(device.serialNumber, { device, site });
    }
    const history = new Map<string, Rma[]>();
    for (const earlier of await this.lifecycle.historyOf(tx, [...found.keys()])) {
      // The batch's own copy when it has one: it may change before the creation reads it.
      const rma = rmas.get(earlier.number) ?? earlier;
      getOrCreate(history, earlier.serialNumber, () => []).push(rma);
    }
    return { devices: found, history };
  }

  /**
   * The RMAs as they are now, row-locked on MariaDB: a calendar change re-plans
   * open RMAs without the stream lock. Only rows that exist are locked, by
   * primary key: a locking read of a number not yet created takes a gap lock,
   * and concurrent creations into the same gap deadlock. The locking read
   * returns the latest committed row (not the transaction's snapshot). Each
   * RMA is tracked, so saving it sends only the columns that changed.
   */
  private async readRmas(tx: Tx, numbers: readonly string[]): Promise<Rma[]> {
    let rmas: Rma[];
    if (this.hub.db.dialect !== 'mysql') rmas = await tx.em.find(Rma, { where: { number: In([...numbers]) } });
    else {
      const found = await tx.em.find(Rma, { select: { id: true }, where: { number: In([...numbers]) } });
      rmas = await selectByIds(
        tx.em,
        Rma,
        found.map((r) => r.id),
        { forUpdate: true },
      );
    }
    for (const rma of rmas) tx.writes?.track(Rma, rma);
    return rmas;
  }

  private async rmaOf(tx: Tx, number: string, scope: Scope): Promise<Rma | null> {
    const known = scope.rmas.get(number);
    if (known !== undefined) return known;
    const [rma] = await this.readRmas(tx, [number]);
    scope.rmas.set(number, rma ?? null);
    return rma ?? null;
  }

  /** Runs with the lock of the message's RMA number held (taken first thing by the caller). */
  private async process(tx: Tx, message: ReceivedMessage, scope: Scope): Promise<Outcome> {
    if (!message.envelope) return refused(ErrorCode.BAD_USER_INPUT, `malformed message: ${message.parseError ?? 'no envelope'}`);
    const parsed = parseInboundEvent(message.envelope);
    if (!parsed.ok) return refused(ErrorCode.BAD_USER_INPUT, parsed.reason);
    const event = parsed.event;
    const attempt = await this.attempt(tx, event, message, scope);
    if (attempt.kind === 'REFUSED') return attempt;
    if (attempt.kind === 'HOLD') {
      await this.hold(tx, message, event, attempt.waitingFor, scope);
      return { kind: 'HELD', waitingFor: attempt.waitingFor };
    }
    await this.drainHeld(tx, event.rmaNumber, scope);
    return { kind: attempt.kind };
  }

  /** Decides and, when the rule says so, applies, in a savepoint: a refusal while applying undoes only this event. */
  private async attempt(tx: Tx, event: InboundRmaEvent, message: ReceivedMessage, scope: Scope): Promise<Attempt> {
    const by = await this.actorOf(tx, message, event.source);
    if ('kind' in by) return by;
    const rma = await this.rmaOf(tx, event.rmaNumber, scope);
    const network = await this.network.networkCovering(tx.em, {
      ids: [by.centreId, rma?.centreId, rma?.originCentreId],
      codes: [
        event.type === 'RmaEscalated' ? event.payload.toCentreCode : null,
        event.type === 'RmaCreated' ? event.payload.centreCode : null,
      ],
    });

    let escalateTo: SupportCentre | null = null;
    let createFor: SupportCentre | null = null;
    if (event.type === 'RmaEscalated' && event.payload.toCentreCode) {
      escalateTo = network.find((c) => c.code === event.payload.toCentreCode) ?? null;
      if (!escalateTo) return refused(ErrorCode.NOT_FOUND, `unknown centre ${event.payload.toCentreCode}`, { field: 'toCentreCode' });
    }
    if (event.type === 'RmaCreated') {
      if (event.payload.centreCode) {
        createFor = network.find((c) => c.code === event.payload.centreCode) ?? null;
        if (!createFor) return refused(ErrorCode.NOT_FOUND, `unknown centre ${event.payload.centreCode}`, { field: 'centreCode' });
      } else if (!by.centreId) {
        return refused(ErrorCode.BAD_USER_INPUT, 'centreCode is required when an operator records RmaCreated', { field: 'centreCode' });
      }
    }

    const facts: EventFacts = {
      type: event.type,
      occurredAt: event.occurredAt,
      actor: by.actor,
      escalateToCentreId: escalateTo?.id ?? null,
      createForCentreId: createFor?.id ?? null,
    };
    const decision = decide(snapshotOf(rma), facts, network);
    if (decision.kind === 'REFUSE')
      return refused(decision.code, decision.reason, { rmaNumber: event.rmaNumber, status: rma?.status ?? null });
    if (decision.kind === 'HOLD') return { kind: 'HOLD', waitingFor: decision.waitingFor };

    try {
      await this.hub.get(RmaChanges).undoable(tx, rma, async (inner) => {
        if (!rma) {
          if (event.type !== 'RmaCreated') throw new AppError(ErrorCode.INVALID_TRANSITION, 'RMA does not exist');
          const created = await this.lifecycle.create(inner, {
            number: event.rmaNumber,
            serialNumber: event.payload.serialNumber,
            incidentId: event.payload.incidentId ?? null,
            centreId: createFor?.id ?? by.centreId!,
            faultyPartNumbers: event.payload.faultyPartNumbers,
            problem: event.payload.problem,
            outOfServiceAt: event.payload.outOfServiceAt ?? event.occurredAt,
            requestedAt: event.occurredAt,
            thresholdWorkingDays: event.payload.loanerThresholdWorkingDays ?? this.hub.get(RmaSettings).loanerThresholdWorkingDays,
            by,
            eventId: event.eventId,
            payload: JSON.parse(JSON.stringify(event.payload)) as Record<string, unknown>,
            announce: 'CENTRE_CREATED',
            known: this.knownForCreation(scope, event.payload.serialNumber),
          });
          scope.rmas.set(event.rmaNumber, created);
          const history = scope.creations?.history;
          if (history) {
            const earlier = getOrCreate(history, created.serialNumber, () => []);
            earlier.push(created);
            earlier.sort((a, b) => a.outOfServiceAt.getTime() - b.outOfServiceAt.getTime());
          }
        } else if (decision.kind === 'RECORD_LATE') {
          await this.lifecycle.recordLate(inner, rma, event, by);
        } else {
          await this.lifecycle.apply(inner, rma, event, by, escalateTo);
        }
      });
    } catch (error) {
      if (error instanceof AppError) return refusedBy(error);
      throw error;
    }
    return { kind: decision.kind === 'RECORD_LATE' ? 'RECORDED_LATE' : 'APPLIED' };
  }

  private knownForCreation(scope: Scope, serialNumber: string) {
    const found = scope.creations?.devices.get(serialNumber);
    return found && { ...found, history: scope.creations!.history.get(serialNumber) ?? [] };
  }

  /**
   * Kafka events act for the centre whose kafkaSourceId is the envelope source.
   * GraphQL events carry `operator:<key name>` (the hub, entitled to everything)
   * or `centre:<id>` (a PARTNER key acting for its centre).
   */
  private async actorOf(tx: Tx, message: ReceivedMessage, source: string): Promise<ActorInfo | (Attempt & { kind: 'REFUSED' })> {
    if (message.topic === GRAPHQL_TOPIC) {
      if (source.startsWith('centre:')) {
        const centre = await tx.em.findOneBy(SupportCentre, { id: source.slice('centre:'.length) });
        if (!centre) return refused('UNKNOWN_SOURCE', 'the centre of this key no longer exists');
        return { actor: { kind: 'centre', centreId: centre.id }, label: `partner:${centre.code}`, centreId: centre.id };
      }
      return { ...HUB_ACTOR, label: source };
    }
    const network = await this.network.networkCovering(tx.em, { sources: [source] });
    const centre = network.find((c) => c.kafkaSourceId === source);
    if (!centre) return refused('UNKNOWN_SOURCE', `no support centre publishes as ${JSON.stringify(source).slice(0, 130)}`);
    return { actor: { kind: 'centre', centreId: centre.id }, label: source, centreId: centre.id };
  }

  private async hold(tx: Tx, message: ReceivedMessage, event: InboundRmaEvent, waitingFor: string, scope: Scope): Promise<void> {
    const receivedAt = new Date();
    const held = Object.assign(new HeldRmaEvent(), {
      id: newId(),
      rmaNumber: event.rmaNumber,
      eventId: event.eventId,
      type: event.type,
      source: event.source,
      occurredAt: event.occurredAt,
      receivedAt,
      expiresAt: new Date(receivedAt.getTime() + this.hub.get(RmaSettings).holdTimeoutMs),
      waitingFor: waitingFor.slice(0, 300),
      envelope: JSON.stringify(message.envelope),
      topic: message.topic,
      partition: message.partition,
      offset: message.offset,
      messageKey: message.key?.slice(0, 120) ?? null,
      raw: message.raw?.toString('base64') ?? '',
    });
    await tx.em.insert(HeldRmaEvent, held);
    scope.held?.add(event.rmaNumber);
    await this.hub.scheduler.schedule(tx, {
      kind: JOB_HELD_TIMEOUT,
      key: heldJobKey(held.id),
      dueAt: held.expiresAt,
      payload: { heldId: held.id, number: held.rmaNumber },
    });
    this.hub.log.info(
      { rmaNumber: event.rmaNumber, type: event.type, eventId: event.eventId, waitingFor },
      'rma event held until applicable',
    );
  }

  /** Retries the RMA's held events, oldest first, until none applies; refused ones are dead-lettered. */
  async drainHeld(tx: Tx, number: string, scope: Scope = unknownScope()): Promise<void> {
    if (scope.held && !scope.held.has(number)) return;
    for (;;) {
      const held = replayOrder(await tx.em.find(HeldRmaEvent, { where: { rmaNumber: number } }));
      if (held.length === 0) scope.held?.delete(number);
      let changed = false;
      for (const h of held) {
        const message = messageOf(h);
        const parsed = parseInboundEvent(message.envelope!);
        const attempt = parsed.ok ? await this.attempt(tx, parsed.event, message, scope) : refused(ErrorCode.BAD_USER_INPUT, parsed.reason);
        if (attempt.kind === 'HOLD') continue;
        await this.release(tx, h);
        if (attempt.kind === 'REFUSED') {
          await this.deadLetter(tx, message, attempt.reason);
          this.countConsumed(tx, h.topic, 'dead_lettered');
          continue;
        }
        this.countConsumed(tx, h.topic, 'applied');
        // The RMA changed: start again from the oldest held event.
        changed = true;
        break;
      }
      if (!changed) return;
    }
  }

  /** The held-event bound passed: the event never became applicable. */
  async expireHeld(tx: Tx, heldId: string, number: string): Promise<void> {
    await this.streams.lock(tx, number);
    const held = await tx.em.findOneBy(HeldRmaEvent, { id: heldId });
    if (!held) return;
    await tx.em.delete(HeldRmaEvent, { id: held.id });
    const waited = Math.round((Date.now() - held.receivedAt.getTime()) / 1000);
    await this.deadLetter(
      tx,
      messageOf(held),
      `HELD_TOO_LONG: held ${waited} s waiting for ${held.waitingFor}; it never became applicable`,
    );
    this.countConsumed(tx, held.topic, 'dead_lettered');
  }

  private async release(tx: Tx, held: HeldRmaEvent): Promise<void> {
    await tx.em.delete(HeldRmaEvent, { id: held.id });
    await this.hub.scheduler.cancel(tx, heldJobKey(held.id));
  }

  /**
   * hub_events_consumed_total, counted once the transaction commits (a batch that rolls back and is
   * redelivered counts once). A held event counts as held when it arrives and again when it is released.
   */
  private countConsumed(tx: Tx, topic: string, outcome: ConsumedOutcome): void {
    tx.afterCommit(() => this.hub.metrics.eventsConsumed.inc({ topic, outcome }));
  }

  private async deadLetter(tx: Tx, message: ReceivedMessage, reason: string): Promise<void> {
    await this.hub.deadLetters.record(boundedForDeadLetter(message), reason, tx);
  }
}

/** Serial numbers of the RMAs the messages create, to read their devices ahead. */
function creationSerials(messages: readonly ReceivedMessage[]): string[] {
  const serials = new Set<string>();
  for (const m of messages) {
    const serial = m.envelope?.type === 'RmaCreated' ? (m.envelope.payload as { serialNumber?: unknown } | null)?.serialNumber : undefined;
    if (typeof serial === 'string' && serial.length > 0 && serial.length <= 64) serials.add(serial);
  }
  return [...serials];
}

/** The RMA number whose stream the message is on; null when the key is no RMA number (refused anyway). */
function streamOf(message: ReceivedMessage): string | null {
  const key = message.envelope?.key;
  return key && isValidRmaNumber(key) ? key : null;
}

function graphqlMessage(envelope: EventEnvelope): ReceivedMessage {
  return { topic: GRAPHQL_TOPIC, partition: -1, offset: '-1', key: envelope.key, raw: Buffer.from(JSON.stringify(envelope)), envelope };
}

/**
 * The envelope source of an event submitted through GraphQL, read back by `actorOf` (also when a
 * held event is retried): a PARTNER key speaks for its centre, staff for the hub.
 */
export function graphqlSourceOf(actor: Actor): string {
  if (actor.kind === 'partner') return `centre:${actor.centreId}`;
  // Staff keys, the scheduler and the system act for the hub (entitled to every RMA).
  return `operator:${actorLabel(actor)}`.slice(0, 120);
}

function messageOf(held: HeldRmaEvent): ReceivedMessage {
  return {
    topic: held.topic,
    partition: held.partition,
    offset: held.offset,
    key: held.messageKey,
    raw: Buffer.from(held.raw, 'base64'),
    envelope: JSON.parse(held.envelope) as EventEnvelope,
  };
}
