// A privileged container is the node.
import { containerLabel, containerPolicy } from '../lib/define.ts';

export default containerPolicy(
  {
    id: 'security/no-privileged',
    title: 'No privileged containers',
    rationale: 'A privileged container has every capability and every host device: it can take over the node and everything scheduled on it.',
    hint: 'remove securityContext.privileged (or set it to false)',
    references: ['kube-linter privileged-container', 'Polaris privilegedContainer', 'Kyverno disallow-privileged-containers'],
  },
  (c) =>
    c.container.securityContext?.privileged === true && {
      message: `${containerLabel(c)} is privileged`,
      path: `${c.path}.securityContext.privileged`,
    },
);
