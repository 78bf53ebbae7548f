// The shape of every pod-level NetworkPolicy marquee generates: it selects its pods by labels and restricts both
// directions, so a selected pod talks only to the peers its rules list (an empty list: none). The namespace-wide
// policies (default deny, DNS: generators/namespace.ts) are the exceptions and are written out there.
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { INetworkPolicyEgressRule } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicyEgressRule';
import type { INetworkPolicyIngressRule } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicyIngressRule';
import type { IObjectMeta } from '@kubernetes-models/apimachinery/apis/meta/v1/ObjectMeta';

export interface NetworkRules {
  readonly ingress: INetworkPolicyIngressRule[];
  readonly egress: INetworkPolicyEgressRule[];
}

/** A NetworkPolicy for the pods whose labels match `selector`, allowing exactly `rules` in and out. */
export function isolatePods(metadata: IObjectMeta, selector: Record<string, string>, rules: NetworkRules): NetworkPolicy {
  return new NetworkPolicy({
    metadata,
    spec: { podSelector: { matchLabels: selector }, policyTypes: ['Ingress', 'Egress'], ingress: rules.ingress, egress: rules.egress },
  });
}
