import { setTimeout as sleep } from 'node:timers/promises';
import { In } from 'typeorm';
import type { Tx } from '../../../platform/db/database';
import { newId } from '../../../platform/db/columns';
import type { Hub } from '../../../platform/hub';
import { NamedLease } from '../../../platform/db/lease';
import { IncidentCommands } from '../../incidents/incident.commands';
import { Incident } from '../../incidents/incident.entity';
import { ItsmClient } from './itsm-client';
import { ItsmConnector, ItsmInboundMode, ItsmOutbound, ItsmOutboundStatus, ItsmSyncOutcome, ItsmTicketLink } from './itsm.entity';
import { ItsmService } from './itsm.service';
import { ItsmSyncService } from './itsm-sync.service';
import { OutboundItem, syncRetryDelayMs } from './rules/itsm-sync';

const LEASE = 'itsm-sync';
const LEASE_MS = 15_000;
const TICK_MS = 200;
const HEADS = 64;
const JOURNAL_PAGE = 200;
const COMMENT_AUTHOR = 'Service hub';

/**
 * Sends queued ticket operations and polls the change journals. One instance holds the lease at a time.
 * Only the oldest pending operation of each incident is eligible, so an incident's changes reach the
 * ticket in order; a failed one waits (backoff) and holds back the later ones of its incident only.
 */
export class ItsmWorker {
  private lease?: NamedLease;
  private running = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private readonly service: ItsmService;
  private readonly sync: ItsmSyncService;

  constructor(private readonly hub: Hub) {
    this.service = hub.get(ItsmService);
    this.sync = hub.get(ItsmSyncService);
  }

  private get settings() {
    return this.hub.config.connectors.itsm;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.service.onQueued = () => this.kick();
    this.loop = this.run();
  }

  kick(): void {
    this.wake?.();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.kick();
    await this.loop;
    await this.lease?.release();
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        if (await this.holdLease()) {
          await this.sendDue();
          await this.pollDue();
        }
      } catch (error) {
        this.hub.log.warn({ err: error }, 'itsm sync: round failed, will retry');
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, TICK_MS);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = null;
    }
  }

  // ---------------------------------------------------------------- outbound

  private async dueHeads(): Promise<ItsmOutbound[]> {
    const em = this.hub.db.manager;
    const oldestPerIncident = em
      .createQueryBuilder(ItsmOutbound, 'h')
      .select('MIN(h.seq)')
      .where('h.status = :pending')
      .groupBy('h.incidentId');
    return em
      .createQueryBuilder(ItsmOutbound, 'o')
      .where(`o.seq IN (${oldestPerIncident.getQuery()})`)
      .andWhere('o.nextAttemptAt <= :now')
      .setParameters({ pending: ItsmOutboundStatus.PENDING, now: new Date() })
      .orderBy('o.seq', 'ASC')
      .limit(HEADS)
      .getMany();
  }

  private async sendDue(): Promise<void> {
    for (;;) {
      const heads = await this.dueHeads();
      if (heads.length === 0 || !this.running) return;
      const connectors = new Map(
        (await this.hub.db.manager.findBy(ItsmConnector, { id: In([...new Set(heads.map((h) => h.connectorId))]) })).map((c) => [c.id, c]),
      );
      const clients = new Map<string, ItsmClient>();
      let progressed = false;
      for (const head of heads) {
        const connector = connectors.get(head.connectorId);
        if (!connector?.enabled) continue;
        let client = clients.get(connector.id);
        if (!client) {
          try {
            client = this.service.clientFor(connector);
          } catch (error) {
            // No key to open the credential (production without CONNECTOR_SECRET_KEY): the operations wait.
            this.hub.log.warn({ err: error, connectorId: connector.id }, 'itsm sync: cannot open the connector credential');
            continue;
          }
          clients.set(connector.id, client);
        }
        progressed = (await this.sendOne(connector, client, head)) || progressed;
      }
      if (!progressed) return;
    }
  }

  /** Sends one operation; true when it was done (sent or dropped), false when it failed and waits for a retry. */
  private async sendOne(connector: ItsmConnector, client: ItsmClient, row: ItsmOutbound): Promise<boolean> {
    const item = JSON.parse(row.payload) as OutboundItem;
    try {
      const link = await this.hub.db.manager.findOneBy(ItsmTicketLink, { incidentId: row.incidentId });
      if (item.kind === 'CREATE') {
        let number = link?.ticketNumber ?? null;
        let adopted = false;
        if (!number) {
          // A ticket the customer already had (its number given as the reference), or one a crashed attempt created.
          const incident = await this.hub.db.manager.findOne(Incident, {
            select: { id: true, externalRef: true },
            where: { id: row.incidentId },
          });
          const existing =
            (incident?.externalRef ? await client.ticket(incident.externalRef) : null) ??
            (await client.byCorrelation(row.incidentId))[0] ??
            null;
          if (existing) {
            number = existing.number;
            adopted = true;
          } else number = (await client.createTicket(item.ticket)).number;
        }
        await this.hub.db.transaction(async (tx) => {
          if (!link) {
            await tx.em.insert(ItsmTicketLink, {
              id: newId(),
              connectorId: connector.id,
              customerId: connector.customerId,
              incidentId: row.incidentId,
              ticketNumber: number,
              createdAt: new Date(),
            });
            await this.hub
              .get(IncidentCommands)
              .linkExternalTicket(tx, this.service.actorOf(connector), row.incidentId, number, connector.name);
          }
          await this.done(tx, connector, row, number, adopted ? `linked existing ticket ${number}` : `created ticket ${number}`);
        });
        return true;
      }
      if (!link) {
        // The incident opened before the connector existed: it has no ticket to update.
        await this.hub.db.transaction((tx) =>
          this.done(tx, connector, row, null, `${item.kind} dropped: the incident has no ticket`, ItsmSyncOutcome.IGNORED),
        );
        return true;
      }
      if (item.kind === 'PATCH') await client.updateTicket(link.ticketNumber, item.patch);
      else await client.addComment(link.ticketNumber, COMMENT_AUTHOR, item.body);
      await this.hub.db.transaction((tx) =>
        this.done(
          tx,
          connector,
          row,
          link.ticketNumber,
          item.kind === 'PATCH' ? `updated ${JSON.stringify(item.patch)}` : `comment: ${item.body}`,
        ),
      );
      return true;
    } catch (error) {
      const attempts = row.attempts + 1;
      const reason = String((error as Error).message ?? error).slice(0, 500);
      this.hub.log.warn(
        { connectorId: connector.id, incidentId: row.incidentId, seq: row.seq, attempts, reason },
        'itsm sync: send failed, will retry',
      );
      await this.hub.db.transaction(async (tx) => {
        await tx.em.update(
          ItsmOutbound,
          { seq: row.seq },
          {
            attempts,
            lastError: reason,
            nextAttemptAt: new Date(Date.now() + syncRetryDelayMs(attempts, this.settings.retryBaseMs, this.settings.retryMaxMs)),
          },
        );
        await tx.em.update(ItsmConnector, { id: connector.id }, { lastError: reason });
      });
      return false;
    }
  }

  private async done(
    tx: Tx,
    connector: ItsmConnector,
    row: ItsmOutbound,
    ticketNumber: string | null,
    detail: string,
    outcome = ItsmSyncOutcome.SENT,
  ): Promise<void> {
    await tx.em.update(
      ItsmOutbound,
      { seq: row.seq },
      { status: ItsmOutboundStatus.SENT, attempts: row.attempts + 1, sentAt: new Date(), lastError: null },
    );
    if (connector.lastError) await tx.em.update(ItsmConnector, { id: connector.id }, { lastError: null });
    await this.service.record(tx, connector, { direction: 'OUT', outcome, incidentId: row.incidentId, ticketNumber, detail });
  }

  // ---------------------------------------------------------------- inbound (journal polling)

  private async pollDue(): Promise<void> {
    const before = new Date(Date.now() - this.settings.pollMs);
    const due = await this.hub.db.manager.findBy(ItsmConnector, {
      enabled: true,
      inbound: In([ItsmInboundMode.POLL, ItsmInboundMode.BOTH]),
    });
    for (const connector of due)
      if (this.running && (connector.lastPolledAt === null || connector.lastPolledAt <= before)) await this.pollOne(connector);
  }

  /** Reads the journal after the cursor and applies each change in order; stops at the first that cannot be applied now. */
  async pollOne(connector: ItsmConnector): Promise<void> {
    let error: string | null = null;
    try {
      const client = this.service.clientFor(connector);
      for (;;) {
        const fresh = await this.hub.db.manager.findOneBy(ItsmConnector, { id: connector.id });
        if (!fresh?.enabled) return;
        const changes = await client.changes(fresh.journalCursor, JOURNAL_PAGE);
        for (const change of changes) await this.sync.applyInbound(fresh, change, ItsmInboundMode.POLL);
        if (changes.length < JOURNAL_PAGE || !this.running) break;
      }
    } catch (e) {
      error = String((e as Error).message ?? e).slice(0, 500);
      this.hub.log.warn({ connectorId: connector.id, reason: error }, 'itsm sync: journal poll failed, will retry');
    }
    await this.hub.db.manager.update(
      ItsmConnector,
      { id: connector.id },
      { lastPolledAt: new Date(), ...(error ? { lastError: error } : {}) },
    );
  }

  private holdLease(): Promise<boolean> {
    this.lease ??= new NamedLease(this.hub.db, LEASE, this.hub.config.instanceId, LEASE_MS);
    return this.lease.hold();
  }

  /** For tests: waits until nothing is pending for the connector. */
  async idle(connectorId: string, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if ((await this.service.pendingCount(connectorId)) === 0) return true;
      this.kick();
      await sleep(50);
    }
    return false;
  }
}
