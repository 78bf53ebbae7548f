// Behind a default-deny, a pod that no specific policy selects has its traffic described nowhere.
import { podPolicy } from '../lib/define.ts';
import { isEmptySelector, objectRef } from '../../kube/index.ts';

export default podPolicy(
  {
    id: 'security/network-policy-coverage',
    title: 'Every pod is selected by a NetworkPolicy of its own',
    rationale:
      'NetworkPolicies do not apply to hostNetwork pods, which are skipped. The namespace default-deny selects everything; a pod that only it selects either cannot work or works through someone else\'s rule. A policy that selects the pod by its labels documents and limits exactly who may talk to it.',
    hint: 'add a NetworkPolicy whose podSelector matches the pod labels and allows its real peers (generators/services.ts networkPolicyFor)',
    references: ['kube-linter non-isolated-pod', 'kube-score pod-networkpolicy'],
  },
  (t, subject, ctx) => {
    // NetworkPolicies do not apply to host-network pods (security/no-host-namespaces covers those).
    if (t.spec.hostNetwork === true) return undefined;
    const selected = ctx.index
      .selecting(subject, 'NetworkPolicy', t.labels, (o) => o.spec?.podSelector)
      .some((np) => !isEmptySelector(np.object.spec?.podSelector));
    if (selected) return undefined;
    // the policies that select no pods here: one an overlay patched away from these pods is the mistake (blame.ts)
    const against = ctx.index
      .inNamespace(subject, 'NetworkPolicy')
      .filter((np) => !isEmptySelector(np.object.spec?.podSelector))
      .map((np) => ({ object: objectRef(np.object), path: 'spec.podSelector', selects: t.labels }));
    return { message: 'no NetworkPolicy (other than namespace-wide ones) selects its pods', path: t.labelsPath, ...(against.length ? { against } : {}) };
  },
);
