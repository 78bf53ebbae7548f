// The app.kubernetes.io labels are how dashboards, alerts, Argo CD and people find an object's owner.
import { partOf } from '../../generators/lib/labels.ts';
import { objectPolicy } from '../lib/define.ts';
import { key, podTemplateOf } from '../../kube/index.ts';
import type { Violation } from '../types.ts';

/** Every object: what it is and which system it belongs to. */
export const requiredLabels = ['app.kubernetes.io/name', 'app.kubernetes.io/component', 'app.kubernetes.io/part-of'] as const;
/** Pod templates: the stable selector subset (generators/lib/labels.ts selectorFor). */
export const requiredPodLabels = ['app.kubernetes.io/name', 'app.kubernetes.io/part-of'] as const;

export default objectPolicy(
  {
    id: 'gitops/required-labels',
    title: 'Objects carry app.kubernetes.io/name, component and part-of (pods: name and part-of)',
    rationale:
      'The recommended labels identify an object\'s application and role across kubectl, Argo CD, Prometheus relabelling and Grafana; part-of must be "marquee" so the whole system can be selected at once.',
    hint: 'build labels with generators/lib/labels.ts labelsFor()',
    references: ['Kubernetes recommended labels', 'Kyverno require-labels'],
    kinds: '*',
  },
  (subject) => {
    const out: Violation[] = [];
    const check = (labels: Record<string, string> | undefined, path: string, keys: readonly string[]) => {
      for (const k of keys) if (!labels?.[k]) out.push({ message: `${path === 'metadata.labels' ? 'label' : 'pod template label'} ${k} is missing`, path });
      const p = labels?.['app.kubernetes.io/part-of'];
      if (p && p !== partOf) out.push({ message: `app.kubernetes.io/part-of is "${p}", not "${partOf}"`, path: key(path, 'app.kubernetes.io/part-of') });
    };
    check(subject.object.metadata?.labels, 'metadata.labels', requiredLabels);
    const t = podTemplateOf(subject.object);
    if (t && subject.object.kind !== 'Pod') check(t.labels, t.labelsPath, requiredPodLabels);
    return out;
  },
);
