// A pod naming a ServiceAccount that does not exist is refused by the admission controller.
import { podPolicy } from '../lib/define.ts';

export default podPolicy(
  {
    id: 'correctness/service-account-exists',
    title: 'Pods use a ServiceAccount that is rendered',
    rationale: 'The ServiceAccount admission plugin rejects pods whose serviceAccountName does not exist: the ReplicaSet never creates a pod, and only its events say why.',
    hint: 'render the ServiceAccount next to the workload (generators/services.ts does) or fix serviceAccountName',
    references: ['kube-linter non-existent-service-account'],
  },
  (t, subject, ctx) => {
    const name = t.spec.serviceAccountName ?? t.spec.serviceAccount;
    if (typeof name !== 'string' || name === 'default') return undefined;
    if (ctx.index.named(subject, 'ServiceAccount', name)) return undefined;
    return { message: `ServiceAccount ${name} is not rendered in this namespace`, path: `${t.specPath}.serviceAccountName` };
  },
);
