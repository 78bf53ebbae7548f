// Each overlay owns one namespace; an object elsewhere escapes its Argo CD project and its NetworkPolicies.
import { objectPolicy } from '../lib/define.ts';
import { isClusterScoped } from '../lib/index-objects.ts';

export default objectPolicy(
  {
    id: 'gitops/target-namespace',
    title: 'Every namespaced object is in its target\'s namespace',
    rationale:
      'An environment overlay deploys into marquee-<env> and a platform overlay into its platform namespace; the AppProject only allows that destination. An object with another namespace fails the sync, or worse lands in another environment.',
    hint: 'remove metadata.namespace from the base and let the overlay\'s `namespace:` set it',
    references: ['Argo CD AppProject destinations'],
    kinds: '*',
  },
  (subject) => {
    const want = subject.target.namespace;
    if (!want || isClusterScoped(subject.object)) return undefined;
    const ns = subject.object.metadata?.namespace;
    if (ns === want) return undefined;
    return ns === undefined
      ? { message: `has no namespace; ${subject.target.name} deploys to ${want}`, path: 'metadata.namespace' }
      : { message: `is in namespace ${ns}; ${subject.target.name} deploys to ${want}`, path: 'metadata.namespace' };
  },
);
