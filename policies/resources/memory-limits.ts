// Memory limits on every container, init containers included.
import { resourcePolicy } from '../lib/define.ts';

export default resourcePolicy(
  {
    id: 'resources/memory-limits',
    title: 'Memory limits are set on every container',
    rationale:
      'A container without a memory limit can take the node\'s memory and get other pods OOM-killed; with one, only the leaking container restarts.',
    references: ['kube-linter unset-memory-requirements', 'kube-score container-resources', 'Polaris memoryLimitsMissing'],
  },
  'limits',
  'memory',
);
