// The Argo Rollouts install (generators/rollouts/install.ts, vendor/): the vendored files are
// the pinned release's, the platform overlays render the controller once per cluster with the
// release image, the CRDs in the earliest sync wave, and its binding pointing at its own ServiceAccount.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { clusters } from '../../../generators/environments.ts';
import { installWaves } from '../../../generators/rollouts/install.ts';
import { argoRollouts, rolloutsCrdNames } from '../../../generators/rollouts/version.ts';
import { kustomizeBinary } from '../../../scripts/lib/kustomize/index.ts';
import { repoRoot } from '../../helpers/repo-copy.ts';

type Obj = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; annotations?: Record<string, string>; labels?: Record<string, string> }; [k: string]: any };
const docs = (text: string): Obj[] => parseAllDocuments(text).map((d) => d.toJSON() as Obj).filter(Boolean);
const read = (path: string): string => readFileSync(`${repoRoot}/${path}`, 'utf8');

describe('vendor/ argo-rollouts', () => {
  it('the install manifest carries exactly the vendored CRDs, byte for byte', () => {
    const installCrds = docs(read('vendor/operators/argo-rollouts/install.yaml')).filter((o) => o.kind === 'CustomResourceDefinition');
    const files = readdirSync(`${repoRoot}/vendor/crds/argo-rollouts`).filter((f) => f.endsWith('-crd.yaml'));
    const vendored = files.flatMap((f) => docs(read(`vendor/crds/argo-rollouts/${f}`)));
    assert.deepEqual(installCrds.map((c) => c.metadata.name).sort(), [...rolloutsCrdNames]);
    assert.deepEqual(vendored.map((c) => c.metadata.name).sort(), [...rolloutsCrdNames]);
    for (const crd of installCrds)
      assert.deepEqual(crd, vendored.find((v) => v.metadata.name === crd.metadata.name), `${crd.metadata.name} differs between crds/ and operators/`);
  });

  it('vendor/README.md names the version pinned in generators/rollouts/version.ts, and both folders carry the LICENSE', () => {
    const rows = read('vendor/README.md').split('\n').filter((l) => l.includes('argo-rollouts |'));
    assert.equal(rows.length, 2);
    for (const row of rows) assert.match(row, new RegExp(`\\| ${argoRollouts.version.replace(/\./g, '\\.')} \\|`));
    for (const dir of ['crds', 'operators']) assert.match(read(`vendor/${dir}/argo-rollouts/LICENSE`), /Apache License\s+Version 2\.0/);
  });
});

describe('overlays/platform/<cluster> installs Argo Rollouts', () => {
  for (const c of Object.values(clusters)) {
    it(`${c.name}: one controller with the release image, CRDs first, binding to its own ServiceAccount`, () => {
      const objects = docs(execFileSync(kustomizeBinary(), ['build', `overlays/platform/${c.name}`], { cwd: repoRoot, encoding: 'utf8', maxBuffer: 64 << 20 }));
      const crds = objects.filter((o) => o.kind === 'CustomResourceDefinition' && o.spec.group === 'argoproj.io');
      assert.deepEqual(crds.map((o) => o.metadata.name).sort(), [...rolloutsCrdNames]);
      const waves = objects.map((o) => Number(o.metadata.annotations?.['argocd.argoproj.io/sync-wave'] ?? 0));
      for (const crd of crds) assert.equal(crd.metadata.annotations?.['argocd.argoproj.io/sync-wave'], String(installWaves.crds));
      assert.equal(Math.min(...waves), installWaves.crds, 'no object may be applied before the CRDs');
      const controllers = objects.filter((o) => o.kind === 'Deployment' && o.metadata.name === 'argo-rollouts');
      assert.equal(controllers.length, 1);
      const ctl = controllers[0]!;
      assert.equal(ctl.metadata.namespace, c.platformNamespace);
      assert.equal(ctl.spec.template.spec.containers[0].image, `${argoRollouts.image}:${argoRollouts.version}`);
      const sa = ctl.spec.template.spec.serviceAccountName;
      const binding = objects.find((o) => o.kind === 'ClusterRoleBinding' && o.roleRef?.name === `argo-rollouts-${c.name}`);
      assert.ok(binding, 'a ClusterRoleBinding to the (suffixed) argo-rollouts ClusterRole');
      assert.deepEqual(binding.subjects, [{ kind: 'ServiceAccount', name: sa, namespace: c.platformNamespace }]);
      assert.ok(objects.some((o) => o.kind === 'ServiceAccount' && o.metadata.name === sa && o.metadata.namespace === c.platformNamespace));
    });
  }
});
