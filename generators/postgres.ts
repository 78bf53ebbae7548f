// base/postgres: one PostgreSQL 16 instance (StatefulSet + volume), postgres_exporter
// sidecar, least-privilege roles per service (bootstrap Job), daily logical backups to
// S3-compatible storage (CronJob), credentials from ExternalSecrets, NetworkPolicies.
import { readFileSync } from 'node:fs';
import { StatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import { CronJob } from 'kubernetes-models/batch/v1/CronJob';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { isolatePods } from './lib/network-policy.ts';
import type { INetworkPolicyPeer } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicyPeer';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IEnvVar } from 'kubernetes-models/v1/EnvVar';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { postgres, secrets, services, type DatabaseName, type ServiceName } from '@marquee/contract';
import { resourceProfiles } from './environments.ts';
import { credentialsSecret, externalSecretFor } from './external-secrets.ts';
import type { Component, KubeObject } from './lib/component.ts';
import { labelsFor, selectorFor } from './lib/labels.ts';
import { containerSecurity, podSecurity, resourcesFor } from './lib/pod.ts';
import { clientService, headlessService, servicePort } from './lib/service.ts';
import { hook, syncWave } from './lib/argocd-waves.ts';
import { assertDnsLabel, assertPinnedImage, assertQuantity } from './lib/validate-props.ts';
import { peers } from './services.ts';

const source = 'generators/postgres.ts';

/** Secrets only the data tier reads (the services' ones are in the contract's `secrets`). */
export const postgresSecrets = {
  admin: secrets.postgresAdmin,
  exporter: 'postgres-exporter',
  backup: 'postgres-backup',
  /** S3 credentials of the backup bucket: keys AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY. */
  backupS3: 'postgres-backup-s3',
} as const;

export { postgresNames } from './data-names.ts';
import { postgresHost, postgresNames } from './data-names.ts';

const ids = { uid: 999, exporterUid: 65534, awsCliUid: 1000 } as const;

export interface DatabaseSpec {
  /** PostgreSQL database name; also the owner role's Secret prefix (`<name>-db`). */
  readonly name: DatabaseName;
  /** Secret with `username`/`password` of the database's owner role (the service's login). */
  readonly secret: string;
  /** Services that connect to this database (NetworkPolicy ingress, the Secret's readers). */
  readonly clients: readonly ServiceName[];
}

export interface BackupProps {
  /** Cron schedule, evaluated in `timeZone`. @default '15 2 * * *' */
  readonly schedule: string;
  /** @default 'Etc/UTC' */
  readonly timeZone: string;
  /** Backups older than this are deleted from the bucket by the same job. */
  readonly retentionDays: number;
  /** Never delete below this many backups, however old (a stalled schedule must not empty the bucket). */
  readonly keepMin: number;
  /** aws-cli image that uploads (S3-compatible via S3_ENDPOINT). */
  readonly uploaderImage: string;
}

export interface PostgresProps {
  /** Exact tag: the major version fixes the on-disk format, a floating tag could upgrade it. */
  readonly image: string;
  readonly exporterImage: string;
  /** Volume size of the base; overlays patch it (volumeClaimTemplates are immutable after creation). */
  readonly storage: string;
  /** StorageClass; unset in the base (cluster default), set per environment in the overlays. */
  readonly storageClassName?: string;
  readonly databases: readonly DatabaseSpec[];
  /** `max_connections`: must cover every client pod's pool at the HPA maximum. @default 200 */
  readonly maxConnections: number;
  /** `shared_buffers` (about 25% of the memory limit). */
  readonly sharedBuffers: string;
  readonly backup: BackupProps;
}

/** Secret of each database's owner role, as the service Deployments read it (generators/services.ts). */
export const databaseSecret: Record<DatabaseName, string> = { inventory: secrets.inventoryDb, billing: secrets.billingDb };

export function defaultPostgresProps(): PostgresProps {
  const dbs = Object.keys(databaseSecret) as DatabaseName[];
  return {
    image: 'postgres:16.6-bookworm',
    exporterImage: 'quay.io/prometheuscommunity/postgres-exporter:v0.16.0',
    storage: '1Gi',
    databases: dbs.map((name) => ({
      name,
      secret: databaseSecret[name],
      clients: (Object.keys(services) as ServiceName[]).filter((s) => services[s].database === name),
    })),
    maxConnections: 200,
    sharedBuffers: '128MB',
    backup: {
      schedule: '15 2 * * *',
      timeZone: 'Etc/UTC',
      retentionDays: 14,
      keepMin: 7,
      uploaderImage: 'amazon/aws-cli:2.22.35',
    },
  };
}

const reservedDatabases = new Set(['postgres', 'template0', 'template1']);

/** Throws, naming the field, on input that would produce a broken or data-losing base. */
export function validatePostgresProps(p: PostgresProps): void {
  assertPinnedImage(source, 'postgres.image', p.image);
  assertPinnedImage(source, 'postgres.exporterImage', p.exporterImage);
  assertPinnedImage(source, 'postgres.backup.uploaderImage', p.backup.uploaderImage);
  assertQuantity(source, 'postgres.storage', p.storage);
  if (p.storageClassName !== undefined) assertDnsLabel(source, 'postgres.storageClassName', p.storageClassName);
  if (!p.databases.length) throw new Error(`${source}: postgres.databases is empty`);
  const names = new Map<string, number>();
  const secretsSeen = new Map<string, number>();
  p.databases.forEach((d, i) => {
    const field = `postgres.databases[${i}]`;
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(d.name))
      throw new Error(`${source}: ${field}.name "${d.name}" must be a lowercase SQL identifier (a-z, 0-9, _; at most 63 characters)`);
    if (reservedDatabases.has(d.name)) throw new Error(`${source}: ${field}.name "${d.name}" collides with a PostgreSQL system database`);
    const prev = names.get(d.name);
    if (prev !== undefined) throw new Error(`${source}: ${field}.name "${d.name}" collides with postgres.databases[${prev}].name`);
    names.set(d.name, i);
    const prevSecret = secretsSeen.get(d.secret);
    if (prevSecret !== undefined)
      throw new Error(`${source}: ${field}.secret "${d.secret}" is also postgres.databases[${prevSecret}].secret: two databases would share one owner role`);
    if (Object.values(postgresSecrets).includes(d.secret as never))
      throw new Error(`${source}: ${field}.secret "${d.secret}" is a data-tier secret (admin/exporter/backup)`);
    secretsSeen.set(d.secret, i);
    for (const c of d.clients)
      if (services[c]?.database !== d.name)
        throw new Error(`${source}: ${field}.clients lists ${c}, whose contract database is ${services[c]?.database ?? 'none'}`);
  });
  if (!Number.isInteger(p.maxConnections) || p.maxConnections < 20)
    throw new Error(`${source}: postgres.maxConnections is ${p.maxConnections}; use an integer >= 20`);
  if (!/^\d+(kB|MB|GB)$/.test(p.sharedBuffers)) throw new Error(`${source}: postgres.sharedBuffers "${p.sharedBuffers}" must look like 128MB or 1GB`);
  const b = p.backup;
  if (!/^(\S+\s+){4}\S+$/.test(b.schedule)) throw new Error(`${source}: postgres.backup.schedule "${b.schedule}" is not a 5-field cron expression`);
  if (!Number.isInteger(b.retentionDays) || b.retentionDays < 1)
    throw new Error(`${source}: postgres.backup.retentionDays is ${b.retentionDays}; use a whole number of days >= 1`);
  if (!Number.isInteger(b.keepMin) || b.keepMin < 1) throw new Error(`${source}: postgres.backup.keepMin is ${b.keepMin}; keep at least 1 backup`);
}

// ---------------------------------------------------------------------------------------------
// Bootstrap SQL: idempotent, run by the postgres-bootstrap Job on every sync (and by the tests).
// ---------------------------------------------------------------------------------------------

/** Environment variable names the bootstrap script reads, per role. */
export const bootstrapEnv = {
  exporterUser: 'EXPORTER_USERNAME',
  exporterPassword: 'EXPORTER_PASSWORD',
  backupUser: 'BACKUP_USERNAME',
  backupPassword: 'BACKUP_PASSWORD',
  dbName: (db: string) => `${db.toUpperCase()}_DB_NAME`,
  dbUser: (db: string) => `${db.toUpperCase()}_DB_USERNAME`,
  dbPassword: (db: string) => `${db.toUpperCase()}_DB_PASSWORD`,
} as const;

const fail = (message: string) => `DO $fail$ BEGIN RAISE EXCEPTION '${message.replace(/'/g, "''")}'; END $fail$;`;

/**
 * psql script (PostgreSQL >= 15: \getenv) that creates or updates, idempotently:
 * one login role per database that owns it and can reach nothing else, the exporter's
 * role (pg_monitor) and the backup role (pg_read_all_data). Passwords are read from the
 * environment (the Job maps them from the Secrets), so they never appear in Git.
 */
export function bootstrapSql(databases: readonly DatabaseSpec[]): string {
  const L: string[] = [];
  const v = (db: string, what: 'db' | 'user' | 'password') => `${db}_${what}`;
  const vars: [string, string][] = [
    ['exporter_user', bootstrapEnv.exporterUser],
    ['exporter_password', bootstrapEnv.exporterPassword],
    ['backup_user', bootstrapEnv.backupUser],
    ['backup_password', bootstrapEnv.backupPassword],
    ...databases.flatMap((d): [string, string][] => [
      [v(d.name, 'db'), bootstrapEnv.dbName(d.name)],
      [v(d.name, 'user'), bootstrapEnv.dbUser(d.name)],
      [v(d.name, 'password'), bootstrapEnv.dbPassword(d.name)],
    ]),
  ];
  L.push('\\set ON_ERROR_STOP on', '');
  L.push('-- Inputs: every one must be set and non-empty.');
  for (const [name, env] of vars) {
    L.push(`\\getenv ${name} ${env}`);
    L.push(`\\if :{?${name}}`, `\\else`, `  ${fail(`postgres-bootstrap: environment variable ${env} is not set`)}`, `\\endif`);
  }
  const users = ['exporter_user', 'backup_user', ...databases.map((d) => v(d.name, 'user'))];
  L.push('', '-- Role names must be distinct and must not be the admin role (ALTER ROLE below would demote it).');
  L.push(
    `SELECT count(DISTINCT u) = count(*) AND bool_and(u <> '' AND u <> current_user) AS roles_ok`,
    `  FROM (VALUES ${users.map((u) => `(:'${u}')`).join(', ')}) AS r(u) \\gset`,
    '\\if :roles_ok',
    '\\else',
    `  ${fail('postgres-bootstrap: role names in the Secrets must be distinct, non-empty and differ from the admin user')}`,
    '\\endif',
  );
  const passwords = ['exporter_password', 'backup_password', ...databases.map((d) => v(d.name, 'password'))];
  L.push(
    `SELECT bool_and(p <> '') AS passwords_ok FROM (VALUES ${passwords.map((x) => `(:'${x}')`).join(', ')}) AS p(p) \\gset`,
    '\\if :passwords_ok',
    '\\else',
    `  ${fail('postgres-bootstrap: a password in the Secrets is empty')}`,
    '\\endif',
  );
  const dbNames = databases.map((d) => v(d.name, 'db'));
  L.push(
    `SELECT count(DISTINCT n) = count(*) AND bool_and(n NOT IN ('postgres', 'template0', 'template1')) AS dbs_ok`,
    `  FROM (VALUES ${dbNames.map((n) => `(:'${n}')`).join(', ')}) AS d(n) \\gset`,
    '\\if :dbs_ok',
    '\\else',
    `  ${fail('postgres-bootstrap: database names must be distinct and not a system database')}`,
    '\\endif',
  );

  const role = (userVar: string, passwordVar: string, extra: string) => [
    `SELECT format('CREATE ROLE %I', :'${userVar}') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'${userVar}') \\gexec`,
    `ALTER ROLE :"${userVar}" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS ${extra}PASSWORD :'${passwordVar}';`,
  ];
  L.push('', '-- Monitoring: postgres_exporter reads statistics only.');
  L.push(...role('exporter_user', 'exporter_password', 'CONNECTION LIMIT 5 '), `GRANT pg_monitor TO :"exporter_user";`);
  L.push('', '-- Backups: read every table, write nothing.');
  L.push(...role('backup_user', 'backup_password', 'CONNECTION LIMIT 5 '), `GRANT pg_read_all_data TO :"backup_user";`);

  for (const d of databases) {
    const db = v(d.name, 'db');
    const user = v(d.name, 'user');
    L.push('', `-- ${d.name}: owned by its service's role; nobody else connects except the backup role.`);
    L.push(...role(user, v(d.name, 'password'), ''));
    L.push(
      `SELECT format('CREATE DATABASE %I OWNER %I', :'${db}', :'${user}') WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'${db}') \\gexec`,
      `ALTER DATABASE :"${db}" OWNER TO :"${user}";`,
      `REVOKE ALL ON DATABASE :"${db}" FROM PUBLIC;`,
      `GRANT CONNECT ON DATABASE :"${db}" TO :"backup_user";`,
    );
  }
  // The owner roles must not reach each other's databases even via a grant left behind.
  for (const d of databases)
    for (const other of databases)
      if (other !== d) L.push(`REVOKE ALL ON DATABASE :"${v(other.name, 'db')}" FROM :"${v(d.name, 'user')}";`);
  L.push('');
  return L.join('\n');
}

// ---------------------------------------------------------------------------------------------
// Objects
// ---------------------------------------------------------------------------------------------

const secretEnv = (name: string, secret: string, key: string): IEnvVar => ({ name, valueFrom: { secretKeyRef: { name: secret, key } } });

/** The backup scripts shipped in the CronJob's ConfigMap: the same files the tests run. */
export const backupScripts = ['pg-backup.sh', 's3-upload.sh', 'retention.sh', 'pg-restore.sh'] as const;
export const readBackupScript = (name: string): string =>
  readFileSync(new URL(`./postgres-backup/${name}`, import.meta.url), 'utf8');

export function postgresObjects(p: PostgresProps = defaultPostgresProps()): KubeObject[] {
  validatePostgresProps(p);
  const labels = labelsFor({ name: postgresNames.server, component: 'database', version: p.image.split(':')[1]!.split('-')[0] });
  const selector = selectorFor(postgresNames.server);
  const dataDir = '/var/lib/postgresql/data';
  const pgPort = { name: 'postgres', containerPort: postgres.port, protocol: 'TCP' as const };
  const metricsPort = { name: 'metrics', containerPort: postgres.exporterPort, protocol: 'TCP' as const };
  // pg_isready over TCP: the init-time server listens on the socket only, so this stays false until the real start.
  const isReady = { exec: { command: ['sh', '-c', `exec pg_isready --quiet --host=127.0.0.1 --port=${postgres.port} --username="$POSTGRES_USER" --dbname=postgres`] } };

  const postgresContainer: IContainer = {
    name: 'postgres',
    image: p.image,
    imagePullPolicy: 'IfNotPresent',
    args: ['-c', 'max_connections=$(TUNING_MAX_CONNECTIONS)', '-c', 'shared_buffers=$(TUNING_SHARED_BUFFERS)', '-c', 'log_min_duration_statement=1000', '-c', 'log_lock_waits=on'],
    ports: [pgPort],
    env: [
      secretEnv('POSTGRES_USER', postgresSecrets.admin, 'username'),
      secretEnv('POSTGRES_PASSWORD', postgresSecrets.admin, 'password'),
      // A sub-directory: the volume's root may hold lost+found, which initdb refuses.
      { name: 'PGDATA', value: `${dataDir}/pgdata` },
      { name: 'POSTGRES_INITDB_ARGS', value: '--auth-host=scram-sha-256 --data-checksums' },
      { name: 'TUNING_MAX_CONNECTIONS', value: String(p.maxConnections) },
      { name: 'TUNING_SHARED_BUFFERS', value: p.sharedBuffers },
    ],
    resources: resourcesFor(resourceProfiles.standard),
    securityContext: { ...containerSecurity(), runAsUser: ids.uid, runAsGroup: ids.uid },
    // Crash recovery after an unclean stop replays WAL before accepting connections: allow 10 minutes.
    startupProbe: { ...isReady, periodSeconds: 5, timeoutSeconds: 5, failureThreshold: 120 },
    livenessProbe: { ...isReady, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 6 },
    readinessProbe: { ...isReady, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 3 },
    volumeMounts: [
      { name: 'data', mountPath: dataDir },
      { name: 'run', mountPath: '/var/run/postgresql' },
      { name: 'tmp', mountPath: '/tmp' },
      // shared_buffers is shared memory: the runtime's default 64Mi /dev/shm is too small.
      { name: 'dshm', mountPath: '/dev/shm' },
    ],
  };

  const exporter: IContainer = {
    name: 'postgres-exporter',
    image: p.exporterImage,
    imagePullPolicy: 'IfNotPresent',
    ports: [metricsPort],
    env: [
      { name: 'DATA_SOURCE_URI', value: `127.0.0.1:${postgres.port}/postgres?sslmode=disable` },
      secretEnv('DATA_SOURCE_USER', postgresSecrets.exporter, 'username'),
      secretEnv('DATA_SOURCE_PASS', postgresSecrets.exporter, 'password'),
    ],
    resources: resourcesFor(resourceProfiles.small),
    securityContext: { ...containerSecurity(), runAsUser: ids.exporterUid, runAsGroup: ids.exporterUid },
    livenessProbe: { httpGet: { path: '/', port: 'metrics' }, periodSeconds: 20, timeoutSeconds: 5, failureThreshold: 3 },
    readinessProbe: { httpGet: { path: '/', port: 'metrics' }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
  };

  const statefulSet = new StatefulSet({
    metadata: { name: postgresNames.server, labels, annotations: syncWave('data') },
    spec: {
      serviceName: postgresNames.headless,
      // One primary. High availability (streaming replicas, failover) needs an operator: see docs/data.md.
      replicas: 1,
      podManagementPolicy: 'OrderedReady',
      updateStrategy: { type: 'RollingUpdate' },
      // Volumes outlive the StatefulSet: deleting or scaling it never deletes data.
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
      selector: { matchLabels: selector },
      template: {
        metadata: { labels },
        spec: {
          serviceAccountName: postgresNames.server,
          automountServiceAccountToken: false,
          securityContext: { ...podSecurity(ids.uid), fsGroupChangePolicy: 'OnRootMismatch' },
          // A fast shutdown (SIGTERM = smart, then SIGINT via the image) needs time to checkpoint.
          terminationGracePeriodSeconds: 120,
          containers: [postgresContainer, exporter],
          volumes: [
            { name: 'run', emptyDir: { sizeLimit: '16Mi' } },
            { name: 'tmp', emptyDir: { sizeLimit: '256Mi' } },
            { name: 'dshm', emptyDir: { medium: 'Memory', sizeLimit: '1Gi' } },
          ],
        },
      },
      volumeClaimTemplates: [
        {
          metadata: { name: 'data', labels: selector },
          spec: {
            accessModes: ['ReadWriteOnce'],
            ...(p.storageClassName ? { storageClassName: p.storageClassName } : {}),
            resources: { requests: { storage: p.storage } },
          },
        },
      ],
    },
  });

  const adminEnv: IEnvVar[] = [
    { name: 'PGHOST', value: postgresHost },
    { name: 'PGPORT', value: String(postgres.port) },
    { name: 'PGDATABASE', value: 'postgres' },
    secretEnv('PGUSER', postgresSecrets.admin, 'username'),
    secretEnv('PGPASSWORD', postgresSecrets.admin, 'password'),
  ];
  const bootstrapLabels = labelsFor({ name: postgresNames.bootstrap, component: 'database' });
  const bootstrapJob = new Job({
    metadata: { name: postgresNames.bootstrap, labels: bootstrapLabels, annotations: hook('Sync', 'bootstrap') },
    spec: {
      backoffLimit: 6,
      activeDeadlineSeconds: 900,
      template: {
        metadata: { labels: bootstrapLabels },
        spec: {
          restartPolicy: 'Never',
          serviceAccountName: postgresNames.server,
          automountServiceAccountToken: false,
          securityContext: podSecurity(ids.uid),
          containers: [
            {
              name: 'bootstrap',
              image: p.image,
              imagePullPolicy: 'IfNotPresent',
              command: ['psql', '--no-psqlrc', '--echo-errors', '--file=/bootstrap/bootstrap.sql'],
              env: [
                ...adminEnv,
                secretEnv(bootstrapEnv.exporterUser, postgresSecrets.exporter, 'username'),
                secretEnv(bootstrapEnv.exporterPassword, postgresSecrets.exporter, 'password'),
                secretEnv(bootstrapEnv.backupUser, postgresSecrets.backup, 'username'),
                secretEnv(bootstrapEnv.backupPassword, postgresSecrets.backup, 'password'),
                ...p.databases.flatMap((d) => [
                  { name: bootstrapEnv.dbName(d.name), value: d.name },
                  secretEnv(bootstrapEnv.dbUser(d.name), d.secret, 'username'),
                  secretEnv(bootstrapEnv.dbPassword(d.name), d.secret, 'password'),
                ]),
              ],
              resources: resourcesFor(resourceProfiles.small),
              securityContext: { ...containerSecurity(), runAsUser: ids.uid, runAsGroup: ids.uid },
              volumeMounts: [{ name: 'bootstrap', mountPath: '/bootstrap', readOnly: true }],
            },
          ],
          volumes: [{ name: 'bootstrap', configMap: { name: postgresNames.bootstrap } }],
        },
      },
    },
  });

  const backupLabels = labelsFor({ name: postgresNames.backup, component: 'backup' });
  const scriptsVolume = { name: 'scripts', configMap: { name: `${postgresNames.backup}-scripts`, defaultMode: 0o555 } };
  const backupCronJob = new CronJob({
    metadata: { name: postgresNames.backup, labels: backupLabels, annotations: syncWave('data') },
    spec: {
      schedule: p.backup.schedule,
      timeZone: p.backup.timeZone,
      concurrencyPolicy: 'Forbid',
      // A missed run (controller down, node drained) still starts within 6 hours.
      startingDeadlineSeconds: 6 * 3600,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 3,
      jobTemplate: {
        metadata: { labels: backupLabels },
        spec: {
          backoffLimit: 2,
          activeDeadlineSeconds: 3 * 3600,
          template: {
            metadata: { labels: backupLabels },
            spec: {
              restartPolicy: 'Never',
              serviceAccountName: postgresNames.backup,
              automountServiceAccountToken: false,
              securityContext: podSecurity(ids.uid),
              // Dump first (postgres image: pg_dump of the server's major version), then upload (aws-cli image).
              initContainers: [
                {
                  name: 'dump',
                  image: p.image,
                  imagePullPolicy: 'IfNotPresent',
                  command: ['/scripts/pg-backup.sh', '/backup'],
                  env: [
                    { name: 'PGHOST', value: postgresHost },
                    { name: 'PGPORT', value: String(postgres.port) },
                    secretEnv('PGUSER', postgresSecrets.backup, 'username'),
                    secretEnv('PGPASSWORD', postgresSecrets.backup, 'password'),
                    { name: 'BACKUP_DATABASES', value: p.databases.map((d) => d.name).join(' ') },
                  ],
                  resources: resourcesFor(resourceProfiles.standard),
                  securityContext: { ...containerSecurity(), runAsUser: ids.uid, runAsGroup: ids.uid },
                  volumeMounts: [
                    { name: 'backup', mountPath: '/backup' },
                    { name: 'scripts', mountPath: '/scripts', readOnly: true },
                  ],
                },
              ],
              containers: [
                {
                  name: 'upload',
                  image: p.backup.uploaderImage,
                  imagePullPolicy: 'IfNotPresent',
                  command: ['/scripts/s3-upload.sh', '/backup'],
                  envFrom: [{ configMapRef: { name: postgresNames.backup } }],
                  env: [
                    { name: 'HOME', value: '/tmp' },
                    { name: 'NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
                    // Objects go to s3://$S3_BUCKET/$S3_PREFIX/<namespace>/<timestamp>/<database>.dump
                    secretEnv('AWS_ACCESS_KEY_ID', postgresSecrets.backupS3, 'AWS_ACCESS_KEY_ID'),
                    secretEnv('AWS_SECRET_ACCESS_KEY', postgresSecrets.backupS3, 'AWS_SECRET_ACCESS_KEY'),
                  ],
                  resources: resourcesFor(resourceProfiles.small),
                  securityContext: { ...containerSecurity(), runAsUser: ids.awsCliUid, runAsGroup: ids.awsCliUid },
                  volumeMounts: [
                    { name: 'backup', mountPath: '/backup', readOnly: true },
                    { name: 'scripts', mountPath: '/scripts', readOnly: true },
                    { name: 'tmp', mountPath: '/tmp' },
                  ],
                },
              ],
              volumes: [
                // Scratch for one night's dumps; size it to the compressed databases in the overlay if they grow.
                { name: 'backup', emptyDir: { sizeLimit: '10Gi' } },
                { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } },
                scriptsVolume,
              ],
            },
          },
        },
      },
    },
  });

  const clients = p.databases.flatMap((d) => d.clients);
  const clientPeers: INetworkPolicyPeer[] = [
    ...[...new Set(clients)].map((c) => ({ podSelector: { matchLabels: selectorFor(c) } })),
    { podSelector: { matchLabels: selectorFor(postgresNames.migrations) } },
    { podSelector: { matchLabels: selectorFor(postgresNames.bootstrap) } },
    { podSelector: { matchLabels: selectorFor(postgresNames.backup) } },
  ];

  return [
    new ServiceAccount({ metadata: { name: postgresNames.server, labels }, automountServiceAccountToken: false }),
    new ServiceAccount({ metadata: { name: postgresNames.backup, labels: backupLabels }, automountServiceAccountToken: false }),
    credentialsSecret(postgresSecrets.admin, labels),
    credentialsSecret(postgresSecrets.exporter, labels),
    credentialsSecret(postgresSecrets.backup, labels),
    ...p.databases.map((d) => credentialsSecret(d.secret, labelsFor({ name: d.secret, component: 'database' }))),
    externalSecretFor({
      name: postgresSecrets.backupS3,
      labels: backupLabels,
      data: {
        AWS_ACCESS_KEY_ID: { remoteKey: postgresSecrets.backupS3, property: 'access-key-id' },
        AWS_SECRET_ACCESS_KEY: { remoteKey: postgresSecrets.backupS3, property: 'secret-access-key' },
      },
    }),
    new ConfigMap({
      metadata: { name: postgresNames.bootstrap, labels: bootstrapLabels, annotations: syncWave('secrets') },
      data: { 'bootstrap.sql': bootstrapSql(p.databases) },
    }),
    new ConfigMap({
      metadata: { name: `${postgresNames.backup}-scripts`, labels: backupLabels, annotations: syncWave('secrets') },
      data: Object.fromEntries(backupScripts.map((f) => [f, readBackupScript(f)])),
    }),
    new ConfigMap({
      // Per environment: the overlay sets the bucket and endpoint (S3_* keys).
      metadata: { name: postgresNames.backup, labels: backupLabels, annotations: syncWave('secrets') },
      data: {
        S3_BUCKET: 'marquee-backups',
        S3_PREFIX: 'postgres',
        S3_ENDPOINT: '',
        AWS_DEFAULT_REGION: 'eu-west-1',
        RETENTION_DAYS: String(p.backup.retentionDays),
        KEEP_MIN: String(p.backup.keepMin),
      },
    }),
    statefulSet,
    headlessService({ name: postgresNames.headless, labels, annotations: syncWave('data') }, selector, [
      servicePort('postgres', postgres.port),
      servicePort('metrics', postgres.exporterPort),
    ]),
    // Named as CloudNativePG names a Cluster's read-write Service: the clients' host is the same everywhere.
    clientService({ name: postgresHost, labels, annotations: syncWave('data') }, selector, [servicePort('postgres', postgres.port)]),
    new PodDisruptionBudget({
      // Single primary: a voluntary eviction is an outage, so it waits for a planned switchover
      // (docs/data.md, "Planned maintenance") instead of happening in the middle of a node drain.
      metadata: { name: postgresNames.server, labels, annotations: syncWave('data') },
      spec: { maxUnavailable: 0, selector: { matchLabels: selector } },
    }),
    bootstrapJob,
    backupCronJob,
    isolatePods({ name: postgresNames.server, labels, annotations: syncWave('secrets') }, selector, {
      ingress: [
        { from: clientPeers, ports: [{ protocol: 'TCP', port: postgres.port }] },
        { from: [peers.monitoring], ports: [{ protocol: 'TCP', port: postgres.exporterPort }] },
      ],
      // PostgreSQL and the exporter talk to nothing outside the pod (DNS: base/namespace allow-dns).
      egress: [],
    }),
    isolatePods({ name: postgresNames.bootstrap, labels: bootstrapLabels, annotations: syncWave('secrets') }, selectorFor(postgresNames.bootstrap), {
      ingress: [],
      egress: [{ to: [{ podSelector: { matchLabels: selector } }], ports: [{ protocol: 'TCP', port: postgres.port }] }],
    }),
    isolatePods({ name: postgresNames.backup, labels: backupLabels, annotations: syncWave('secrets') }, selectorFor(postgresNames.backup), {
      ingress: [],
      egress: [
        { to: [{ podSelector: { matchLabels: selector } }], ports: [{ protocol: 'TCP', port: postgres.port }] },
        // Object storage is outside the cluster at an address the base cannot know: HTTPS anywhere.
        { ports: [{ protocol: 'TCP', port: 443 }] },
      ],
    }),
  ];
}

export function postgresComponent(p: PostgresProps = defaultPostgresProps()): Component {
  return { dir: 'base/postgres', source, objects: postgresObjects(p) };
}
