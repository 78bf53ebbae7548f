// An HPA whose target does not exist scales nothing and reports FailedGetScale forever.
import { objectPolicy } from '../lib/define.ts';
import { namespaceOf } from '../lib/index-objects.ts';
import { closest } from '../../kube/index.ts';

export default objectPolicy(
  {
    id: 'availability/hpa-target-exists',
    title: 'HPA scaleTargetRef names a workload that is rendered',
    rationale: 'A renamed Deployment leaves its HPA pointing at nothing: the workload silently stops autoscaling.',
    hint: 'make spec.scaleTargetRef kind/name match the Deployment in the same overlay',
    kinds: ['HorizontalPodAutoscaler'],
    references: ['kube-linter dangling-horizontalpodautoscaler', 'kube-score horizontalpodautoscaler-has-target'],
  },
  (subject, ctx) => {
    const ref = subject.object.spec?.scaleTargetRef ?? {};
    if (!ref.kind || !ref.name) return { message: 'spec.scaleTargetRef has no kind or name', path: 'spec.scaleTargetRef' };
    const target = ctx.index.named(subject, ref.kind, ref.name);
    if (!target) {
      const near = closest(String(ref.name), ctx.index.inNamespace(subject, ref.kind).map((o) => String(o.object.metadata?.name)));
      return {
        message: `scaleTargetRef ${ref.kind}/${ref.name} is not rendered in namespace ${namespaceOf(subject)}`,
        path: 'spec.scaleTargetRef.name',
        ...(near ? { hint: `did you mean name: ${near}? (the ${ref.kind} of that name in this overlay)` } : {}),
      };
    }
    const group = (v: string | undefined) => (v ?? '').split('/').slice(0, -1).join('/');
    if (ref.apiVersion && group(ref.apiVersion) !== group(target.object.apiVersion))
      return { message: `scaleTargetRef apiVersion ${ref.apiVersion} does not match ${target.object.apiVersion} of ${ref.kind}/${ref.name}`, path: 'spec.scaleTargetRef.apiVersion' };
    return undefined;
  },
);
