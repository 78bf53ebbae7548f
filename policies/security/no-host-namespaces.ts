// Sharing the host's network, PID or IPC namespace removes the pod's isolation from the node.
import { podPolicy } from '../lib/define.ts';
import type { Violation } from '../types.ts';

export default podPolicy(
  {
    id: 'security/no-host-namespaces',
    title: 'No hostNetwork, hostPID or hostIPC',
    rationale:
      'hostNetwork bypasses NetworkPolicies and exposes node-local services; hostPID lets the pod see and signal every process on the node; hostIPC shares its shared memory.',
    hint: 'remove hostNetwork/hostPID/hostIPC; node agents that truly need them get an exemption in policies/exemptions.ts',
    references: ['kube-linter host-network / host-pid / host-ipc', 'Polaris hostNetworkSet / hostPIDSet / hostIPCSet', 'Kyverno disallow-host-namespaces'],
  },
  (t) => {
    const out: Violation[] = [];
    for (const f of ['hostNetwork', 'hostPID', 'hostIPC'] as const)
      if (t.spec[f] === true) out.push({ message: `pod shares the host's ${f.slice(4)} namespace (${f}: true)`, path: `${t.specPath}.${f}` });
    return out;
  },
);
