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

/**
 * The request header that asks for the count (answered in the response header
 * of the same name). Counting is on request only: an enabled AsyncLocalStorage
 * runs promise hooks on every promise of the process.
 */
export const COUNT_SQL_HEADER = 'x-sql-statements';

let counting = 0;

/**
 * Counts the statements of one unit of work, from `begin` until `end` is
 * called (once). The storage is disabled again when no unit is being counted,
 * which takes the promise hooks away.
 */
export function beginCountingQueries(counter: QueryCount): { run<T>(fn: () => T): T; end(): void } {
  counting++;
  let ended = false;
  return {
    run: (fn) => storage.run(counter, fn),
    end: () => {
      if (ended) return;
      ended = true;
      if (--counting === 0) storage.disable();
    },
  };
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
