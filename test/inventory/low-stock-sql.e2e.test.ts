import { Stock } from '../../src/modules/inventory/stock.entity';
import { lowStockTransition, lowStockUnchangedSql } from '../../src/modules/inventory/rules/low-stock';
import { quotedNames } from '../../src/platform/db/raw-sql';
import { startTestHub, TestHub } from '../support/hub';

/**
 * The booking UPDATE carries the low-stock rule as SQL; it must agree with the
 * pure rule on every state, evaluated by the database under test (SQLite or MariaDB).
 */
describe('low-stock rule in SQL', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub();
  });
  afterAll(() => t?.stop());

  it('holds exactly when lowStockTransition says NONE', async () => {
    const em = t.app.hub.db.manager;
    const { col } = quotedNames(em, Stock);
    const states = [];
    for (const alertOpen of [false, true])
      for (const reorderPoint of [0, 3]) for (const available of [0, 1, 2, 3, 4, 5]) states.push({ alertOpen, reorderPoint, available });
    // One row per state, shaped like the stock columns the condition names.
    const rows = states
      .map(
        (s) =>
          `SELECT ${s.available} AS available, ${s.reorderPoint} AS ${col('reorderPoint')}, ${s.alertOpen ? 1 : 0} AS ${col('alertOpen')}`,
      )
      .join(' UNION ALL ');
    const condition = lowStockUnchangedSql({
      available: 'v.available',
      reorderPoint: `v.${col('reorderPoint')}`,
      alertOpen: `v.${col('alertOpen')}`,
    });
    const answers: Array<{ available: number; reorderPoint: number; alertOpen: number; unchanged: number }> = await em.query(
      `SELECT v.available AS available, v.${col('reorderPoint')} AS reorderPoint, v.${col('alertOpen')} AS alertOpen, CASE WHEN ${condition} THEN 1 ELSE 0 END AS unchanged FROM (${rows}) v`,
    );
    expect(answers).toHaveLength(states.length);
    for (const a of answers) {
      const state = { available: Number(a.available), reorderPoint: Number(a.reorderPoint), alertOpen: Number(a.alertOpen) === 1 };
      expect({ state, unchanged: Number(a.unchanged) === 1 }).toEqual({ state, unchanged: lowStockTransition(state) === 'NONE' });
    }
  });
});
