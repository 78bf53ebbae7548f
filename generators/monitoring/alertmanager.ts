// base/monitoring/alertmanager: two gossiping replicas, alertmanager.yml (routing,
// inhibitions, webhook receivers) and the ExternalSecret holding the webhook URLs.
import { StatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import { isolatePods } from '../lib/network-policy.ts';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { externalSecretFor } from '../external-secrets.ts';
import type { Component } from '../lib/component.ts';
import { selectorFor } from '../lib/labels.ts';
import { containerSecurity } from '../lib/pod.ts';
import { headlessService, servicePort } from '../lib/service.ts';
import { httpService, monitoringLabels, monitoringPods, remoteKeys, yamlFile } from './common.ts';
import { images, versionOf } from './images.ts';
import { monitoringNamespace, ports } from './scrape.ts';

const source = 'generators/monitoring/alertmanager.ts';
const name = 'alertmanager';
export const replicas = 2;

/** Where the webhook URLs (Secret `alertmanager-webhook`) are mounted in the container. */
export const secretDir = '/etc/alertmanager/secrets';
export const secretKeys = { webhook: 'webhook-url', criticalWebhook: 'critical-webhook-url', watchdog: 'watchdog-url' } as const;

export const receivers = { default: 'default', critical: 'critical', watchdog: 'watchdog', none: 'null' } as const;
export type ReceiverName = (typeof receivers)[keyof typeof receivers];

export interface Route {
  readonly receiver?: ReceiverName;
  readonly matchers?: readonly string[];
  readonly group_by?: readonly string[];
  readonly group_wait?: string;
  readonly group_interval?: string;
  readonly repeat_interval?: string;
  readonly continue?: boolean;
  readonly routes?: readonly Route[];
}

export interface AlertmanagerConfig {
  readonly route: Route & { readonly receiver: ReceiverName };
  readonly inhibit_rules: readonly { source_matchers: readonly string[]; target_matchers: readonly string[]; equal: readonly string[] }[];
  readonly receivers: readonly { name: ReceiverName; webhook_configs?: readonly { url_file: string; send_resolved: boolean; max_alerts?: number }[] }[];
}

export function alertmanagerConfig(): AlertmanagerConfig {
  const webhook = (key: string, sendResolved = true) => ({ url_file: `${secretDir}/${key}`, send_resolved: sendResolved, max_alerts: 50 });
  return {
    route: {
      receiver: receivers.default,
      group_by: ['namespace', 'alertname'],
      group_wait: '30s',
      group_interval: '5m',
      repeat_interval: '12h',
      routes: [
        // The heartbeat: re-sent every minute to the dead man's switch, which pages when it stops.
        { matchers: ['alertname="Watchdog"'], receiver: receivers.watchdog, group_wait: '0s', group_interval: '1m', repeat_interval: '1m' },
        // severity=none is informational (dashboards only): never notify.
        { matchers: ['severity="none"'], receiver: receivers.none },
        { matchers: ['severity="critical"'], receiver: receivers.critical, group_wait: '10s', repeat_interval: '1h' },
      ],
    },
    inhibit_rules: [
      // A critical alert mutes the warning of the same alert in the same namespace (burn rates, PVC full vs filling).
      { source_matchers: ['severity="critical"'], target_matchers: ['severity="warning"'], equal: ['namespace', 'alertname'] },
      { source_matchers: ['alertname="PvcAlmostFull"'], target_matchers: ['alertname="PvcFillingUp"'], equal: ['namespace', 'persistentvolumeclaim'] },
      // A service with no pod up explains its error rate and burn rates.
      { source_matchers: ['alertname="ServiceDown"'], target_matchers: ['alertname=~"HttpErrorRateHigh|EventLoopLagHigh"'], equal: ['namespace', 'service'] },
      { source_matchers: ['alertname="PostgresDown"'], target_matchers: ['alertname=~"PostgresTooManyConnections|PostgresDeadlocks"'], equal: ['namespace'] },
    ],
    receivers: [
      { name: receivers.default, webhook_configs: [webhook(secretKeys.webhook)] },
      { name: receivers.critical, webhook_configs: [webhook(secretKeys.criticalWebhook)] },
      { name: receivers.watchdog, webhook_configs: [webhook(secretKeys.watchdog, false)] },
      { name: receivers.none },
    ],
  };
}

export function alertmanagerComponent(): Component {
  const version = versionOf(images.alertmanager);
  const labels = monitoringLabels(name, version);
  const selector = selectorFor(name);
  const peers = Array.from({ length: replicas }, (_, i) => `--cluster.peer=${name}-${i}.${name}-cluster.${monitoringNamespace}.svc:${ports.alertmanagerCluster}`);
  return {
    dir: 'base/monitoring/alertmanager',
    source,
    files: { 'alertmanager.yml': yamlFile(source, alertmanagerConfig()) },
    kustomization: { configMapGenerator: [{ name: 'alertmanager-config', options: { labels: monitoringLabels(name) }, files: ['alertmanager.yml'] }] },
    objects: [
      new ServiceAccount({ metadata: { name, labels }, automountServiceAccountToken: false }),
      externalSecretFor({
        name: 'alertmanager-webhook',
        labels,
        data: Object.fromEntries(Object.values(secretKeys).map((key) => [key, { remoteKey: remoteKeys.alertmanagerWebhook, property: key }])),
      }),
      httpService(name, labels, ports.alertmanager),
      // Stable DNS names for the gossip mesh.
      headlessService({ name: `${name}-cluster`, labels }, selector, [
        servicePort('cluster-tcp', ports.alertmanagerCluster),
        { name: 'cluster-udp', port: ports.alertmanagerCluster, targetPort: 'cluster-udp', protocol: 'UDP' },
      ], { publishNotReadyAddresses: true }),
      new StatefulSet({
        metadata: { name, labels },
        spec: {
          serviceName: `${name}-cluster`,
          replicas,
          podManagementPolicy: 'Parallel',
          ...monitoringPods({ name, labels, uid: 65534, automountToken: false }, {
            affinity: {
              podAntiAffinity: {
                preferredDuringSchedulingIgnoredDuringExecution: [
                  { weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: selector } } },
                ],
              },
            },
            containers: [
              {
                name,
                image: images.alertmanager,
                args: [
                  '--config.file=/etc/alertmanager/alertmanager.yml',
                  '--storage.path=/alertmanager',
                  '--data.retention=120h',
                  `--cluster.listen-address=0.0.0.0:${ports.alertmanagerCluster}`,
                  '--cluster.advertise-address=$(POD_IP):' + ports.alertmanagerCluster,
                  ...peers,
                ],
                env: [{ name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } }],
                ports: [
                  { name: 'http', containerPort: ports.alertmanager, protocol: 'TCP' },
                  { name: 'cluster-tcp', containerPort: ports.alertmanagerCluster, protocol: 'TCP' },
                  { name: 'cluster-udp', containerPort: ports.alertmanagerCluster, protocol: 'UDP' },
                ],
                readinessProbe: { httpGet: { path: '/-/ready', port: 'http' }, periodSeconds: 5 },
                livenessProbe: { httpGet: { path: '/-/healthy', port: 'http' }, periodSeconds: 15, failureThreshold: 4 },
                resources: { requests: { cpu: '20m', memory: '64Mi' }, limits: { memory: '256Mi' } },
                securityContext: containerSecurity(),
                volumeMounts: [
                  { name: 'config', mountPath: '/etc/alertmanager/alertmanager.yml', subPath: 'alertmanager.yml', readOnly: true },
                  { name: 'webhook', mountPath: secretDir, readOnly: true },
                  { name: 'data', mountPath: '/alertmanager' },
                ],
              },
            ],
            volumes: [
              { name: 'config', configMap: { name: 'alertmanager-config' } },
              { name: 'webhook', secret: { secretName: 'alertmanager-webhook' } },
            ],
          }),
          volumeClaimTemplates: [
            { metadata: { name: 'data', labels }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } },
          ],
        },
      }),
      new PodDisruptionBudget({ metadata: { name, labels }, spec: { maxUnavailable: 1, selector: { matchLabels: selector } } }),
      isolatePods({ name, labels }, selector, {
        ingress: [
          // Prometheus and Grafana in this namespace; the gossip mesh between replicas.
          { from: [{ podSelector: {} }], ports: [{ protocol: 'TCP', port: ports.alertmanager }] },
          {
            from: [{ podSelector: { matchLabels: selector } }],
            ports: [{ protocol: 'TCP', port: ports.alertmanagerCluster }, { protocol: 'UDP', port: ports.alertmanagerCluster }],
          },
        ],
        // Webhook receivers live outside the cluster at URLs only the Secret knows; gossip with peers.
        egress: [
          { ports: [{ protocol: 'TCP', port: 443 }] },
          {
            to: [{ podSelector: { matchLabels: selector } }],
            ports: [{ protocol: 'TCP', port: ports.alertmanagerCluster }, { protocol: 'UDP', port: ports.alertmanagerCluster }],
          },
        ],
      }),
    ],
  };
}
