// Argo CD delivery objects (issue 6), written to argocd/:
//   argocd/bootstrap/        the app-of-apps: apply once with `kubectl apply -k argocd/bootstrap`
//   argocd/projects/         AppProjects (sync wave -1)
//   argocd/applicationsets/  ApplicationSets (sync wave 0)
//   argocd/kustomization.yaml  what the bootstrap Application syncs from the delivery branch
import { Application } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1/Application';
import { repository } from '../environments.ts';
import type { Component } from '../lib/component.ts';
import { partOf } from '../lib/labels.ts';
import { applicationSets } from './application-sets.ts';
import { argocdNamespace, deliveryBranch, inClusterServer, projectName, resourcesFinalizer } from './delivery.ts';
import { deliveryProject, projects } from './projects.ts';
import { cnpgAppSet, cnpgClusters, cnpgProject } from './operators.ts';

const source = 'generators/argocd/index.ts';

/**
 * The bootstrap Application: syncs argocd/ (projects, ApplicationSets and itself)
 * from the delivery branch into Argo CD's namespace.
 */
export function bootstrapApplication(): Application {
  return new Application({
    metadata: {
      name: 'marquee-bootstrap',
      namespace: argocdNamespace,
      labels: { 'app.kubernetes.io/name': 'marquee-bootstrap', 'app.kubernetes.io/part-of': partOf, 'app.kubernetes.io/component': 'delivery' },
      finalizers: [resourcesFinalizer],
    },
    spec: {
      project: projectName.delivery,
      source: { repoURL: repository.url, targetRevision: deliveryBranch, path: 'argocd' },
      destination: { server: inClusterServer, namespace: argocdNamespace },
      syncPolicy: {
        automated: { prune: true, selfHeal: true },
        syncOptions: ['ServerSideApply=true', 'FailOnSharedResource=true'],
        retry: { limit: 5, backoff: { duration: '10s', factor: 2, maxDuration: '3m' } },
      },
    },
  });
}

export function argocdComponents(): Component[] {
  return [
    { dir: 'argocd/bootstrap', source, objects: [deliveryProject(), bootstrapApplication()] },
    { dir: 'argocd/projects', source: 'generators/argocd/projects.ts', objects: projects() },
    { dir: 'argocd/applicationsets', source: 'generators/argocd/application-sets.ts', objects: applicationSets() },
    // The CloudNativePG install: its own project and ApplicationSet (generators/argocd/operators.ts).
    { dir: 'argocd/operators', source: 'generators/argocd/operators.ts', objects: [...cnpgClusters().map(cnpgProject), cnpgAppSet()] },
    { dir: 'argocd', source, objects: [], kustomization: { resources: ['bootstrap', 'projects', 'applicationsets', 'operators'] } },
  ];
}
