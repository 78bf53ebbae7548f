// base/monitoring/kube-state-metrics: object state as metrics (pod restarts, HPA
// replicas, container limits) for the whole cluster; read-only cluster RBAC.
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { isolatePods } from '../lib/network-policy.ts';
import { ClusterRole } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import type { Component } from '../lib/component.ts';
import { selectorFor } from '../lib/labels.ts';
import { containerSecurity } from '../lib/pod.ts';
import { servicePort } from '../lib/service.ts';
import { clusterRoleBindingFor, monitoringLabels, monitoringPods } from './common.ts';
import { images, versionOf } from './images.ts';
import { ports } from './scrape.ts';

const source = 'generators/monitoring/kube-state-metrics.ts';
const name = 'kube-state-metrics';

/** The resources kube-state-metrics exports (its --resources flag and its RBAC). */
export const ksmResources = [
  { group: '', resources: ['configmaps', 'nodes', 'pods', 'services', 'resourcequotas', 'replicationcontrollers', 'limitranges', 'persistentvolumeclaims', 'persistentvolumes', 'namespaces', 'endpoints'] },
  { group: 'apps', resources: ['statefulsets', 'daemonsets', 'deployments', 'replicasets'] },
  { group: 'batch', resources: ['cronjobs', 'jobs'] },
  { group: 'autoscaling', resources: ['horizontalpodautoscalers'] },
  { group: 'policy', resources: ['poddisruptionbudgets'] },
  { group: 'storage.k8s.io', resources: ['storageclasses'] },
] as const;

export function kubeStateMetricsComponent(): Component {
  const labels = monitoringLabels(name, versionOf(images.kubeStateMetrics));
  const selector = selectorFor(name);
  const roleName = 'marquee-kube-state-metrics';
  return {
    dir: 'base/monitoring/kube-state-metrics',
    source,
    objects: [
      new ServiceAccount({ metadata: { name, labels } }),
      new ClusterRole({
        // Cluster-scoped: the platform overlay suffixes the name with the cluster.
        metadata: { name: roleName, labels },
        rules: ksmResources.map((r) => ({ apiGroups: [r.group], resources: [...r.resources], verbs: ['list', 'watch'] })),
      }),
      clusterRoleBindingFor(roleName, name, labels),
      new Deployment({
        metadata: { name, labels },
        spec: {
          replicas: 1,
          ...monitoringPods({ name, labels, uid: 65534 }, {
            containers: [
              {
                name,
                image: images.kubeStateMetrics,
                args: [
                  `--port=${ports.kubeStateMetrics}`,
                  `--telemetry-port=${ports.kubeStateMetricsTelemetry}`,
                  `--resources=${ksmResources.flatMap((r) => r.resources).sort().join(',')}`,
                ],
                ports: [
                  { name: 'http-metrics', containerPort: ports.kubeStateMetrics, protocol: 'TCP' },
                  { name: 'telemetry', containerPort: ports.kubeStateMetricsTelemetry, protocol: 'TCP' },
                ],
                livenessProbe: { httpGet: { path: '/livez', port: 'http-metrics' }, periodSeconds: 15 },
                readinessProbe: { httpGet: { path: '/', port: 'telemetry' }, periodSeconds: 5 },
                resources: { requests: { cpu: '20m', memory: '64Mi' }, limits: { memory: '256Mi' } },
                securityContext: containerSecurity(),
              },
            ],
          }),
        },
      }),
      new Service({
        metadata: { name, labels },
        spec: {
          selector,
          ports: [
            servicePort('http-metrics', ports.kubeStateMetrics),
            servicePort('telemetry', ports.kubeStateMetricsTelemetry),
          ],
        },
      }),
      isolatePods({ name, labels }, selector, {
        ingress: [{ from: [{ podSelector: {} }], ports: [{ protocol: 'TCP', port: ports.kubeStateMetrics }, { protocol: 'TCP', port: ports.kubeStateMetricsTelemetry }] }],
        // The API server (its address differs per cluster; 443 in-cluster, 6443 on the host).
        egress: [{ ports: [{ protocol: 'TCP', port: 443 }, { protocol: 'TCP', port: 6443 }] }],
      }),
    ],
  };
}
