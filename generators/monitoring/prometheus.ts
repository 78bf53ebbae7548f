// base/monitoring/prometheus: one Prometheus per cluster (StatefulSet + PVC), its
// service-discovery RBAC, prometheus.yml and the rule files generated from alerts.ts.
import { StatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import { isolatePods } from '../lib/network-policy.ts';
import { ClusterRole } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import type { Component } from '../lib/component.ts';
import { selectorFor } from '../lib/labels.ts';
import { containerSecurity } from '../lib/pod.ts';
import { isAlert, ruleGroups, runbookBase, type RuleGroup } from './alerts.ts';
import { clusterConfigMap, clusterRoleBindingFor, httpService, monitoringLabels, monitoringPods, yamlFile } from './common.ts';
import { images, versionOf } from './images.ts';
import { containerPaths, monitoringNamespace, ports, prometheusConfig } from './scrape.ts';

const source = 'generators/monitoring/prometheus.ts';
const name = 'prometheus';

/** In-cluster URL of the cluster's Prometheus (its Service in the platform namespace): Argo Rollouts' analysis queries it. */
export const prometheusUrl = `http://${name}.${monitoringNamespace}.svc.cluster.local:${ports.prometheus}`;

/** Retention and volume size of the base; the prod platform overlay raises both. */
export const storage = { retention: '15d', size: '20Gi' } as const;

/** The Prometheus rule-file document for one group. */
export function ruleFile(g: RuleGroup): unknown {
  return {
    groups: [
      {
        name: g.name,
        ...(g.interval ? { interval: g.interval } : {}),
        rules: g.rules.map((r) =>
          isAlert(r)
            ? {
                alert: r.alert,
                expr: r.expr,
                ...(r.for ? { for: r.for } : {}),
                labels: { severity: r.severity, ...r.labels },
                annotations: { summary: r.summary, description: r.description, runbook_url: `${runbookBase}#${r.runbook}` },
              }
            : { record: r.record, expr: r.expr, ...(r.labels ? { labels: r.labels } : {}) },
        ),
      },
    ],
  };
}

export const ruleFileName = (g: RuleGroup): string => `rules/${g.name}.yml`;

export function prometheusComponent(): Component {
  const version = versionOf(images.prometheus);
  const labels = monitoringLabels(name, version);
  const selector = selectorFor(name);
  const groups = ruleGroups();
  const files: Record<string, string> = { 'prometheus.yml': yamlFile(source, prometheusConfig()) };
  for (const g of groups) files[ruleFileName(g)] = yamlFile('generators/monitoring/alerts.ts', ruleFile(g));

  return {
    dir: 'base/monitoring/prometheus',
    source,
    files,
    kustomization: {
      configMapGenerator: [
        { name: 'prometheus-config', options: { labels: monitoringLabels(name) }, files: ['prometheus.yml'] },
        { name: 'prometheus-rules', options: { labels: monitoringLabels(name) }, files: groups.map(ruleFileName) },
      ],
    },
    objects: [
      new ServiceAccount({ metadata: { name, labels } }),
      new ClusterRole({
        // Cluster-scoped: the platform overlay suffixes the name with the cluster.
        metadata: { name: 'marquee-prometheus', labels },
        rules: [
          { apiGroups: [''], resources: ['nodes', 'nodes/metrics', 'services', 'endpoints', 'pods'], verbs: ['get', 'list', 'watch'] },
          { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['get', 'list', 'watch'] },
          { nonResourceURLs: ['/metrics', '/metrics/cadvisor'], verbs: ['get'] },
        ],
      }),
      clusterRoleBindingFor('marquee-prometheus', name, labels),
      httpService(name, labels, ports.prometheus),
      new StatefulSet({
        metadata: { name, labels },
        spec: {
          serviceName: name,
          replicas: 1,
          ...monitoringPods({ name, labels, uid: 65534 }, {
            // TSDB head compaction and WAL replay can take a while on shutdown/start.
            terminationGracePeriodSeconds: 600,
            containers: [
              {
                name,
                image: images.prometheus,
                args: [
                  `--config.file=${containerPaths.config}`,
                  `--storage.tsdb.path=${containerPaths.data}`,
                  `--storage.tsdb.retention.time=${storage.retention}`,
                  '--enable-feature=expand-external-labels',
                  '--web.enable-lifecycle',
                  '--web.route-prefix=/',
                ],
                envFrom: [{ configMapRef: { name: clusterConfigMap } }],
                ports: [{ name: 'http', containerPort: ports.prometheus, protocol: 'TCP' }],
                readinessProbe: { httpGet: { path: '/-/ready', port: 'http' }, periodSeconds: 5, failureThreshold: 3 },
                livenessProbe: { httpGet: { path: '/-/healthy', port: 'http' }, periodSeconds: 15, failureThreshold: 4 },
                startupProbe: { httpGet: { path: '/-/ready', port: 'http' }, periodSeconds: 10, failureThreshold: 60 },
                resources: { requests: { cpu: '250m', memory: '1Gi' }, limits: { memory: '4Gi' } },
                securityContext: containerSecurity(),
                volumeMounts: [
                  { name: 'config', mountPath: containerPaths.config, subPath: 'prometheus.yml', readOnly: true },
                  { name: 'rules', mountPath: containerPaths.rulesDir, readOnly: true },
                  { name: 'data', mountPath: containerPaths.data },
                ],
              },
            ],
            volumes: [
              { name: 'config', configMap: { name: 'prometheus-config' } },
              { name: 'rules', configMap: { name: 'prometheus-rules' } },
            ],
          }),
          volumeClaimTemplates: [
            {
              metadata: { name: 'data', labels },
              spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: storage.size } } },
            },
          ],
        },
      }),
      // Ingress: Grafana and peers in the namespace. Egress: anywhere, on purpose: scrapes reach
      // every marquee-* namespace, every node (kubelet, node-exporter) and the API server.
      isolatePods({ name, labels }, selector, {
        ingress: [{ from: [{ podSelector: {} }], ports: [{ protocol: 'TCP', port: ports.prometheus }] }],
        egress: [{}],
      }),
    ],
  };
}
