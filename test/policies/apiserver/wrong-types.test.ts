// A value of the wrong type anywhere in an object (a number where a name belongs, a map where a list does, null where
// a pod template does) is the schema check's finding; the API server's checks and the data-tier contract must still
// end, with findings or none, and never throw: files mode would print a stack trace and exit 2 instead of the finding.
// Seeded mutations of the real-manifests corpus's objects, each checked as files mode checks it (schema, then the API
// server's checks); the cases a first run of this test found stand below by name.
//   MARQUEE_FUZZ_SEED=<n>   replay (the seed is printed)
//   MARQUEE_FUZZ_COUNT=<n>  how many mutations (default 4000)
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { RenderedObject } from '../../../kube/index.ts';
import { loadManifests } from '../../../kube/yaml-schema.ts';
import { filesUnder } from '../../../scripts/lib/plumbing/files.ts';
import { checkContext, isList } from '../../../scripts/lib/validate/files-check.ts';
import { defaultKubernetesVersion } from '../../../scripts/lib/validate/schema.ts';
import { dataTierIssues } from '../../../policies/contract/data-tier.ts';
import { podTemplateOf } from '../../../kube/workload.ts';
import { ObjectIndex } from '../../../policies/lib/index-objects.ts';
import { repoRoot } from '../../helpers/repo-copy.ts';
import { rng } from '../../helpers/rng.ts';

const corpus = join(repoRoot, 'test/corpus/real-manifests');
const objects: Record<string, any>[] = [];
for (const f of filesUnder(corpus).filter((f) => /\.ya?ml$/.test(f))) {
  let docs: unknown[];
  try {
    docs = loadManifests(readFileSync(join(corpus, f), 'utf8'), 100);
  } catch {
    continue;
  }
  for (const d of docs as Record<string, any>[]) if (d && typeof d === 'object' && typeof d.kind === 'string' && d.kind !== 'CustomResourceDefinition') objects.push(...(isList(d) ? d.items : [d]));
}
const ctx = await checkContext(defaultKubernetesVersion, false, { cwd: corpus, flags: {}, inputCrds: [] });
await ctx.validator.prepare(objects.map((o) => `${o.apiVersion}/${o.kind}`));

/** Files mode's checks of one object; the error thrown, if one is. */
function thrown(object: Record<string, any>): Error | undefined {
  const r: RenderedObject = { target: { name: 'f.yaml', kind: 'files', path: 'f.yaml' }, object, origin: 'f.yaml', index: 0 };
  try {
    ctx.validator.validate(object, defaultKubernetesVersion);
    ctx.apiServerChecks([r]);
    return undefined;
  } catch (err) {
    return err as Error;
  }
}

const deployment = () => structuredClone(objects.find((o) => o.kind === 'Deployment' && o.spec?.template?.spec?.containers?.[0]?.env && o.spec.template.spec.volumes)!);

test('the values a first run found: each is checked without throwing', () => {
  const cases: [string, (o: Record<string, any>) => void][] = [
    ['topologyKey: 5', (o) => (o.spec.template.spec.topologySpreadConstraints = [{ maxSkew: 1, topologyKey: 5, whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { a: 'b' } } }])],
    ['an anti-affinity topologyKey: {}', (o) => (o.spec.template.spec.affinity = { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1, podAffinityTerm: { topologyKey: {}, labelSelector: {} } }] } })],
    ['an env name: 5', (o) => (o.spec.template.spec.containers[0].env[0].name = 5)],
    ['a configMapKeyRef key: 1.5', (o) => (o.spec.template.spec.containers[0].env = [{ name: 'A', valueFrom: { configMapKeyRef: { name: 'c', key: 1.5 } } }])],
    ['a secret item path: -1', (o) => (o.spec.template.spec.volumes = [{ name: 'v', secret: { secretName: 's', items: [{ key: 'k', path: -1 }] } }])],
  ];
  for (const [name, edit] of cases) {
    const o = deployment();
    edit(o);
    assert.equal(thrown(o)?.stack, undefined, name);
  }
  const binding = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'b', namespace: 'n' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: true }, subjects: [] };
  assert.equal(thrown(binding)?.stack, undefined, 'a roleRef name: true');
  for (const apiVersion of ['toString', 'constructor']) assert.equal(thrown({ ...binding, apiVersion })?.stack, undefined, `apiVersion: ${apiVersion}`);
  // a kind named like one of Object.prototype's functions is no workload (repository mode indexes every object)
  for (const kind of ['toString', 'constructor', 'hasOwnProperty']) {
    assert.equal(podTemplateOf({ kind, spec: { template: { spec: {} } } }), undefined, kind);
    const r: RenderedObject = { target: { name: 't', kind: 'files', path: 't' }, object: { apiVersion: 'v1', kind, metadata: { name: 'x' } }, origin: 't', index: 0 };
    assert.doesNotThrow(() => new ObjectIndex([r]), kind);
  }
});

test('the data-tier contract on a StatefulSet whose patch left the pod template or spec out', () => {
  const sts = (name: string, spec: unknown) => ({ apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name }, spec }) as never;
  for (const spec of [{ replicas: 3, template: { spec: null } }, { replicas: 3, template: null }, null, { replicas: 3, template: { spec: { containers: [null, 5] } } }])
    assert.doesNotThrow(() => dataTierIssues('prod', [sts('rabbitmq', spec), sts('postgres', spec)]), JSON.stringify(spec));
});

const seed = Number(process.env.MARQUEE_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
console.log(`wrong-types fuzz seed ${seed} (replay: MARQUEE_FUZZ_SEED=${seed})`);

test('any field of a real object set to a value of another type: checked without throwing', () => {
  const random = rng(seed);
  const int = (n: number) => Math.floor(random() * n);
  // and the names Object.prototype has, where a table is looked up by a value (a kind, an apiVersion, a unit)
  const odd = [5, -1, 1.5, true, false, null, {}, [], '', 'x', { a: 1 }, ['a'], [{}], 'toString', 'constructor', '__proto__', 'hasOwnProperty'];
  const paths = (v: unknown, at: (string | number)[], out: (string | number)[][]): (string | number)[][] => {
    if (at.length) out.push(at);
    if (v && typeof v === 'object') for (const k of Object.keys(v)) paths((v as Record<string, unknown>)[k], [...at, Array.isArray(v) ? Number(k) : k], out);
    return out;
  };
  const count = Number(process.env.MARQUEE_FUZZ_COUNT ?? 4000);
  const failures: string[] = [];
  for (let i = 0; i < count && failures.length < 5; i++) {
    const o = structuredClone(objects[int(objects.length)]!);
    const all = paths(o, [], []);
    const path = all[int(all.length)]!;
    let parent: any = o;
    for (const k of path.slice(0, -1)) parent = parent[k];
    const value = structuredClone(odd[int(odd.length)]);
    parent[path.at(-1)!] = value;
    const err = thrown(o);
    if (err) failures.push(`${o.kind} ${path.join('.')} = ${JSON.stringify(value)}: ${err.stack?.split('\n').slice(0, 3).join(' | ')}`);
  }
  assert.deepEqual(failures, [], `seed ${seed}`);
});
