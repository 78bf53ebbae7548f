// Without a readiness probe a pod receives traffic before it can serve and while it drains.
import { containerLabel, containerPolicy } from '../lib/define.ts';
import { serviceWorkloadKinds } from '../../kube/index.ts';

export default containerPolicy(
  {
    id: 'availability/readiness-probe',
    title: 'Containers have a readiness probe',
    rationale:
      'Without a readiness probe the Service sends requests to a pod as soon as its process starts, and keeps sending them while it drains or loses its dependencies.',
    hint: 'add readinessProbe (httpGet on the readiness path, see generators/lib/pod.ts httpProbesFor)',
    kinds: serviceWorkloadKinds,
    init: false,
    references: ['kube-linter no-readiness-probe', 'Polaris readinessProbeMissing', 'kube-score pod-probes'],
  },
  (c) =>
    !c.container.readinessProbe && {
      message: `${containerLabel(c)} has no readinessProbe`,
      path: `${c.path}.readinessProbe`,
    },
);
