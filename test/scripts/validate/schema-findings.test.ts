// scripts/lib/validate/schema-findings.ts schemaIssuesKey: the schema-issue cache (schema-issues.json) is keyed by
// the field tree, the vendored CRDs with their validator's code, and schema.ts with everything it imports. Each input
// changes the key; the checkout's place on disk does not. Each key is computed in a process of its own, in a copy of
// the code (codeDigest and crdCacheKey are computed once per process).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ownCrds, schemaIssuesKey } from '../../../scripts/lib/validate/schema-findings.ts';
import { repoRoot } from '../../helpers/repo-copy.ts';

const parents: string[] = [];

/** A throw-away checkout of the code and the vendored CRDs, packages linked. */
function checkout(): string {
  const parent = mkdtempSync(join(tmpdir(), 'marquee-schema-key-'));
  parents.push(parent);
  const dir = join(parent, 'checkout');
  for (const d of ['scripts', 'generators', 'policies', 'kube', 'apps', 'vendor', 'package.json', 'tsconfig.json'])
    cpSync(join(repoRoot, d), join(dir, d), { recursive: true, filter: (src) => !src.includes('node_modules') });
  mkdirSync(join(dir, 'node_modules'));
  for (const name of readdirSync(join(repoRoot, 'node_modules'))) if (name !== '.cache') symlinkSync(join(repoRoot, 'node_modules', name), join(dir, 'node_modules', name));
  return dir;
}

/** schemaIssuesKey(treeKey) as a process in the checkout `dir` computes it. */
function keyIn(dir: string, treeKey = 'tree-a'): string {
  const probe = join(dir, 'scripts/lib/validate/schema-key-probe.ts');
  writeFileSync(probe, `import { schemaIssuesKey } from './schema-findings.ts';\nconsole.log(JSON.stringify(schemaIssuesKey(${JSON.stringify(treeKey)})));\n`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', probe], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, `the key probe in ${dir}: ${r.stderr}${r.error ?? ''}`);
  return JSON.parse(r.stdout) as string;
}

describe('the schema-issue cache key', () => {
  after(() => parents.forEach((p) => rmSync(p, { recursive: true, force: true })));
  const a = checkout();
  const b = checkout();

  it('does not depend on where the checkout lives: two copies and this checkout agree', () => {
    assert.notEqual(a, b);
    const key = keyIn(a);
    assert.equal(keyIn(b), key);
    assert.equal(schemaIssuesKey('tree-a'), key);
  });

  it('changes with the field tree', () => {
    assert.notEqual(keyIn(a, 'tree-b'), keyIn(a, 'tree-a'));
  });

  it('changes with schema.ts and with a module it imports (kube/closest.ts, the "did you mean" of unknown fields)', () => {
    const before = keyIn(b);
    appendFileSync(join(b, 'scripts/lib/validate/schema.ts'), '\n// edited\n');
    const edited = keyIn(b);
    assert.notEqual(edited, before);
    appendFileSync(join(b, 'kube/closest.ts'), '\n// edited\n');
    assert.notEqual(keyIn(b), edited);
  });

  it('changes with the vendored CRDs and with the CRD validator (policies/lib/crd-formats.ts)', () => {
    const c = checkout();
    const before = keyIn(c);
    appendFileSync(join(c, 'vendor/crds/cloudnative-pg/postgresql.cnpg.io_clusters.yaml'), '\n');
    const crds = keyIn(c);
    assert.notEqual(crds, before);
    appendFileSync(join(c, 'policies/lib/crd-formats.ts'), '\n// edited\n');
    assert.notEqual(keyIn(c), crds);
  });
});

// ownCrds: the CRDs a cluster renders that serve a kind no vendored CRD serves (a team's own, in an overlay).
describe('ownCrds', () => {
  const target = (cluster: 'nonprod' | 'prod') => ({ name: `platform/${cluster}`, kind: 'platform' as const, path: `overlays/platform/${cluster}`, cluster, namespace: 'monitoring' });
  const crd = (group: string, kind: string, plural: string, version = 'v1') => ({
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${group}` },
    spec: { group, scope: 'Namespaced', names: { plural, kind }, versions: [{ name: version, served: true, storage: true, schema: { openAPIV3Schema: { type: 'object' } } }] },
  });
  const rendered = (cluster: 'nonprod' | 'prod', object: Record<string, any>) => ({ target: target(cluster), object, origin: `overlays/platform/${cluster}/crds.yaml`, index: 0 });

  it("serves an own CRD's kind on the cluster that renders it, and not on another", () => {
    const own = ownCrds([rendered('prod', crd('platform.marquee.dev', 'Widget', 'widgets'))]);
    assert.deepEqual([...own.keys()], ['cluster:prod']);
    assert.equal(own.get('cluster:prod')!.crds.lookup('platform.marquee.dev/v1', 'Widget')?.file, 'overlays/platform/prod/crds.yaml');
  });
  it('leaves a vendored kind to its vendored CRD, even when the render holds a changed copy of it', () => {
    const rollouts = crd('argoproj.io', 'Rollout', 'rollouts', 'v1alpha1');
    rollouts.spec.scope = 'Namespace';
    assert.equal(ownCrds([rendered('nonprod', rollouts)]).size, 0);
  });
  it("changes its scope's digest when the CRD changes", () => {
    const a = ownCrds([rendered('prod', crd('platform.marquee.dev', 'Widget', 'widgets'))]).get('cluster:prod')!.digest;
    const changed = crd('platform.marquee.dev', 'Widget', 'widgets');
    changed.spec.versions[0]!.schema.openAPIV3Schema = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } as any;
    assert.notEqual(ownCrds([rendered('prod', changed)]).get('cluster:prod')!.digest, a);
  });
});
