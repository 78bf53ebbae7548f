// Monitoring bases (issue 5): base/monitoring/<part>, deployed once per cluster by
// overlays/platform/<cluster> — never by an environment overlay (docs/monitoring.md).
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import type { Component } from '../lib/component.ts';
import { partOf } from '../lib/labels.ts';
import { namespaceComponent as envNamespace } from '../namespace.ts';
import { alertmanagerComponent } from './alertmanager.ts';
import { clusterConfigMap, monitoringLabels } from './common.ts';
import { grafanaComponent } from './grafana.ts';
import { kubeStateMetricsComponent } from './kube-state-metrics.ts';
import { nodeExporterComponent } from './node-exporter.ts';
import { prometheusComponent } from './prometheus.ts';
import { checkScrapeContract, monitoringNamespace } from './scrape.ts';

const source = 'generators/monitoring/index.ts';

function namespaceComponent(): Component {
  return {
    dir: 'base/monitoring/namespace',
    source,
    objects: [
      new Namespace({
        metadata: {
          name: monitoringNamespace,
          labels: {
            'app.kubernetes.io/name': monitoringNamespace,
            'app.kubernetes.io/component': 'monitoring',
            'app.kubernetes.io/part-of': partOf,
            // node-exporter needs the host network, PID namespace and hostPath mounts.
            'pod-security.kubernetes.io/enforce': 'privileged',
            'pod-security.kubernetes.io/warn': 'baseline',
          },
        },
      }),
      // The same baseline as every environment namespace: deny all, allow DNS;
      // each component's NetworkPolicy then opens exactly its own flows.
      ...envNamespace().objects.filter((o): o is NetworkPolicy => o instanceof NetworkPolicy),
    ],
  };
}

export const monitoringParts = ['namespace', 'prometheus', 'alertmanager', 'node-exporter', 'kube-state-metrics', 'grafana'] as const;

export function monitoringComponents(): Component[] {
  checkScrapeContract();
  return [
    namespaceComponent(),
    prometheusComponent(),
    alertmanagerComponent(),
    nodeExporterComponent(),
    kubeStateMetricsComponent(),
    grafanaComponent(),
    {
      // The whole stack, namespace-less: overlays/platform/<cluster> sets the namespace,
      // suffixes cluster-scoped names and replaces the cluster ConfigMap.
      dir: 'base/monitoring',
      source,
      objects: [],
      kustomization: {
        resources: [...monitoringParts],
        configMapGenerator: [{ name: clusterConfigMap, options: { labels: monitoringLabels('monitoring-cluster') }, literals: ['CLUSTER=unset'] }],
      },
    },
  ];
}
