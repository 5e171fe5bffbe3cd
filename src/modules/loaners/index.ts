import type { HubModule } from '../../platform/hub';
import { Loan, Loaner } from './loaner.entity';
import { loanersResolvers } from './loaners.resolver';
import { seedLoaners } from './loaners.seed';
import { LOAN_OVERDUE_JOB, LoanersService } from './loaners.service';

/** The loaner pool. Depends on the inventory module (depots, coverage, alert feed) and customers (devices). */
export const loanersModule: HubModule = {
  name: 'loaners',
  entities: [Loaner, Loan],
  resolvers: loanersResolvers,
  register(hub) {
    hub.scheduler.register(LOAN_OVERDUE_JOB, ({ job, tx }) => hub.get(LoanersService).checkOverdue(tx, String(job.payload.loanId)));
  },
  seed: seedLoaners,
};
