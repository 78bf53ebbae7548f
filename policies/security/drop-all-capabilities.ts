// Default container capabilities (NET_RAW, CHOWN, SETUID, ...) are rarely needed and often abused.
import type { Violation } from '../types.ts';
import { containerLabel, containerPolicy } from '../lib/define.ts';

/** The only capability Pod Security Standards (restricted) allows adding back. */
const addable = new Set(['NET_BIND_SERVICE']);

export default containerPolicy(
  {
    id: 'security/drop-all-capabilities',
    title: 'Containers drop ALL capabilities and add none back (but NET_BIND_SERVICE)',
    rationale: 'The runtime\'s default capability set includes NET_RAW (ARP/DNS spoofing) and SETUID among others; dropping ALL is what the restricted Pod Security Standard requires.',
    hint: 'set securityContext.capabilities.drop: [ALL] and remove capabilities.add',
    references: ['kube-linter drop-net-raw-capability', 'Pod Security Standards restricted (capabilities)', 'Kyverno require-drop-all'],
  },
  (c) => {
    const caps = c.container.securityContext?.capabilities ?? {};
    const out: Violation[] = [];
    const drop: unknown[] = Array.isArray(caps.drop) ? caps.drop : [];
    if (!drop.some((d) => String(d).toUpperCase() === 'ALL'))
      out.push({ message: `${containerLabel(c)} does not drop ALL capabilities`, path: `${c.path}.securityContext.capabilities.drop` });
    (Array.isArray(caps.add) ? caps.add : []).forEach((a: unknown, i: number) => {
      if (!addable.has(String(a).toUpperCase()))
        out.push({ message: `${containerLabel(c)} adds capability ${String(a)}`, path: `${c.path}.securityContext.capabilities.add[${i}]` });
    });
    return out;
  },
);
