// Two pods binding the same host port cannot share a node: one stays Pending.
import { setPolicy } from '../lib/define.ts';
import { containersOf } from '../../kube/index.ts';
import { scopeOf } from '../lib/index-objects.ts';
import { objectRef, type RenderedObject } from '../../kube/index.ts';

interface Binding {
  readonly subject: RenderedObject;
  readonly path: string;
  readonly container: string;
}

export default setPolicy(
  {
    id: 'cross-environment/unique-host-ports',
    title: 'Workloads sharing a cluster never bind the same host port',
    rationale:
      'A host port (hostPort, or any container port under hostNetwork) exists once per node. Two environments on one cluster that both bind it leave one of them Pending on every node the other runs on; a DaemonSet never schedules there at all.',
    hint: 'use a different hostPort per environment, or run the agent once per cluster from the platform overlay',
    references: ['kube-scheduler NodePorts filter'],
  },
  function* (ctx) {
    const ports = new Map<string, Binding[]>();
    for (const w of ctx.index.workloads) {
      for (const c of containersOf(w.template)) {
        (Array.isArray(c.container.ports) ? c.container.ports : []).forEach((p: any, i: number) => {
          const host = p?.hostPort ?? (w.template.spec.hostNetwork === true ? p?.containerPort : undefined);
          if (host === undefined) return;
          const k = `${scopeOf(w.subject.target)}\0${p.protocol ?? 'TCP'}\0${host}`;
          const b = { subject: w.subject, path: `${c.path}.ports[${i}].${p.hostPort !== undefined ? 'hostPort' : 'containerPort'}`, container: c.name };
          const list = ports.get(k);
          if (list) list.push(b);
          else ports.set(k, [b]);
        });
      }
    }
    for (const [k, list] of ports) {
      const owner = (b: Binding) => `${b.subject.target.name}:${objectRef(b.subject.object)}`;
      const owners = [...new Set(list.map(owner))];
      if (owners.length < 2) continue;
      const [, protocol, port] = k.split('\0');
      for (const b of list)
        yield {
          subject: b.subject,
          container: b.container,
          message: `host port ${port}/${protocol} is also bound by ${owners.filter((o) => o !== owner(b)).join(', ')} on the same cluster`,
          path: b.path,
        };
    }
  },
);
