// Names of the data tier's objects, in a module with no heavy imports: validate's
// data-tier check reads them without loading the generators.
import { dataServices } from '@marquee/contract';

/** Workload names (and `app.kubernetes.io/name` values) of the data tier's PostgreSQL pods. */
export const postgresNames = {
  server: dataServices.postgres,
  headless: `${dataServices.postgres}-headless`,
  bootstrap: 'postgres-bootstrap',
  backup: 'postgres-backup',
  /** The migrations Jobs' pods (base/migrations) carry this name. */
  migrations: 'migrations',
} as const;

/** CloudNativePG object names (generators/cloudnative-pg.ts); its Services are `<cluster>-rw`, `-ro`, `-r`. */
export const cnpgNames = {
  cluster: postgresNames.server,
  /** Read-write Service: always the primary. The services' PGHOST in environments with a Cluster. */
  rwService: `${postgresNames.server}-rw`,
  objectStore: 'postgres-backup',
  scheduledBackup: 'postgres',
  restoreDrill: 'postgres-restore-drill',
} as const;

/** RabbitMQ object names. */
export const rabbitmqNames = {
  server: dataServices.rabbitmq,
  headless: `${dataServices.rabbitmq}-headless`,
  config: 'rabbitmq-config',
  definitionsTemplate: 'rabbitmq-definitions-template',
  /** Secret rendered by ESO from the template: definitions.json with the users' passwords. */
  definitions: 'rabbitmq-definitions',
  erlangCookie: 'rabbitmq-erlang-cookie',
} as const;

/** The per-environment SecretStore every ExternalSecret reads. */
export const secretStoreName = 'marquee';
