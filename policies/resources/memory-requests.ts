// Memory requests on every container, init containers included.
import { resourcePolicy } from '../lib/define.ts';

export default resourcePolicy(
  {
    id: 'resources/memory-requests',
    title: 'Memory requests are set on every container',
    rationale: 'Without a memory request the scheduler overcommits nodes and the kubelet evicts the pod first under memory pressure.',
    references: ['kube-linter unset-memory-requirements', 'kube-score container-resources', 'Polaris memoryRequestsMissing'],
  },
  'requests',
  'memory',
);
