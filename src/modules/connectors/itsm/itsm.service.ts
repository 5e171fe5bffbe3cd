import { connectorActor, type Actor } from '../../../platform/auth/actor';
import { Principal, Role } from '../../../platform/auth/principal';
import { canSee, scopeQuery } from '../../../platform/auth/scope';
import { newId } from '../../../platform/db/columns';
import type { Tx } from '../../../platform/db/database';
import { isDuplicateKey } from '../../../platform/db/duplicate-key';
import { badInput, conflict, notFound } from '../../../platform/errors';
import { Connection, paginate } from '../../../platform/graphql/connection';
import { checkTargetNow } from '../../../platform/http/target-guard';
import type { Hub } from '../../../platform/hub';
import { Customer } from '../../customers/customer.entity';
import { hashSecret, newWebhookSecret, SecretBox } from '../secrets';
import { ItsmClient } from './itsm-client';
import {
  ItsmAuthKind,
  ItsmConnector,
  ItsmInboundAction,
  ItsmInboundMode,
  ItsmOutbound,
  ItsmOutboundStatus,
  ItsmSyncEntry,
  ItsmSyncOutcome,
} from './itsm.entity';
import { DEFAULT_ITSM_MAPPING, mergeMapping } from './rules/itsm-sync';

export const ITSM_PATH = '/integrations/itsm';
const CACHE_MS = 1000;

export interface ItsmMappingInput {
  outbound?: Array<{ hubStatus: string; itsmState: string }> | null;
  inbound?: Array<{ itsmState: string; action: ItsmInboundAction }> | null;
  priorities?: Array<{ severity: string; priority: number }> | null;
}

export interface ItsmConnectorInput {
  customerId?: string | null;
  name?: string | null;
  baseUrl?: string | null;
  authKind?: ItsmAuthKind | null;
  username?: string | null;
  credential?: string | null;
  integrationUser?: string | null;
  inbound?: ItsmInboundMode | null;
  mapping?: ItsmMappingInput | null;
  enabled?: boolean | null;
}

/**
 * Configuration of the customers' ITSM connectors (one per customer). Credentials are sealed with
 * CONNECTOR_SECRET_KEY and never leave the hub; the base URL obeys the outbound target guard.
 */
export class ItsmService {
  readonly box: SecretBox;
  private cache: { at: number; byCustomer: Map<string, ItsmConnector> } | null = null;
  /** Set by the worker: wakes it after a commit that queued operations. */
  onQueued: () => void = () => undefined;

  constructor(private readonly hub: Hub) {
    this.box = SecretBox.fromHub(hub);
  }

  private get settings() {
    return this.hub.config.connectors.itsm;
  }

  /** The connector acting in the hub: scoped to its customer, named so its own changes are recognised (no echo). */
  actorOf(connector: Pick<ItsmConnector, 'id' | 'customerId' | 'name'>): Extract<Actor, { kind: 'connector' }> {
    return connectorActor(connector.id, connector.customerId, `itsm ${connector.name}`) as Extract<Actor, { kind: 'connector' }>;
  }

  clientFor(connector: ItsmConnector): ItsmClient {
    return new ItsmClient(
      {
        baseUrl: connector.baseUrl,
        authKind: connector.authKind,
        username: connector.username,
        credential: this.box.open(connector.credentialSealed),
      },
      { timeoutMs: this.settings.timeoutMs, allowedRanges: this.hub.config.connectors.webhooks.allowedTargetRanges },
    );
  }

  private async assertTarget(url: string): Promise<void> {
    const refused = await checkTargetNow(url, this.hub.config.connectors.webhooks.allowedTargetRanges);
    if (refused) throw badInput(`baseUrl: ${refused}`, { field: 'baseUrl', reason: 'TARGET_NOT_ALLOWED' });
  }

  private mappingOf(input: ItsmMappingInput | null | undefined, base = DEFAULT_ITSM_MAPPING) {
    const { mapping, problems } = mergeMapping(base, input ?? null);
    if (problems.length > 0) throw badInput(`mapping: ${problems.join('; ')}`, { field: 'mapping', problems });
    return mapping;
  }

  async create(principal: Principal, input: ItsmConnectorInput) {
    const customerId = input.customerId;
    if (!customerId) throw badInput('customerId is required', { field: 'customerId' });
    if (!(await this.hub.db.manager.existsBy(Customer, { id: customerId }))) throw notFound('Customer', customerId);
    const authKind = input.authKind ?? ItsmAuthKind.BASIC;
    if (authKind === ItsmAuthKind.BASIC && !input.username?.trim())
      throw badInput('username is required for basic auth', { field: 'username' });
    if (!input.credential) throw badInput('credential (password or token) is required', { field: 'credential' });
    if (!input.name?.trim()) throw badInput('name is required', { field: 'name' });
    await this.assertTarget(input.baseUrl ?? '');
    const mapping = this.mappingOf(input.mapping);
    const inboundSecret = newWebhookSecret();
    const username = input.username?.trim() || null;
    const connector = Object.assign(new ItsmConnector(), {
      id: newId(),
      customerId,
      name: input.name.trim(),
      baseUrl: input.baseUrl!.trim(),
      authKind,
      username,
      credentialSealed: this.box.seal(input.credential),
      inboundSecretHash: hashSecret(inboundSecret),
      integrationUser: input.integrationUser?.trim() || username || 'api-token',
      inbound: input.inbound ?? ItsmInboundMode.POLL,
      mapping,
      enabled: input.enabled ?? true,
      journalCursor: 0,
      lastPolledAt: null,
      lastError: null,
      createdBy: principal.name,
      createdAt: new Date(),
    });
    try {
      await this.hub.db.manager.insert(ItsmConnector, connector);
    } catch (error) {
      if (isDuplicateKey(error)) throw conflict('This customer already has an ITSM connector: update it', { customerId });
      throw error;
    }
    this.cache = null;
    return { connector, inboundSecret, inboundPath: `${ITSM_PATH}/${connector.id}` };
  }

  async update(principal: Principal, id: string, input: ItsmConnectorInput): Promise<ItsmConnector> {
    const connector = await this.visible(principal, id);
    if (input.customerId && input.customerId !== connector.customerId)
      throw badInput('A connector stays with its customer', { field: 'customerId' });
    if (input.baseUrl) await this.assertTarget(input.baseUrl);
    const changes: Partial<ItsmConnector> = {};
    if (input.name?.trim()) changes.name = input.name.trim();
    if (input.baseUrl) changes.baseUrl = input.baseUrl.trim();
    if (input.authKind) changes.authKind = input.authKind;
    if (input.username !== undefined) changes.username = input.username?.trim() || null;
    if (input.credential) changes.credentialSealed = this.box.seal(input.credential);
    if (input.integrationUser?.trim()) changes.integrationUser = input.integrationUser.trim();
    if (input.inbound) changes.inbound = input.inbound;
    if (input.mapping) changes.mapping = this.mappingOf(input.mapping, connector.mapping);
    if (input.enabled !== undefined && input.enabled !== null) changes.enabled = input.enabled;
    await this.hub.db.transaction(async (tx) => {
      await tx.em.update(ItsmConnector, { id }, changes);
      // Re-enabled: what waited is due now.
      if (changes.enabled)
        await tx.em.update(ItsmOutbound, { connectorId: id, status: ItsmOutboundStatus.PENDING }, { nextAttemptAt: new Date() });
      tx.afterCommit(() => this.onQueued());
    });
    this.cache = null;
    return Object.assign(connector, changes);
  }

  list(principal: Principal, customerId?: string | null): Promise<ItsmConnector[]> {
    const qb = this.hub.db.manager.createQueryBuilder(ItsmConnector, 'c').orderBy('c.createdAt', 'ASC');
    if (customerId) qb.andWhere('c.customerId = :customerId', { customerId });
    return scopeQuery(qb, principal, ItsmConnector).getMany();
  }

  async visible(principal: Principal, id: string): Promise<ItsmConnector> {
    const connector = await this.hub.db.manager.findOneBy(ItsmConnector, { id });
    if (!connector || !canSee(principal, ItsmConnector, connector)) throw notFound('ItsmConnector', id);
    return connector;
  }

  async log(
    principal: Principal,
    connectorId: string,
    args: { first?: number | null; after?: string | null },
  ): Promise<Connection<ItsmSyncEntry>> {
    await this.visible(principal, connectorId);
    const qb = this.hub.db.manager.createQueryBuilder(ItsmSyncEntry, 'e').where('e.connectorId = :connectorId', { connectorId });
    return paginate(scopeQuery(qb, principal, ItsmSyncEntry), args, {
      sortColumn: 'at',
      descending: true,
      maxPageSize: this.hub.config.graphql.maxPageSize,
    });
  }

  pendingCount(connectorId: string): Promise<number> {
    return this.hub.db.manager.countBy(ItsmOutbound, { connectorId, status: ItsmOutboundStatus.PENDING });
  }

  /** The enabled connector of a customer, from a short cache (the change listener asks on every incident change). */
  async forCustomer(tx: Tx, customerId: string): Promise<ItsmConnector | null> {
    const now = Date.now();
    if (!this.cache || now - this.cache.at > CACHE_MS) {
      const rows = await tx.em.find(ItsmConnector, { where: { enabled: true } });
      this.cache = { at: now, byCustomer: new Map(rows.map((r) => [r.customerId, r])) };
    }
    return this.cache.byCustomer.get(customerId) ?? null;
  }

  async record(
    tx: Tx,
    connector: Pick<ItsmConnector, 'id' | 'customerId'>,
    entry: {
      direction: 'IN' | 'OUT';
      outcome: ItsmSyncOutcome;
      incidentId: string | null;
      ticketNumber: string | null;
      journalSeq?: number | null;
      detail: string;
    },
  ): Promise<void> {
    await tx.em.insert(ItsmSyncEntry, {
      id: newId(),
      connectorId: connector.id,
      customerId: connector.customerId,
      at: new Date(),
      direction: entry.direction,
      outcome: entry.outcome,
      incidentId: entry.incidentId,
      ticketNumber: entry.ticketNumber?.slice(0, 120) ?? null,
      journalSeq: entry.journalSeq ?? null,
      detail: entry.detail.slice(0, 500),
    });
  }

  isStaffOnly(principal: Principal): boolean {
    return principal.role === Role.ADMIN || principal.role === Role.OPERATOR;
  }
}
