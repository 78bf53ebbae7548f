// @marquee/kit: what every marquee service shares — validated config, JSON logs with
// request ids, probes, metrics, PostgreSQL pool, migrations, error shape, graceful shutdown.
// See docs/services.md for the API and an example app.
export {
  baseConfigSpec,
  ConfigError,
  env,
  FieldError,
  loadConfigOrExit,
  logLevels,
  readConfig,
  type BaseConfig,
  type ConfigOf,
  type ConfigSpec,
  type Env,
  type Field,
  type LogLevel,
} from './config.ts';
export { badRequest, errorBody, errorSchema, HttpError, notFound, unavailable, type ErrorBody } from './errors.ts';
export { createMetrics, httpDurationBuckets, type ServiceMetrics } from './metrics.ts';
export { migrate, migrateOrExit, type MigrateOptions } from './migrate.ts';
export { isPgUnavailable } from './pg-errors.ts';
export {
  createPgPipeline,
  createPgPool,
  databaseUrlFor,
  isoTimestamps,
  localDatabaseUrl,
  pgConnectionConfig,
  PgPipeline,
  type PgPipelineOptions,
  type PgPoolOptions,
  type Queryable,
} from './pg.ts';
export {
  createLogger,
  createService,
  genRequestId,
  logOptions,
  requestIdHeader,
  type Kit,
  type ReadinessCheck,
  type ServiceOptions,
} from './service.ts';
export { noAllocationSitePretenuring } from './heap.ts';
export { gracefulClose, type GracefulCloseOptions } from './shutdown.ts';
export { packageVersion } from './version.ts';
