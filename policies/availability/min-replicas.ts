// One replica means every rollout, node drain or crash is an outage.
import { environments } from '../../generators/environments.ts';
import { objectPolicy } from '../lib/define.ts';
import { replicaRange } from '../lib/workloads.ts';

/** At least 2 everywhere it applies, and at least the environment contract's replica floor (3 in prod). */
export const replicaFloor = (env: keyof typeof environments): number => Math.max(2, environments[env].replicas.min);

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
        };
  },
);
