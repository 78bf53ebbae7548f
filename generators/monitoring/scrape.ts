// prometheus.yml as typed data: what one per-cluster Prometheus scrapes (the API
// server, kubelets/cAdvisor, node-exporter, kube-state-metrics, every marquee-*
// namespace's services, postgres_exporter and RabbitMQ) and where it sends alerts.
import { broker, postgres, probes, serviceNames, type ServiceName } from '@marquee/contract';
import { clusters, environments } from '../environments.ts';
import { peers } from '../services.ts';
import { rolloutsHashLabel } from '../rollouts/version.ts';

/**
 * Name of the per-cluster ConfigMap (merged in overlays/platform/<cluster>) whose `CLUSTER=<name>` becomes Prometheus's
 * external label `cluster` (prometheusConfig), on every series and alert of that cluster.
 */
export const clusterConfigMap = 'monitoring-cluster';

/** The platform namespace, shared by every cluster (the services' NetworkPolicies admit scrapes from it). */
export const monitoringNamespace: string = peers.monitoring.namespaceSelector.matchLabels['kubernetes.io/metadata.name'];

/** Namespaces Prometheus scrapes for marquee workloads: every environment's namespace matches. */
export const marqueeNamespaces = 'marquee-.+';

/**
 * The contract facts the scrape configuration relies on; called by monitoringComponents(), not at
 * import, so a wrong contract edit is one message from `npm run generate`, never an import-time trace.
 */
export function checkScrapeContract(): void {
  const names = new Set<string>(Object.values(clusters).map((c) => c.platformNamespace));
  if (names.size !== 1 || !names.has(monitoringNamespace))
    throw new Error(
      `generators/monitoring: clusters[*].platformNamespace (${[...names].join(', ')}) must be one value equal to peers.monitoring in generators/services.ts (${monitoringNamespace})`,
    );
  for (const e of Object.values(environments))
    if (!new RegExp(`^(?:${marqueeNamespaces})$`).test(e.namespace))
      throw new Error(`generators/monitoring: environments.${e.name}.namespace ${e.namespace} does not match ${marqueeNamespaces}; Prometheus would not scrape it`);
}

export const jobs = {
  prometheus: 'prometheus',
  alertmanager: 'alertmanager',
  apiserver: 'apiserver',
  kubelet: 'kubelet',
  cadvisor: 'cadvisor',
  nodeExporter: 'node-exporter',
  kubeStateMetrics: 'kube-state-metrics',
  services: 'marquee-services',
  postgres: 'postgres',
  rabbitmq: 'rabbitmq',
  rabbitmqQueues: 'rabbitmq-queues',
  argoRollouts: 'argo-rollouts',
} as const;

/** Services whose pods serve /metrics (web is nginx serving static files: no metrics endpoint). */
export const scrapedServices: readonly ServiceName[] = serviceNames.filter((s) => s !== 'web');

/** Ports of the in-cluster monitoring components, shared by the manifests and the scrape config. */
export const ports = {
  prometheus: 9090,
  alertmanager: 9093,
  alertmanagerCluster: 9094,
  nodeExporter: 9100,
  kubeStateMetrics: 8080,
  kubeStateMetricsTelemetry: 8081,
  grafana: 3000,
} as const;

/** Paths inside the Prometheus container; tests rewrite exactly these to a temp dir. */
export const containerPaths = {
  config: '/etc/prometheus/prometheus.yml',
  rulesDir: '/etc/prometheus/rules',
  data: '/prometheus',
  serviceAccountToken: '/var/run/secrets/kubernetes.io/serviceaccount/token',
  serviceAccountCa: '/var/run/secrets/kubernetes.io/serviceaccount/ca.crt',
} as const;

export interface RelabelConfig {
  readonly source_labels?: readonly string[];
  readonly separator?: string;
  readonly regex?: string;
  readonly target_label?: string;
  readonly replacement?: string;
  readonly action?: 'replace' | 'keep' | 'drop' | 'labelmap' | 'labeldrop' | 'labelkeep';
}

export interface KubernetesSdConfig {
  readonly role: 'node' | 'pod' | 'endpoints' | 'service';
  readonly namespaces?: { readonly names: readonly string[] };
  readonly selectors?: readonly { readonly role: string; readonly label?: string; readonly field?: string }[];
}

export interface ScrapeConfig {
  readonly job_name: string;
  readonly scrape_interval?: string;
  /** Keep the target's own labels on conflict (the Argo Rollouts controller's namespace/name are the Rollout's). */
  readonly honor_labels?: boolean;
  readonly metrics_path?: string;
  readonly params?: Readonly<Record<string, readonly string[]>>;
  readonly scheme?: 'http' | 'https';
  readonly authorization?: { readonly credentials_file: string };
  readonly tls_config?: { readonly ca_file?: string; readonly insecure_skip_verify?: boolean };
  readonly kubernetes_sd_configs?: readonly KubernetesSdConfig[];
  readonly static_configs?: readonly { readonly targets: readonly string[]; readonly labels?: Readonly<Record<string, string>> }[];
  readonly relabel_configs?: readonly RelabelConfig[];
  readonly metric_relabel_configs?: readonly RelabelConfig[];
}

export interface PrometheusConfig {
  readonly global: {
    readonly scrape_interval: string;
    readonly scrape_timeout: string;
    readonly evaluation_interval: string;
    readonly external_labels: Readonly<Record<string, string>>;
  };
  readonly rule_files: readonly string[];
  readonly alerting: { readonly alertmanagers: readonly Omit<ScrapeConfig, 'job_name'>[] };
  readonly scrape_configs: readonly ScrapeConfig[];
}

const meta = (l: string) => `__meta_kubernetes_${l}`;
const label = (k: string) => meta(`pod_label_${k.replace(/[./-]/g, '_')}`);

/** namespace, pod, node and container labels every pod-discovered target gets. */
const podTargetLabels: RelabelConfig[] = [
  { source_labels: [meta('namespace')], target_label: 'namespace' },
  { source_labels: [meta('pod_name')], target_label: 'pod' },
  { source_labels: [meta('pod_node_name')], target_label: 'node' },
  { source_labels: [meta('pod_container_name')], target_label: 'container' },
];

/** In-cluster access to the API server and kubelets: the pod's own service-account token. */
const inCluster = {
  scheme: 'https',
  authorization: { credentials_file: containerPaths.serviceAccountToken },
  tls_config: { ca_file: containerPaths.serviceAccountCa },
} as const;

/** Pods of one monitoring component in the platform namespace, by app name and container port name. */
function platformPods(job: string, app: string, portName: string): ScrapeConfig {
  return {
    job_name: job,
    kubernetes_sd_configs: [
      { role: 'pod', namespaces: { names: [monitoringNamespace] }, selectors: [{ role: 'pod', label: `app.kubernetes.io/name=${app}` }] },
    ],
    relabel_configs: [
      { source_labels: [meta('pod_container_port_name')], regex: portName, action: 'keep' },
      ...podTargetLabels,
      // node-exporter runs on the host network: name the instance after the node, not the IP.
      ...(app === 'node-exporter' ? [{ source_labels: [meta('pod_node_name')], target_label: 'instance' }] : []),
    ],
  };
}

/** marquee pods in any marquee-* namespace exposing the given container port number. */
function marqueePodsOnPort(job: string, port: number, path: string = probes.metrics, params?: ScrapeConfig['params']): ScrapeConfig {
  return {
    job_name: job,
    metrics_path: path,
    ...(params ? { params } : {}),
    kubernetes_sd_configs: [{ role: 'pod', selectors: [{ role: 'pod', label: 'app.kubernetes.io/part-of=marquee' }] }],
    relabel_configs: [
      { source_labels: [meta('namespace')], regex: marqueeNamespaces, action: 'keep' },
      { source_labels: [meta('pod_container_port_number')], regex: String(port), action: 'keep' },
      { source_labels: [meta('pod_phase')], regex: 'Pending|Succeeded|Failed', action: 'drop' },
      ...podTargetLabels,
    ],
  };
}

export function prometheusConfig(): PrometheusConfig {
  return {
    global: {
      scrape_interval: '30s',
      scrape_timeout: '10s',
      evaluation_interval: '30s',
      // ${CLUSTER} is expanded at start (--enable-feature=expand-external-labels) from the
      // per-cluster platform overlay's ConfigMap: one base, a distinct label per cluster.
      external_labels: { cluster: '${CLUSTER}' },
    },
    rule_files: [`${containerPaths.rulesDir}/*.yml`],
    alerting: {
      alertmanagers: [
        {
          // Every Alertmanager replica, not the load-balanced Service: they deduplicate among themselves.
          kubernetes_sd_configs: [
            { role: 'pod', namespaces: { names: [monitoringNamespace] }, selectors: [{ role: 'pod', label: 'app.kubernetes.io/name=alertmanager' }] },
          ],
          relabel_configs: [{ source_labels: [meta('pod_container_port_name')], regex: 'http', action: 'keep' }],
        },
      ],
    },
    scrape_configs: [
      { job_name: jobs.prometheus, static_configs: [{ targets: [`localhost:${ports.prometheus}`] }] },
      platformPods(jobs.alertmanager, 'alertmanager', 'http'),
      {
        job_name: jobs.apiserver,
        ...inCluster,
        kubernetes_sd_configs: [{ role: 'endpoints', namespaces: { names: ['default'] } }],
        relabel_configs: [
          { source_labels: [meta('service_name'), meta('endpoint_port_name')], regex: 'kubernetes;https', action: 'keep' },
        ],
        // The API server exports thousands of histogram series; keep what the dashboards use.
        metric_relabel_configs: [
          { source_labels: ['__name__'], regex: 'apiserver_request_total|apiserver_request_duration_seconds_(bucket|sum|count)|up', action: 'keep' },
        ],
      },
      {
        job_name: jobs.kubelet,
        ...inCluster,
        kubernetes_sd_configs: [{ role: 'node' }],
        relabel_configs: [
          { source_labels: [meta('node_name')], target_label: 'node' },
          { action: 'labelmap', regex: '__meta_kubernetes_node_label_(kubernetes_io_hostname|topology_kubernetes_io_zone)' },
        ],
      },
      {
        job_name: jobs.cadvisor,
        ...inCluster,
        metrics_path: '/metrics/cadvisor',
        kubernetes_sd_configs: [{ role: 'node' }],
        relabel_configs: [{ source_labels: [meta('node_name')], target_label: 'node' }],
        // Per-cgroup series for pods only (container="" and POD sandboxes are aggregates/noise).
        metric_relabel_configs: [{ source_labels: ['container'], regex: 'POD', action: 'drop' }],
      },
      platformPods(jobs.nodeExporter, 'node-exporter', 'metrics'),
      platformPods(jobs.kubeStateMetrics, 'kube-state-metrics', 'http-metrics'),
      // The Argo Rollouts controller (base/argo-rollouts): its namespace/name labels name the Rollout.
      { ...platformPods(jobs.argoRollouts, 'argo-rollouts', 'metrics'), honor_labels: true },
      {
        job_name: jobs.services,
        metrics_path: probes.metrics,
        kubernetes_sd_configs: [{ role: 'pod', selectors: [{ role: 'pod', label: 'app.kubernetes.io/part-of=marquee' }] }],
        relabel_configs: [
          { source_labels: [meta('namespace')], regex: marqueeNamespaces, action: 'keep' },
          { source_labels: [label('app.kubernetes.io/name')], regex: scrapedServices.join('|'), action: 'keep' },
          { source_labels: [meta('pod_container_port_name')], regex: 'http', action: 'keep' },
          { source_labels: [meta('pod_phase')], regex: 'Pending|Succeeded|Failed', action: 'drop' },
          ...podTargetLabels,
          { source_labels: [label('app.kubernetes.io/name')], target_label: 'service' },
          { source_labels: [label('app.kubernetes.io/version')], target_label: 'version' },
          // Argo Rollouts' pod-template hash: tells a canary's series from the stable ones (generators/rollouts).
          { source_labels: [label(rolloutsHashLabel.pod)], target_label: rolloutsHashLabel.metric },
        ],
      },
      marqueePodsOnPort(jobs.postgres, postgres.exporterPort),
      marqueePodsOnPort(jobs.rabbitmq, broker.prometheusPort),
      // Per-queue depth and consumers for the marquee vhost only (the aggregated endpoint has none).
      marqueePodsOnPort(jobs.rabbitmqQueues, broker.prometheusPort, '/metrics/detailed', {
        family: ['queue_coarse_metrics', 'queue_consumer_count'],
        vhost: [broker.vhost],
      }),
    ],
  };
}
