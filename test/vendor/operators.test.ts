// The vendored operator installs (vendor/operators/*/kustomization.yaml) built with the real
// kustomize: release images pinned as generators/vendored.ts says (never the tag's development
// build), Argo CD sync waves putting every CRD before everything else, and the CRDs they install
// identical to the ones the generator output is tested against (vendor/crds).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { vendored } from '../../generators/vendored.ts';
import { kustomizeBinary } from '../../scripts/lib/kustomize/index.ts';
import type { KubeObject } from '../../kube/index.ts';

const repo = fileURLToPath(new URL('../..', import.meta.url));
type Obj = KubeObject;
const build = (dir: string): Obj[] =>
  parseAllDocuments(execFileSync(kustomizeBinary(), ['build', join(repo, dir)], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 120_000 }))
    .map((d) => d.toJS() as Obj)
    .filter(Boolean);
const wave = (o: Obj) => Number(o.metadata.annotations?.['argocd.argoproj.io/sync-wave']);
const images = (objs: Obj[]) =>
  objs.filter((o) => o.kind === 'Deployment').flatMap((o) => [...(o.spec.template.spec.initContainers ?? []), ...o.spec.template.spec.containers].map((c: { image: string }) => c.image));

const cases = [
  { dir: 'vendor/operators/cloudnative-pg', project: vendored.cloudnativePg },
  { dir: 'vendor/operators/plugin-barman-cloud', project: vendored.pluginBarmanCloud },
] as const;

for (const { dir, project } of cases)
  describe(dir, () => {
    const objs = build(dir);
    it('runs only the release images pinned in generators/vendored.ts', () => {
      const pinned = Object.values(project.images) as string[];
      const used = images(objs);
      assert.ok(used.length > 0);
      for (const image of used) assert.ok(pinned.includes(image), `${image} is not one of ${pinned.join(', ')}`);
      for (const o of objs) assert.doesNotMatch(JSON.stringify(o), /-testing:main|:latest"/, `${o.kind}/${o.metadata.name} names a development image`);
    });
    it('syncs every CRD in a wave before every other object', () => {
      const crds = objs.filter((o) => o.kind === 'CustomResourceDefinition');
      const rest = objs.filter((o) => o.kind !== 'CustomResourceDefinition');
      assert.ok(crds.length > 0 && rest.length > 0);
      for (const o of objs) assert.ok(Number.isInteger(wave(o)), `${o.kind}/${o.metadata.name} has no sync-wave`);
      const lastCrd = Math.max(...crds.map(wave));
      for (const o of rest) assert.ok(wave(o) > lastCrd, `${o.kind}/${o.metadata.name} wave ${wave(o)} is not after the CRDs (${lastCrd})`);
      // Generated objects use waves >= -2 (generators/lib/argocd-waves.ts): the operator comes first.
      for (const o of objs) assert.ok(wave(o) < -2, `${o.kind}/${o.metadata.name}`);
    });
    it('installs the same CRDs the generator output is validated against', () => {
      const crdDir = join(repo, project.crds);
      const files = readdirSync(crdDir).filter((f) => f.endsWith('.yaml'));
      const installed = new Map(objs.filter((o) => o.kind === 'CustomResourceDefinition').map((o) => [o.metadata.name, o.spec]));
      assert.equal(installed.size, files.length);
      for (const f of files) {
        const crd = parseAllDocuments(readFileSync(join(crdDir, f), 'utf8')).map((d) => d.toJS() as Obj).find((o) => o?.kind === 'CustomResourceDefinition')!;
        assert.deepEqual(installed.get(crd.metadata.name), crd.spec, `${f} differs from the install manifest's ${crd.metadata.name}`);
      }
    });
  });

it('the plugin deploys the pinned sidecar image, not the development build', () => {
  const secret = build('vendor/operators/plugin-barman-cloud').find((o) => o.kind === 'Secret')!;
  assert.equal(Buffer.from(secret.data!['SIDECAR_IMAGE']!, 'base64').toString(), vendored.pluginBarmanCloud.images.sidecar);
});
