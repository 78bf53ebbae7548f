// CPU requests on every container, init containers included (they are scheduled with the pod).
import { resourcePolicy } from '../lib/define.ts';

export default resourcePolicy(
  {
    id: 'resources/cpu-requests',
    title: 'CPU requests are set on every container',
    rationale:
      'Without a CPU request the scheduler places the pod as if it used no CPU and the container gets the smallest share under contention; HPA CPU targets cannot be computed.',
    references: ['kube-linter unset-cpu-requirements', 'kube-score container-resources', 'Polaris cpuRequestsMissing'],
  },
  'requests',
  'cpu',
);
