import { AsyncLocalStorage } from 'node:async_hooks';
import { Logger as TypeOrmLogger } from 'typeorm';
import type { Logger } from '../logger';

/**
 * Counts SQL statements per unit of work (a GraphQL request, a benchmark probe):
 * tests and benchmarks use it to prove that nested fields are batched and the
 * statement count does not grow with the page size.
 */
export interface QueryCount {
  statements: number;
}
const storage = new AsyncLocalStorage<QueryCount>();

export function runCountingQueries<T>(counter: QueryCount, fn: () => T): T {
  return storage.run(counter, fn);
}
export function currentQueryCount(): QueryCount | undefined {
  return storage.getStore();
}

export class CountingTypeOrmLogger implements TypeOrmLogger {
  constructor(private readonly logger: Logger) {}
  logQuery(query: string, parameters?: unknown[]) {
    const counter = storage.getStore();
    if (counter && !/^(START TRANSACTION|BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)/i.test(query)) counter.statements++;
    if (this.logger.isLevelEnabled('trace')) this.logger.trace({ query, parameters }, 'sql');
  }
  logQueryError(error: string | Error, query: string, parameters?: unknown[]) {
    this.logger.debug({ err: error, query, parameters }, 'sql error');
  }
  logQuerySlow(time: number, query: string) {
    this.logger.warn({ ms: time, query }, 'slow sql');
  }
  logSchemaBuild(message: string) {
    this.logger.debug(message);
  }
  logMigration(message: string) {
    this.logger.info(message);
  }
  log(level: 'log' | 'info' | 'warn', message: unknown) {
    if (level === 'warn') this.logger.warn(String(message));
    else this.logger.debug(String(message));
  }
}
