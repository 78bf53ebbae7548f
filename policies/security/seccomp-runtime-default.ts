// Without a seccomp profile the container may call every syscall the kernel has.
import { containerLabel, containerPolicy } from '../lib/define.ts';

const confined = new Set(['RuntimeDefault', 'Localhost']);

export default containerPolicy(
  {
    id: 'security/seccomp-runtime-default',
    title: 'Containers run with the RuntimeDefault (or a Localhost) seccomp profile',
    rationale:
      'Kubernetes runs containers Unconfined by default; RuntimeDefault blocks the syscalls most kernel exploits need (keyctl, unshare, bpf, ...) at no cost to ordinary services.',
    hint: 'set securityContext.seccompProfile.type: RuntimeDefault on the pod',
    references: ['Pod Security Standards restricted (seccompProfile)', 'Kyverno restrict-seccomp-strict'],
  },
  (c, t) => {
    const own = c.container.securityContext?.seccompProfile?.type;
    const pod = t.spec.securityContext?.seccompProfile?.type;
    const type = own ?? pod;
    if (confined.has(type)) return undefined;
    return {
      message: type ? `${containerLabel(c)} uses seccomp profile ${type}` : `${containerLabel(c)} has no seccomp profile (Unconfined)`,
      path: own ? `${c.path}.securityContext.seccompProfile.type` : `${t.specPath}.securityContext.seccompProfile.type`,
    };
  },
);
