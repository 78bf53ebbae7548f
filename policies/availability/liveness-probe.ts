// A hung process is only restarted if something checks it is alive.
import { containerLabel, containerPolicy } from '../lib/define.ts';
import { serviceWorkloadKinds } from '../../kube/index.ts';

export default containerPolicy(
  {
    id: 'availability/liveness-probe',
    title: 'Containers have a liveness probe',
    rationale: 'A deadlocked or wedged process keeps its pod Running and Ready-looking forever unless a liveness probe lets the kubelet restart it.',
    hint: 'add livenessProbe (httpGet on the liveness path, see generators/lib/pod.ts httpProbesFor)',
    kinds: serviceWorkloadKinds,
    init: false,
    references: ['kube-linter no-liveness-probe', 'Polaris livenessProbeMissing'],
  },
  (c) =>
    !c.container.livenessProbe && {
      message: `${containerLabel(c)} has no livenessProbe`,
      path: `${c.path}.livenessProbe`,
    },
);
