import { createHash } from 'node:crypto';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { Webhook } from 'standardwebhooks';
import { IsNull } from 'typeorm';
import { connectorActor } from '../../../platform/auth/actor';
import { isStaff, Principal, Role } from '../../../platform/auth/principal';
import { canSee, scopeQuery } from '../../../platform/auth/scope';
import { newId } from '../../../platform/db/columns';
import { AppError, badInput, conflict, forbidden, notFound } from '../../../platform/errors';
import { Connection, paginate } from '../../../platform/graphql/connection';
import type { Hub } from '../../../platform/hub';
import { isDuplicateKey } from '../../../platform/db/duplicate-key';
import { Customer, Device, Site } from '../../customers/customer.entity';
import { Severity } from '../../sla/sla.enums';
import { hashSecret, isoMs, newWebhookSecret, SecretBox, secretMatches } from '../secrets';
import {
  AlertConnector,
  AlertDelivery,
  AlertDeliveryOutcome,
  AlertDeviceAlias,
  AlertFormat,
  AlertIncidentLink,
  AlertMapping,
  AlertMappingInput,
  DeviceIdentifier,
  UnmatchedAlert,
} from './alert.entity';
import { isIncidentOpen, openIncidentForDevice, recordAlertRepeated, recordMonitoringCleared } from './incident-port';
import { AlertUnit, DEFAULT_RULES, groupAlerts, mapAlert, parseAlertPayload } from './rules/alert-payloads';

export const ALERTS_PATH = '/integrations/alerts';

export interface IngestAnswer {
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
}

export interface UnitResult {
  outcome: AlertDeliveryOutcome;
  incidentId: string | null;
  deviceRef: string | null;
  reason: string | null;
}

type Target = { deviceSerial: string | null; siteId: string | null; deviceId: string | null };

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/**
 * Inbound monitoring alerts: authenticates a delivery, parses it with the connector's rules,
 * and turns each group of alerts for one device into an incident (opened once, then deduplicated
 * into its timeline until the incident is closed).
 */
export class AlertsService {
  private readonly box: SecretBox;
  private readonly limiter: RateLimiterMemory;
  private readonly repeatEveryMs: number;
  /** One alert key at a time per instance: a storm for one device queues here instead of racing in the database. */
  private readonly lanes = new Map<string, Promise<unknown>>();

  constructor(private readonly hub: Hub) {
    this.box = SecretBox.fromHub(hub);
    this.limiter = new RateLimiterMemory({
      keyPrefix: 'alert-connector',
      points: hub.config.connectors.alertRateLimitPerMinute,
      duration: 60,
    });
    this.repeatEveryMs = isoMs(hub.config.connectors.alertRepeatTimelineEvery);
  }

  // ---------------------------------------------------------------- GraphQL side

  async create(
    principal: Principal,
    input: { customerId?: string | null; name: string; format: AlertFormat; mapping?: AlertMappingInput | null },
  ) {
    const customerId = principal.role === Role.CUSTOMER ? principal.scopeId : input.customerId;
    if (!customerId) throw badInput('customerId is required', { field: 'customerId' });
    if (principal.role === Role.CUSTOMER && input.customerId && input.customerId !== principal.scopeId)
      throw forbidden('A customer key creates connectors for its own organisation only');
    const customer = await this.hub.db.manager.findOneBy(Customer, { id: customerId });
    if (!customer) throw notFound('Customer', customerId);
    const mapping = this.mappingOf(input.format, input.mapping);
    if (mapping.defaultSiteId) {
      const site = await this.hub.db.manager.findOneBy(Site, { id: mapping.defaultSiteId });
      if (!site || site.customerId !== customerId)
        throw badInput('defaultSiteId is not a site of this customer', { field: 'mapping.defaultSiteId' });
    }
    const secret = newWebhookSecret();
    const connector = Object.assign(new AlertConnector(), {
      id: newId(),
      customerId,
      name: input.name.trim(),
      format: input.format,
      mapping,
      secretHash: hashSecret(secret),
      secretSealed: this.box.seal(secret),
      enabled: true,
      createdBy: principal.name,
      createdAt: new Date(),
    });
    await this.hub.db.manager.insert(AlertConnector, connector);
    return { connector, secret, ingestPath: `${ALERTS_PATH}/${connector.id}` };
  }

  private mappingOf(format: AlertFormat, input?: AlertMappingInput | null): AlertMapping {
    const base = DEFAULT_RULES[format];
    const given = Object.fromEntries(Object.entries(input ?? {}).filter(([, v]) => v !== undefined));
    return Object.assign(new AlertMapping(), base, given) as AlertMapping;
  }

  list(principal: Principal, customerId?: string | null): Promise<AlertConnector[]> {
    const qb = this.hub.db.manager.createQueryBuilder(AlertConnector, 'c').orderBy('c.createdAt', 'ASC');
    if (customerId) qb.andWhere('c.customerId = :customerId', { customerId });
    return scopeQuery(qb, principal, AlertConnector).getMany();
  }

  async visibleConnector(principal: Principal, id: string): Promise<AlertConnector> {
    const connector = await this.hub.db.manager.findOneBy(AlertConnector, { id });
    if (!connector || !canSee(principal, AlertConnector, connector)) throw notFound('AlertConnector', id);
    return connector;
  }

  async deliveries(
    principal: Principal,
    connectorId: string,
    args: { first?: number | null; after?: string | null },
  ): Promise<Connection<AlertDelivery>> {
    await this.visibleConnector(principal, connectorId);
    const qb = this.hub.db.manager.createQueryBuilder(AlertDelivery, 'd').where('d.connectorId = :connectorId', { connectorId });
    return paginate(scopeQuery(qb, principal, AlertDelivery), args, {
      sortColumn: 'receivedAt',
      descending: true,
      maxPageSize: this.hub.config.graphql.maxPageSize,
    });
  }

  unmatched(
    principal: Principal,
    args: { first?: number | null; after?: string | null; includeLinked?: boolean | null },
  ): Promise<Connection<UnmatchedAlert>> {
    if (!isStaff(principal)) throw forbidden();
    const qb = this.hub.db.manager.createQueryBuilder(UnmatchedAlert, 'u');
    if (!args.includeLinked) qb.where('u.linkedAt IS NULL');
    return paginate(qb, args, { sortColumn: 'lastSeenAt', descending: true, maxPageSize: this.hub.config.graphql.maxPageSize });
  }

  /**
   * An operator says which device an unmatched alert meant: the incident opens first (nothing is
   * marked when it cannot), then the alert is marked linked and the name remembered for the customer.
   */
  async linkUnmatched(principal: Principal, id: string, deviceId: string): Promise<UnmatchedAlert> {
    const em = this.hub.db.manager;
    const unmatched = await em.findOneBy(UnmatchedAlert, { id });
    if (!unmatched) throw notFound('UnmatchedAlert', id);
    if (unmatched.linkedAt)
      throw conflict(`Alert ${id} is already linked to device ${unmatched.linkedDeviceId}`, { reason: 'ALREADY_LINKED' });
    const device = await em.findOneBy(Device, { id: deviceId });
    if (!device) throw notFound('Device', deviceId);
    if (device.customerId !== unmatched.customerId)
      throw badInput("The device belongs to another customer than the alert's connector", { field: 'deviceId', reason: 'OTHER_CUSTOMER' });
    const connector = await em.findOneByOrFail(AlertConnector, { id: unmatched.connectorId });
    const unit: AlertUnit = {
      dedupeKey: unmatched.dedupeKey,
      deviceRef: unmatched.deviceRef,
      severity: unmatched.severity,
      summary: unmatched.summary,
      resolved: false,
      count: unmatched.count,
      fingerprints: [],
      startsAt: unmatched.firstSeenAt,
      fields: JSON.parse(unmatched.fields) as Record<string, string>,
    };
    const outcome = await this.inLane(connector.id, unmatched.dedupeHash, () =>
      this.applyToIncident(connector, unit, { deviceSerial: device.serialNumber, siteId: null, deviceId: device.id }, new Date()),
    );
    if (outcome.outcome === AlertDeliveryOutcome.REFUSED)
      throw badInput(`The incident could not be opened: ${outcome.reason}`, { reason: 'INCIDENT_REFUSED' });
    return this.hub.db.transaction(async (tx) => {
      const current = await tx.em.findOne(UnmatchedAlert, { where: { id }, lock: this.hub.db.lockMode() });
      if (!current || current.linkedAt) throw conflict(`Alert ${id} was linked meanwhile`, { reason: 'ALREADY_LINKED' });
      if (current.deviceRef) {
        const known = await tx.em.findOneBy(AlertDeviceAlias, {
          customerId: current.customerId,
          identifier: connector.mapping.deviceIdentifier,
          value: current.deviceRef,
        });
        if (!known)
          await tx.em.insert(AlertDeviceAlias, {
            id: newId(),
            customerId: current.customerId,
            identifier: connector.mapping.deviceIdentifier,
            value: current.deviceRef,
            deviceId: device.id,
            createdAt: new Date(),
          });
      }
      const linked = { linkedDeviceId: device.id, linkedIncidentId: outcome.incidentId, linkedAt: new Date(), linkedBy: principal.name };
      await tx.em.update(UnmatchedAlert, { id }, linked);
      return Object.assign(current, linked);
    });
  }

  // ---------------------------------------------------------------- HTTP side

  /** One POST to /integrations/alerts/<connectorId>. Nothing is stored before the credential is checked. */
  async receive(connectorId: string, raw: Buffer, headers: Record<string, string | string[] | undefined>): Promise<IngestAnswer> {
    const refuse401: IngestAnswer = {
      status: 401,
      body: {
        error: 'UNAUTHENTICATED',
        reason: 'a valid connector secret (Authorization: Bearer) or Standard Webhooks signature is required',
      },
      headers: { 'www-authenticate': 'Bearer' },
    };
    const connector = /^[0-9a-f-]{36}$/i.test(connectorId)
      ? await this.hub.db.manager.findOneBy(AlertConnector, { id: connectorId })
      : null;
    if (!connector || !connector.enabled || !this.authentic(connector, raw, headers)) return refuse401;
    try {
      await this.limiter.consume(connector.id);
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      const retryAfter = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
      return {
        status: 429,
        body: {
          error: 'RATE_LIMITED',
          reason: `more than ${this.hub.config.connectors.alertRateLimitPerMinute} deliveries a minute for this connector`,
          retryAfterSeconds: retryAfter,
        },
        headers: { 'retry-after': String(retryAfter) },
      };
    }
    const now = new Date();
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch (error) {
      return this.malformed(connector, now, `not JSON: ${(error as Error).message}`);
    }
    const parsed = parseAlertPayload(connector.format, body, connector.mapping);
    if (!parsed.ok) return this.malformed(connector, now, parsed.reason);
    const units = groupAlerts(parsed.alerts.map((a) => mapAlert(a, connector.mapping)));
    const results: UnitResult[] = [];
    for (const unit of units)
      results.push(await this.inLane(connector.id, sha256(unit.dedupeKey), () => this.handleUnit(connector, unit, now)));
    const allRefused = results.every((r) => r.outcome === AlertDeliveryOutcome.REFUSED);
    return { status: allRefused ? 403 : 202, body: { results } };
  }

  private authentic(connector: AlertConnector, raw: Buffer, headers: Record<string, string | string[] | undefined>): boolean {
    const header = (name: string) => {
      const v = headers[name];
      return Array.isArray(v) ? v[0] : v;
    };
    const authorization = header('authorization');
    if (authorization) {
      const match = /^Bearer\s+(\S+)$/i.exec(authorization);
      return !!match && secretMatches(match[1], connector.secretHash);
    }
    const id = header('webhook-id');
    const timestamp = header('webhook-timestamp');
    const signature = header('webhook-signature');
    if (!id || !timestamp || !signature) return false;
    try {
      new Webhook(this.box.open(connector.secretSealed)).verify(raw, {
        'webhook-id': id,
        'webhook-timestamp': timestamp,
        'webhook-signature': signature,
      });
      return true;
    } catch {
      return false;
    }
  }

  private async malformed(connector: AlertConnector, now: Date, reason: string): Promise<IngestAnswer> {
    await this.log(connector, { outcome: AlertDeliveryOutcome.REFUSED, alertCount: 0, reason: `malformed: ${reason}`, receivedAt: now });
    return { status: 400, body: { error: 'BAD_PAYLOAD', reason } };
  }

  private inLane<T>(connectorId: string, hash: string, work: () => Promise<T>): Promise<T> {
    const key = `${connectorId}:${hash}`;
    const previous = this.lanes.get(key) ?? Promise.resolve();
    const run = previous.then(work, work);
    const settled = run.catch(() => undefined);
    this.lanes.set(key, settled);
    void settled.then(() => {
      if (this.lanes.get(key) === settled) this.lanes.delete(key);
    });
    return run;
  }

  private async handleUnit(connector: AlertConnector, unit: AlertUnit, now: Date): Promise<UnitResult> {
    const base = {
      alertCount: unit.count,
      dedupeKey: unit.dedupeKey.slice(0, 300),
      deviceRef: unit.deviceRef?.slice(0, 200) ?? null,
      receivedAt: now,
    };
    if (!unit.deviceRef) {
      if (connector.mapping.defaultSiteId)
        return this.applyToIncident(connector, unit, { deviceSerial: null, siteId: connector.mapping.defaultSiteId, deviceId: null }, now);
      return this.keepUnmatched(connector, unit, now, `no ${connector.mapping.deviceField} in the alert and no default site`);
    }
    const found = await this.findDevice(connector, unit.deviceRef);
    if (found === 'foreign') {
      this.hub.log.warn(
        { connectorId: connector.id, deviceRef: unit.deviceRef },
        'alert connector named a device of another customer: refused',
      );
      return this.log(connector, {
        ...base,
        outcome: AlertDeliveryOutcome.REFUSED,
        reason: `device ${unit.deviceRef} does not belong to this connector's customer`,
      });
    }
    if (!found) return this.keepUnmatched(connector, unit, now, `no device with ${connector.mapping.deviceIdentifier} ${unit.deviceRef}`);
    return this.applyToIncident(connector, unit, { deviceSerial: found.serialNumber, siteId: null, deviceId: found.id }, now);
  }

  private async findDevice(connector: AlertConnector, ref: string): Promise<Device | 'foreign' | null> {
    const em = this.hub.db.manager;
    const alias = await em.findOneBy(AlertDeviceAlias, {
      customerId: connector.customerId,
      identifier: connector.mapping.deviceIdentifier,
      value: ref,
    });
    if (alias) return em.findOneBy(Device, { id: alias.deviceId });
    if (connector.mapping.deviceIdentifier !== DeviceIdentifier.SERIAL_NUMBER) return null;
    const device = await em.findOneBy(Device, { serialNumber: ref });
    if (!device) return null;
    return device.customerId === connector.customerId ? device : 'foreign';
  }

  private async keepUnmatched(connector: AlertConnector, unit: AlertUnit, now: Date, reason: string): Promise<UnitResult> {
    const dedupeHash = sha256(unit.dedupeKey);
    return this.hub.db.transaction(async (tx) => {
      const open = await tx.em.findOne(UnmatchedAlert, {
        where: { connectorId: connector.id, dedupeHash, linkedAt: IsNull() },
        lock: this.hub.db.lockMode(),
      });
      if (open) {
        await tx.em.update(
          UnmatchedAlert,
          { id: open.id },
          { count: open.count + unit.count, lastSeenAt: now, resolved: unit.resolved, severity: unit.severity as Severity },
        );
      } else if (!unit.resolved) {
        await tx.em.insert(UnmatchedAlert, {
          id: newId(),
          connectorId: connector.id,
          customerId: connector.customerId,
          dedupeHash,
          dedupeKey: unit.dedupeKey.slice(0, 300),
          deviceRef: unit.deviceRef?.slice(0, 200) ?? null,
          severity: unit.severity as Severity,
          summary: unit.summary,
          fields: JSON.stringify(unit.fields),
          count: unit.count,
          resolved: false,
          firstSeenAt: now,
          lastSeenAt: now,
          linkedDeviceId: null,
          linkedIncidentId: null,
          linkedAt: null,
          linkedBy: null,
        });
      }
      return this.log(
        connector,
        {
          outcome: AlertDeliveryOutcome.UNMATCHED,
          alertCount: unit.count,
          dedupeKey: unit.dedupeKey.slice(0, 300),
          deviceRef: unit.deviceRef?.slice(0, 200) ?? null,
          reason,
          receivedAt: now,
        },
        tx,
      );
    });
  }

  /**
   * Opens the unit's incident, or adds to the open one. Opening happens in the incidents module's own
   * transaction (see incident-port), keyed by an externalRef made of the connector, the alert key and
   * its generation, so a retry after a crash or a concurrent delivery finds the same incident.
   */
  private async applyToIncident(connector: AlertConnector, unit: AlertUnit, target: Target, now: Date): Promise<UnitResult> {
    const actor = connectorActor(connector.id, connector.customerId, connector.name) as Extract<
      ReturnType<typeof connectorActor>,
      { kind: 'connector' }
    >;
    const dedupeHash = sha256(unit.dedupeKey);
    const base = {
      alertCount: unit.count,
      dedupeKey: unit.dedupeKey.slice(0, 300),
      deviceRef: unit.deviceRef?.slice(0, 200) ?? null,
      receivedAt: now,
    };
    const step = await this.hub.db.transaction(async (tx): Promise<{ done: UnitResult } | { generation: number }> => {
      const link = await tx.em.findOne(AlertIncidentLink, {
        where: { connectorId: connector.id, dedupeHash },
        order: { generation: 'DESC' },
        lock: this.hub.db.lockMode(),
      });
      if (link && !link.closed) {
        if (await isIncidentOpen(tx, link.incidentId)) {
          if (unit.resolved) {
            if (!link.clearedAt) await recordMonitoringCleared(this.hub, tx, actor, link.incidentId, now);
            await tx.em.update(AlertIncidentLink, { id: link.id }, { clearedAt: link.clearedAt ?? now, lastSeenAt: now });
            return { done: await this.log(connector, { ...base, outcome: AlertDeliveryOutcome.CLEARED, incidentId: link.incidentId }, tx) };
          }
          const count = link.count + unit.count;
          const firingAgain = link.clearedAt !== null;
          const due = firingAgain || !link.lastTimelineAt || now.getTime() - link.lastTimelineAt.getTime() >= this.repeatEveryMs;
          if (due) await recordAlertRepeated(this.hub, tx, actor, link.incidentId, { count, lastSeenAt: now, firingAgain });
          await tx.em.update(
            AlertIncidentLink,
            { id: link.id },
            { count, lastSeenAt: now, clearedAt: null, lastTimelineAt: due ? now : link.lastTimelineAt },
          );
          return {
            done: await this.log(connector, { ...base, outcome: AlertDeliveryOutcome.DEDUPLICATED, incidentId: link.incidentId }, tx),
          };
        }
        await tx.em.update(AlertIncidentLink, { id: link.id }, { closed: true });
      }
      if (unit.resolved)
        return {
          done: await this.log(
            connector,
            { ...base, outcome: AlertDeliveryOutcome.IGNORED, reason: 'resolved alert without an open incident' },
            tx,
          ),
        };
      return { generation: (link?.generation ?? 0) + 1 };
    });
    if ('done' in step) return step.done;

    let incident: { id: string };
    try {
      incident = await openIncidentForDevice(this.hub, actor, {
        deviceSerial: target.deviceSerial,
        siteId: target.siteId,
        severity: unit.severity as Severity,
        summary: unit.summary.length >= 3 ? unit.summary : `Monitoring alert: ${unit.summary}`,
        description: describe(connector, unit),
        externalRef: `alert:${connector.id}:${dedupeHash.slice(0, 40)}:${step.generation}`,
        occurredAt: unit.startsAt,
      });
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      return this.log(connector, { ...base, outcome: AlertDeliveryOutcome.REFUSED, reason: error.message.slice(0, 500) });
    }
    return this.hub.db.transaction(async (tx) => {
      try {
        await tx.em.insert(AlertIncidentLink, {
          id: newId(),
          connectorId: connector.id,
          dedupeHash,
          generation: step.generation,
          incidentId: incident.id,
          count: unit.count,
          firstSeenAt: now,
          lastSeenAt: now,
          lastTimelineAt: null,
          clearedAt: null,
          closed: false,
        });
      } catch (error) {
        // Another instance linked the same generation first; report() gave both of us its incident.
        if (!isDuplicateKey(error)) throw error;
        return this.log(connector, { ...base, outcome: AlertDeliveryOutcome.DEDUPLICATED, incidentId: incident.id }, tx);
      }
      return this.log(connector, { ...base, outcome: AlertDeliveryOutcome.ACCEPTED, incidentId: incident.id }, tx);
    });
  }

  private async log(
    connector: AlertConnector,
    entry: Partial<AlertDelivery> & Pick<AlertDelivery, 'outcome' | 'alertCount' | 'receivedAt'>,
    tx?: { em: import('typeorm').EntityManager },
  ): Promise<UnitResult> {
    const row = Object.assign(new AlertDelivery(), {
      id: newId(),
      connectorId: connector.id,
      customerId: connector.customerId,
      dedupeKey: null,
      deviceRef: null,
      incidentId: null,
      reason: null,
      ...entry,
    });
    row.reason = row.reason?.slice(0, 500) ?? null;
    await (tx?.em ?? this.hub.db.manager).insert(AlertDelivery, row);
    return { outcome: row.outcome, incidentId: row.incidentId, deviceRef: row.deviceRef, reason: row.reason };
  }
}

function describe(connector: AlertConnector, unit: AlertUnit): string {
  const lines = Object.entries(unit.fields)
    .slice(0, 50)
    .map(([k, v]) => `${k}=${v.slice(0, 300)}`);
  return [`Opened by alert connector "${connector.name}" (${connector.format}); ${unit.count} alert(s).`, ...lines].join('\n');
}
