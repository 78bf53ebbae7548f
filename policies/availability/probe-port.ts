// A probe aimed at a port the container does not declare always fails (named) or checks nothing known.
import type { Violation } from '../types.ts';
import { containerLabel, containerPolicy } from '../lib/define.ts';

const probeKinds = ['livenessProbe', 'readinessProbe', 'startupProbe'] as const;
const handlers = ['httpGet', 'tcpSocket', 'grpc'] as const;

export default containerPolicy(
  {
    id: 'availability/probe-port',
    title: 'Probes target a port the container declares',
    rationale:
      'A named probe port that matches no container port makes the probe fail on every pod; a numeric one that is not declared usually means the port changed and the probe did not.',
    hint: 'point the probe at a name or number listed in the container\'s ports',
    references: ['kube-linter liveness-port / readiness-port / startup-port'],
  },
  (c) => {
    const out: Violation[] = [];
    const ports: any[] = Array.isArray(c.container.ports) ? c.container.ports : [];
    const names = new Set(ports.map((p) => p?.name).filter(Boolean));
    const numbers = new Set(ports.map((p) => Number(p?.containerPort)));
    for (const probe of probeKinds) {
      const p = c.container[probe];
      if (!p) continue;
      for (const h of handlers) {
        const port = p[h]?.port;
        if (port === undefined) continue;
        const path = `${c.path}.${probe}.${h}.port`;
        if (typeof port === 'string' && !/^\d+$/.test(port)) {
          if (!names.has(port))
            out.push({ message: `${containerLabel(c)} ${probe} uses port "${port}", which is not a named port of the container (has: ${[...names].join(', ') || 'none'})`, path });
        } else if (!numbers.has(Number(port))) {
          out.push({ message: `${containerLabel(c)} ${probe} uses port ${port}, which the container does not declare`, path });
        }
      }
    }
    return out;
  },
);
