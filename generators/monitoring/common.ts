// Shared by the monitoring components: labels, the secret store, config-file rendering,
// and the parts every component's objects are cut the same way (pod template, Service, RBAC binding).
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import { ClusterRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding';
import { Service } from 'kubernetes-models/v1/Service';
import { headerFor, toYaml } from '../lib/component.ts';
import { labelsFor, selectorFor } from '../lib/labels.ts';
import { podSecurity } from '../lib/pod.ts';
import { servicePort } from '../lib/service.ts';
import { monitoringNamespace } from './scrape.ts';

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

export { clusterConfigMap } from './scrape.ts';

export interface MonitoringPodProps {
  /** The component's name: its selector, and the name of the ServiceAccount its pods run as. */
  readonly name: string;
  /** The component's labels (monitoringLabels), on every pod. */
  readonly labels: Record<string, string>;
  /** The image's unprivileged user (podSecurity). */
  readonly uid: number;
  /** False: no API token in the pods (the component never talks to the API server). @default the ServiceAccount's choice */
  readonly automountToken?: false;
}

/**
 * A monitoring workload's `selector` and `template`: pods carrying the component's labels, selected by
 * its stable selector, running as its own ServiceAccount with the image's user; `pod` is the rest of the pod spec.
 */
export function monitoringPods(p: MonitoringPodProps, pod: Omit<IPodSpec, 'serviceAccountName' | 'securityContext'>) {
  return {
    selector: { matchLabels: selectorFor(p.name) },
    template: {
      metadata: { labels: p.labels },
      spec: {
        serviceAccountName: p.name,
        ...(p.automountToken === false ? { automountServiceAccountToken: false } : {}),
        securityContext: podSecurity(p.uid),
        ...pod,
      },
    },
  };
}

/** The component's Service: its `http` port, named like the component. */
export const httpService = (name: string, labels: Record<string, string>, port: number): Service =>
  new Service({ metadata: { name, labels }, spec: { selector: selectorFor(name), ports: [servicePort('http', port)] } });

/** Grants the component's ServiceAccount (in the monitoring namespace) the ClusterRole `role`; the binding is named like the role. */
export const clusterRoleBindingFor = (role: string, serviceAccount: string, labels: Record<string, string>): ClusterRoleBinding =>
  new ClusterRoleBinding({
    metadata: { name: role, labels },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
    subjects: [{ kind: 'ServiceAccount', name: serviceAccount, namespace: monitoringNamespace }],
  });
