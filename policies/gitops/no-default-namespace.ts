// The default namespace has no owner, no NetworkPolicies and no quota.
import { objectPolicy } from '../lib/define.ts';
import { isClusterScoped } from '../lib/index-objects.ts';

export default objectPolicy(
  {
    id: 'gitops/no-default-namespace',
    title: 'Nothing is deployed to the default namespace',
    rationale:
      'Objects in `default` (explicitly, or by having no namespace where the target sets none) sit outside every environment\'s isolation, project and cleanup; Argo CD Applications must not target it either.',
    hint: 'set the environment namespace (overlay `namespace:`), or the Application destination namespace',
    references: ['kube-linter use-namespace', 'Kyverno disallow-default-namespace'],
    kinds: '*',
  },
  (subject) => {
    const o = subject.object;
    if (o.kind === 'Application' && o.spec?.destination?.namespace === 'default')
      return { message: 'Application deploys to the default namespace', path: 'spec.destination.namespace' };
    if (isClusterScoped(o)) return undefined;
    const ns = o.metadata?.namespace ?? subject.target.namespace;
    if (ns === 'default') return { message: 'is in the default namespace', path: 'metadata.namespace' };
    if (ns === undefined) return { message: 'has no namespace and would be applied to default', path: 'metadata.namespace' };
    return undefined;
  },
);
