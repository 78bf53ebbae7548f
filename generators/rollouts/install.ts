// The Argo Rollouts controller, once per cluster: the vendored release install manifest
// (CRDs, RBAC, controller Deployment) with its image pinned, marquee's labels, requests,
// readiness and NetworkPolicy, and Argo CD sync waves that apply the CRDs first.
import { isolatePods } from '../lib/network-policy.ts';
import type { Component } from '../lib/component.ts';
import { partOf, selectorFor } from '../lib/labels.ts';
import { monitoringNamespace, ports } from '../monitoring/scrape.ts';
import { argoRollouts } from './version.ts';

const source = 'generators/rollouts/install.ts';
const name = 'argo-rollouts';

/** Upstream's ports (install.yaml): metrics on 8090, /healthz on 8080. */
export const controllerPorts = { metrics: 8090, healthz: 8080 } as const;

/** Waves inside the platform Application: the CRDs before anything else, then the controller. */
export const installWaves = { crds: -3, controller: -2 } as const;

const labels = { 'app.kubernetes.io/name': name, 'app.kubernetes.io/component': 'rollouts-controller', 'app.kubernetes.io/part-of': partOf };

/** A JSON patch as kustomize takes it inline. */
const jsonPatch = (ops: readonly Record<string, unknown>[]): string => JSON.stringify(ops);

export function rolloutsInstallComponent(): Component {
  // Upstream's pod labels are only app.kubernetes.io/name=argo-rollouts: select on that.
  const selector = { 'app.kubernetes.io/name': name };
  const networkPolicy = isolatePods({ name, labels }, selector, {
    // Prometheus (same namespace) scrapes the controller's metrics.
    ingress: [{ from: [{ podSelector: { matchLabels: selectorFor('prometheus') } }], ports: [{ protocol: 'TCP', port: controllerPorts.metrics }] }],
    egress: [
      // The API server (its address differs per cluster; 443 in-cluster, 6443 on the host).
      { ports: [{ protocol: 'TCP', port: 443 }, { protocol: 'TCP', port: 6443 }] },
      // The analysis queries go to the cluster's Prometheus.
      { to: [{ podSelector: { matchLabels: selectorFor('prometheus') } }], ports: [{ protocol: 'TCP', port: ports.prometheus }] },
    ],
  });
  return {
    dir: 'base/argo-rollouts',
    source,
    objects: [networkPolicy],
    kustomization: {
      // The platform namespace of every cluster (the platform Application's one destination).
      namespace: monitoringNamespace,
      resources: ['../../vendor/operators/argo-rollouts', 'network-policy.yaml'],
      images: [{ name: argoRollouts.image, newTag: argoRollouts.version }],
      // Upstream labels part-of=argo-rollouts; marquee selects its whole system by part-of=marquee.
      labels: [{ pairs: { 'app.kubernetes.io/part-of': partOf } }],
      patches: [
        // The CRDs carry controller-gen's annotation already: add the wave next to it.
        {
          target: { kind: 'CustomResourceDefinition', group: 'apiextensions.k8s.io' },
          patch: jsonPatch([
            { op: 'add', path: '/metadata/annotations/argocd.argoproj.io~1sync-wave', value: String(installWaves.crds) },
            { op: 'add', path: '/metadata/labels', value: labels },
          ]),
        },
        {
          target: { kind: 'Deployment', name },
          patch: jsonPatch([
            { op: 'add', path: '/metadata/annotations', value: { 'argocd.argoproj.io/sync-wave': String(installWaves.controller) } },
            { op: 'add', path: '/spec/template/metadata/labels/app.kubernetes.io~1part-of', value: partOf },
            { op: 'test', path: '/spec/template/spec/containers/0/name', value: name },
            { op: 'replace', path: '/spec/template/spec/containers/0/imagePullPolicy', value: 'IfNotPresent' },
            // Upstream sets only an ephemeral-storage limit; requests so the scheduler and policies can reason.
            {
              op: 'replace',
              path: '/spec/template/spec/containers/0/resources',
              value: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '512Mi', 'ephemeral-storage': '1Gi' } },
            },
            // Upstream has a liveness probe only; /healthz answers once the informers have synced.
            {
              op: 'add',
              path: '/spec/template/spec/containers/0/readinessProbe',
              value: { httpGet: { path: '/healthz', port: 'healthz' }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
            },
          ]),
        },
        {
          target: { kind: 'Secret', name: 'argo-rollouts-notification-secret' },
          patch: jsonPatch([{ op: 'add', path: '/metadata/labels', value: labels }]),
        },
        // kustomize 4.5.4's namespace transformer leaves the binding's subject in the upstream
        // namespace; `test` fails the build if upstream ever changes the subject list.
        {
          target: { kind: 'ClusterRoleBinding', name },
          patch: jsonPatch([
            { op: 'test', path: '/subjects/0/name', value: name },
            { op: 'test', path: '/subjects/0/namespace', value: 'argo-rollouts' },
            { op: 'replace', path: '/subjects/0/namespace', value: monitoringNamespace },
          ]),
        },
      ],
    },
  };
}
