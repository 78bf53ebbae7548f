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

/**
 * The host every PostgreSQL client connects to (the services, the migrations, the StatefulSet's
 * bootstrap and backup Jobs), in every environment: CloudNativePG names a Cluster's read-write
 * Service `<cluster>-rw` (always the primary), and the StatefulSet base (dev, previews) names its
 * client Service the same, so the services' shared bases need no per-environment host.
 */
export const postgresHost = `${postgresNames.server}-rw`;

/** CloudNativePG's API group (Cluster, Database, ScheduledBackup, Backup, Pooler …). */
export const cnpgApiGroup = 'postgresql.cnpg.io';

/** CloudNativePG object names (generators/cloudnative-pg.ts); its Services are `<cluster>-rw`, `-ro`, `-r`. */
export const cnpgNames = {
  cluster: postgresNames.server,
  /** Read-write Service the operator creates: always the primary. */
  rwService: postgresHost,
  objectStore: 'postgres-backup',
  scheduledBackup: 'postgres',
  restoreDrill: 'postgres-restore-drill',
} as const;

/**
 * The Barman Cloud plugin's registered name (its Service's cnpg.io/pluginName label, vendor/operators/plugin-barman-cloud):
 * what a Cluster's spec.plugins, a ScheduledBackup's pluginConfiguration and a recovery's externalClusters[].plugin name.
 */
export const barmanCloudPlugin = 'barman-cloud.cloudnative-pg.io';

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
