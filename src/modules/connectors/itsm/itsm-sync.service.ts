import { In } from 'typeorm';
import { actorCanSee, actorLabel } from '../../../platform/auth/actor';
import { newId } from '../../../platform/db/columns';
import type { Tx } from '../../../platform/db/database';
import { AppError } from '../../../platform/errors';
import type { Hub } from '../../../platform/hub';
import type { EventEnvelope } from '../../../platform/kafka/event-bus';
import { claimEvent } from '../../../platform/outbox/outbox';
import { Device } from '../../customers/customer.entity';
import { IncidentCommands } from '../../incidents/incident.commands';
import { Incident, IncidentEvent } from '../../incidents/incident.entity';
import { IncidentStatus } from '../../incidents/incident.enums';
import { Rma } from '../../rma/rma.entity';
import { OUTBOUND_EVENT_TYPES } from '../../rma/rma.events';
import { ItsmConnector, ItsmInboundMode, ItsmOutbound, ItsmOutboundStatus, ItsmSyncOutcome, ItsmTicketLink } from './itsm.entity';
import { ItsmService } from './itsm.service';
import { HubSeverity, HubStatus, inboundDecision, OutboundItem, outboundFor, rmaFactComment, TicketChange } from './rules/itsm-sync';

export type InboundResult = { outcome: ItsmSyncOutcome | 'DUPLICATE'; incidentId: string | null; reason: string | null };

/**
 * The two directions of the ticket sync, in the hub's transactions: hub changes queued for the ticket
 * (in the change's own transaction, so nothing is lost or sent for a rolled-back change), and the
 * customer's ticket changes applied through the incident commands as the connector.
 */
export class ItsmSyncService {
  private readonly service: ItsmService;

  constructor(private readonly hub: Hub) {
    this.service = hub.get(ItsmService);
  }

  // ---------------------------------------------------------------- hub → ITSM

  /** IncidentChanges listener: the incident's new timeline entries become queued ticket operations. */
  async onIncidentChange(tx: Tx, incident: Incident, events: readonly IncidentEvent[]): Promise<void> {
    const connector = await this.service.forCustomer(tx, incident.customerId);
    if (!connector) return;
    const label = actorLabel(this.service.actorOf(connector)).slice(0, 120);
    let serial: string | null | undefined;
    const items: OutboundItem[] = [];
    for (const e of events) {
      if (e.type === 'REPORTED' && serial === undefined)
        serial = incident.deviceId
          ? ((await tx.em.findOne(Device, { select: { id: true, serialNumber: true }, where: { id: incident.deviceId } }))?.serialNumber ??
            null)
          : null;
      items.push(
        ...outboundFor(
          {
            type: e.type,
            actor: e.actor,
            message: e.message,
            toStatus: e.toStatus,
            details: e.details ? (JSON.parse(e.details) as Record<string, unknown>) : null,
          },
          {
            id: incident.id,
            summary: incident.summary,
            description: incident.description,
            severity: incident.severity as HubSeverity,
            status: incident.status as HubStatus,
            deviceSerial: serial ?? null,
          },
          connector.mapping,
          label,
        ),
      );
    }
    await this.queue(tx, connector, incident.id, items);
  }

  /** Outbox tap on hub events: RMA and loaner facts of an incident go to its ticket as comments. */
  async onHubEvents(tx: Tx, events: EventEnvelope[]): Promise<void> {
    const relevant = events.filter((e) => (OUTBOUND_EVENT_TYPES as readonly string[]).includes(e.type));
    if (relevant.length === 0) return;
    const rmas = await tx.em.find(Rma, {
      select: { number: true, incidentId: true, customerId: true },
      where: { number: In([...new Set(relevant.map((e) => e.key))]) },
    });
    const byNumber = new Map(rmas.map((r) => [r.number, r]));
    for (const e of relevant) {
      const rma = byNumber.get(e.key);
      if (!rma?.incidentId) continue;
      const connector = await this.service.forCustomer(tx, rma.customerId);
      if (!connector) continue;
      const body = rmaFactComment(e.type, { rmaNumber: rma.number, ...(e.payload as Record<string, unknown>) });
      if (body) await this.queue(tx, connector, rma.incidentId, [{ kind: 'COMMENT', body }]);
    }
  }

  private async queue(tx: Tx, connector: ItsmConnector, incidentId: string, items: OutboundItem[]): Promise<void> {
    if (items.length === 0) return;
    const now = new Date();
    const rows = items.map((item) =>
      Object.assign(new ItsmOutbound(), {
        connectorId: connector.id,
        incidentId,
        kind: item.kind,
        payload: JSON.stringify(item),
        status: ItsmOutboundStatus.PENDING,
        attempts: 0,
        nextAttemptAt: now,
        lastError: null,
        sentAt: null,
        createdAt: now,
      }),
    );
    // One row at a time, in order: the sequence numbers are the send order of this incident.
    if (tx.writes) for (const row of rows) tx.writes.insert(ItsmOutbound, row);
    else for (const row of rows) await tx.em.insert(ItsmOutbound, row);
    tx.afterCommit(() => this.service.onQueued());
  }

  // ---------------------------------------------------------------- ITSM → hub

  /**
   * Applies one customer change (journal entry or pushed) in a transaction of its own: deduplicated by its
   * journal sequence number, resolved to an incident of the connector's customer only, applied as the connector.
   * A change the hub refuses (another customer's incident, a transition the incident does not allow) is logged
   * as REFUSED and not retried; anything else (network, database) throws and is retried.
   */
  async applyInbound(
    connector: ItsmConnector,
    change: TicketChange,
    via: ItsmInboundMode.POLL | ItsmInboundMode.PUSH,
  ): Promise<InboundResult> {
    const actor = this.service.actorOf(connector);
    const consumer = `itsm:${connector.id}`;
    const echo = change.changedBy === connector.integrationUser;
    // Outside the transaction: which incident, and the ticket itself when the change needs it (no lock held over HTTP).
    let link = await this.hub.db.manager.findOneBy(ItsmTicketLink, { connectorId: connector.id, ticketNumber: change.ticketNumber });
    let incidentId = link?.incidentId ?? null;
    let satisfaction: number | null = null;
    let ticketFetched = false;
    const fetchTicket = async () => {
      ticketFetched = true;
      return this.service.clientFor(connector).ticket(change.ticketNumber);
    };
    if (!link && !echo && change.field !== 'created') {
      const ticket = await fetchTicket();
      incidentId = ticket?.correlationId ?? null;
      satisfaction = typeof ticket?.satisfaction === 'number' ? ticket.satisfaction : null;
    }
    const current = incidentId ? await this.hub.db.manager.findOne(Incident, { where: { id: incidentId } }) : null;
    const visible = current && actorCanSee(actor, Incident, current) ? current : null;
    const decision = visible
      ? inboundDecision(change, {
          integrationUser: connector.integrationUser,
          mapping: connector.mapping,
          hubStatus: visible.status as HubStatus,
        })
      : null;
    if (decision?.kind === 'CONFIRM_CLOSURE' && !ticketFetched) {
      const ticket = await fetchTicket();
      satisfaction = typeof ticket?.satisfaction === 'number' ? ticket.satisfaction : null;
    }

    // Polled entries move the cursor even when already applied (pushed first under BOTH): the next poll starts after them.
    const advanceCursor = async (tx: Tx) => {
      if (via === ItsmInboundMode.POLL && change.seq !== null)
        await tx.em
          .createQueryBuilder()
          .update(ItsmConnector)
          .set({ journalCursor: change.seq })
          .where('id = :id AND journalCursor < :seq', { id: connector.id, seq: change.seq })
          .execute();
    };
    const finish = async (tx: Tx, outcome: ItsmSyncOutcome, reason: string | null, forIncident: string | null): Promise<InboundResult> => {
      await this.service.record(tx, connector, {
        direction: 'IN',
        outcome,
        incidentId: forIncident,
        ticketNumber: change.ticketNumber,
        journalSeq: change.seq,
        detail: `${via} ${change.field}${change.newValue ? ` = ${change.newValue.slice(0, 200)}` : ''} by ${change.changedBy}${reason ? `: ${reason}` : ''}`,
      });
      await advanceCursor(tx);
      return { outcome, incidentId: forIncident, reason };
    };
    const claimed = (tx: Tx) => (change.seq === null ? Promise.resolve(true) : claimEvent(tx, consumer, `seq:${change.seq}`));

    try {
      return await this.hub.db.transaction(async (tx) => {
        if (!(await claimed(tx))) {
          await advanceCursor(tx);
          return { outcome: 'DUPLICATE' as const, incidentId, reason: null };
        }
        if (echo) return finish(tx, ItsmSyncOutcome.ECHO, "the hub's own change", incidentId);
        if (!incidentId) return finish(tx, ItsmSyncOutcome.IGNORED, 'ticket not linked to an incident', null);
        if (!visible)
          // Another customer's incident (or none): refused, and nothing about it is revealed.
          return finish(tx, ItsmSyncOutcome.REFUSED, `incident ${incidentId} is not an incident of this customer`, null);
        if (!link) {
          // The customer's own ticket names one of its incidents: from now on it is that incident's ticket.
          const existing = await tx.em.findOneBy(ItsmTicketLink, { incidentId: visible.id });
          if (existing) return finish(tx, ItsmSyncOutcome.REFUSED, `incident already has ticket ${existing.ticketNumber}`, visible.id);
          link = Object.assign(new ItsmTicketLink(), {
            id: newId(),
            connectorId: connector.id,
            customerId: connector.customerId,
            incidentId: visible.id,
            ticketNumber: change.ticketNumber,
            createdAt: new Date(),
          });
          await tx.em.insert(ItsmTicketLink, link);
        }
        const commands = this.hub.get(IncidentCommands);
        switch (decision!.kind) {
          case 'ECHO':
          case 'IGNORE':
            return finish(
              tx,
              decision!.kind === 'ECHO' ? ItsmSyncOutcome.ECHO : ItsmSyncOutcome.IGNORED,
              decision!.kind === 'IGNORE' ? decision!.reason : null,
              visible.id,
            );
          case 'COMMENT':
            await commands.addCustomerComment(tx, actor, visible.id, decision!.text);
            return finish(tx, ItsmSyncOutcome.APPLIED, 'customer comment', visible.id);
          case 'CONFIRM_CLOSURE':
            await commands.confirmClosure(
              tx,
              actor,
              visible.id,
              satisfaction,
              `Closure confirmed in ${connector.name} ticket ${change.ticketNumber} (state ${decision!.state}) by ${change.changedBy}`.slice(
                0,
                1000,
              ),
            );
            return finish(
              tx,
              ItsmSyncOutcome.APPLIED,
              `closure confirmed${satisfaction ? `, satisfaction ${satisfaction}` : ''}`,
              visible.id,
            );
          case 'REOPEN':
            await commands.transition(
              tx,
              actor,
              visible.id,
              IncidentStatus.IN_PROGRESS,
              `Reopened in ${connector.name} ticket ${change.ticketNumber} by ${change.changedBy}`,
            );
            return finish(tx, ItsmSyncOutcome.APPLIED, 'reopened', visible.id);
        }
      });
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      // The hub refused the change (e.g. the incident cannot close from its state): logged, not retried.
      return this.hub.db.transaction(async (tx) => {
        if (!(await claimed(tx))) {
          await advanceCursor(tx);
          return { outcome: 'DUPLICATE' as const, incidentId, reason: null };
        }
        return finish(tx, ItsmSyncOutcome.REFUSED, error.message, visible?.id ?? null);
      });
    }
  }
}
