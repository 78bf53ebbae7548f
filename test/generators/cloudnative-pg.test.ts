// generators/cloudnative-pg.ts: the CloudNativePG objects validate against the vendored v1.30.0 and
// Barman Cloud v0.14.0 CRD schemas (unknown fields rejected), and carry the properties the issue
// asks for: 3 instances across zones with quorum synchronous replication in prod, WAL archiving
// through the plugin, archive_timeout and backup cadence from the recovery budget.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { crdValidator } from '../../policies/lib/crd-schema.ts';
import { cnpgComponents, cnpgObjects, cnpg, cnpgNames } from '../../generators/cloudnative-pg.ts';
import { environments, type PostgresClusterProps } from '../../generators/environments.ts';
import { recoveryPlan } from '../../generators/recovery-budget.ts';
import { generate } from '../../generators/index.ts';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const crd = (p: string) => join(repo, 'vendor/crds', p);
const validators = {
  Cluster: crdValidator(crd('cloudnative-pg/postgresql.cnpg.io_clusters.yaml'), 'Cluster'),
  Database: crdValidator(crd('cloudnative-pg/postgresql.cnpg.io_databases.yaml'), 'Database'),
  ScheduledBackup: crdValidator(crd('cloudnative-pg/postgresql.cnpg.io_scheduledbackups.yaml'), 'ScheduledBackup'),
  ObjectStore: crdValidator(crd('plugin-barman-cloud/barmancloud.cnpg.io_objectstores.yaml'), 'ObjectStore'),
} as const;

/** The committed files (the golden output), parsed: what Argo CD would apply. */
const files = generate();
const rendered = (path: string) => parse(files.get(path)!) as Record<string, any>;

describe('CloudNativePG objects against the vendored CRDs', () => {
  const cnpgFiles = [...files.keys()].filter((f) => f.startsWith('base/postgres-cnpg/') && !f.endsWith('kustomization.yaml'));
  it('renders test and prod (and their restore drills), not dev', () => {
    assert.deepEqual([...new Set(cnpgFiles.map((f) => f.split('/').slice(0, 3).join('/')))].sort(), ['base/postgres-cnpg/prod', 'base/postgres-cnpg/test']);
    assert.ok(files.has('base/postgres-cnpg/prod/restore-drill/cluster.yaml'));
  });
  for (const f of cnpgFiles) {
    const o = rendered(f);
    if (!(o.kind in validators) || !String(o.apiVersion).includes('cnpg.io')) continue;
    it(`${f} (${o.kind}) is valid`, () => {
      assert.deepEqual(validators[o.kind as keyof typeof validators](o), []);
    });
  }

  it('THEN the schema check itself rejects an unknown field, a wrong enum and a missing required field', () => {
    const cluster = rendered('base/postgres-cnpg/prod/cluster.yaml');
    const typo = structuredClone(cluster);
    typo.spec.postgresql.synchronous.numbr = 1;
    assert.match(validators.Cluster(typo).join('\n'), /spec\.postgresql\.synchronous\.numbr: unknown field "numbr"/);
    const badEnum = structuredClone(cluster);
    badEnum.spec.postgresql.synchronous.method = 'all';
    assert.match(validators.Cluster(badEnum).join('\n'), /spec\.postgresql\.synchronous\.method: must be one of "any", "first"/);
    const noCluster = structuredClone(rendered('base/postgres-cnpg/prod/scheduled-backup.yaml'));
    delete noCluster.spec.cluster;
    assert.match(validators.ScheduledBackup(noCluster).join('\n'), /spec\.cluster: missing required field "cluster"/);
  });
});

describe('prod Cluster', () => {
  const cluster = rendered('base/postgres-cnpg/prod/cluster.yaml');
  const plan = recoveryPlan('prod', environments.prod.recovery);
  it('runs 3 instances, one per zone', () => {
    assert.equal(cluster.spec.instances, 3);
    assert.deepEqual(cluster.spec.affinity, { enablePodAntiAffinity: true, topologyKey: 'topology.kubernetes.io/zone', podAntiAffinityType: 'required' });
    assert.equal(cluster.spec.topologySpreadConstraints[0].whenUnsatisfiable, 'DoNotSchedule');
    assert.deepEqual(cluster.spec.topologySpreadConstraints[0].labelSelector.matchLabels, { 'cnpg.io/cluster': 'postgres' });
  });
  it('commits synchronously to any one of the two standbys, strictly, with the failover quorum', () => {
    assert.deepEqual(cluster.spec.postgresql.synchronous, { method: 'any', number: 1, dataDurability: 'required', failoverQuorum: true });
  });
  it('archives WAL through the Barman Cloud plugin with the budget-derived archive_timeout', () => {
    assert.deepEqual(cluster.spec.plugins, [{ name: 'barman-cloud.cloudnative-pg.io', isWALArchiver: true, parameters: { barmanObjectName: 'postgres-backup' } }]);
    assert.equal(cluster.spec.postgresql.parameters.archive_timeout, '60s');
    assert.equal(cluster.spec.backup, undefined, 'the in-tree barmanObjectStore is deprecated');
  });
  it('backs up on the cadence and keeps the retention the budget derives, to a bucket in another region', () => {
    const sb = rendered('base/postgres-cnpg/prod/scheduled-backup.yaml');
    // 40 GiB at 30 MiB/s = 1365.3 s, + 120 s provisioning; two cadences of 16 MiB/min WAL at 30 MiB/s:
    // 6 h -> 384 s (1869.3 > 1800), 4 h -> 256 s (1741.3 <= 1800).
    assert.equal(sb.spec.schedule, '0 15 2,6,10,14,18,22 * * *');
    assert.equal(sb.spec.method, 'plugin');
    assert.equal(sb.spec.cluster.name, cnpgNames.cluster);
    const os = rendered('base/postgres-cnpg/prod/object-store.yaml');
    assert.equal(os.spec.retentionPolicy, plan.retentionPolicy);
    assert.match(os.spec.configuration.destinationPath, /^s3:\/\/marquee-backups-prod-eu-central-1\//);
    assert.equal(os.spec.configuration.s3Credentials.accessKeyId.name, 'postgres-backup-s3');
    assert.ok(files.has('base/postgres-cnpg/prod/external-secret-postgres-backup-s3.yaml'));
  });
  it('declares inventory and billing with their least-privilege owner roles, passwords from the ExternalSecrets', () => {
    for (const db of ['inventory', 'billing']) {
      const d = rendered(`base/postgres-cnpg/prod/database-${db}.yaml`);
      assert.deepEqual({ name: d.spec.name, owner: d.spec.owner, cluster: d.spec.cluster.name, reclaim: d.spec.databaseReclaimPolicy }, { name: db, owner: db, cluster: 'postgres', reclaim: 'retain' });
      const role = cluster.spec.managed.roles.find((r: { name: string }) => r.name === db);
      assert.deepEqual(
        { login: role.login, superuser: role.superuser, createdb: role.createdb, createrole: role.createrole, replication: role.replication, bypassrls: role.bypassrls },
        { login: true, superuser: false, createdb: false, createrole: false, replication: false, bypassrls: false },
      );
      assert.equal(role.passwordSecret.name, `${db}-db`);
      assert.ok(files.has(`base/postgres-cnpg/prod/external-secret-${db}-db.yaml`));
      // The Secret ESO writes carries cnpg.io/reload: the operator then follows a rotated password.
      const es = rendered(`base/postgres-cnpg/prod/external-secret-${db}-db.yaml`);
      assert.equal(es.spec.target.template.metadata.labels['cnpg.io/reload'], 'true');
    }
  });
  it('labels the pods so the services\' NetworkPolicies and the postgres scrape job select them', () => {
    assert.equal(cluster.spec.inheritedMetadata.labels['app.kubernetes.io/name'], 'postgres');
    const np = rendered('base/postgres-cnpg/prod/network-policy.yaml');
    const ports = np.spec.ingress.flatMap((r: { ports: { port: number }[] }) => r.ports.map((p) => p.port));
    assert.ok(ports.includes(5432) && ports.includes(cnpg.metricsPort) && ports.includes(cnpg.statusPort));
  });
  it('test runs 2 instances that keep writing when the standby is down', () => {
    const t = rendered('base/postgres-cnpg/test/cluster.yaml');
    assert.equal(t.spec.instances, 2);
    assert.equal(t.spec.postgresql.synchronous.dataDurability, 'preferred');
  });
  it('the restore drill recovers to a point in time from the archive and never archives into it', () => {
    const d = rendered('base/postgres-cnpg/prod/restore-drill/cluster.yaml');
    assert.match(d.spec.bootstrap.recovery.recoveryTarget.targetTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal(d.spec.externalClusters[0].plugin.parameters.barmanObjectName, 'postgres-backup');
    assert.equal(d.spec.plugins, undefined);
    const np = rendered('base/postgres-cnpg/prod/restore-drill/network-policy.yaml');
    assert.deepEqual(np.spec.podSelector.matchLabels, { 'cnpg.io/cluster': 'postgres-restore-drill' }, 'the default-deny namespace lets the drill reach the bucket');
    assert.ok(np.spec.egress[0].ports.some((p: { port: number }) => p.port === 443));
    const k = parse(files.get('base/postgres-cnpg/prod/kustomization.yaml')!);
    assert.ok(!k.resources.some((r: string) => r.includes('restore-drill')), 'the drill is not synced with the environment');
  });
});

describe('impossible Clusters fail at generation, naming the field', () => {
  const prod = environments.prod.postgresCluster;
  const plan = recoveryPlan('prod', environments.prod.recovery);
  const cases: [string, Partial<PostgresClusterProps>, RegExp][] = [
    ['one instance', { instances: 1 }, /environments\.prod\.postgresCluster\.instances is 1/],
    ['required durability on two instances', { instances: 2 }, /environments\.prod\.postgresCluster\.dataDurability is required with 2 instances/],
    ['backups in the cluster\'s own region', { objectStore: { destinationPath: 's3://x/y', region: 'eu-west-1' } }, /environments\.prod\.postgresCluster\.objectStore\.region is eu-west-1/],
  ];
  for (const [what, change, message] of cases)
    it(what, () => assert.throws(() => cnpgObjects('prod', { ...prod, ...change }, plan), message));
  it('the component list is what generate() writes', () => {
    assert.deepEqual(cnpgComponents().map((c) => c.dir), ['base/postgres-cnpg/test', 'base/postgres-cnpg/test/restore-drill', 'base/postgres-cnpg/prod', 'base/postgres-cnpg/prod/restore-drill']);
  });
});
