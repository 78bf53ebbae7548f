// CPU utilisation is measured against requests: without them the HPA cannot compute it.
import { setPolicy } from '../lib/define.ts';
import { templateSourceOf } from '../lib/workloads.ts';
import { containersOf, podTemplateOf } from '../../kube/index.ts';

const scalesOn = (hpa: Record<string, any>, resource: string): boolean =>
  (hpa.spec?.metrics ?? []).some(
    (m: any) =>
      (m?.type === 'Resource' && m.resource?.name === resource && m.resource?.target?.type === 'Utilization') ||
      (m?.type === 'ContainerResource' && m.containerResource?.name === resource && m.containerResource?.target?.type === 'Utilization'),
  );

export default setPolicy(
  {
    id: 'availability/hpa-cpu-requests',
    title: 'Workloads scaled on CPU or memory utilisation request that resource',
    rationale:
      'Utilization targets are a percentage of the containers\' requests; if any container has no request the HPA reports "missing request for cpu" and never scales.',
    hint: 'set resources.requests.cpu (and memory when scaled on memory) on every container',
    references: ['Kubernetes HPA docs: utilization targets are relative to requests'],
  },
  function* (ctx) {
    for (const hpa of ctx.index.ofKind('HorizontalPodAutoscaler')) {
      const ref = hpa.object.spec?.scaleTargetRef ?? {};
      if (!ref.kind || !ref.name) continue;
      // A Rollout with a workloadRef runs the referenced Deployment's template.
      const named = ctx.index.named(hpa, ref.kind, ref.name);
      const target = named && templateSourceOf(named, ctx);
      const t = target && podTemplateOf(target.object);
      if (!target || !t) continue;
      for (const resource of ['cpu', 'memory'])
        if (scalesOn(hpa.object, resource))
          for (const c of containersOf(t, { init: false }))
            if (c.container.resources?.requests?.[resource] === undefined)
              yield {
                subject: target,
                container: c.name,
                message: `HorizontalPodAutoscaler/${hpa.object.metadata?.name} scales on ${resource} utilisation but container "${c.name}" requests no ${resource}`,
                path: `${c.path}.resources.requests.${resource}`,
              };
    }
  },
);
