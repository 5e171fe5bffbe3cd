import type { AuthChecker } from 'type-graphql';
import { forbidden, unauthenticated } from '../errors';
import type { Role } from '../auth/principal';
import type { HubContext } from './context';

/** `@Authorized()` = any valid key; `@Authorized(Role.ADMIN, ...)` = one of those roles. */
export const authChecker: AuthChecker<HubContext, Role> = ({ context }, roles) => {
  if (!context.principal) throw unauthenticated();
  if (roles.length === 0 || roles.includes(context.principal.role)) return true;
  throw forbidden(`This operation needs one of the roles ${roles.join(', ')}; the key is ${context.principal.role}`);
};
