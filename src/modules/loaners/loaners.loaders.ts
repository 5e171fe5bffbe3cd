import type { HubContext } from '../../platform/graphql/context';
import type { Loaner } from './loaner.entity';
import { LoanersService } from './loaners.service';

/** Per-request batch loader for a loan's loaner (reached through a loan the key may see). */
export const loanerLoader = (ctx: HubContext) =>
  ctx.loaders.get<string, Loaner>('loaners.loaner.byId', (ids) => ctx.hub.get(LoanersService).loanersByIds(ids));
