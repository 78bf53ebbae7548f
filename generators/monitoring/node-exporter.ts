// base/monitoring/node-exporter: one pod per node on the host network and PID
// namespace, host filesystems mounted read-only. Host port 9100 is why it exists
// once per cluster (overlays/platform/<cluster>), never per environment.
import { DaemonSet } from 'kubernetes-models/apps/v1/DaemonSet';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import type { Component } from '../lib/component.ts';
import { selectorFor } from '../lib/labels.ts';
import { monitoringLabels } from './common.ts';
import { images, versionOf } from './images.ts';
import { ports } from './scrape.ts';

const source = 'generators/monitoring/node-exporter.ts';
const name = 'node-exporter';

export function nodeExporterComponent(): Component {
  const labels = monitoringLabels(name, versionOf(images.nodeExporter));
  const selector = selectorFor(name);
  const host = [
    { name: 'proc', hostPath: '/proc', mountPath: '/host/proc' },
    { name: 'sys', hostPath: '/sys', mountPath: '/host/sys' },
    { name: 'root', hostPath: '/', mountPath: '/host/root' },
  ];
  return {
    dir: 'base/monitoring/node-exporter',
    source,
    objects: [
      new ServiceAccount({ metadata: { name, labels }, automountServiceAccountToken: false }),
      new DaemonSet({
        metadata: { name, labels },
        spec: {
          selector: { matchLabels: selector },
          updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '10%' } },
          template: {
            metadata: { labels },
            spec: {
              serviceAccountName: name,
              automountServiceAccountToken: false,
              hostNetwork: true,
              hostPID: true,
              dnsPolicy: 'ClusterFirstWithHostNet',
              priorityClassName: 'system-node-critical',
              securityContext: { runAsNonRoot: true, runAsUser: 65534, runAsGroup: 65534, seccompProfile: { type: 'RuntimeDefault' } },
              // Every node, tainted or not: a node without metrics is a blind spot.
              tolerations: [{ operator: 'Exists' }],
              containers: [
                {
                  name,
                  image: images.nodeExporter,
                  args: [
                    '--path.procfs=/host/proc',
                    '--path.sysfs=/host/sys',
                    '--path.rootfs=/host/root',
                    `--web.listen-address=0.0.0.0:${ports.nodeExporter}`,
                    '--collector.filesystem.mount-points-exclude=^/(dev|proc|sys|run/k3s/containerd/.+|var/lib/docker/.+|var/lib/kubelet/.+)($|/)',
                    '--no-collector.wifi',
                    '--no-collector.hwmon',
                  ],
                  ports: [{ name: 'metrics', containerPort: ports.nodeExporter, hostPort: ports.nodeExporter, protocol: 'TCP' }],
                  readinessProbe: { httpGet: { path: '/', port: 'metrics' }, periodSeconds: 10 },
                  livenessProbe: { httpGet: { path: '/', port: 'metrics' }, periodSeconds: 20, failureThreshold: 3 },
                  resources: { requests: { cpu: '20m', memory: '32Mi' }, limits: { memory: '128Mi' } },
                  securityContext: {
                    allowPrivilegeEscalation: false,
                    readOnlyRootFilesystem: true,
                    privileged: false,
                    capabilities: { drop: ['ALL'] },
                  },
                  volumeMounts: host.map((h) => ({
                    name: h.name,
                    mountPath: h.mountPath,
                    readOnly: true,
                    ...(h.name === 'root' ? { mountPropagation: 'HostToContainer' as const } : {}),
                  })),
                },
              ],
              volumes: host.map((h) => ({ name: h.name, hostPath: { path: h.hostPath } })),
            },
          },
        },
      }),
    ],
  };
}
