// A Service that selects no pod has no endpoints: every request to it fails.
import { objectPolicy } from '../lib/define.ts';
import { namespaceOf } from '../lib/index-objects.ts';

export default objectPolicy(
  {
    id: 'correctness/service-selects-pods',
    title: 'Every Service selects at least one pod template',
    rationale: 'A selector typo or a renamed label leaves the Service without endpoints; callers get connection refused while every object still applies cleanly.',
    hint: 'make spec.selector equal to labels of the workload\'s pod template (generators/lib/labels.ts selectorFor)',
    kinds: ['Service'],
    references: ['kube-linter dangling-service', 'kube-score service-targets-pod'],
  },
  (subject, ctx) => {
    const backends = ctx.index.serviceBackends(subject);
    if (!backends || backends.pods.length) return undefined;
    return {
      message: `selector ${Object.entries(backends.selector).map(([k, v]) => `${k}=${v}`).join(',')} matches no pod template in namespace ${namespaceOf(subject)}`,
      path: 'spec.selector',
    };
  },
);
