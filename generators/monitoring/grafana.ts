// base/monitoring/grafana: Grafana with the Prometheus datasource and the
// dashboards from dashboards.ts provisioned from files (no clicking, no state to lose).
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { isolatePods } from '../lib/network-policy.ts';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { credentialsSecret } from '../external-secrets.ts';
import type { Component } from '../lib/component.ts';
import { selectorFor } from '../lib/labels.ts';
import { containerSecurity } from '../lib/pod.ts';
import { peers } from '../services.ts';
import { httpService, monitoringLabels, monitoringPods, remoteKeys, yamlFile } from './common.ts';
import { dashboards, datasource } from './dashboards.ts';
import { images, versionOf } from './images.ts';
import { ports } from './scrape.ts';

const source = 'generators/monitoring/grafana.ts';
const name = 'grafana';
const provisioning = '/etc/grafana/provisioning';
const dashboardDir = '/var/lib/grafana-dashboards';

export function grafanaDatasources(): unknown {
  return {
    apiVersion: 1,
    datasources: [
      {
        name: 'Prometheus',
        type: datasource.type,
        uid: datasource.uid,
        access: 'proxy',
        url: `http://prometheus:${ports.prometheus}`,
        isDefault: true,
        editable: false,
        jsonData: { timeInterval: '30s', prometheusType: 'Prometheus', prometheusVersion: versionOf(images.prometheus) },
      },
      {
        name: 'Alertmanager',
        type: 'alertmanager',
        uid: 'alertmanager',
        access: 'proxy',
        url: `http://alertmanager:${ports.alertmanager}`,
        editable: false,
        jsonData: { implementation: 'prometheus', handleGrafanaManagedAlerts: false },
      },
    ],
  };
}

export function grafanaDashboardProvider(): unknown {
  return {
    apiVersion: 1,
    providers: [
      {
        name: 'marquee',
        folder: 'marquee',
        type: 'file',
        disableDeletion: true,
        allowUiUpdates: false,
        updateIntervalSeconds: 60,
        options: { path: dashboardDir },
      },
    ],
  };
}

export function grafanaComponent(): Component {
  const labels = monitoringLabels(name, versionOf(images.grafana));
  const selector = selectorFor(name);
  const boards = dashboards();
  const files: Record<string, string> = {
    'datasources.yaml': yamlFile(source, grafanaDatasources()),
    'dashboard-provider.yaml': yamlFile(source, grafanaDashboardProvider()),
  };
  for (const [file, d] of Object.entries(boards)) files[`dashboards/${file}`] = JSON.stringify(d, null, 2) + '\n';
  const env = (k: string, v: string) => ({ name: k, value: v });
  return {
    dir: 'base/monitoring/grafana',
    source,
    files,
    kustomization: {
      configMapGenerator: [
        { name: 'grafana-datasources', options: { labels: monitoringLabels(name) }, files: ['datasources.yaml'] },
        { name: 'grafana-dashboard-provider', options: { labels: monitoringLabels(name) }, files: ['dashboard-provider.yaml'] },
        { name: 'grafana-dashboards', options: { labels: monitoringLabels(name) }, files: Object.keys(boards).map((f) => `dashboards/${f}`) },
      ],
    },
    objects: [
      new ServiceAccount({ metadata: { name, labels }, automountServiceAccountToken: false }),
      // username/password from the remote key grafana-admin.
      credentialsSecret(remoteKeys.grafanaAdmin, labels),
      new Deployment({
        metadata: { name, labels },
        spec: {
          replicas: 1,
          // Recreate: the SQLite database on the emptyDir is per pod; dashboards come from files anyway.
          strategy: { type: 'Recreate' },
          ...monitoringPods({ name, labels, uid: 472, automountToken: false }, {
            containers: [
              {
                name,
                image: images.grafana,
                env: [
                  { name: 'GF_SECURITY_ADMIN_USER', valueFrom: { secretKeyRef: { name: 'grafana-admin', key: 'username' } } },
                  { name: 'GF_SECURITY_ADMIN_PASSWORD', valueFrom: { secretKeyRef: { name: 'grafana-admin', key: 'password' } } },
                  env('GF_PATHS_PROVISIONING', provisioning),
                  env('GF_PATHS_DATA', '/var/lib/grafana'),
                  env('GF_USERS_ALLOW_SIGN_UP', 'false'),
                  env('GF_AUTH_ANONYMOUS_ENABLED', 'false'),
                  env('GF_ANALYTICS_REPORTING_ENABLED', 'false'),
                  env('GF_ANALYTICS_CHECK_FOR_UPDATES', 'false'),
                  env('GF_PLUGINS_PREINSTALL_DISABLED', 'true'),
                ],
                ports: [{ name: 'http', containerPort: ports.grafana, protocol: 'TCP' }],
                readinessProbe: { httpGet: { path: '/api/health', port: 'http' }, periodSeconds: 10 },
                livenessProbe: { httpGet: { path: '/api/health', port: 'http' }, periodSeconds: 20, failureThreshold: 6 },
                resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '512Mi' } },
                securityContext: containerSecurity(),
                volumeMounts: [
                  { name: 'data', mountPath: '/var/lib/grafana' },
                  { name: 'tmp', mountPath: '/tmp' },
                  { name: 'datasources', mountPath: `${provisioning}/datasources`, readOnly: true },
                  { name: 'dashboard-provider', mountPath: `${provisioning}/dashboards`, readOnly: true },
                  { name: 'dashboards', mountPath: dashboardDir, readOnly: true },
                ],
              },
            ],
            volumes: [
              { name: 'data', emptyDir: { sizeLimit: '1Gi' } },
              { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } },
              { name: 'datasources', configMap: { name: 'grafana-datasources' } },
              { name: 'dashboard-provider', configMap: { name: 'grafana-dashboard-provider' } },
              { name: 'dashboards', configMap: { name: 'grafana-dashboards' } },
            ],
          }),
        },
      }),
      httpService(name, labels, ports.grafana),
      // Reached through the ingress controller (or kubectl port-forward, which bypasses policies).
      isolatePods({ name, labels }, selector, {
        ingress: [{ from: [peers.ingressController], ports: [{ protocol: 'TCP', port: ports.grafana }] }],
        egress: [
          {
            to: [{ podSelector: { matchLabels: selectorFor('prometheus') } }, { podSelector: { matchLabels: selectorFor('alertmanager') } }],
            ports: [{ protocol: 'TCP', port: ports.prometheus }, { protocol: 'TCP', port: ports.alertmanager }],
          },
        ],
      }),
    ],
  };
}
