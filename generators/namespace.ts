// The per-environment namespace and its baseline network isolation: default-deny
// for every pod, DNS egress allowed. Overlays rename the Namespace via `namespace:`.
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import type { Component } from './lib/component.ts';
import { partOf } from './lib/labels.ts';

const source = 'generators/namespace.ts';
const labels = { 'app.kubernetes.io/part-of': partOf, 'app.kubernetes.io/component': 'namespace' };

export function namespaceComponent(): Component {
  return {
    dir: 'base/namespace',
    source,
    objects: [
      new Namespace({
        // Renamed to marquee-<env> by the overlay's `namespace:` field.
        metadata: { name: 'marquee', labels: { ...labels, 'app.kubernetes.io/name': 'marquee' } },
      }),
      new NetworkPolicy({
        metadata: { name: 'default-deny', labels: { ...labels, 'app.kubernetes.io/name': 'default-deny' } },
        spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
      }),
      new NetworkPolicy({
        metadata: { name: 'allow-dns', labels: { ...labels, 'app.kubernetes.io/name': 'allow-dns' } },
        spec: {
          podSelector: {},
          policyTypes: ['Egress'],
          egress: [
            {
              to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
              ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }],
            },
          ],
        },
      }),
    ],
  };
}
