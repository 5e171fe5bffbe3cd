import { selectWhereIn } from '../../../platform/db/raw-sql';
import type { Tx } from '../../../platform/db/database';
import type { Hub } from '../../../platform/hub';
import { Loan, Loaner } from '../../loaners/loaner.entity';
import { LoanersService } from '../../loaners/loaners.service';

export interface LoanerRequest {
  rmaNumber: string;
  incidentId: string | null;
  deviceSerial: string;
  customerId: string;
}

export interface LoanerAssignment {
  assignmentId: string | null;
  loanerSerialNumber: string;
  model: string;
  match: string;
  depotId: string | null;
}

/**
 * Seam to the loaners module, which picks the unit (same model, else an
 * equivalent one, from the nearest depot) and tracks the loan. A hub built
 * without that module gets null (the LoanerRequired alert still goes out).
 */
export class RmaLoaners {
  constructor(private readonly hub: Hub) {}

  get available(): boolean {
    return this.hub.db.dataSource.hasMetadata(Loan);
  }

  /** Throws the loaners module's typed error (INSUFFICIENT_STOCK, CONFLICT) when no unit can be lent. */
  async propose(tx: Tx, request: LoanerRequest): Promise<LoanerAssignment | null> {
    if (!this.available) return null;
    const loan = await this.hub.get(LoanersService).proposeAndAssign(tx, { ...request, actor: 'rma' });
    const loaner = await tx.em.findOneByOrFail(Loaner, { id: loan.loanerId });
    return {
      assignmentId: loan.id,
      loanerSerialNumber: loaner.serialNumber,
      model: loaner.model,
      match: loan.matchKind,
      depotId: loan.depotId,
    };
  }

  /** The customer's unit is back: the loaner is due back at its depot (the loaners module alerts when late). */
  async dueBack(tx: Tx, loanId: string, dueBackAt: Date): Promise<void> {
    if (!this.available) return;
    await this.hub.get(LoanersService).setDueBack(tx, { loanId, dueBackAt });
  }

  async loansByRmaNumbers(numbers: readonly string[]): Promise<Array<Loan | null>> {
    if (!this.available || numbers.length === 0) return numbers.map(() => null);
    const rows = await selectWhereIn(this.hub.db.manager, Loan, 'rmaNumber', numbers, ['assignedAt']);
    // The latest loan of an RMA is the one that counts (an earlier one may have been cancelled).
    const byNumber = new Map(rows.map((r) => [r.rmaNumber, r]));
    return numbers.map((n) => byNumber.get(n) ?? null);
  }
}
