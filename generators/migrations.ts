// base/migrations: one Job per database running the owning service's `node src/migrate.ts`
// (versioned SQL, node-pg-migrate under an advisory lock) as an Argo CD PreSync hook of the
// services Application: a sync that changes the images migrates first, then rolls out.
import { Job } from 'kubernetes-models/batch/v1/Job';
import { isolatePods } from './lib/network-policy.ts';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { envVars, postgres, services, type DatabaseName, type ServiceName } from '@marquee/contract';
import { resourceProfiles } from './environments.ts';
import type { Component, KubeObject } from './lib/component.ts';
import { labelsFor, selectorFor } from './lib/labels.ts';
import { containerSecurity, podSecurity, resourcesFor } from './lib/pod.ts';
import { hook } from './lib/argocd-waves.ts';
import { postgresHost } from './data-names.ts';
import { databaseSecret, postgresNames } from './postgres.ts';
import { versionOf } from './services.ts';

const source = 'generators/migrations.ts';

export interface MigrationProps {
  readonly database: DatabaseName;
  /** The service whose image carries the database's migrations (and whose role owns it). */
  readonly service: ServiceName;
  /** Image tag of the base; the services overlay's `images:` rewrites it with the services' tag. */
  readonly version: string;
}

/** One migration per database: the first service (contract order) that uses it runs it. */
export function defaultMigrations(): MigrationProps[] {
  const seen = new Map<DatabaseName, ServiceName>();
  for (const name of Object.keys(services) as ServiceName[]) {
    const db = services[name].database;
    if (db && !seen.has(db)) seen.set(db, name);
  }
  return [...seen].map(([database, service]) => ({ database, service, version: versionOf(services[service].workspace) }));
}

export function validateMigrations(ms: readonly MigrationProps[]): void {
  const dbs = new Set<string>();
  ms.forEach((m, i) => {
    if (dbs.has(m.database)) throw new Error(`${source}: migrations[${i}].database "${m.database}" is migrated twice`);
    dbs.add(m.database);
    if (services[m.service]?.database !== m.database)
      throw new Error(`${source}: migrations[${i}].service ${m.service} does not own database ${m.database} in the contract`);
  });
}

export function migrationObjects(ms: readonly MigrationProps[] = defaultMigrations()): KubeObject[] {
  validateMigrations(ms);
  const name = postgresNames.migrations;
  const labels = labelsFor({ name, component: 'migration' });
  const prerequisites = hook('PreSync', 'migrationsPrerequisites');
  const jobs = ms.map((m) => {
    const secret = databaseSecret[m.database];
    const jobLabels = { ...labels, 'app.kubernetes.io/instance': `migrate-${m.database}` };
    return new Job({
      metadata: { name: `migrate-${m.database}`, labels: jobLabels, annotations: hook('PreSync', 'migrations') },
      spec: {
        // Migrations hold node-pg-migrate's advisory lock and run in one transaction: a retry is safe.
        backoffLimit: 3,
        activeDeadlineSeconds: 900,
        template: {
          metadata: { labels: jobLabels },
          spec: {
            restartPolicy: 'Never',
            serviceAccountName: name,
            automountServiceAccountToken: false,
            securityContext: podSecurity(1000),
            containers: [
              {
                name: 'migrate',
                image: `${services[m.service].image}:${m.version}`,
                imagePullPolicy: 'IfNotPresent',
                command: ['node', 'src/migrate.ts'],
                env: [
                  { name: envVars.pgHost, value: postgresHost },
                  { name: envVars.pgPort, value: String(postgres.port) },
                  { name: envVars.pgDatabase, value: m.database },
                  { name: envVars.pgUser, valueFrom: { secretKeyRef: { name: secret, key: 'username' } } },
                  { name: envVars.pgPassword, valueFrom: { secretKeyRef: { name: secret, key: 'password' } } },
                  { name: envVars.logLevel, value: 'info' },
                ],
                resources: resourcesFor(resourceProfiles.small),
                securityContext: containerSecurity(),
                volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
              },
            ],
            volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }],
          },
        },
      },
    });
  });
  return [
    // Hooks too: a PreSync Job runs before the Application's ordinary resources exist.
    new ServiceAccount({ metadata: { name, labels, annotations: prerequisites }, automountServiceAccountToken: false }),
    isolatePods({ name, labels, annotations: prerequisites }, selectorFor(name), {
      ingress: [],
      egress: [{ to: [{ podSelector: { matchLabels: selectorFor(postgresNames.server) } }], ports: [{ protocol: 'TCP', port: postgres.port }] }],
    }),
    ...jobs,
  ];
}

export function migrationsComponent(): Component {
  return { dir: 'base/migrations', source, objects: migrationObjects() };
}
