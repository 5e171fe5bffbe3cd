import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';
import { mcol } from '../src/platform/db/migration-columns';

/** RMAs say when their loaner deadline was computed without the holidays of its year (as incident clocks do). */
export class RmaCalendarIncomplete1763860000000 implements MigrationInterface {
  name = 'RmaCalendarIncomplete1763860000000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('rmas', new TableColumn(mcol.bool('calendarIncomplete', false)));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('rmas', 'calendarIncomplete');
  }
}
