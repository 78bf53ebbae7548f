// Multi-replica workloads need a PDB so voluntary disruptions keep some pods up,
// and the PDB must still let one pod go or node drains hang forever.
import { setPolicy } from '../lib/define.ts';
import { allowedDisruptions, pdbsFor, replicaRange } from '../lib/workloads.ts';
import type { RenderedObject } from '../../kube/index.ts';
import type { Violation } from '../types.ts';

export default setPolicy(
  {
    id: 'availability/pod-disruption-budget',
    title: 'Multi-replica workloads have a PodDisruptionBudget that allows one disruption',
    rationale:
      'Without a PDB a node drain may evict every replica at once; a PDB that allows zero disruptions at the minimum replica count blocks drains and cluster upgrades instead.',
    hint: 'add a PodDisruptionBudget with maxUnavailable: 1 selecting the pods (generators/services.ts does)',
    references: ['kube-score deployment-has-poddisruptionbudget', 'kube-linter pdb-max-unavailable / pdb-min-available', 'Kyverno require-pdb'],
  },
  function* (ctx) {
    for (const w of ctx.index.workloads) {
      const range = replicaRange(w.subject, ctx);
      if (!range || range.max < 2) continue;
      const pdbs = pdbsFor(w.subject, ctx);
      if (!pdbs.length) {
        yield {
          subject: w.subject,
          message: `runs up to ${range.max} replicas but no PodDisruptionBudget selects its pods`,
          path: w.template.labelsPath,
        };
        continue;
      }
      for (const pdb of pdbs) {
        const v = blocking(pdb, Math.max(range.min, 1));
        if (v) yield { ...v, subject: pdb };
      }
    }
  },
);

function blocking(pdb: RenderedObject, replicas: number): Violation | undefined {
  const spec = pdb.object.spec ?? {};
  const allowed = allowedDisruptions(pdb.object, replicas);
  const field = spec.maxUnavailable !== undefined ? 'maxUnavailable' : 'minAvailable';
  if (allowed === undefined)
    return { message: 'sets neither a usable maxUnavailable nor minAvailable', path: 'spec', hint: 'set spec.maxUnavailable: 1' };
  if (allowed < 1)
    return {
      message: `${field} ${JSON.stringify(spec[field])} allows no disruption when the workload runs ${replicas} replica(s): node drains would block`,
      path: `spec.${field}`,
      hint: 'use maxUnavailable: 1 (allows one eviction at any replica count)',
    };
  return undefined;
}
