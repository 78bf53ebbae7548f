// Declared exceptions to the policies: one entry per policy × object (× container),
// each with a reason, an accountable owner and an expiry date. Expired entries fail
// `npm run validate`; entries that match nothing are reported. Annotations on the
// objects never silence a policy: this file is the only way, and it is reviewed.
import { environments } from '../generators/environments.ts';
import { serviceNames } from '@marquee/contract';
import { exempt } from './lib/exemptions.ts';
import type { DeclaredExemption } from './types.ts';

const platform = '@marquee-shop/platform' as const;

export const exemptions: readonly DeclaredExemption[] = [
  // node-exporter reads the node's /proc, /sys and root filesystem and reports the
  // node's own network interfaces: that is its whole job (kube-prometheus runs it the same way).
  exempt({
    policy: 'security/no-host-namespaces',
    object: { kind: 'DaemonSet', namespace: 'monitoring', name: 'node-exporter' },
    reason: 'node-exporter must see the host network and PID namespaces to report node metrics (kube-prometheus does the same); reviewed yearly',
    owner: platform,
    expires: '2027-11-30',
  }),
  exempt({
    policy: 'security/no-host-path',
    object: { kind: 'DaemonSet', namespace: 'monitoring', name: 'node-exporter' },
    reason: 'node-exporter mounts /proc, /sys and / read-only to read node metrics (kube-prometheus does the same); reviewed yearly',
    owner: platform,
    expires: '2027-11-30',
  }),

  // prod requires digests (environments.ts requireDigests; the prod cluster's platform
  // overlay follows it) but images are pinned by release tag until the image workflow
  // resolves and writes digests (npm run set-image for ours; the same for upstream images,
  // which cannot be resolved offline). One entry per workload, so each disappears on its own.
  ...[...serviceNames.map((name) => ['Deployment', name] as const), ['Job', 'migrate-inventory'] as const, ['Job', 'migrate-billing'] as const].map(([kind, name]) =>
    exempt({
      policy: 'gitops/digest-pinning',
      object: { kind, namespace: environments.prod.namespace, name },
      targets: ['prod'],
      reason: 'prod images are tagged (0.1.0) until the image workflow pins them by digest through npm run set-image; remove once the prod overlays name digests (the migration Jobs run the service images)',
      owner: platform,
      expires: '2027-01-31',
    }),
  ),
  ...(
    [
      // prod's PostgreSQL is a CloudNativePG Cluster (no StatefulSet, bootstrap Job or backup CronJob).
      ['StatefulSet', 'rabbitmq'],
    ] as const
  ).map(([kind, name]) =>
    exempt({
      policy: 'gitops/digest-pinning',
      object: { kind, namespace: environments.prod.namespace, name },
      targets: ['prod'],
      reason: 'upstream data-tier images (rabbitmq) are pinned by exact tag until the image workflow resolves their digests; remove once the data bases name digests',
      owner: platform,
      expires: '2027-01-31',
    }),
  ),
  ...(
    [
      ['StatefulSet', 'prometheus'],
      ['StatefulSet', 'alertmanager'],
      ['Deployment', 'grafana'],
      ['Deployment', 'kube-state-metrics'],
      ['DaemonSet', 'node-exporter'],
    ] as const
  ).map(([kind, name]) =>
    exempt({
      policy: 'gitops/digest-pinning',
      object: { kind, namespace: 'monitoring', name },
      targets: ['platform/prod'],
      reason: 'monitoring images are pinned by exact tag in generators/monitoring/images.ts until the image workflow resolves their digests; remove once images.ts names digests',
      owner: platform,
      expires: '2027-01-31',
    }),
  ),
  // Argo Rollouts (issue 21): the controller image is pinned by release tag in generators/rollouts/version.ts.
  exempt({
    policy: 'gitops/digest-pinning',
    object: { kind: 'Deployment', namespace: 'monitoring', name: 'argo-rollouts' },
    targets: ['platform/prod'],
    reason: 'the Argo Rollouts controller image is pinned by release tag (v1.9.1) in generators/rollouts/version.ts until the image workflow resolves its digest; remove once version.ts names a digest',
    owner: platform,
    expires: '2027-01-31',
  }),
];
