// A PDB that needs more pods available than the HPA may run blocks every drain at the minimum.
import { setPolicy } from '../lib/define.ts';
import { hpasFor, pdbsFor, replicatedKinds } from '../lib/workloads.ts';

export default setPolicy(
  {
    id: 'availability/pdb-within-hpa',
    title: 'PDB minAvailable <= HPA minReplicas',
    rationale:
      'When the HPA scales down to minReplicas and the PDB requires more pods than that to stay available, no pod may ever be evicted: drains and cluster upgrades hang.',
    hint: 'prefer maxUnavailable: 1; else keep minAvailable below the HPA minReplicas',
    references: ['kube-linter pdb-min-available'],
  },
  function* (ctx) {
    for (const kind of replicatedKinds)
      for (const subject of ctx.index.ofKind(kind)) {
        const hpa = hpasFor(subject, ctx)[0];
        if (!hpa) continue;
        const min = Number(hpa.object.spec?.minReplicas ?? 1);
        for (const pdb of pdbsFor(subject, ctx)) {
          const v = pdb.object.spec?.minAvailable;
          if (typeof v === 'number' || (typeof v === 'string' && /^\d+$/.test(v))) {
            if (Number(v) > min)
              yield {
                subject: pdb,
                message: `minAvailable ${v} is more than HorizontalPodAutoscaler/${hpa.object.metadata?.name} minReplicas ${min}`,
                path: 'spec.minAvailable',
              };
          }
        }
      }
  },
);
