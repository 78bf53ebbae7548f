// The controller adds `rollouts-pod-template-hash` to the stable and canary Services' selectors;
// everything else must be the same and must select the Rollout's pods, or one side of the
// traffic split goes to the wrong pods or to none.
import { selectorMatches } from '../../kube/index.ts';
import { objectPolicy } from '../lib/define.ts';
import { templateSourceOf } from '../lib/workloads.ts';
import type { Violation } from '../types.ts';
import { podTemplateOf } from '../../kube/index.ts';

/** argo-rollouts pkg/apis/rollouts/v1alpha1 DefaultRolloutUniqueLabelKey: the controller owns it. */
const hashLabel = 'rollouts-pod-template-hash';

export default objectPolicy(
  {
    id: 'rollouts/split-services-match',
    title: 'A canary Rollout’s stable and canary Services select its pods, the same way but for the hash label',
    rationale:
      'The controller narrows each Service to one ReplicaSet by adding the pod-template hash to its selector. If the two selectors differ otherwise, or miss the Rollout’s pods, traffic weights apply to the wrong pods or to none.',
    hint: 'give both Services the base Service’s selector and ports (generators/rollouts/canary.ts splitServicesFor) and never write the hash label in Git',
    kinds: ['Rollout'],
    references: ['Argo Rollouts docs/features/canary: canaryService/stableService'],
  },
  (subject, ctx) => {
    const canary = subject.object.spec?.strategy?.canary;
    if (!canary?.stableService || !canary?.canaryService) return [];
    const stable = ctx.index.named(subject, 'Service', canary.stableService);
    const canarySvc = ctx.index.named(subject, 'Service', canary.canaryService);
    if (!stable || !canarySvc) return []; // rollouts/references-exist reports it
    const out: Violation[] = [];
    const sel = (s: typeof stable) => (s.object.spec?.selector ?? {}) as Record<string, string>;
    for (const [svc, field] of [[stable, 'stableService'], [canarySvc, 'canaryService']] as const)
      if (hashLabel in sel(svc))
        out.push({ message: `Service/${svc.object.metadata?.name} sets ${hashLabel} in Git; the controller owns that selector key`, path: `spec.strategy.canary.${field}` });
    const strip = (s: Record<string, string>) => JSON.stringify(Object.fromEntries(Object.entries(s).filter(([k]) => k !== hashLabel).sort()));
    if (strip(sel(stable)) !== strip(sel(canarySvc)))
      out.push({ message: `Service/${canary.stableService} selects ${strip(sel(stable))} but Service/${canary.canaryService} selects ${strip(sel(canarySvc))}`, path: 'spec.strategy.canary.canaryService' });
    const source = templateSourceOf(subject, ctx);
    const t = source && podTemplateOf(source.object);
    if (t && !selectorMatches({ matchLabels: Object.fromEntries(Object.entries(sel(stable)).filter(([k]) => k !== hashLabel)) }, t.labels))
      out.push({ message: `Service/${canary.stableService} selects ${strip(sel(stable))}, which the Rollout's pods (${JSON.stringify(t.labels)}) do not carry`, path: 'spec.strategy.canary.stableService' });
    return out;
  },
);
