import { openHubDatabase } from '../../src/app';
import { loadConfig } from '../../src/platform/config';
import { createLogger } from '../../src/platform/logger';
import { createTestDatabase } from '../support/database';

/**
 * The entities and the migrations describe the same schema: what TypeORM would
 * still generate after all migrations ran must be nothing. A failure here means
 * an entity changed without a migration (or the other way round).
 */
describe('migrations', () => {
  it('create exactly the schema the entities declare, and roll back cleanly', async () => {
    const testDb = await createTestDatabase();
    const config = loadConfig({ DATABASE_URL: testDb.url, NODE_ENV: 'test' });
    const db = await openHubDatabase(config, createLogger('silent'));
    try {
      const pending = await db.dataSource.driver.createSchemaBuilder().log();
      expect(pending.upQueries.map((q) => q.query)).toEqual([]);
      expect(await db.dataSource.showMigrations()).toBe(false);
      // Every migration can be undone, newest first.
      for (let i = db.dataSource.migrations.length; i > 0; i--) await db.dataSource.undoLastMigration();
      const runner = db.dataSource.createQueryRunner();
      const left = [];
      for (const meta of db.dataSource.entityMetadatas) if (await runner.hasTable(meta.tableName)) left.push(meta.tableName);
      await runner.release();
      expect(left).toEqual([]);
    } finally {
      await db.close();
      await testDb.drop();
    }
  });
});
