// A named targetPort that the selected containers do not declare leaves the Service without a port.
import { objectPolicy } from '../lib/define.ts';
import { containersOf } from '../../kube/index.ts';
import type { Violation } from '../types.ts';

export default objectPolicy(
  {
    id: 'correctness/service-target-port',
    title: 'Named Service targetPorts exist on the selected pods',
    rationale: 'Endpoints for a named targetPort are only created for pods with a container port of that name; a rename on one side silently empties the Service.',
    hint: 'use a targetPort name that the selected containers declare in ports[].name',
    kinds: ['Service'],
    references: ['kube-linter invalid-target-ports', 'kube-score service-targets-pod'],
  },
  (subject, ctx) => {
    const pods = ctx.index.serviceBackends(subject)?.pods;
    if (!pods?.length) return undefined; // correctness/service-selects-pods reports it
    const out: Violation[] = [];
    const ports = subject.object.spec?.ports;
    (Array.isArray(ports) ? ports : []).forEach((p: any, i: number) => {
      const target = p?.targetPort;
      if (typeof target !== 'string' || /^\d+$/.test(target)) return;
      const found = pods.some((w) =>
        containersOf(w.template, { init: false }).some((c) => (c.container.ports ?? []).some((cp: any) => cp?.name === target)),
      );
      if (!found) out.push({ message: `port ${p.name ?? i} targets "${target}", which no selected container declares`, path: `spec.ports[${i}].targetPort` });
    });
    return out;
  },
);
