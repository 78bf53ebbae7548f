// A writable root filesystem lets an attacker drop tools and persist changes inside the container.
import { containerLabel, containerPolicy } from '../lib/define.ts';

export default containerPolicy(
  {
    id: 'security/read-only-root-filesystem',
    title: 'Containers have a read-only root filesystem',
    rationale: 'A read-only root filesystem stops a compromised process from modifying binaries or dropping tools; scratch space comes from explicit emptyDir mounts.',
    hint: 'set securityContext.readOnlyRootFilesystem: true and mount an emptyDir where the app writes (e.g. /tmp)',
    references: ['kube-linter no-read-only-root-fs', 'Polaris notReadOnlyRootFilesystem'],
  },
  (c) =>
    c.container.securityContext?.readOnlyRootFilesystem !== true && {
      message: `${containerLabel(c)} has a writable root filesystem`,
      path: `${c.path}.securityContext.readOnlyRootFilesystem`,
    },
);
