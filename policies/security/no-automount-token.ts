// A mounted service-account token is a credential for the API server in every pod that does not need one.
import { podPolicy } from '../lib/define.ts';
import { namespaceOf, scopeOf } from '../lib/index-objects.ts';
import type { PolicyContext } from '../types.ts';

/** `scope\0namespace\0name` of every ServiceAccount a (Cluster)RoleBinding grants something to. */
function boundServiceAccounts(ctx: PolicyContext): ReadonlySet<string> {
  return ctx.index.memo('bound-service-accounts', () => {
    const out = new Set<string>();
    for (const kind of ['RoleBinding', 'ClusterRoleBinding'])
      for (const b of ctx.index.ofKind(kind))
        for (const s of b.object.subjects ?? [])
          if (s?.kind === 'ServiceAccount' && s.name)
            out.add(`${scopeOf(b.target)}\0${s.namespace ?? namespaceOf(b) ?? ''}\0${s.name}`);
    return out;
  });
}

export default podPolicy(
  {
    id: 'security/no-automount-token',
    title: 'Service-account tokens are not mounted unless RBAC grants the account something',
    rationale:
      'Every pod gets an API token by default; a compromised service that never talks to the API server then holds a credential for it. A token is "needed" when a RoleBinding or ClusterRoleBinding in the rendered set names the pod\'s ServiceAccount (Prometheus discovery, kube-state-metrics).',
    hint: 'set automountServiceAccountToken: false on the pod spec (or its ServiceAccount)',
    references: ['CIS Kubernetes Benchmark 5.1.6', 'Kyverno restrict-automount-sa-token'],
  },
  (t, subject, ctx) => {
    const saName: string = t.spec.serviceAccountName ?? t.spec.serviceAccount ?? 'default';
    const sa = ctx.index.named(subject, 'ServiceAccount', saName);
    const mounted = t.spec.automountServiceAccountToken ?? sa?.object.automountServiceAccountToken ?? true;
    if (mounted !== true) return undefined;
    if (boundServiceAccounts(ctx).has(`${scopeOf(subject.target)}\0${namespaceOf(subject) ?? ''}\0${saName}`)) return undefined;
    return {
      message: `pod mounts the token of ServiceAccount ${saName}, which no RoleBinding or ClusterRoleBinding grants anything`,
      path: `${t.specPath}.automountServiceAccountToken`,
    };
  },
);
