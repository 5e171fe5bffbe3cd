import { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { forbidden } from '../errors';
import { isStaff, Principal, TenantRole } from './principal';

/**
 * Row scoping lives here and only here. An entity that tenants may read declares,
 * once, which of its columns holds the id each tenant role is scoped by:
 *
 *   @TenantScoped({ CUSTOMER: 'customerId', PARTNER: 'centreId' })
 *
 * Every query a tenant can reach goes through `scopeQuery`, every loaded row a
 * tenant is about to see through `canSee`. A role the entity does not name sees
 * nothing of it (deny by default), so a new entity cannot leak by omission.
 */
export type ScopeColumns = Partial<Record<TenantRole, string>>;

const SCOPE_KEY = Symbol('tenantScope');

export function TenantScoped(columns: ScopeColumns): ClassDecorator {
  return (target) => {
    Reflect.defineMetadata(SCOPE_KEY, columns, target);
  };
}

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export function scopeColumns(entity: Function): ScopeColumns {
  return (Reflect.getMetadata(SCOPE_KEY, entity) as ScopeColumns | undefined) ?? {};
}

/** Narrows a query to the principal's rows. Staff see everything. */
export function scopeQuery<T extends ObjectLiteral>(
  qb: SelectQueryBuilder<T>,
  principal: Principal,
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entity: Function,
  alias = qb.alias,
): SelectQueryBuilder<T> {
  if (isStaff(principal)) return qb;
  const column = scopeColumns(entity)[principal.role as TenantRole];
  if (!column || principal.visibleScopeIds.length === 0) return qb.andWhere('1 = 0');
  const param = `scope_${alias}`;
  return qb.andWhere(`${alias}.${column} IN (:...${param})`, { [param]: principal.visibleScopeIds });
}

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export function canSee(principal: Principal | null | undefined, entity: Function, row: object | null | undefined): boolean {
  if (!principal || !row) return false;
  if (isStaff(principal)) return true;
  const column = scopeColumns(entity)[principal.role as TenantRole];
  if (!column) return false;
  const value = (row as Record<string, unknown>)[column];
  return typeof value === 'string' && principal.visibleScopeIds.includes(value);
}

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export function assertCanSee(principal: Principal, entity: Function, row: object): void {
  if (!canSee(principal, entity, row)) throw forbidden();
}
