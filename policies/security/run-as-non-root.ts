// A container running as UID 0 turns any escape or writable host mount into root on the node.
import { containerLabel, containerPolicy } from '../lib/define.ts';

export default containerPolicy(
  {
    id: 'security/run-as-non-root',
    title: 'Containers run as a non-root user',
    rationale:
      'Root in a container is root on the node once anything goes wrong (a kernel bug, a hostPath, a privileged sidecar). runAsNonRoot makes the kubelet refuse to start an image whose user is 0.',
    hint: 'set securityContext.runAsNonRoot: true (pod or container) and a non-zero runAsUser',
    references: ['kube-linter run-as-non-root', 'Polaris runAsRootAllowed', 'Kyverno require-run-as-nonroot (PSS restricted)'],
  },
  (c, t) => {
    const sc = c.container.securityContext ?? {};
    const pod = t.spec.securityContext ?? {};
    const nonRoot = sc.runAsNonRoot ?? pod.runAsNonRoot;
    const user = sc.runAsUser ?? pod.runAsUser;
    if (user === 0)
      return { message: `${containerLabel(c)} runs as UID 0`, path: sc.runAsUser === 0 ? `${c.path}.securityContext.runAsUser` : `${t.specPath}.securityContext.runAsUser` };
    if (nonRoot === true || (typeof user === 'number' && user > 0 && nonRoot !== false)) return undefined;
    return {
      message: nonRoot === false ? `${containerLabel(c)} sets runAsNonRoot: false` : `${containerLabel(c)} may run as root: runAsNonRoot is not set (pod or container)`,
      path: `${c.path}.securityContext.runAsNonRoot`,
    };
  },
);
