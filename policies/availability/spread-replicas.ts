// Replicas on one node or one zone fail together.
import { podPolicy } from '../lib/define.ts';
import { selectorMatches } from '../../kube/index.ts';
import { replicaRange, replicatedKinds } from '../lib/workloads.ts';

export default podPolicy(
  {
    id: 'availability/spread-replicas',
    title: 'Multi-replica workloads spread their pods by anti-affinity or topology spread (prod)',
    rationale: 'The scheduler may pack all replicas onto one node or zone; losing it takes the whole service down however many replicas it has.',
    hint: 'add topologySpreadConstraints over kubernetes.io/hostname and topology.kubernetes.io/zone (generators/lib/pod.ts spreadFor)',
    envs: ['prod'],
    kinds: replicatedKinds,
    references: ['kube-linter no-anti-affinity', 'kube-score deployment-has-host-podantiaffinity'],
  },
  (t, subject, ctx) => {
    // One replica has nothing to spread (availability/min-replicas covers the count).
    if ((replicaRange(subject, ctx)?.max ?? 1) < 2) return undefined;
    const own = (sel: any) => sel && selectorMatches(sel, t.labels);
    const spread = (t.spec.topologySpreadConstraints ?? []).some((c: any) => own(c?.labelSelector));
    const aff = t.spec.affinity?.podAntiAffinity;
    const anti = [
      ...(aff?.requiredDuringSchedulingIgnoredDuringExecution ?? []),
      ...(aff?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((p: any) => p?.podAffinityTerm),
    ].some((term: any) => own(term?.labelSelector));
    if (spread || anti) return;
    return {
      message: 'no topologySpreadConstraints or podAntiAffinity term selects its own pods',
      path: `${t.specPath}.topologySpreadConstraints`,
    };
  },
);
