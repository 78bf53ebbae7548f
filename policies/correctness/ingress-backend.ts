// An Ingress backend naming a missing Service or port answers 503 for that path.
import { objectPolicy } from '../lib/define.ts';
import type { Violation } from '../types.ts';

export default objectPolicy(
  {
    id: 'correctness/ingress-backend',
    title: 'Ingress backends point to existing Services and ports',
    rationale: 'The ingress controller accepts a backend that does not exist and serves 503 for it; nothing fails until users hit the path.',
    hint: 'use the name and a port name/number of a Service rendered in the same namespace',
    kinds: ['Ingress'],
    references: ['kube-linter dangling-ingress', 'kube-score ingress-targets-service'],
  },
  (subject, ctx) => {
    const out: Violation[] = [];
    const check = (backend: any, path: string) => {
      const svc = backend?.service;
      if (!svc) return; // resource backends are not checked
      const target = ctx.index.named(subject, 'Service', svc.name);
      if (!target) {
        out.push({ message: `backend Service ${svc.name} is not rendered in this namespace`, path: `${path}.service.name` });
        return;
      }
      const ports: any[] = target.object.spec?.ports ?? [];
      const want = svc.port ?? {};
      const ok = want.name !== undefined ? ports.some((p) => p?.name === want.name) : ports.some((p) => Number(p?.port) === Number(want.number));
      if (!ok)
        out.push({
          message: `backend Service ${svc.name} has no port ${want.name ?? want.number} (has: ${ports.map((p) => p?.name ?? p?.port).join(', ')})`,
          path: `${path}.service.port`,
        });
    };
    const spec = subject.object.spec ?? {};
    if (spec.defaultBackend) check(spec.defaultBackend, 'spec.defaultBackend');
    (spec.rules ?? []).forEach((r: any, i: number) =>
      (r?.http?.paths ?? []).forEach((p: any, j: number) => check(p?.backend, `spec.rules[${i}].http.paths[${j}].backend`)),
    );
    return out;
  },
);
