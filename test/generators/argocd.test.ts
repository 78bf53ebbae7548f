// The Argo CD objects generated from the environment contract: tight projects,
// Gitflow ApplicationSets, previews, bootstrap; and argocd/ on disk equals them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { argocdComponents, bootstrapApplication } from '../../generators/argocd/index.ts';
import { applicationSets, environmentAppSet, platformAppSet, previewsAppSet } from '../../generators/argocd/application-sets.ts';
import { environmentProject, platformProject, previewsProject, projects, deliveryProject } from '../../generators/argocd/projects.ts';
import { deliveryBranch, platformBranchFor, previews, promotionOrder } from '../../generators/argocd/delivery.ts';
import { clusters, environments, envNames, repository, type ClusterName } from '../../generators/environments.ts';
import { renderComponent, type FileMap } from '../../generators/lib/component.ts';
import { isDestinationPermitted, isGroupKindPermitted, isSourcePermitted } from '../../scripts/lib/argocd/project.ts';
import { repoRoot } from '../fixtures/argocd/repo.ts';

test('every generated Argo CD object passes its model validation and argocd/ on disk is what the generator writes', () => {
  const files: FileMap = new Map();
  for (const c of argocdComponents()) renderComponent(c, files); // throws on an invalid object
  assert.ok(files.size >= 15);
  for (const [path, content] of files) assert.equal(readFileSync(join(repoRoot, path), 'utf8'), content, `${path} is stale: run npm run generate`);
});

test('environment projects allow this repository, their own namespace on their own cluster, and only that Namespace cluster-wide', () => {
  for (const env of envNames) {
    const e = environments[env];
    const p = environmentProject(env).spec;
    const server = clusters[e.cluster].server;
    assert.deepEqual(p.sourceRepos, [repository.url]);
    assert.ok(isSourcePermitted(p, repository.url.replace('.git', '')), 'the same repository without .git');
    assert.ok(!isSourcePermitted(p, 'https://github.com/someone/else.git'));
    assert.ok(isDestinationPermitted(p, { server, namespace: e.namespace }));
    for (const other of envNames.filter((o) => o !== env)) assert.ok(!isDestinationPermitted(p, { server, namespace: environments[other].namespace }), `${env} must not reach ${other}`);
    assert.ok(!isDestinationPermitted(p, { server, namespace: 'kube-system' }));
    assert.ok(isGroupKindPermitted(p, '', 'Namespace', false, e.namespace));
    assert.ok(!isGroupKindPermitted(p, '', 'Namespace', false, 'kube-system'), 'only its own Namespace');
    assert.ok(!isGroupKindPermitted(p, 'rbac.authorization.k8s.io', 'ClusterRole', false, 'x'));
    assert.equal(p.orphanedResources?.warn, true);
    assert.ok(!JSON.stringify(p).includes('"*"'), 'no wildcard anywhere');
  }
});

test('platform projects: one per cluster, the platform namespace plus ClusterRoles/bindings; previews: marquee-pr-* only', () => {
  for (const c of Object.keys(clusters) as ClusterName[]) {
    const p = platformProject(c).spec;
    assert.ok(isDestinationPermitted(p, { server: clusters[c].server, namespace: clusters[c].platformNamespace }));
    assert.ok(!isDestinationPermitted(p, { server: clusters[c].server, namespace: 'marquee-dev' }));
    assert.ok(isGroupKindPermitted(p, 'rbac.authorization.k8s.io', 'ClusterRole', false, 'prometheus'));
    assert.ok(!isGroupKindPermitted(p, 'apiextensions.k8s.io', 'CustomResourceDefinition', false, 'x'));
  }
  const pv = previewsProject().spec;
  const server = clusters[environments[previews.env].cluster].server;
  assert.ok(isDestinationPermitted(pv, { server, namespace: 'marquee-pr-42' }));
  assert.ok(!isDestinationPermitted(pv, { server, namespace: 'marquee-dev' }));
  assert.ok(!isDestinationPermitted(pv, { server: clusters.prod.server, namespace: 'marquee-pr-42' }), 'previews never reach prod');
  assert.ok(isGroupKindPermitted(pv, '', 'Namespace', false, 'marquee-pr-42'));
  assert.ok(!isGroupKindPermitted(pv, '', 'Namespace', false, 'marquee-prod'));
  assert.equal(projects().length, envNames.length + Object.keys(clusters).length + 1);
  assert.deepEqual(deliveryProject().spec.clusterResourceWhitelist, [], 'the delivery project creates nothing cluster-scoped');
});

test('environment ApplicationSets: Go templates with missingkey=error, each env on its own branch, literal project, guarded when long-lived', () => {
  for (const env of envNames) {
    const e = environments[env];
    const s = environmentAppSet(env).spec;
    assert.equal(s.goTemplate, true);
    assert.deepEqual(s.goTemplateOptions, ['missingkey=error']);
    assert.equal(s.template.spec.project, `marquee-${env}`, 'project is a literal');
    const [list, gitGen] = s.generators[0]!.matrix!.generators;
    assert.equal((list!.list!.elements![0] as any).branch, e.branch);
    assert.equal(gitGen!.git!.revision, '{{ .branch }}');
    assert.deepEqual(gitGen!.git!.directories, [{ path: `${e.overlay}/*` }]);
    assert.equal(s.template.spec.source!.targetRevision, '{{ .branch }}');
    assert.deepEqual(s.template.spec.syncPolicy!.automated, { prune: true, selfHeal: true });
    assert.ok(s.template.spec.syncPolicy!.syncOptions!.includes('ServerSideApply=true'));
    assert.equal(s.syncPolicy?.preserveResourcesOnDeletion, e.sync.preserveResourcesOnDeletion);
    assert.equal(s.syncPolicy?.applicationsSync, e.sync.preserveResourcesOnDeletion ? 'create-update' : undefined);
    const ann = environmentAppSet(env).metadata!.annotations!;
    assert.equal(ann['argocd.argoproj.io/sync-options'], e.sync.preserveResourcesOnDeletion ? 'Prune=false,Delete=false' : undefined);
  }
});

test('the platform follows the earliest environment on each cluster; previews deploy PR heads into marquee-pr-<number>', () => {
  assert.equal(platformBranchFor('nonprod'), environments[promotionOrder.find((e) => environments[e].cluster === 'nonprod')!].branch);
  assert.equal(platformBranchFor('prod'), environments.prod.branch);
  const pl = platformAppSet().spec;
  assert.equal(pl.template.spec.project, 'marquee-platform-{{ .cluster }}');
  assert.deepEqual(Object.keys(pl.generators[0]!), ['list'], 'the templated project only reads list elements');

  const pr = previewsAppSet().spec;
  const gen = pr.generators[0]!.pullRequest!;
  assert.deepEqual(gen.github!.labels, ['preview']);
  assert.deepEqual(gen.filters, [{ targetBranchMatch: `^${environments[promotionOrder[0]!].branch}$` }]);
  assert.equal(pr.template.spec.project, 'marquee-previews');
  assert.equal(pr.template.spec.source!.targetRevision, '{{ .head_sha }}');
  assert.equal(pr.template.spec.destination.namespace, 'marquee-pr-{{ .number }}');
  assert.equal(pr.template.spec.source!.kustomize!.namespace, 'marquee-pr-{{ .number }}');
  assert.ok(pr.template.metadata.finalizers!.includes('resources-finalizer.argocd.argoproj.io'), 'closing the PR deletes the namespace');
  assert.equal(applicationSets().length, envNames.length + 2);
});

test('the bootstrap Application syncs argocd/ from the delivery branch (main) through the delivery project', () => {
  const app = bootstrapApplication().spec;
  assert.equal(deliveryBranch, 'main');
  assert.equal(app.source!.targetRevision, deliveryBranch);
  assert.equal(app.source!.path, 'argocd');
  assert.equal(app.project, 'marquee-delivery');
  const dp = deliveryProject().spec;
  assert.ok(isGroupKindPermitted(dp, 'argoproj.io', 'ApplicationSet', true));
  assert.ok(!isGroupKindPermitted(dp, 'apps', 'Deployment', true), 'the delivery project deploys Argo CD objects only');
});
