// An ingress rule's named port is looked up on the pods the policy selects: a name none of their containers declares
// allows nothing, and the traffic the rule was written for is dropped behind the namespace's default-deny.
import { objectPolicy } from '../lib/define.ts';
import { containersOf } from '../../kube/index.ts';
import type { Violation } from '../types.ts';

export default objectPolicy(
  {
    id: 'correctness/network-policy-port',
    title: 'Named ports in NetworkPolicy ingress rules exist on the selected pods',
    rationale:
      'A NetworkPolicy port given by name matches the container port of that name on the pods the policy selects (networking.k8s.io NetworkPolicyPort: "a named port on a pod"). A name no selected container declares matches nothing, so the rule allows no traffic, silently, behind a default-deny. Egress rules name ports on the peers, which are not judged here.',
    hint: 'use a port name the selected containers declare in ports[].name (or the number)',
    kinds: ['NetworkPolicy'],
    references: ['Kubernetes NetworkPolicyPort (named ports)'],
  },
  (subject, ctx) => {
    const spec = subject.object.spec ?? {};
    const selector = spec.podSelector;
    // only a matchLabels selector is judged (an empty one selects every pod of the namespace; expressions are rare here)
    const labels = selector?.matchLabels;
    if (!labels || !Object.keys(labels).length || selector.matchExpressions?.length) return undefined;
    const pods = ctx.index.podsMatching(subject, labels);
    if (!pods.length) return undefined; // a policy selecting no pods allows nothing anyway
    const declared = new Set(pods.flatMap((w) => containersOf(w.template, { init: false }).flatMap((c) => (c.container.ports ?? []).map((p: any) => p?.name)).filter(Boolean)));
    const out: Violation[] = [];
    (Array.isArray(spec.ingress) ? spec.ingress : []).forEach((rule: any, i: number) =>
      (Array.isArray(rule?.ports) ? rule.ports : []).forEach((p: any, j: number) => {
        if (typeof p?.port !== 'string' || /^[0-9]+$/.test(p.port) || declared.has(p.port)) return;
        out.push({
          message: `ingress[${i}] allows port "${p.port}", which no selected container declares (they name ${[...declared].sort().join(', ') || 'no ports'})`,
          path: `spec.ingress[${i}].ports[${j}].port`,
        });
      }),
    );
    return out;
  },
);
