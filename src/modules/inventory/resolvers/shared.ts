import { Role } from '../../../platform/auth/principal';
import { HubContext } from '../../../platform/graphql/context';
import { partLoader } from '../inventory.loaders';

/** Roles and lookups the inventory resolvers share. */
export const STAFF = [Role.ADMIN, Role.OPERATOR];
export const DEPOT_ROLES = [Role.ADMIN, Role.OPERATOR, Role.WAREHOUSE];

export const partOf = (ctx: HubContext, partId: string) => partLoader(ctx).load(partId);
export const partNumberOf = async (ctx: HubContext, partId: string) => (await partLoader(ctx).load(partId)).partNumber;
