// A Rollout naming a Service, Ingress, workload or template that is not rendered never
// progresses: the controller reports the missing object and leaves the release where it is.
import { objectPolicy } from '../lib/define.ts';
import type { Violation } from '../types.ts';
import { templateFor, templateUses } from '../lib/rollouts.ts';

export default objectPolicy(
  {
    id: 'rollouts/references-exist',
    title: 'Every Service, Ingress, workload and analysis template a Rollout names is rendered with it',
    rationale:
      'Argo Rollouts looks these objects up at reconcile time; a missing stable/canary Service, stableIngress, workloadRef target or AnalysisTemplate stalls the Rollout with an InvalidSpec condition instead of failing the sync.',
    hint: 'render the named object in the same overlay (generators/rollouts/canary.ts) or fix the name',
    kinds: ['Rollout'],
    references: ['Argo Rollouts rollout/controller InvalidSpec', 'kube-linter dangling-service'],
  },
  (subject, ctx) => {
    const out: Violation[] = [];
    const need = (kind: string, name: unknown, path: string) => {
      if (typeof name !== 'string' || !name) return;
      if (!ctx.index.named(subject, kind, name)) out.push({ message: `${kind}/${name} is not rendered in this namespace`, path });
    };
    const spec = subject.object.spec ?? {};
    if (spec.workloadRef) need(String(spec.workloadRef.kind ?? ''), spec.workloadRef.name, 'spec.workloadRef.name');
    const canary = spec.strategy?.canary ?? {};
    need('Service', canary.stableService, 'spec.strategy.canary.stableService');
    need('Service', canary.canaryService, 'spec.strategy.canary.canaryService');
    const nginx = canary.trafficRouting?.nginx;
    if (nginx) {
      need('Ingress', nginx.stableIngress, 'spec.strategy.canary.trafficRouting.nginx.stableIngress');
      (nginx.stableIngresses ?? []).forEach((n: unknown, i: number) => need('Ingress', n, `spec.strategy.canary.trafficRouting.nginx.stableIngresses[${i}]`));
    }
    const bg = spec.strategy?.blueGreen ?? {};
    need('Service', bg.activeService, 'spec.strategy.blueGreen.activeService');
    need('Service', bg.previewService, 'spec.strategy.blueGreen.previewService');
    for (const use of templateUses(subject.object))
      if (!templateFor(subject, use, ctx)) out.push({ message: `${use.kind}/${use.name} is not rendered${use.kind === 'AnalysisTemplate' ? ' in this namespace' : ''}`, path: use.path });
    return out;
  },
);
