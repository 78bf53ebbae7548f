// A NetworkPolicy port given by name is looked up on pods (networking.k8s.io/v1 NetworkPolicyPort: "a named port on a
// pod"): in an ingress rule on the pods the policy selects, in an egress rule on the peer pods its `to` names. A name
// none of those containers declares allows nothing, and the traffic the rule was written for is dropped behind the
// namespace's default-deny. Pods are selected with the API server's LabelSelector semantics (kube/workload.ts
// selectorMatches: matchLabels and matchExpressions In/NotIn/Exists/DoesNotExist).
//
// Only what the rendered objects settle is judged. CloudNativePG's instance pods, which its operator creates, are
// known (ObjectIndex operatorPods); namespaces marquee does not render (kube-system) are not, so a selector that finds no pod,
// an empty selector (every pod of the namespace, rendered or not), an ipBlock, a rule without `to`, and a
// namespaceSelector whose namespaces the render does not settle (policies/lib/namespaces.ts: `{}`, one that selects
// no rendered Namespace by its labels, one that also reaches a namespace not rendered) leave the rule unjudged.
import { closest } from '../../kube/closest.ts';
import { objectPolicy } from '../lib/define.ts';
import type { ObjectIndex, Workload } from '../lib/index-objects.ts';
import { namespacesSelected, reachesUnrendered, renderedNamespaces } from '../lib/namespaces.ts';
import { containersOf, isEmptySelector, type LabelSelector, type RenderedObject } from '../../kube/index.ts';
import type { Violation } from '../types.ts';

const isSelector = (s: unknown): s is LabelSelector => !!s && typeof s === 'object' && !Array.isArray(s);

/** Container port names the workloads declare (init containers' ports take no traffic). */
const portNames = (pods: readonly Workload[]): Set<string> =>
  new Set(pods.flatMap((w) => containersOf(w.template, { init: false }).flatMap((c) => (Array.isArray(c.container.ports) ? c.container.ports : []).map((p: any) => p?.name)).filter((n): n is string => typeof n === 'string' && n !== '')));

/** The rendered pods a non-empty selector selects, or undefined when it is empty or selects no rendered pod. */
function rendered(index: ObjectIndex, near: RenderedObject, selector: unknown, ns?: string): Workload[] | undefined {
  if (!isSelector(selector) || isEmptySelector(selector)) return undefined;
  const pods = index.podsSelected(near, selector, ns);
  return pods.length ? pods : undefined;
}

/**
 * The pods an egress rule's `to` peers name, or undefined when a peer is open (see top). kubernetes/kubernetes
 * pkg/apis/networking/types.go NetworkPolicyPeer: a podSelector alone selects pods of the policy's own namespace; with a
 * namespaceSelector, "the Pods matching PodSelector in the Namespaces selected by NamespaceSelector", which selects
 * Namespaces by their labels ("if present but empty, it selects all namespaces").
 */
function peerPods(index: ObjectIndex, near: RenderedObject, to: unknown): Workload[] | undefined {
  if (!Array.isArray(to) || !to.length) return undefined;
  const out: Workload[] = [];
  for (const peer of to) {
    if (!isSelector(peer) || (peer as Record<string, unknown>).ipBlock) return undefined;
    const { podSelector, namespaceSelector } = peer as { podSelector?: unknown; namespaceSelector?: unknown };
    if (namespaceSelector === undefined || namespaceSelector === null) {
      const pods = rendered(index, near, podSelector);
      if (!pods) return undefined;
      out.push(...pods);
      continue;
    }
    if (!isSelector(namespaceSelector)) return undefined;
    const known = renderedNamespaces(index, near);
    const names = namespacesSelected(namespaceSelector, known);
    if (!names || reachesUnrendered(namespaceSelector, known)) return undefined;
    // every namespace selected is rendered, so their pods are known: some of them may hold none of the peers
    const pods = names.flatMap((ns) => rendered(index, near, podSelector, ns) ?? []);
    if (!pods.length) return undefined;
    out.push(...pods);
  }
  return out;
}

const isNamed = (p: any): p is { port: string } => typeof p?.port === 'string' && !/^[0-9]+$/.test(p.port);
const listed = (names: Set<string>) => [...names].sort().join(', ') || 'no ports';
/** `did you mean "http"? ` when a declared name is one or two edits away, for the start of a hint. */
const meant = (port: string, names: Set<string>) => {
  const m = closest(port, [...names].sort());
  return m ? `did you mean "${m}"? ` : '';
};

export default objectPolicy(
  {
    id: 'correctness/network-policy-port',
    title: 'Named ports in NetworkPolicy rules exist on the pods they name',
    rationale:
      'A NetworkPolicy port given by name matches the container port of that name (networking.k8s.io NetworkPolicyPort: "a named port on a pod"): on the pods the policy selects for an ingress rule, on the peer pods of its `to` for an egress rule. A name none of those containers declares matches nothing, so the rule allows no traffic, silently, behind a default-deny. Pods are selected by matchLabels and matchExpressions as the API server selects them; CloudNativePG\'s instance pods count as rendered (the Cluster\'s inheritedMetadata labels, ports postgresql, metrics, status). A rule whose pods the render does not settle (an empty selector, an ipBlock, no `to`, a namespaceSelector that is {} or selects no rendered Namespace by its labels (kubernetes.io/metadata.name included) or also reaches a namespace not rendered, a selector that finds no rendered pod) is not judged.',
    hint: 'use a port name the containers declare in ports[].name (or the number)',
    kinds: ['NetworkPolicy'],
    references: [
      'Kubernetes NetworkPolicyPort (named ports), NetworkPolicyPeer',
      'kubernetes/kubernetes pkg/apis/networking/types.go NetworkPolicyPeer (podSelector and namespaceSelector together: the pods matching podSelector in the namespaces namespaceSelector selects; an empty namespaceSelector selects all namespaces)',
      'kubernetes/kubernetes staging/src/k8s.io/apimachinery/pkg/apis/meta/v1/helpers.go LabelSelectorAsSelector; pkg/labels/selector.go Requirement.Matches',
    ],
  },
  (subject, ctx) => {
    const spec = subject.object.spec ?? {};
    const out: Violation[] = [];
    const ingress = Array.isArray(spec.ingress) ? spec.ingress : [];
    if (ingress.some((r: any) => Array.isArray(r?.ports) && r.ports.some(isNamed))) {
      const selected = rendered(ctx.index, subject, spec.podSelector);
      const declared = selected && portNames(selected);
      if (declared)
        ingress.forEach((rule: any, i: number) =>
          (Array.isArray(rule?.ports) ? rule.ports : []).forEach((p: any, j: number) => {
            if (isNamed(p) && !declared.has(p.port))
              out.push({
                message: `ingress[${i}] allows port "${p.port}", which no selected container declares (they name ${listed(declared)})`,
                path: `spec.ingress[${i}].ports[${j}].port`,
                hint: `${meant(p.port, declared)}use a port name the containers declare in ports[].name (or the number)`,
              });
          }),
        );
    }
    (Array.isArray(spec.egress) ? spec.egress : []).forEach((rule: any, i: number) => {
      const ports = Array.isArray(rule?.ports) ? rule.ports : [];
      if (!ports.some(isNamed)) return;
      const peers = peerPods(ctx.index, subject, rule.to);
      if (!peers) return;
      const declared = portNames(peers);
      ports.forEach((p: any, j: number) => {
        if (isNamed(p) && !declared.has(p.port))
          out.push({
            message: `egress[${i}] allows port "${p.port}" to its peers, which no container of the peer pods declares (they name ${listed(declared)})`,
            path: `spec.egress[${i}].ports[${j}].port`,
            hint: `${meant(p.port, declared)}an egress port names a port of the destination pods: use a name their containers declare in ports[].name (or the number)`,
          });
      });
    });
    return out;
  },
);
