// The Prometheus an analysis asks is the platform's: its address must name a Service the platform overlay of the same
// cluster renders, on a port that Service exposes. A wrong host or port makes every measurement an Error, and past
// consecutiveErrorLimit each release aborts for a reason that has nothing to do with the canary.
import { objectPolicy } from '../lib/define.ts';
import { scopeOf } from '../lib/index-objects.ts';
import type { PolicyContext } from '../types.ts';
import type { RenderedObject } from '../../kube/index.ts';

/** `http://<service>.<namespace>.svc[.cluster.local][:port]`, `<service>.<namespace>`, or `<service>` (the template's namespace). */
function serviceOf(address: string, near: string | undefined): { service: string; namespace: string | undefined; port: number } | undefined {
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    return undefined;
  }
  const labels = url.hostname.split('.');
  const inCluster = labels.length <= 2 || (labels[2] === 'svc' && (labels.length === 3 || labels.slice(3).join('.') === 'cluster.local'));
  if (!inCluster || !labels[0]) return undefined;
  const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
  return { service: labels[0], namespace: labels[1] ?? near, port };
}

/**
 * Whether a platform overlay of `near`'s cluster is in this run (`--env prod` alone renders no platform; a platform
 * overlay whose sources are broken is not rendered). The preview, on nonprod with no env, is not a platform overlay.
 */
const platformRendered = (near: RenderedObject, ctx: PolicyContext): boolean =>
  ctx.index.memo(`platform-rendered\0${scopeOf(near.target)}`, () => ctx.index.objects.some((r) => r.target.kind === 'platform' && scopeOf(r.target) === scopeOf(near.target)));

export default objectPolicy(
  {
    id: 'rollouts/analysis-address-resolves',
    title: "Every analysis template's Prometheus address is a Service the cluster's platform overlay renders",
    rationale:
      'Argo Rollouts queries the address as written. A Service that does not exist, a namespace typo or a port the Service does not expose turns every measurement into an Error; after consecutiveErrorLimit every release that uses the template aborts.',
    hint: 'take the address from generators/monitoring/prometheus.ts (prometheusUrl), the one the platform Service is generated from',
    kinds: ['AnalysisTemplate', 'ClusterAnalysisTemplate'],
    references: ['Argo Rollouts metricproviders/prometheus', 'Kubernetes DNS for Services and Pods'],
  },
  (subject, ctx) =>
    (subject.object.spec?.metrics ?? []).flatMap((m: any, i: number) => {
      const address = m?.provider?.prometheus?.address;
      const path = `spec.metrics[${i}].provider.prometheus.address`;
      if (typeof address !== 'string' || address.includes('{{') || !platformRendered(subject, ctx)) return [];
      const target = serviceOf(address, subject.object.metadata?.namespace ?? subject.target.namespace);
      if (!target?.namespace) return [];
      const service = ctx.index.named(subject, 'Service', target.service, target.namespace);
      if (!service) return [{ message: `${address}: no Service ${target.namespace}/${target.service} is rendered on this cluster`, path }];
      const ports = (service.object.spec?.ports ?? []).map((p: any) => p?.port);
      return ports.includes(target.port) ? [] : [{ message: `${address}: Service ${target.namespace}/${target.service} exposes port ${ports.join(', ') || 'none'}, not ${target.port}`, path }];
    }),
);
