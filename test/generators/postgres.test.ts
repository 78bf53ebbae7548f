// generators/postgres.ts: targeted assertions on the objects, and bad input that must fail
// generation naming the field.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { postgres, secrets, services } from '@marquee/contract';
import { defaultPostgresProps, postgresNames, postgresObjects, postgresSecrets, type PostgresProps } from '../../generators/postgres.ts';
import { selectorFor } from '../../generators/lib/labels.ts';
import { peers } from '../../generators/services.ts';
import { postgresHost } from '../../generators/data-names.ts';
import { asJson, findObject } from './objects.ts';

const objects = () => asJson(postgresObjects());
const find = (kind: string, name: string) => findObject(objects(), kind, name);

describe('postgres base', () => {
  const sts = find('StatefulSet', 'postgres');
  const pod = sts.spec.template.spec;
  const pg = pod.containers.find((c: any) => c.name === 'postgres');
  const exporter = pod.containers.find((c: any) => c.name === 'postgres-exporter');

  it('runs one pinned postgres:16 primary with a retained volume', () => {
    assert.match(pg.image, /^postgres:16\.\d+/);
    assert.equal(sts.spec.replicas, 1);
    assert.deepEqual(sts.spec.persistentVolumeClaimRetentionPolicy, { whenDeleted: 'Retain', whenScaled: 'Retain' });
    assert.equal(sts.spec.volumeClaimTemplates[0].metadata.name, 'data');
    assert.ok(pg.volumeMounts.some((m: any) => m.name === 'data' && m.mountPath === '/var/lib/postgresql/data'));
    assert.match(pg.env.find((e: any) => e.name === 'PGDATA').value, /^\/var\/lib\/postgresql\/data\/.+/, 'PGDATA below the mount (lost+found)');
  });

  it('probes with pg_isready over TCP on the server port, readiness faster than liveness', () => {
    for (const probe of ['startupProbe', 'livenessProbe', 'readinessProbe']) {
      assert.match(pg[probe].exec.command.join(' '), new RegExp(`pg_isready .*--host=127\\.0\\.0\\.1 --port=${postgres.port}`), probe);
    }
    assert.ok(pg.readinessProbe.periodSeconds < pg.livenessProbe.periodSeconds);
    assert.ok(pg.startupProbe.periodSeconds * pg.startupProbe.failureThreshold >= 300, 'crash recovery gets at least 5 minutes');
  });

  it('runs as the image\'s postgres uid, non-root, read-only root filesystem, with writable socket and tmp dirs', () => {
    assert.equal(pod.securityContext.runAsNonRoot, true);
    assert.equal(pg.securityContext.runAsUser, 999);
    assert.equal(pg.securityContext.readOnlyRootFilesystem, true);
    for (const path of ['/var/run/postgresql', '/tmp']) assert.ok(pg.volumeMounts.some((m: any) => m.mountPath === path), path);
    assert.equal(pod.automountServiceAccountToken, false);
  });

  it('takes credentials from the ExternalSecret-provided Secrets only', () => {
    const refs = [pg, exporter].flatMap((c: any) => c.env.filter((e: any) => e.valueFrom?.secretKeyRef).map((e: any) => e.valueFrom.secretKeyRef.name));
    assert.deepEqual([...new Set(refs)].sort(), [postgresSecrets.admin, postgresSecrets.exporter].sort());
    const external = objects().filter((o) => o.kind === 'ExternalSecret').map((o) => o.metadata.name);
    for (const name of [secrets.postgresAdmin, secrets.inventoryDb, secrets.billingDb, postgresSecrets.exporter, postgresSecrets.backup, postgresSecrets.backupS3])
      assert.ok(external.includes(name), name);
    assert.equal(objects().filter((o) => o.kind === 'Secret').length, 0);
  });

  it('exposes the exporter on the contract port Prometheus scrapes', () => {
    assert.deepEqual(exporter.ports, [{ name: 'metrics', containerPort: postgres.exporterPort, protocol: 'TCP' }]);
    assert.match(exporter.env.find((e: any) => e.name === 'DATA_SOURCE_URI').value, new RegExp(`^127\\.0\\.0\\.1:${postgres.port}/`));
  });

  it('has a client Service named as the services expect (postgres-rw, as CloudNativePG names its primary Service), and a headless one for the StatefulSet', () => {
    assert.equal(postgresHost, 'postgres-rw');
    const svc = find('Service', postgresHost);
    assert.deepEqual(svc.spec.selector, selectorFor('postgres'));
    assert.equal(svc.spec.ports[0].port, postgres.port);
    assert.equal(find('Service', sts.spec.serviceName).spec.clusterIP, 'None');
  });

  it('admits only the database clients, migrations, bootstrap, backups and the exporter scrape', () => {
    const np = find('NetworkPolicy', 'postgres');
    const clients = (Object.keys(services) as (keyof typeof services)[]).filter((s) => services[s].database);
    const from = np.spec.ingress[0].from.map((p: any) => p.podSelector.matchLabels['app.kubernetes.io/name']).sort();
    assert.deepEqual(from, [...clients, postgresNames.migrations, postgresNames.bootstrap, postgresNames.backup].sort());
    assert.deepEqual(np.spec.ingress[0].ports, [{ protocol: 'TCP', port: postgres.port }]);
    assert.deepEqual(np.spec.ingress[1], { from: [peers.monitoring], ports: [{ protocol: 'TCP', port: postgres.exporterPort }] });
    assert.deepEqual(np.spec.egress, []);
  });

  it('backs up daily with a custom-format dump then an upload, never two at once', () => {
    const cj = find('CronJob', 'postgres-backup');
    assert.equal(cj.spec.concurrencyPolicy, 'Forbid');
    const spec = cj.spec.jobTemplate.spec.template.spec;
    assert.equal(spec.initContainers[0].image, pg.image, 'pg_dump of the server major version');
    assert.deepEqual(spec.initContainers[0].command, ['/scripts/pg-backup.sh', '/backup']);
    assert.deepEqual(spec.containers[0].command, ['/scripts/s3-upload.sh', '/backup']);
    const dumpUser = spec.initContainers[0].env.find((e: any) => e.name === 'PGUSER').valueFrom.secretKeyRef.name;
    assert.equal(dumpUser, postgresSecrets.backup, 'the read-only backup role, not the admin');
    assert.equal(spec.initContainers[0].env.find((e: any) => e.name === 'BACKUP_DATABASES').value, 'inventory billing');
  });

  it('orders itself for Argo CD: secrets before data, bootstrap as a Sync hook after it', () => {
    const wave = (kind: string, name: string) => Number(find(kind, name).metadata.annotations?.['argocd.argoproj.io/sync-wave']);
    assert.ok(wave('ExternalSecret', secrets.postgresAdmin) < wave('StatefulSet', 'postgres'));
    const job = find('Job', postgresNames.bootstrap);
    assert.equal(job.metadata.annotations?.['argocd.argoproj.io/hook'], 'Sync');
    assert.ok(wave('Job', postgresNames.bootstrap) > wave('StatefulSet', 'postgres'));
  });

  it('keeps the single primary through voluntary evictions (PDB)', () => {
    assert.equal(find('PodDisruptionBudget', 'postgres').spec.maxUnavailable, 0);
  });
});

describe('postgres base: bad input fails generation naming the field', () => {
  const withProps = (over: Partial<PostgresProps>) => () => postgresObjects({ ...defaultPostgresProps(), ...over });
  const dbs = defaultPostgresProps().databases;

  it('a storage size that is not a quantity', () => {
    assert.throws(withProps({ storage: '10 gigs' }), /generators\/postgres\.ts: postgres\.storage is "10 gigs", not a Kubernetes quantity/);
    assert.throws(withProps({ storage: '10GB' }), /postgres\.storage/);
  });
  it('two databases with the same name', () => {
    assert.throws(
      withProps({ databases: [dbs[0]!, { ...dbs[1]!, name: dbs[0]!.name }] }),
      /postgres\.databases\[1\]\.name "inventory" collides with postgres\.databases\[0\]\.name/,
    );
  });
  it('a database named like a system database', () => {
    assert.throws(withProps({ databases: [{ ...dbs[0]!, name: 'postgres' as never }] }), /postgres\.databases\[0\]\.name "postgres" collides with a PostgreSQL system database/);
  });
  it('two databases sharing one owner Secret', () => {
    assert.throws(withProps({ databases: [dbs[0]!, { ...dbs[1]!, secret: dbs[0]!.secret }] }), /postgres\.databases\[1\]\.secret "inventory-db"/);
  });
  it('a client that does not use the database in the contract', () => {
    assert.throws(withProps({ databases: [{ ...dbs[0]!, clients: ['billing-api'] }, dbs[1]!] }), /postgres\.databases\[0\]\.clients lists billing-api/);
  });
  it('a floating image tag', () => {
    assert.throws(withProps({ image: 'postgres:16' }), /postgres\.image is "postgres:16"; pin an exact version tag/);
    assert.throws(withProps({ image: 'postgres:latest' }), /postgres\.image/);
  });
  it('a retention of zero days', () => {
    assert.throws(withProps({ backup: { ...defaultPostgresProps().backup, retentionDays: 0 } }), /postgres\.backup\.retentionDays is 0/);
  });
});
