// kustomize's own output order, so renders joined from parts sort as one build would.

/**
 * kustomize's output order (`--reorder legacy`, its default): by kind rank
 * (Namespace, ResourceQuota, … PodDisruptionBudget first; the webhook
 * configurations last; every other kind between), then group_version_kind, then
 * namespace|name. This is kustomize 4.5.4's resid.Gvk.IsLessThan and
 * resmap.IdSlice; test/scripts/kustomize/render.test.ts checks it leaves every plain
 * build of this repository as kustomize wrote it.
 */
const ORDER_FIRST = ['Namespace', 'ResourceQuota', 'StorageClass', 'CustomResourceDefinition', 'ServiceAccount', 'PodSecurityPolicy', 'Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding', 'ConfigMap', 'Secret', 'Endpoints', 'Service', 'LimitRange', 'PriorityClass', 'PersistentVolume', 'PersistentVolumeClaim', 'Deployment', 'StatefulSet', 'CronJob', 'PodDisruptionBudget'];
const ORDER_LAST = ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'];
const kindRank = (kind: string): number => {
  const first = ORDER_FIRST.indexOf(kind);
  if (first !== -1) return first - ORDER_FIRST.length;
  const last = ORDER_LAST.indexOf(kind);
  return last === -1 ? 0 : last + 1;
};
export const gvkString = (o: Record<string, any>): string => {
  const [group, version] = String(o.apiVersion ?? '').includes('/') ? String(o.apiVersion).split('/') : ['', String(o.apiVersion ?? '')];
  return `${group || '~G'}_${version || '~V'}_${o.kind || '~K'}`;
};
export function kustomizeOrder(a: Record<string, any>, b: Record<string, any>): number {
  const [ga, gb] = [gvkString(a), gvkString(b)];
  if (ga !== gb) return kindRank(a.kind) - kindRank(b.kind) || (ga < gb ? -1 : 1);
  const [ia, ib] = [a, b].map((o) => `${o.metadata?.namespace || '~X'}|${o.metadata?.name || '~N'}`) as [string, string];
  return ia < ib ? -1 : ia > ib ? 1 : 0;
}

