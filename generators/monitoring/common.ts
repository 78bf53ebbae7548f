// Shared by the monitoring components: labels, the secret store, config-file rendering.
import { headerFor, toYaml } from '../lib/component.ts';
import { labelsFor } from '../lib/labels.ts';

export const component = 'monitoring';

export const monitoringLabels = (name: string, version?: string): Record<string, string> =>
  labelsFor({ name, component, ...(version ? { version } : {}) });

/**
 * Remote keys of the monitoring secrets in the platform namespace's SecretStore
 * (base/secret-store, pointed at the cluster's Vault monitoring mount by overlays/platform/<cluster>).
 */
export const remoteKeys = {
  alertmanagerWebhook: 'alertmanager-webhook',
  grafanaAdmin: 'grafana-admin',
} as const;

/** A generated YAML config file with the generator header (Prometheus, Alertmanager, Grafana all accept comments). */
export const yamlFile = (source: string, value: unknown): string => headerFor(source) + toYaml(value);

/** Name of the per-cluster ConfigMap (from overlays/platform/<cluster>) with `CLUSTER=<name>`. */
export const clusterConfigMap = 'monitoring-cluster';
