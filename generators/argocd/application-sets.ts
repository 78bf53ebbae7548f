// ApplicationSets: one per environment (Gitflow: each tracks its own branch), one
// for the per-cluster platform stack, one for pull-request previews. All use Go
// templates with missingkey=error; no `project` is ever templated from Git or PR data.
import { ApplicationSet } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1/ApplicationSet';
import type { IApplicationSetTemplate } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1/ApplicationSetTemplate';
import type { ISyncPolicy } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1/SyncPolicy';
import { clusters, environments, repository, type EnvName } from '../environments.ts';
import { partOf } from '../lib/labels.ts';
import {
  argocdNamespace,
  envObjectName,
  labelKeys,
  platformBranchFor,
  platformClusters,
  platformOverlay,
  previews,
  projectName,
  resourcesFinalizer,
} from './delivery.ts';

const goTemplate = (): { goTemplate: boolean; goTemplateOptions: string[] } => ({ goTemplate: true, goTemplateOptions: ['missingkey=error'] });

/**
 * Sync options every generated Application uses.
 * - ServerSideApply: large objects (Grafana dashboards, CRDs) exceed the client-side last-applied annotation.
 * - PruneLast: delete removed objects only after everything else is healthy.
 * - FailOnSharedResource: two Applications must never fight over one object (two envs on one cluster).
 * - PrunePropagationPolicy=foreground: a pruned Deployment's pods are gone before the sync reports done.
 */
export const syncOptions = ['ServerSideApply=true', 'PruneLast=true', 'FailOnSharedResource=true', 'PrunePropagationPolicy=foreground'];

/**
 * Retry failed syncs with backoff. This is also how the services Application waits
 * for the data Application on first install: until the data tier has created the
 * namespace and secrets, the services sync fails and is retried (see docs/delivery.md).
 */
export const syncRetry = { limit: 10, backoff: { duration: '15s', factor: 2, maxDuration: '5m' } };

function syncPolicy(automated: boolean): ISyncPolicy {
  return {
    ...(automated ? { automated: { prune: true, selfHeal: true } } : {}),
    syncOptions,
    retry: syncRetry,
  };
}

const labelsFor = (name: string): Record<string, string> => ({
  'app.kubernetes.io/name': name,
  'app.kubernetes.io/part-of': partOf,
  'app.kubernetes.io/component': 'delivery',
});

/**
 * ApplicationSets are created after the projects (bootstrap sync wave 0). Those of
 * long-lived environments also carry Prune=false,Delete=false: deleting their file
 * from Git (a generator glitch) must not delete the ApplicationSet and with it prod.
 */
function appSetAnnotations(longLived: boolean): Record<string, string> {
  return {
    'argocd.argoproj.io/sync-wave': '0',
    ...(longLived ? { 'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false' } : {}),
  };
}

/**
 * An environment's ApplicationSet: the environment's facts (list) × the component
 * directories on its branch (git directories `overlays/<env>/*`), one Application
 * per component. A component reaches an environment when its directory is merged
 * into that environment's branch.
 */
export function environmentAppSet(env: EnvName): ApplicationSet {
  const e = environments[env];
  const longLived = e.sync.preserveResourcesOnDeletion;
  const template: IApplicationSetTemplate = {
    metadata: {
      name: 'marquee-{{ .env }}-{{ .path.basename }}',
      namespace: argocdNamespace,
      labels: { ...labelsFor('marquee-{{ .env }}-{{ .path.basename }}'), [labelKeys.environment]: '{{ .env }}', [labelKeys.component]: '{{ .path.basename }}' },
      finalizers: [resourcesFinalizer],
    },
    spec: {
      project: projectName.env(env),
      source: { repoURL: repository.url, targetRevision: '{{ .branch }}', path: '{{ .path.path }}' },
      destination: { server: '{{ .server }}', namespace: '{{ .namespace }}' },
      syncPolicy: syncPolicy(e.sync.automated),
      revisionHistoryLimit: 10,
    },
  };
  return new ApplicationSet({
    metadata: {
      name: envObjectName(env),
      namespace: argocdNamespace,
      labels: { ...labelsFor(envObjectName(env)), [labelKeys.environment]: env },
      annotations: appSetAnnotations(longLived),
    },
    spec: {
      ...goTemplate(),
      generators: [
        {
          matrix: {
            generators: [
              {
                list: {
                  elements: [{ env, branch: e.branch, namespace: e.namespace, cluster: e.cluster, server: clusters[e.cluster].server }],
                },
              },
              {
                git: {
                  repoURL: repository.url,
                  revision: '{{ .branch }}',
                  directories: [{ path: `${e.overlay}/*` }],
                },
              },
            ],
          },
        },
      ],
      // create-update: a generator glitch (an empty git listing) never deletes a long-lived environment's Applications.
      syncPolicy: longLived ? { preserveResourcesOnDeletion: true, applicationsSync: 'create-update' } : { preserveResourcesOnDeletion: false },
      template,
    },
  });
}

/** One platform Application per cluster, tracking the branch of the earliest environment on that cluster. */
export function platformAppSet(): ApplicationSet {
  const elements = platformClusters().map((c) => ({
    cluster: c,
    server: clusters[c].server,
    namespace: clusters[c].platformNamespace,
    branch: platformBranchFor(c),
    path: platformOverlay(c),
  }));
  return new ApplicationSet({
    metadata: { name: 'marquee-platform', namespace: argocdNamespace, labels: labelsFor('marquee-platform'), annotations: appSetAnnotations(true) },
    spec: {
      ...goTemplate(),
      generators: [{ list: { elements } }],
      syncPolicy: { preserveResourcesOnDeletion: true, applicationsSync: 'create-update' },
      template: {
        metadata: {
          name: 'marquee-platform-{{ .cluster }}',
          namespace: argocdNamespace,
          labels: { ...labelsFor('marquee-platform-{{ .cluster }}'), [labelKeys.cluster]: '{{ .cluster }}', [labelKeys.component]: 'platform' },
          finalizers: [resourcesFinalizer],
        },
        spec: {
          // Templated only from this ApplicationSet's own list (the contract), never from Git or PR data.
          project: 'marquee-platform-{{ .cluster }}',
          source: { repoURL: repository.url, targetRevision: '{{ .branch }}', path: '{{ .path }}' },
          destination: { server: '{{ .server }}', namespace: '{{ .namespace }}' },
          syncPolicy: syncPolicy(true),
          revisionHistoryLimit: 10,
        },
      },
    },
  });
}

/**
 * Pull-request previews: every open PR labelled `preview` that targets the first
 * environment's branch is deployed at its head commit to `marquee-pr-<number>`.
 * The overlay's Namespace is a managed resource, so closing the PR deletes the
 * Application and (resources finalizer) the whole namespace.
 */
export function previewsAppSet(): ApplicationSet {
  const e = environments[previews.env];
  const ns = `${previews.namespacePrefix}{{ .number }}`;
  return new ApplicationSet({
    metadata: { name: projectName.previews, namespace: argocdNamespace, labels: labelsFor(projectName.previews), annotations: appSetAnnotations(false) },
    spec: {
      ...goTemplate(),
      generators: [
        {
          pullRequest: {
            github: { owner: repository.github.owner, repo: repository.github.repo, labels: [previews.label] },
            filters: [{ targetBranchMatch: `^${previews.targetBranch}$` }],
            requeueAfterSeconds: previews.requeueAfterSeconds,
          },
        },
      ],
      template: {
        metadata: {
          name: ns,
          namespace: argocdNamespace,
          labels: { ...labelsFor(ns), [labelKeys.preview]: '{{ .number }}', [labelKeys.environment]: 'preview' },
          finalizers: [resourcesFinalizer],
        },
        spec: {
          project: projectName.previews,
          info: [{ name: 'Pull request', value: `https://github.com/${repository.github.owner}/${repository.github.repo}/pull/{{ .number }}` }],
          source: {
            repoURL: repository.url,
            targetRevision: '{{ .head_sha }}',
            path: previews.overlay,
            kustomize: {
              // Argo CD runs `kustomize edit set namespace` before building: the overlay cannot know the PR number.
              namespace: ns,
              patches: [
                {
                  target: { group: 'networking.k8s.io', version: 'v1', kind: 'Ingress', name: 'web' },
                  patch: `- op: replace\n  path: /spec/rules/0/host\n  value: pr-{{ .number }}.${previews.hostSuffix}\n`,
                },
              ],
            },
          },
          destination: { server: clusters[e.cluster].server, namespace: ns },
          syncPolicy: syncPolicy(true),
          revisionHistoryLimit: 3,
        },
      },
    },
  });
}

export function applicationSets(): ApplicationSet[] {
  return [...(Object.keys(environments) as EnvName[]).map(environmentAppSet), platformAppSet(), previewsAppSet()];
}
