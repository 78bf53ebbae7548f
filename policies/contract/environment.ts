// The environment contract on rendered overlays: what generators/environments.ts
// promises (replica bounds of the API tier, the ingress host, the namespace) holds
// after people edit the overlays.
import { serviceGroups } from '@marquee/contract';
import { environments, previewProfile } from '../../generators/environments.ts';
import { previews } from '../../generators/argocd/delivery.ts';
import { clusterConfigMap } from '../../generators/monitoring/scrape.ts';
import { objectRef, withoutContentHash, type Finding, type RenderedObject } from '../../kube/index.ts';
import { storeIssue, storeKinds } from './secret-store.ts';

const apiTier: readonly string[] = serviceGroups['api-tier'];

/** What the contract holds a preview to, as it renders offline (Argo CD sets the PR's namespace and host at sync). */
const preview = {
  name: 'preview',
  replicas: previewProfile.replicas,
  ingressHost: `pr-0.${previews.hostSuffix}`,
  namespace: previews.renderNamespace,
  overlay: previews.overlay,
} as const;

export function environmentFindings(rendered: readonly RenderedObject[]): Finding[] {
  const out: Finding[] = [];
  for (const r of rendered) {
    const cluster = clusterMismatch(r);
    if (cluster) out.push(cluster);
    const store = platformStoreMismatch(r);
    if (store) out.push(store);
    const env = r.target.env ? environments[r.target.env] : r.target.kind === 'preview' ? preview : undefined;
    if (!env) continue;
    const o = r.object;
    const base = { severity: 'error' as const, target: r.target.name, object: objectRef(o), file: r.origin };
    if (o.kind === 'HorizontalPodAutoscaler' && apiTier.includes(o.metadata?.name)) {
      const { minReplicas, maxReplicas } = o.spec ?? {};
      if (typeof minReplicas === 'number' && minReplicas < env.replicas.min)
        out.push({ ...base, rule: 'contract/replicas', path: 'spec.minReplicas', message: `minReplicas ${minReplicas} is below the ${env.name} contract minimum ${env.replicas.min}`, hint: `set minReplicas >= ${env.replicas.min} in ${env.overlay}/services, or change ${env === preview ? 'previewProfile.' : ''}replicas in generators/environments.ts` });
      if (typeof maxReplicas === 'number' && maxReplicas > env.replicas.max)
        out.push({ ...base, rule: 'contract/replicas', path: 'spec.maxReplicas', message: `maxReplicas ${maxReplicas} exceeds the ${env.name} contract maximum ${env.replicas.max}`, hint: `set maxReplicas <= ${env.replicas.max}, or change ${env === preview ? 'previewProfile.' : ''}replicas in generators/environments.ts` });
    }
    if (o.kind === 'Ingress') {
      (o.spec?.rules ?? []).forEach((rule: any, i: number) => {
        if (rule?.host && rule.host !== env.ingressHost)
          out.push({ ...base, rule: 'contract/ingress-host', path: `spec.rules[${i}].host`, message: `host ${rule.host} is not the ${env.name} ingress host ${env.ingressHost}`, hint: `set host: ${env.ingressHost} in ${env.overlay}/services/patches/ingress.yaml` });
      });
    }
    if (o.kind === 'Namespace' && o.metadata?.name !== env.namespace)
      out.push({ ...base, rule: 'contract/namespace', path: 'metadata.name', message: `namespace ${o.metadata?.name} is not the ${env.name} namespace ${env.namespace}`, hint: `namespace: ${env.namespace} in every kustomization under ${env.overlay}` });
  }
  return out;
}

/**
 * A platform overlay copied from another cluster's with its CLUSTER literal unchanged: that cluster's Prometheus would
 * label every series and alert with the other cluster's name (generators/monitoring/scrape.ts clusterConfigMap).
 */
function clusterMismatch(r: RenderedObject): Finding | undefined {
  const o = r.object;
  const cluster = r.target.kind === 'platform' ? r.target.cluster : undefined;
  if (!cluster || o.kind !== 'ConfigMap' || withoutContentHash(String(o.metadata?.name ?? '')) !== clusterConfigMap) return undefined;
  const value: unknown = o.data?.CLUSTER;
  if (value === cluster) return undefined;
  return {
    rule: 'contract/cluster',
    severity: 'error',
    target: r.target.name,
    object: objectRef(o),
    file: r.origin,
    path: 'data.CLUSTER',
    message: `CLUSTER is ${JSON.stringify(value ?? null)} in the platform overlay of cluster ${cluster}: its Prometheus would label every series and alert cluster=${String(value)}`,
    hint: `write CLUSTER=${cluster} in ${r.target.path}/kustomization.yaml`,
  };
}

/**
 * A platform overlay's SecretStore or ClusterSecretStore copied from another cluster's overlay: it would read that
 * cluster's Vault through an auth mount that does not know this cluster's tokens (secret-store.ts; the data overlays'
 * stores are checked the same way in data-tier.ts).
 */
function platformStoreMismatch(r: RenderedObject): Finding | undefined {
  const o = r.object;
  if (r.target.kind !== 'platform' || !r.target.cluster || !storeKinds.includes(o.kind)) return undefined;
  const wrong = storeIssue(o, { cluster: r.target.cluster, where: `the platform overlay ${r.target.path}` });
  if (!wrong) return undefined;
  return { rule: 'contract/cluster', severity: 'error', target: r.target.name, object: objectRef(o), file: r.origin, path: wrong.path, message: wrong.message, hint: wrong.hint };
}
