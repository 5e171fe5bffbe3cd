import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { IsNull } from 'typeorm';
import type { Database } from '../db/database';
import { newId } from '../db/columns';
import { badInput, notFound } from '../errors';
import { ApiKey } from './api-key.entity';
import { isTenantRole, Principal, Role } from './principal';

const KEY_PATTERN = /^shk_([a-z0-9]{12})_([A-Za-z0-9_-]{32,})$/;
const CACHE_TTL_MS = 10_000;

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

/** Expands a tenant scope into every id it may see (e.g. a partner centre and its children). */
export type ScopeExpander = (role: Role, scopeId: string) => Promise<string[]>;

export interface CreatedApiKey {
  key: string;
  apiKey: ApiKey;
}

export class ApiKeyService {
  /** The lookup itself is cached, so the requests arriving while it runs share it instead of each querying. */
  private cache = new Map<string, { principal: Promise<Principal | null>; expires: number }>();
  private expanders: ScopeExpander[] = [];

  constructor(private readonly db: Database) {}

  addScopeExpander(expander: ScopeExpander) {
    this.expanders.push(expander);
  }

  async create(input: { role: Role; scopeId?: string | null; name?: string }): Promise<CreatedApiKey> {
    if (!Object.values(Role).includes(input.role)) throw badInput(`Unknown role ${input.role}`, { field: 'role' });
    const scopeId = input.scopeId ?? null;
    if (isTenantRole(input.role) && !scopeId)
      throw badInput(`A ${input.role} key must be scoped to an organisation, centre or depot id`, { field: 'scopeId' });
    if (!isTenantRole(input.role) && scopeId) throw badInput(`A ${input.role} key is not scoped`, { field: 'scopeId' });
    const prefix = randomBytes(9).toString('base64url').toLowerCase().replace(/[^a-z0-9]/g, '0').slice(0, 12);
    const secret = randomBytes(24).toString('base64url');
    const apiKey = Object.assign(new ApiKey(), {
      id: newId(),
      prefix,
      secretHash: sha256(secret),
      name: input.name ?? `${input.role.toLowerCase()} key`,
      role: input.role,
      scopeId,
      createdAt: new Date(),
      revokedAt: null,
    });
    await this.db.manager.save(apiKey);
    return { key: `shk_${prefix}_${secret}`, apiKey };
  }

  list(): Promise<ApiKey[]> {
    return this.db.manager.find(ApiKey, { order: { createdAt: 'ASC' } });
  }

  async revoke(idOrPrefix: string): Promise<ApiKey> {
    const apiKey =
      (await this.db.manager.findOneBy(ApiKey, { id: idOrPrefix })) ??
      (await this.db.manager.findOneBy(ApiKey, { prefix: idOrPrefix }));
    if (!apiKey) throw notFound('ApiKey', idOrPrefix);
    if (!apiKey.revokedAt) {
      apiKey.revokedAt = new Date();
      await this.db.manager.save(apiKey);
    }
    this.cache.clear();
    return apiKey;
  }

  /** Resolves a presented key to its principal, or null. Results are cached briefly: revocation takes effect within 10 s. */
  async authenticate(presented: string | undefined | null): Promise<Principal | null> {
    if (!presented) return null;
    const match = KEY_PATTERN.exec(presented.trim());
    if (!match) return null;
    const cached = this.cache.get(presented);
    if (cached && cached.expires > Date.now()) return cached.principal;
    const principal = this.lookup(match[1], match[2]);
    if (this.cache.size > 10_000) this.cache.clear();
    const entry = { principal, expires: Date.now() + CACHE_TTL_MS };
    this.cache.set(presented, entry);
    // A failed lookup (database down) is not an answer: the next request asks again.
    principal.catch(() => {
      if (this.cache.get(presented) === entry) this.cache.delete(presented);
    });
    return principal;
  }

  private async lookup(prefix: string, secret: string): Promise<Principal | null> {
    const apiKey = await this.db.manager.findOneBy(ApiKey, { prefix, revokedAt: IsNull() });
    if (!apiKey) return null;
    const expected = Buffer.from(apiKey.secretHash, 'hex');
    const actual = Buffer.from(sha256(secret), 'hex');
    if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return null;
    const visible = new Set<string>(apiKey.scopeId ? [apiKey.scopeId] : []);
    if (apiKey.scopeId) {
      for (const expand of this.expanders) for (const id of await expand(apiKey.role, apiKey.scopeId)) visible.add(id);
    }
    return {
      keyId: apiKey.id,
      name: apiKey.name,
      role: apiKey.role,
      scopeId: apiKey.scopeId,
      visibleScopeIds: [...visible],
    };
  }
}

export function bearerToken(header: string | undefined | null): string | null {
  if (!header) return null;
  const match = /^Bearer\s+(.+)$/i.exec(header.trim());
  return match ? match[1] : header.trim();
}
