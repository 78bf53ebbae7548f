// An HPA with min > max is rejected or pins the workload; min 0 needs a feature gate.
import { objectPolicy } from '../lib/define.ts';
import type { Violation } from '../types.ts';

export default objectPolicy(
  {
    id: 'availability/hpa-replica-bounds',
    title: 'HPA minReplicas <= maxReplicas, both at least 1',
    rationale: 'The API server rejects maxReplicas < minReplicas; minReplicas 0 needs the HPAScaleToZero alpha gate. Either way the overlay cannot sync.',
    hint: 'set 1 <= minReplicas <= maxReplicas in the overlay\'s scaling patch',
    kinds: ['HorizontalPodAutoscaler'],
    references: ['Kubernetes HorizontalPodAutoscaler validation'],
  },
  (subject) => {
    const spec = subject.object.spec ?? {};
    const min = spec.minReplicas ?? 1;
    const max = spec.maxReplicas;
    const out: Violation[] = [];
    if (typeof max !== 'number') out.push({ message: 'maxReplicas is not set', path: 'spec.maxReplicas' });
    if (typeof min !== 'number' || min < 1) out.push({ message: `minReplicas ${min} is below 1`, path: 'spec.minReplicas' });
    else if (typeof max === 'number' && min > max)
      out.push({ message: `minReplicas ${min} is greater than maxReplicas ${max}`, path: 'spec.minReplicas' });
    return out;
  },
);
