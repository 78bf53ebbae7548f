// One replica means every rollout, node drain or crash is an outage.
import { environments } from '../../generators/environments.ts';
import { objectPolicy } from '../lib/define.ts';
import { replicaRange, rolloutOf } from '../lib/workloads.ts';
import { objectRef, type Against, type RenderedObject } from '../../kube/index.ts';
import type { PolicyContext } from '../types.ts';

/** At least 2 everywhere it applies, and at least the environment contract's replica floor (3 in prod). */
export const replicaFloor = (env: keyof typeof environments): number => Math.max(2, environments[env].replicas.min);

/** The HPAs of the workload's namespace, as fields the finding is judged against: their target named it, or the Rollout running its pods. */
function hpasThatCouldScale(subject: RenderedObject, ctx: PolicyContext): { against?: Against[] } {
  const names = [...new Set([subject.object.metadata?.name, rolloutOf(subject, ctx)?.object.metadata?.name].filter((n): n is string => typeof n === 'string'))];
  const against = ctx.index.inNamespace(subject, 'HorizontalPodAutoscaler').map((h) => ({ object: objectRef(h.object), path: 'spec.scaleTargetRef.name', oneOf: names }));
  return against.length ? { against } : {};
}

export default objectPolicy(
  {
    id: 'availability/min-replicas',
    title: 'Deployments run at least 2 replicas (3 in prod)',
    rationale:
      'A single replica turns every rollout, node drain and crash into downtime. The floor is max(2, the environment contract\'s replicas.min): 2 in test, 3 in prod. dev is left out on purpose: its contract runs one replica to save capacity.',
    hint: 'raise minReplicas of the HPA (or spec.replicas) in the overlay\'s scaling patch',
    envs: ['test', 'prod'],
    kinds: ['Deployment'],
    references: ['kube-linter minimum-three-replicas', 'kube-score deployment-replicas'],
  },
  (subject, ctx) => {
    const env = subject.target.env;
    const range = replicaRange(subject, ctx);
    if (!env || !range) return;
    const floor = replicaFloor(env);
    if (range.min >= floor) return;
    return range.hpa
      ? {
          message: `minReplicas ${range.min} lets Deployment/${subject.object.metadata?.name} run fewer than the ${floor} replicas ${env} needs`,
          path: 'spec.minReplicas',
          subject: range.hpa,
          hint: `set the HPA's minReplicas to ${floor} or more in ${env}`,
        }
      : {
          message: `runs ${range.min} replica(s); ${env} needs at least ${floor}`,
          path: 'spec.replicas',
          hint: `set spec.replicas to ${floor} or more (or add an HPA with minReplicas >= ${floor})`,
          // no HPA scales it: one an overlay retargeted away from it (a scaleTargetRef name typo) is the mistake (blame.ts)
          ...hpasThatCouldScale(subject, ctx),
        };
  },
);
