// With Argo CD self-heal, a static spec.replicas fights the HPA on every sync.
import { objectPolicy } from '../lib/define.ts';
import { hpasFor, replicatedKinds } from '../lib/workloads.ts';

export default objectPolicy(
  {
    id: 'availability/hpa-no-static-replicas',
    title: 'A workload scaled by an HPA sets no static replica count',
    rationale:
      'Argo CD resets spec.replicas to the Git value on every sync (selfHeal) while the HPA keeps changing it: pods flap between the two counts, and a scaled-up service is scaled down by a deploy.',
    hint: 'remove spec.replicas from the workload; the HPA owns the count',
    kinds: replicatedKinds,
    references: ['Argo CD docs: leave out spec.replicas when an HPA manages the Deployment'],
  },
  (subject, ctx) => {
    if (subject.object.spec?.replicas === undefined) return;
    const hpa = hpasFor(subject, ctx)[0];
    if (!hpa) return;
    return {
      message: `sets spec.replicas ${subject.object.spec.replicas} but HorizontalPodAutoscaler/${hpa.object.metadata?.name} owns the replica count`,
      path: 'spec.replicas',
    };
  },
);
