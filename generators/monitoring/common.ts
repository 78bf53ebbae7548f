// Shared by the monitoring components: labels, the secret store, config-file rendering.
import { headerFor, toYaml } from '../lib/component.ts';
import { labelsFor } from '../lib/labels.ts';

export const component = 'monitoring';

export const monitoringLabels = (name: string, version?: string): Record<string, string> =>
  labelsFor({ name, component, ...(version ? { version } : {}) });

/**
 * The External Secrets store every ExternalSecret in the platform namespace reads from,
 * registered once per cluster by the platform team (outside this repository).
 */
export const secretStore = { kind: 'ClusterSecretStore', name: 'marquee' } as const;

/** Remote keys (paths in the secret backend) of the monitoring secrets, per cluster via the store. */
export const remoteKeys = {
  alertmanagerWebhook: 'monitoring/alertmanager-webhook',
  grafanaAdmin: 'monitoring/grafana-admin',
} as const;

/** A generated YAML config file with the generator header (Prometheus, Alertmanager, Grafana all accept comments). */
export const yamlFile = (source: string, value: unknown): string => headerFor(source) + toYaml(value);

/** Name of the per-cluster ConfigMap (from overlays/platform/<cluster>) with `CLUSTER=<name>`. */
export const clusterConfigMap = 'monitoring-cluster';
