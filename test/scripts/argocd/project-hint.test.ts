// The fix an argocd/project-denies-resource finding names: the project field Argo CD's
// IsGroupKindPermitted decides by, or removing a copy another Application already deploys;
// and a custom resource's scope read from its CRD, as the API server would answer Argo CD.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crdScopes, deniedKindHint, isGroupKindPermitted, isNamespaced, type ProjectSpec } from '../../../scripts/lib/argocd/project.ts';

const crd = (kind: string, scope: string) => ({
  object: { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: `${kind.toLowerCase()}s.argoproj.io` }, spec: { group: 'argoproj.io', names: { kind }, scope } },
  target: { path: 'overlays/platform/nonprod' },
});

test('a custom resource is namespaced or not as its CRD says; without a CRD, by the discovery table', () => {
  const crds = crdScopes([crd('ClusterAnalysisTemplate', 'Cluster'), crd('Rollout', 'Namespaced')]);
  assert.equal(isNamespaced('argoproj.io/v1alpha1', 'ClusterAnalysisTemplate', crds), false);
  assert.equal(isNamespaced('argoproj.io/v1alpha1', 'ClusterAnalysisTemplate'), true);
  assert.equal(isNamespaced('argoproj.io/v1alpha1', 'Rollout', crds), true);
  assert.equal(isNamespaced('rbac.authorization.k8s.io/v1', 'ClusterRole', crds), false);
});

test('the hint names the field that refused the kind', () => {
  const dev: ProjectSpec = { clusterResourceWhitelist: [{ group: '', kind: 'Namespace', name: 'marquee-dev' }] };
  const cat = { group: 'argoproj.io', kind: 'ClusterAnalysisTemplate', name: 'success-rate', namespaced: false };
  assert.equal(isGroupKindPermitted(dev, cat.group, cat.kind, cat.namespaced, cat.name), false);
  assert.equal(
    deniedKindHint(dev, 'marquee-dev', cat, { crd: { name: 'clusteranalysistemplates.argoproj.io', renderedBy: 'overlays/platform/nonprod' } }),
    `add { group: "argoproj.io", kind: ClusterAnalysisTemplate, name: success-rate } to project marquee-dev's clusterResourceWhitelist (generators/argocd/projects.ts) (ClusterAnalysisTemplate is cluster-scoped: its CRD clusteranalysistemplates.argoproj.io in overlays/platform/nonprod says so)`,
  );
  // a namespaced kind needs an entry only when namespaceResourceWhitelist is set
  const narrow: ProjectSpec = { namespaceResourceWhitelist: [{ group: 'apps', kind: 'Deployment' }] };
  const rollout = { group: 'argoproj.io', kind: 'Rollout', name: 'api', namespaced: true };
  assert.equal(isGroupKindPermitted(narrow, rollout.group, rollout.kind, true), false);
  assert.match(deniedKindHint(narrow, 'p', rollout), /^add \{ group: "argoproj\.io", kind: Rollout \} to project p's namespaceResourceWhitelist/);
  const black: ProjectSpec = { namespaceResourceBlacklist: [{ group: 'argoproj.io', kind: '*' }] };
  assert.match(deniedKindHint(black, 'p', rollout), /^project p's namespaceResourceBlacklist denies argoproj\.io\/Rollout/);
});

test('an object another Application already deploys to the cluster: remove the copy, whitelist nothing', () => {
  const hint = deniedKindHint(
    { clusterResourceWhitelist: [] },
    'marquee-dev',
    { group: 'apiextensions.k8s.io', kind: 'CustomResourceDefinition', name: 'rollouts.argoproj.io', namespaced: false },
    { deployedBy: { applications: ['marquee-platform-nonprod'], path: 'overlays/platform/nonprod', project: 'marquee-platform-nonprod' } },
  );
  assert.match(hint, /already deployed to this cluster by overlays\/platform\/nonprod .*: remove it from this overlay/);
  assert.doesNotMatch(hint, /Whitelist/);
});
