import { DataSource, type Logger as OrmLogger, type MigrationInterface, type MixedList, type EntitySchema } from 'typeorm';
import type { Logger } from 'pino';
import { allMigrations } from '../../migrations';

/** Counts every SQL statement the app sends; tests and benchmarks read it to prove N+1 freedom. */
export class StatementCounter implements OrmLogger {
  count = 0;
  constructor(private readonly logger?: Logger) {}
  logQuery(query: string, parameters?: unknown[]): void {
    this.count++;
    if (this.logger?.isLevelEnabled('trace')) this.logger.trace({ query, parameters }, 'sql');
  }
  logQueryError(error: string | Error, query: string): void {
    this.logger?.debug({ err: error, query }, 'sql error');
  }
  logQuerySlow(time: number, query: string): void {
    this.logger?.warn({ ms: time, query }, 'slow sql');
  }
  logSchemaBuild(): void {}
  logMigration(message: string): void {
    this.logger?.info(message);
  }
  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (level === 'warn') this.logger?.warn(String(message));
  }
}

export interface DataSourceOptions {
  url: string;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: MixedList<Function | string | EntitySchema>;
  log?: Logger;
  poolSize?: number;
  /** Names the pool's connections in pg_stat_activity. */
  applicationName?: string;
  /** Migrations beyond the core's (plugins'). */
  migrations?: (new () => MigrationInterface)[];
}

export function createDataSource({ url, entities, log, poolSize = 20, applicationName = 'zoco', migrations = [] }: DataSourceOptions): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    entities,
    migrations: [...allMigrations, ...migrations],
    migrationsTableName: 'zoco_migrations',
    synchronize: false,
    logger: new StatementCounter(log),
    maxQueryExecutionTime: 1000,
    // synchronize_seqscans off: a sequential scan then always starts at the table's first page. Search's candidates
    // beyond its exact limit are the first matches a scan yields (search.rows.ts candidatesSql); with synchronized
    // scans (tables over a quarter of shared_buffers) each scan starts where a concurrent one is, so two pages or
    // the page and its counts would see different candidates.
    // jit off: PostgreSQL compiles a statement whose estimate crosses jit_above_cost (100,000), whatever it then reads.
    // Search's counting statement is planned for every source it may read (each popularity tier and the full index:
    // search.rows.ts candidatesSql) and at 1M products crossed it: 151 ms of compiling on every execution (prepared
    // too) for a statement that ran in 6.5 ms. Every statement of the app's pools (requests' and the background's, whose
    // walks go in batches) is a bounded read or write: JIT never pays there.
    extra: { max: poolSize, application_name: applicationName, options: '-c synchronize_seqscans=off -c jit=off' },
    // An idle connection cut by the server (failover, restart, pg_terminate_backend) is reported here
    // and dropped by the pool; the next query opens a new one. Unhandled, it would end the process.
    poolErrorHandler: (err: Error) => log?.warn({ err }, 'database connection lost (idle in the pool); it will be replaced'),
  });
}

export function statementCount(ds: DataSource): number {
  return (ds.logger as unknown as StatementCounter).count;
}
