import { In } from 'typeorm';
import { isStaff, Principal, Role } from '../../../platform/auth/principal';
import { canSee, scopeQuery } from '../../../platform/auth/scope';
import type { Tx } from '../../../platform/db/database';
import { newId } from '../../../platform/db/columns';
import { badInput, forbidden, notFound } from '../../../platform/errors';
import { Connection, paginate } from '../../../platform/graphql/connection';
import type { Hub } from '../../../platform/hub';
import { EventEnvelope, makeEnvelope } from '../../../platform/kafka/event-bus';
import { NoticeKind } from '../../notices/notice.entity';
import { NoticesService } from '../../notices/notices.service';
import { Rma } from '../../rma/rma.entity';
import { isoMs, newWebhookSecret, SecretBox } from '../secrets';
import { Audience, EVENT_PATTERN, eventAudience, eventCategory, matchesPatterns, mayReceive, OwnerRole } from './rules/event-routing';
import { checkTargetUrl, resolveAndCheck } from '../../../platform/http/target-guard';
import { WebhookAttempt, WebhookDelivery, WebhookDeliveryStatus, WebhookEndpoint } from './webhook.entity';

export const WEBHOOK_ENDPOINT_DISABLED = 'WebhookEndpointDisabled';
const MAX_ENDPOINTS_CACHE_MS = 1000;

type Route = Pick<WebhookEndpoint, 'id' | 'ownerRole' | 'ownerScopeId' | 'eventTypes'>;

/**
 * Outbound webhooks. Every hub event is written, in the transaction that produces it, as one
 * webhook_deliveries row per endpoint that wants it and whose owner may see it (an outbox tap);
 * the WebhookWorker sends those rows.
 */
export class WebhooksService {
  readonly box: SecretBox;
  private routes: { at: number; rows: Route[] } | null = null;
  /** Set by the worker: wakes it after a commit that queued deliveries. */
  onQueued: () => void = () => undefined;

  constructor(private readonly hub: Hub) {
    this.box = SecretBox.fromHub(hub);
  }

  // ---------------------------------------------------------------- endpoints

  async create(
    principal: Principal,
    input: { url: string; eventTypes: string[]; description?: string | null; ownerRole?: Role | null; ownerScopeId?: string | null },
  ) {
    let ownerRole: Role;
    let ownerScopeId: string | null;
    if (principal.role === Role.ADMIN) {
      ownerRole = input.ownerRole ?? Role.ADMIN;
      ownerScopeId = ownerRole === Role.ADMIN || ownerRole === Role.OPERATOR ? null : (input.ownerScopeId ?? null);
      if (ownerRole !== Role.ADMIN && ownerRole !== Role.OPERATOR && !ownerScopeId)
        throw badInput('ownerScopeId is required for a tenant-owned endpoint', { field: 'ownerScopeId' });
    } else {
      if ((input.ownerRole && input.ownerRole !== principal.role) || (input.ownerScopeId && input.ownerScopeId !== principal.scopeId))
        throw forbidden('A tenant key creates endpoints for its own scope only');
      ownerRole = principal.role;
      ownerScopeId = principal.scopeId;
    }
    const eventTypes = [...new Set(input.eventTypes.map((t) => t.trim()))];
    const bad = eventTypes.find((t) => !EVENT_PATTERN.test(t));
    if (bad !== undefined)
      throw badInput(
        `Unknown event type pattern "${bad}": use incident.*, rma.*, loaner.*, stock.*, complaint.*, inspection.*, an exact type or *`,
        { field: 'eventTypes' },
      );
    await this.assertTarget(input.url);
    const secret = newWebhookSecret();
    const endpoint = Object.assign(new WebhookEndpoint(), {
      id: newId(),
      ownerRole,
      ownerScopeId,
      url: input.url,
      eventTypes,
      description: input.description ?? null,
      secretSealed: this.box.seal(secret),
      previousSecretSealed: null,
      previousSecretExpiresAt: null,
      enabled: true,
      disabledAt: null,
      disabledReason: null,
      failingSince: null,
      createdBy: principal.name,
      createdAt: new Date(),
    });
    await this.hub.db.manager.insert(WebhookEndpoint, endpoint);
    this.routes = null;
    return { endpoint, secret };
  }

  private async assertTarget(url: string): Promise<void> {
    const check = checkTargetUrl(url);
    if (!check.ok) throw badInput(`url: ${check.reason}`, { field: 'url', reason: 'INVALID_URL' });
    const refused = await resolveAndCheck(check.url!.hostname, this.hub.config.connectors.webhooks.allowedTargetRanges);
    if (refused) throw badInput(`url: ${refused}`, { field: 'url', reason: 'TARGET_NOT_ALLOWED' });
  }

  list(principal: Principal): Promise<WebhookEndpoint[]> {
    const qb = this.hub.db.manager.createQueryBuilder(WebhookEndpoint, 'e').orderBy('e.createdAt', 'ASC');
    if (!isStaff(principal)) qb.andWhere('e.ownerRole = :role', { role: principal.role });
    return scopeQuery(qb, principal, WebhookEndpoint).getMany();
  }

  async visible(principal: Principal, id: string): Promise<WebhookEndpoint> {
    const endpoint = await this.hub.db.manager.findOneBy(WebhookEndpoint, { id });
    if (!endpoint || !canSee(principal, WebhookEndpoint, endpoint) || (!isStaff(principal) && endpoint.ownerRole !== principal.role))
      throw notFound('WebhookEndpoint', id);
    return endpoint;
  }

  private async manageable(principal: Principal, id: string): Promise<WebhookEndpoint> {
    const endpoint = await this.visible(principal, id);
    if (principal.role === Role.OPERATOR) throw forbidden('Operators may look at endpoints, not change them');
    return endpoint;
  }

  async attempts(
    principal: Principal,
    endpointId: string,
    args: { first?: number | null; after?: string | null },
  ): Promise<Connection<WebhookAttempt>> {
    await this.visible(principal, endpointId);
    const qb = this.hub.db.manager.createQueryBuilder(WebhookAttempt, 'a').where('a.endpointId = :endpointId', { endpointId });
    return paginate(qb, args, { sortColumn: 'attemptedAt', descending: true, maxPageSize: this.hub.config.graphql.maxPageSize });
  }

  /** A new secret; the previous one keeps signing too until the overlap (WEBHOOK_SECRET_OVERLAP) ends. */
  async rotateSecret(principal: Principal, id: string) {
    const endpoint = await this.manageable(principal, id);
    const secret = newWebhookSecret();
    const changes = {
      previousSecretSealed: endpoint.secretSealed,
      previousSecretExpiresAt: new Date(Date.now() + isoMs(this.hub.config.connectors.webhooks.secretOverlap)),
      secretSealed: this.box.seal(secret),
    };
    await this.hub.db.manager.update(WebhookEndpoint, { id }, changes);
    return { endpoint: Object.assign(endpoint, changes), secret };
  }

  async enable(principal: Principal, id: string): Promise<WebhookEndpoint> {
    const endpoint = await this.manageable(principal, id);
    const now = new Date();
    await this.hub.db.transaction(async (tx) => {
      await tx.em.update(WebhookEndpoint, { id }, { enabled: true, disabledAt: null, disabledReason: null, failingSince: null });
      await tx.em.update(WebhookDelivery, { endpointId: id, status: WebhookDeliveryStatus.PENDING }, { nextAttemptAt: now });
      tx.afterCommit(() => this.onQueued());
    });
    return Object.assign(endpoint, { enabled: true, disabledAt: null, disabledReason: null, failingSince: null });
  }

  /** Queues again every event delivered to the endpoint since `since`, in their original order. */
  async replay(principal: Principal, id: string, since: Date): Promise<number> {
    await this.manageable(principal, id);
    return this.hub.db.transaction(async (tx) => {
      const delivered = await tx.em
        .createQueryBuilder(WebhookDelivery, 'd')
        .where('d.endpointId = :id AND d.status = :status AND d.createdAt >= :since', {
          id,
          status: WebhookDeliveryStatus.DELIVERED,
          since,
        })
        .orderBy('d.seq', 'ASC')
        .getMany();
      const now = new Date();
      for (const d of delivered)
        await tx.em.insert(WebhookDelivery, {
          endpointId: id,
          eventId: d.eventId,
          eventType: d.eventType,
          aggregateKey: d.aggregateKey,
          envelope: d.envelope,
          status: WebhookDeliveryStatus.PENDING,
          attempts: 0,
          nextAttemptAt: now,
          deliveredAt: null,
          createdAt: now,
        });
      tx.afterCommit(() => this.onQueued());
      return delivered.length;
    });
  }

  // ---------------------------------------------------------------- fan-out (outbox tap)

  private async currentRoutes(tx: Tx): Promise<Route[]> {
    const now = Date.now();
    if (this.routes && now - this.routes.at < MAX_ENDPOINTS_CACHE_MS) return this.routes.rows;
    const rows = await tx.em.find(WebhookEndpoint, { select: { id: true, ownerRole: true, ownerScopeId: true, eventTypes: true } });
    this.routes = { at: now, rows };
    return rows;
  }

  /** In the event's own transaction: one delivery row per endpoint that wants the event and may see it. */
  async fanOut(tx: Tx, events: EventEnvelope[]): Promise<void> {
    const routes = await this.currentRoutes(tx);
    if (routes.length === 0) return;
    const wanted = events
      .map((e) => ({ e, routes: routes.filter((r) => matchesPatterns(r.eventTypes, e.type)) }))
      .filter((w) => w.routes.length > 0);
    if (wanted.length === 0) return;
    // RMA and loaner events name the RMA, not always its customer and centre: read them from the RMA.
    const needRma = wanted.filter(
      (w) =>
        w.routes.some((r) => r.ownerRole !== Role.ADMIN && r.ownerRole !== Role.OPERATOR) &&
        ['rma', 'loaner'].includes(eventCategory(w.e.type)),
    );
    const rmas = new Map<string, Partial<Audience>>();
    if (needRma.length > 0) {
      const numbers = [...new Set(needRma.map((w) => w.e.key))];
      const rows = await tx.em.find(Rma, {
        select: { number: true, customerId: true, originCentreId: true },
        where: { number: In(numbers) },
      });
      for (const r of rows) rmas.set(r.number, { customerIds: [r.customerId], centreIds: r.originCentreId ? [r.originCentreId] : [] });
    }
    const now = new Date();
    const rows: WebhookDelivery[] = [];
    for (const { e, routes: candidates } of wanted) {
      const audience = eventAudience(e, rmas.get(e.key));
      const envelope = JSON.stringify(e);
      for (const r of candidates) {
        if (!mayReceive({ role: r.ownerRole as OwnerRole, scopeId: r.ownerScopeId }, audience)) continue;
        rows.push(
          Object.assign(new WebhookDelivery(), {
            endpointId: r.id,
            eventId: e.eventId,
            eventType: e.type.slice(0, 80),
            aggregateKey: e.key.slice(0, 120),
            envelope,
            status: WebhookDeliveryStatus.PENDING,
            attempts: 0,
            nextAttemptAt: now,
            deliveredAt: null,
            createdAt: now,
          }),
        );
      }
    }
    if (rows.length === 0) return;
    if (tx.writes) for (const row of rows) tx.writes.insert(WebhookDelivery, row);
    else await tx.em.insert(WebhookDelivery, rows);
    tx.afterCommit(() => this.onQueued());
  }

  /** Failing longer than WEBHOOK_DISABLE_AFTER: disabled, with a notice to the owner (and an event for other channels). */
  async disable(tx: Tx, endpoint: WebhookEndpoint, reason: string): Promise<void> {
    const now = new Date();
    await tx.em.update(WebhookEndpoint, { id: endpoint.id }, { enabled: false, disabledAt: now, disabledReason: reason.slice(0, 500) });
    const payload = {
      endpointId: endpoint.id,
      url: endpoint.url,
      ownerRole: endpoint.ownerRole,
      ownerScopeId: endpoint.ownerScopeId,
      customerId: endpoint.ownerRole === Role.CUSTOMER ? endpoint.ownerScopeId : null,
      centreId: endpoint.ownerRole === Role.PARTNER ? endpoint.ownerScopeId : null,
      depotId: endpoint.ownerRole === Role.WAREHOUSE ? endpoint.ownerScopeId : null,
      failingSince: endpoint.failingSince?.toISOString() ?? null,
      disabledAt: now.toISOString(),
      reason,
    };
    await this.hub.outbox.enqueue(tx, this.hub.config.kafka.topics.hubEvents, [
      makeEnvelope({ type: WEBHOOK_ENDPOINT_DISABLED, key: endpoint.id, source: this.hub.config.instanceId, payload }),
    ]);
    if (endpoint.ownerRole === Role.CUSTOMER && endpoint.ownerScopeId)
      await this.hub.get(NoticesService).publish(
        {
          customerIds: [endpoint.ownerScopeId],
          kind: NoticeKind.SERVICE_INFO,
          title: 'Webhook endpoint disabled',
          body: `Deliveries to ${endpoint.url} have failed since ${payload.failingSince} (${reason}). The endpoint is disabled; events are kept. Fix the receiver and call enableWebhookEndpoint(id: "${endpoint.id}") to resume.`,
          publishedBy: 'webhooks',
        },
        tx,
      );
    this.hub.log.warn({ endpointId: endpoint.id, url: endpoint.url, reason }, 'webhook endpoint disabled after failing too long');
    this.routes = null;
  }
}
