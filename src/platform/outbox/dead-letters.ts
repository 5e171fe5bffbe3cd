import { newId } from '../db/columns';
import type { Database, Tx } from '../db/database';
import type { ReceivedMessage } from '../kafka/event-bus';
import type { Outbox } from './outbox';
import { makeEnvelope } from '../kafka/event-bus';
import type { Logger } from '../logger';
import { DeadLetter } from './dead-letter.entity';

const clip = (value: unknown, max: number): string | null => (value === null || value === undefined ? null : String(value).slice(0, max));

function printable(raw: Buffer | null): string {
  if (!raw) return '';
  const text = raw.toString('utf8');
  // eslint-disable-next-line no-control-regex -- control bytes are exactly what marks a payload as binary
  return Buffer.from(text, 'utf8').equals(raw) && !/[\u0000-\u0008\u000e-\u001f]/.test(text) ? text : `b64:${raw.toString('base64')}`;
}

/**
 * Refused inbound messages: stored in `dead_letters` (queryable) and sent to the
 * dead-letter topic through the outbox, so the consumer can move on without
 * losing them even while the broker is unreachable.
 */
export class DeadLetters {
  constructor(
    private readonly db: Database,
    private readonly outbox: Outbox,
    private readonly topic: string,
    private readonly source: string,
    private readonly log: Logger,
  ) {}

  /** Records in the caller's transaction when given one (so the dedupe mark and the dead letter commit together). */
  async record(message: ReceivedMessage, reason: string, tx?: Tx): Promise<DeadLetter> {
    if (!tx) return this.db.transaction((own) => this.record(message, reason, own));
    const row = Object.assign(new DeadLetter(), {
      id: newId(),
      topic: clip(message.topic, 120) ?? '',
      partition: message.partition,
      offset: clip(message.offset, 40) ?? '',
      // Trimmed to the columns: a refused message must never fail to be recorded because of its size.
      messageKey: clip(message.key, 120),
      eventId: clip(message.envelope?.eventId, 64),
      type: clip(message.envelope?.type, 80),
      source: clip(message.envelope?.source, 120),
      reason: reason.slice(0, 1000),
      raw: printable(message.raw),
      receivedAt: new Date(),
    });
    await tx.em.insert(DeadLetter, row);
    await this.outbox.enqueue(tx, this.topic, [
      makeEnvelope({
        type: 'DeadLetter',
        key: message.key ?? row.id,
        source: this.source,
        payload: { ...row, receivedAt: row.receivedAt.toISOString() },
      }),
    ]);
    this.log.warn({ topic: message.topic, offset: message.offset, reason }, 'inbound message dead-lettered');
    return row;
  }
}
