// Kubernetes allows all traffic to and from a pod until some NetworkPolicy selects it.
import { setPolicy } from '../lib/define.ts';
import { isEmptySelector } from '../../kube/index.ts';
import { namespaceOf, scopeOf } from '../lib/index-objects.ts';
import type { RenderedObject } from '../../kube/index.ts';

const denies = (np: Record<string, any>, type: 'Ingress' | 'Egress'): boolean => {
  const spec = np.spec ?? {};
  if (!isEmptySelector(spec.podSelector)) return false;
  const types: string[] = spec.policyTypes ?? (spec.egress ? ['Ingress', 'Egress'] : ['Ingress']);
  const rules = type === 'Ingress' ? spec.ingress : spec.egress;
  return types.includes(type) && (!rules || rules.length === 0);
};

export default setPolicy(
  {
    id: 'security/default-deny-network-policy',
    title: 'Every namespace has a default-deny NetworkPolicy (ingress and egress)',
    rationale:
      'Pods no policy selects accept traffic from anywhere in the cluster and may call anything. A namespace-wide default-deny makes every allowed flow an explicit, reviewed rule.',
    hint: 'include base/namespace (NetworkPolicy default-deny: podSelector {}, policyTypes [Ingress, Egress], no rules)',
    references: ['Kyverno add-networkpolicy (default-deny)', 'kube-score pod-networkpolicy'],
  },
  function* (ctx) {
    // Namespaces that need one: those with pods, and those the repository creates.
    const needed = new Map<string, RenderedObject>();
    for (const ns of ctx.index.ofKind('Namespace')) {
      const name = ns.object.metadata?.name;
      if (typeof name === 'string') needed.set(`${scopeOf(ns.target)}\0${name}`, ns);
    }
    for (const w of ctx.index.workloads) {
      const ns = namespaceOf(w.subject);
      const k = `${scopeOf(w.subject.target)}\0${ns}`;
      if (ns !== undefined && !needed.has(k)) needed.set(k, w.subject);
    }
    for (const [k, near] of needed) {
      const ns = k.split('\0')[1]!;
      const nps = ctx.index.inNamespace(near, 'NetworkPolicy', ns);
      const missing = (['Ingress', 'Egress'] as const).filter((type) => !nps.some((np) => denies(np.object, type)));
      if (!missing.length) continue;
      yield {
        subject: near,
        message: `namespace ${ns} has no default-deny NetworkPolicy for ${missing.join(' and ')}`,
        path: near.object.kind === 'Namespace' ? 'metadata.name' : 'metadata.namespace',
      };
    }
  },
);
