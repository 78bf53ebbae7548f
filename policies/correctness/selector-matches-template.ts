// The API server rejects a workload whose selector does not match its own pod template.
import { podPolicy } from '../lib/define.ts';
import { selectorMatches } from '../../kube/index.ts';

export default podPolicy(
  {
    id: 'correctness/selector-matches-template',
    title: 'Workload selectors match their own pod template labels',
    rationale:
      'A Deployment whose selector does not select its template is rejected at apply time ("selector does not match template labels"), so the sync fails only once it reaches the cluster. A common cause is an overlay label patch that forgets the template.',
    hint: 'make spec.selector.matchLabels a subset of spec.template.metadata.labels (generators/lib/labels.ts selectorFor)',
    kinds: ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job'],
    references: ['kube-linter mismatching-selector'],
  },
  (t, subject) => {
    const sel = subject.object.spec?.selector;
    // Jobs generate their selector unless manualSelector is set.
    if (subject.object.kind === 'Job' && !subject.object.spec?.manualSelector) return undefined;
    if (!sel) return { message: 'has no spec.selector', path: 'spec.selector' };
    if (!Object.keys(sel.matchLabels ?? {}).length && !(sel.matchExpressions ?? []).length)
      return { message: 'spec.selector is empty', path: 'spec.selector' };
    if (selectorMatches(sel, t.labels)) return undefined;
    const diff = Object.entries(sel.matchLabels ?? {})
      .filter(([k, v]) => t.labels[k] !== v)
      .map(([k, v]) => `${k}=${v}`);
    return {
      message: `spec.selector does not match the pod template labels${diff.length ? ` (missing ${diff.join(', ')})` : ''}`,
      path: 'spec.selector',
    };
  },
);
