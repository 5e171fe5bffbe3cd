import { registerEnumType } from 'type-graphql';

export enum Role {
  ADMIN = 'ADMIN',
  OPERATOR = 'OPERATOR',
  CUSTOMER = 'CUSTOMER',
  PARTNER = 'PARTNER',
  WAREHOUSE = 'WAREHOUSE',
}
registerEnumType(Role, {
  name: 'Role',
  description: 'What an API key may do; the last three are scoped to one organisation, support centre or depot.',
});

/** Roles that see only the rows of the organisation / centre / depot their key is scoped to. */
export const TENANT_ROLES = [Role.CUSTOMER, Role.PARTNER, Role.WAREHOUSE] as const;
export type TenantRole = (typeof TENANT_ROLES)[number];

export const isTenantRole = (role: Role): role is TenantRole => (TENANT_ROLES as readonly Role[]).includes(role);

export interface Principal {
  keyId: string;
  name: string;
  role: Role;
  /** The organisation (CUSTOMER), support centre (PARTNER) or depot (WAREHOUSE) the key belongs to. */
  scopeId: string | null;
  /**
   * Every id the key may see for its role: the scope itself plus, for a partner
   * centre, the centres below it in the escalation path.
   */
  visibleScopeIds: string[];
  /** The key's public prefix (`shk_<prefix>`), safe to log. */
  keyPrefix?: string;
  /** When the key stops authenticating; open sockets are closed then. */
  expiresAt?: Date | null;
}

export const isStaff = (p: Principal | null | undefined): boolean => p?.role === Role.ADMIN || p?.role === Role.OPERATOR;
