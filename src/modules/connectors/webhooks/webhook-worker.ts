import { setTimeout as sleep } from 'node:timers/promises';
import type { Hub } from '../../../platform/hub';
import { newId } from '../../../platform/db/columns';
import { NamedLease } from '../../../platform/db/lease';
import { isoMs } from '../secrets';
import { retryDelayMs } from './rules/event-routing';
import { Agent } from 'node:http';
import { guardedLookup } from '../../../platform/http/target-guard';
import { postSigned, SendResult, signatureHeader } from './webhook-sender';
import { WebhookAttempt, WebhookDelivery, WebhookDeliveryStatus, WebhookEndpoint } from './webhook.entity';
import { WebhooksService } from './webhooks.service';

const LEASE = 'webhook-delivery';
const LEASE_MS = 15_000;
/** Aggregates of one endpoint sent at the same time (each aggregate one event at a time). */
const PER_ENDPOINT_PARALLEL = 16;

/**
 * Sends queued webhook deliveries. One instance holds the lease at a time; each endpoint drains
 * on its own (a slow or dead endpoint never delays another), and within an endpoint only the
 * oldest pending event of each aggregate is eligible, so one incident's events arrive in order.
 */
export class WebhookWorker {
  private lease?: NamedLease;
  private running = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private readonly draining = new Map<string, Promise<void>>();
  private leaseHeld = false;
  private readonly agents = new Map<string, Agent>();

  private readonly service: WebhooksService;

  constructor(private readonly hub: Hub) {
    this.service = hub.get(WebhooksService);
  }

  private get settings() {
    return this.hub.config.connectors.webhooks;
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
    // Cuts requests in flight (they count as failed attempts and are retried after the restart).
    for (const agent of this.agents.values()) agent.destroy();
    await Promise.all(this.draining.values());
    await this.lease?.release();
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        this.leaseHeld = await this.holdLease();
        if (this.leaseHeld) await this.startDueEndpoints();
      } catch (error) {
        this.hub.log.warn({ err: error }, 'webhook worker: poll failed, will retry');
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.settings.pollMs);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = null;
    }
  }

  private async startDueEndpoints(): Promise<void> {
    const due = await this.hub.db.manager
      .createQueryBuilder(WebhookDelivery, 'd')
      .select('DISTINCT d.endpointId', 'endpointId')
      .innerJoin(WebhookEndpoint, 'e', 'e.id = d.endpointId AND e.enabled = :enabled', { enabled: true })
      .where('d.status = :status AND d.nextAttemptAt <= :now', { status: WebhookDeliveryStatus.PENDING, now: new Date() })
      .getRawMany<{ endpointId: string }>();
    for (const { endpointId } of due) {
      if (this.draining.has(endpointId)) continue;
      const run = this.drain(endpointId)
        .catch((error) => this.hub.log.warn({ err: error, endpointId }, 'webhook worker: endpoint drain failed'))
        .finally(() => this.draining.delete(endpointId));
      this.draining.set(endpointId, run);
    }
  }

  /** Sends the due head of each aggregate, again and again, until nothing of this endpoint is due. */
  private async drain(endpointId: string): Promise<void> {
    while (this.running && this.leaseHeld) {
      const endpoint = await this.hub.db.manager.findOneBy(WebhookEndpoint, { id: endpointId });
      if (!endpoint?.enabled) return;
      const heads = await this.dueHeads(endpointId);
      if (heads.length === 0) return;
      const secrets = [this.service.box.open(endpoint.secretSealed)];
      if (endpoint.previousSecretSealed && endpoint.previousSecretExpiresAt && endpoint.previousSecretExpiresAt > new Date())
        secrets.push(this.service.box.open(endpoint.previousSecretSealed));
      for (let i = 0; i < heads.length; i += PER_ENDPOINT_PARALLEL) {
        const chunk = heads.slice(i, i + PER_ENDPOINT_PARALLEL);
        const results = await Promise.all(chunk.map((d) => this.send(endpoint, d, secrets)));
        await this.record(endpoint, chunk, results);
        if (results.some((r) => r.error !== null) && !(await this.stillEnabled(endpointId))) return;
      }
    }
  }

  private async stillEnabled(endpointId: string): Promise<boolean> {
    return (await this.hub.db.manager.findOneBy(WebhookEndpoint, { id: endpointId }))?.enabled ?? false;
  }

  private dueHeads(endpointId: string): Promise<WebhookDelivery[]> {
    const em = this.hub.db.manager;
    const oldestPerAggregate = em
      .createQueryBuilder(WebhookDelivery, 'h')
      .select('MIN(h.seq)')
      .where('h.endpointId = :endpointId AND h.status = :pending')
      .groupBy('h.aggregateKey');
    return em
      .createQueryBuilder(WebhookDelivery, 'd')
      .where(`d.seq IN (${oldestPerAggregate.getQuery()})`)
      .andWhere('d.nextAttemptAt <= :now')
      .setParameters({ endpointId, pending: WebhookDeliveryStatus.PENDING, now: new Date() })
      .orderBy('d.seq', 'ASC')
      .limit(64)
      .getMany();
  }

  private send(endpoint: WebhookEndpoint, delivery: WebhookDelivery, secrets: string[]): Promise<SendResult & { at: Date }> {
    const at = new Date();
    return postSigned(
      endpoint.url,
      delivery.envelope,
      {
        'webhook-id': delivery.eventId,
        'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
        'webhook-signature': signatureHeader(secrets, delivery.eventId, at, delivery.envelope),
      },
      { timeoutMs: this.settings.timeoutMs, allowedRanges: this.settings.allowedTargetRanges, agent: this.agentFor(endpoint.id) },
    ).then((result) => ({ ...result, at }));
  }

  /** Records a round of attempts in one transaction: successes in one statement, each failure with its own retry time. */
  private async record(endpoint: WebhookEndpoint, deliveries: WebhookDelivery[], results: Array<SendResult & { at: Date }>): Promise<void> {
    const now = new Date();
    const succeeded = deliveries.filter((_, i) => results[i].error === null);
    const firstFailure = results.find((r) => r.error !== null);
    await this.hub.db.transaction(async (tx) => {
      if (succeeded.length > 0)
        await tx.em
          .createQueryBuilder()
          .update(WebhookDelivery)
          .set({ status: WebhookDeliveryStatus.DELIVERED, attempts: () => 'attempts + 1', deliveredAt: now })
          .whereInIds(succeeded.map((d) => d.seq))
          .execute();
      for (const [i, d] of deliveries.entries()) {
        if (results[i].error === null) continue;
        const attempts = d.attempts + 1;
        await tx.em.update(
          WebhookDelivery,
          { seq: d.seq },
          {
            attempts,
            nextAttemptAt: new Date(now.getTime() + retryDelayMs(attempts, this.settings.retryBaseMs, this.settings.retryMaxMs)),
          },
        );
      }
      await tx.em.insert(
        WebhookAttempt,
        deliveries.map((d, i) => ({
          id: newId(),
          endpointId: endpoint.id,
          ownerScopeId: endpoint.ownerScopeId,
          deliverySeq: d.seq,
          eventId: d.eventId,
          eventType: d.eventType,
          aggregateKey: d.aggregateKey,
          attempt: d.attempts + 1,
          attemptedAt: results[i].at,
          statusCode: results[i].statusCode,
          latencyMs: results[i].latencyMs,
          succeeded: results[i].error === null,
          error: results[i].error?.slice(0, 500) ?? null,
        })),
      );
      if (!firstFailure && !endpoint.failingSince) return;
      const current = await tx.em.findOne(WebhookEndpoint, { where: { id: endpoint.id }, lock: this.hub.db.lockMode() });
      if (!current) return;
      if (!firstFailure) {
        await tx.em.update(WebhookEndpoint, { id: endpoint.id }, { failingSince: null });
        endpoint.failingSince = null;
        return;
      }
      const failingSince = current.failingSince ?? firstFailure.at;
      endpoint.failingSince = failingSince;
      if (!current.failingSince) await tx.em.update(WebhookEndpoint, { id: endpoint.id }, { failingSince });
      if (current.enabled && now.getTime() - failingSince.getTime() >= isoMs(this.settings.disableAfter))
        await this.service.disable(
          tx,
          Object.assign(current, { failingSince }),
          `failing since ${failingSince.toISOString()}: ${firstFailure.error}`,
        );
    });
  }

  /** One keep-alive agent per endpoint: connections are reused, and each new one goes through the address guard. */
  private agentFor(endpointId: string): Agent {
    let agent = this.agents.get(endpointId);
    if (!agent) {
      agent = new Agent({
        keepAlive: true,
        maxSockets: PER_ENDPOINT_PARALLEL,
        lookup: guardedLookup(this.settings.allowedTargetRanges),
      } as ConstructorParameters<typeof Agent>[0]);
      this.agents.set(endpointId, agent);
    }
    return agent;
  }

  private holdLease(): Promise<boolean> {
    this.lease ??= new NamedLease(this.hub.db, LEASE, this.hub.config.instanceId, LEASE_MS);
    return this.lease.hold();
  }

  /** For tests and the bench: waits until nothing is pending for the endpoint. */
  async idle(endpointId: string, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const pending = await this.hub.db.manager.countBy(WebhookDelivery, { endpointId, status: WebhookDeliveryStatus.PENDING });
      if (pending === 0) return true;
      this.kick();
      await sleep(50);
    }
    return false;
  }
}
