// hostPath volumes expose the node's filesystem to the pod.
import { podPolicy } from '../lib/define.ts';
import type { Violation } from '../types.ts';

export default podPolicy(
  {
    id: 'security/no-host-path',
    title: 'No hostPath volumes',
    rationale: 'A hostPath volume gives the pod the node\'s files (kubelet credentials, container runtime socket, other pods\' data); it also pins data to one node.',
    hint: 'use emptyDir, a ConfigMap or a PersistentVolumeClaim; node agents that read /proc or /sys get an exemption in policies/exemptions.ts',
    references: ['kube-linter sensitive-host-mounts', 'Kyverno disallow-host-path'],
  },
  (t) => {
    const out: Violation[] = [];
    (Array.isArray(t.spec.volumes) ? t.spec.volumes : []).forEach((v: any, i: number) => {
      if (v?.hostPath) out.push({ message: `volume "${v.name}" mounts host path ${v.hostPath.path}`, path: `${t.specPath}.volumes[${i}].hostPath` });
    });
    return out;
  },
);
