import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { IsNull } from 'typeorm';
import type { Database } from '../db/database';
import { newId } from '../db/columns';
import { badInput, notFound } from '../errors';
import { ApiKey } from './api-key.entity';
import { isTenantRole, Principal, Role, TenantRole } from './principal';

const KEY_PATTERN = /^shk_([a-z0-9]{12})_([A-Za-z0-9_-]{32,})$/;
/** How long a verified key is trusted without asking the database: the window in which revocation reaches every instance. */
export const KEY_CACHE_TTL_MS = 10_000;
const CACHE_TTL_MS = KEY_CACHE_TTL_MS;

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

/** Expands a tenant scope into every id it may see (e.g. a partner centre and its children). */
export type ScopeExpander = (role: Role, scopeId: string) => Promise<string[]>;

/** The entity each tenant role's scope id must name (a customer organisation, a support centre, a depot). */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export type ScopeKinds = Partial<Record<TenantRole, { entity: Function; flag: string; noun: string }>>;

/** The part of a presented key that may be logged: `shk_<prefix>` of a well-formed key, a short marker otherwise. */
export function keyPrefixOf(presented: string): string {
  const match = KEY_PATTERN.exec(presented.trim());
  return match ? `shk_${match[1]}` : `malformed (${presented.length} chars)`;
}

const article = (word: string) => (/^[AEIOU]/i.test(word) ? 'An' : 'A');

export interface CreatedApiKey {
  key: string;
  apiKey: ApiKey;
}

export class ApiKeyService {
  /** The lookup itself is cached, so the requests arriving while it runs share it instead of each querying. */
  private cache = new Map<string, { principal: Promise<Principal | null>; expires: number }>();
  private expanders: ScopeExpander[] = [];
  private revokedListeners: Array<(keyId: string) => void> = [];

  /** `scopeKinds` comes from the composition root, which knows the modules' entities (the platform does not). */
  constructor(
    private readonly db: Database,
    private readonly scopeKinds: ScopeKinds = {},
  ) {}

  /** Called with a key's id once it is revoked here; the HTTP layer closes its sockets and tells the other instances. */
  onRevoked(listener: (keyId: string) => void): void {
    this.revokedListeners.push(listener);
  }

  /** Drops every cached verification (another instance revoked a key). */
  forgetVerifications(): void {
    this.cache.clear();
  }

  addScopeExpander(expander: ScopeExpander) {
    this.expanders.push(expander);
  }

  /**
   * `fields` names the inputs in the caller's words (the CLI's flags, the mutation's arguments),
   * so an error says which one to fix.
   */
  async create(
    input: { role: Role; scopeId?: string | null; name?: string; expiresAt?: Date | null },
    fields: { role?: string; scopeId?: string | ((role: Role) => string); expiresAt?: string } = {},
  ): Promise<CreatedApiKey> {
    const roleField = fields.role ?? 'role';
    if (!Object.values(Role).includes(input.role))
      throw badInput(`Unknown role ${input.role}; one of ${Object.values(Role).join(', ')}`, { field: roleField });
    const scopeField = typeof fields.scopeId === 'function' ? fields.scopeId(input.role) : (fields.scopeId ?? 'scopeId');
    const scopeId = input.scopeId ?? null;
    const kind = isTenantRole(input.role) ? this.scopeKinds[input.role] : undefined;
    if (isTenantRole(input.role) && !scopeId)
      throw badInput(
        `${article(input.role)} ${input.role} key must be scoped to ${kind ? `a ${kind.noun} (${scopeField})` : `an organisation, centre or depot id (${scopeField})`}`,
        { field: scopeField },
      );
    if (!isTenantRole(input.role) && scopeId)
      throw badInput(`${article(input.role)} ${input.role} key is not scoped; leave out ${scopeField}`, { field: scopeField });
    if (scopeId && kind && !(await this.db.manager.existsBy(kind.entity as never, { id: scopeId }))) {
      throw badInput(
        `${scopeField} ${scopeId} is not a ${kind.noun}: ${article(input.role).toLowerCase()} ${input.role} key is scoped to a ${kind.noun}`,
        {
          field: scopeField,
        },
      );
    }
    const expiresAt = input.expiresAt ?? null;
    if (expiresAt && !(expiresAt.getTime() > Date.now()))
      throw badInput(`${fields.expiresAt ?? 'expiresAt'} must be in the future`, { field: fields.expiresAt ?? 'expiresAt' });
    const prefix = randomBytes(9)
      .toString('base64url')
      .toLowerCase()
      .replace(/[^a-z0-9]/g, '0')
      .slice(0, 12);
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
      expiresAt,
    });
    await this.db.manager.save(apiKey);
    return { key: `shk_${prefix}_${secret}`, apiKey };
  }

  list(): Promise<ApiKey[]> {
    return this.db.manager.find(ApiKey, { order: { createdAt: 'ASC' } });
  }

  async revoke(idOrPrefix: string): Promise<ApiKey> {
    const apiKey =
      (await this.db.manager.findOneBy(ApiKey, { id: idOrPrefix })) ?? (await this.db.manager.findOneBy(ApiKey, { prefix: idOrPrefix }));
    if (!apiKey) throw notFound('ApiKey', idOrPrefix);
    if (!apiKey.revokedAt) {
      apiKey.revokedAt = new Date();
      await this.db.manager.save(apiKey);
    }
    this.cache.clear();
    for (const listener of this.revokedListeners) listener(apiKey.id);
    return apiKey;
  }

  /** Resolves a presented key to its principal, or null. Results are cached briefly: revocation takes effect within 10 s. `fresh` asks the database. */
  async authenticate(presented: string | undefined | null, options: { fresh?: boolean } = {}): Promise<Principal | null> {
    if (!presented) return null;
    const match = KEY_PATTERN.exec(presented.trim());
    if (!match) return null;
    const cached = options.fresh ? undefined : this.cache.get(presented);
    if (cached && cached.expires > Date.now()) return cached.principal.then((p) => (p && isExpired(p) ? null : p));
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
    return this.principalOf(apiKey);
  }

  /** The principal of a key by id (a signed link names the key it stands for), or null when revoked or expired. */
  async principalById(keyId: string): Promise<Principal | null> {
    const apiKey = await this.db.manager.findOneBy(ApiKey, { id: keyId, revokedAt: IsNull() });
    return apiKey ? this.principalOf(apiKey) : null;
  }

  private async principalOf(apiKey: ApiKey): Promise<Principal | null> {
    if (apiKey.expiresAt && apiKey.expiresAt.getTime() <= Date.now()) return null;
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
      keyPrefix: `shk_${apiKey.prefix}`,
      expiresAt: apiKey.expiresAt,
    };
  }
}

const isExpired = (principal: Principal) => !!principal.expiresAt && principal.expiresAt.getTime() <= Date.now();

export function bearerToken(header: string | undefined | null): string | null {
  if (!header) return null;
  const match = /^Bearer\s+(.+)$/i.exec(header.trim());
  return match ? match[1] : header.trim();
}
