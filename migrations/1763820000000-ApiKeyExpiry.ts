import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';
import { mcol } from '../src/platform/db/migration-columns';

/** API keys may expire: `expiresAt` (null = never). */
export class ApiKeyExpiry1763820000000 implements MigrationInterface {
  name = 'ApiKeyExpiry1763820000000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('api_keys', new TableColumn(mcol.timestamp('expiresAt', true)));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('api_keys', 'expiresAt');
  }
}
