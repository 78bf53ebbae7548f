// One pass over every rendered object: group by kind and by (cluster, namespace),
// extract pod templates once. Cross-object policies look things up here instead of
// scanning the whole list, so the run stays linear in the number of objects.
import { clusters, environments, environmentsOn, type Environment } from '../../generators/environments.ts';
import type { RenderedObject, Target } from '../../kube/index.ts';
import { clusterScopedKinds } from './data.ts';
import { cnpgImpliedObjects, isCnpgCluster, mapSelects, podTemplateOf, selectorMatches, type LabelSelector, type PodTemplate } from '../../kube/index.ts';

export interface Workload {
  /** The object that declares the pods: a workload, or the CloudNativePG Cluster whose operator creates them. */
  readonly subject: RenderedObject;
  readonly template: PodTemplate;
}

/**
 * The instance pods a CloudNativePG Cluster makes its operator create (kube/cnpg.ts, ported from its
 * pkg/specs/pods.go: the Cluster's inheritedMetadata labels, cnpg.io/cluster, ports postgresql, metrics, status),
 * as the primary and, with more than one instance, as a replica (the operator labels each role/cnpg.io/instanceRole
 * primary or replica). They are not in the render, yet affinity terms, NetworkPolicy peers and Services select them.
 */
function operatorPods(cluster: Record<string, any>): PodTemplate[] {
  const pod = cnpgImpliedObjects([cluster]).find((o) => o.kind === 'Pod');
  const primary = pod && podTemplateOf(pod);
  if (!primary) return [];
  const instances = cluster.spec?.instances;
  if (typeof instances === 'number' && instances <= 1) return [primary];
  const replica = { ...primary, labels: { ...primary.labels, role: 'replica', 'cnpg.io/instanceRole': 'replica' } };
  return [primary, replica];
}

/**
 * Objects that can see each other at runtime: the same cluster (environments and
 * platform overlays of one cluster share it), else the target alone (argocd/, loose files).
 */
export const scopeOf = (t: Target): string => (t.cluster ? `cluster:${t.cluster}` : `target:${t.name}`);

export const isClusterScoped = (o: Record<string, any>): boolean => clusterScopedKinds.has(o.kind);

/** Namespace the object lands in; `undefined` for cluster-scoped kinds. */
export const namespaceOf = (r: RenderedObject): string | undefined =>
  isClusterScoped(r.object) ? undefined : (r.object.metadata?.namespace ?? r.target.namespace);

/** The environment facts that govern a target: its own, or for a platform overlay the strictest on its cluster. */
export function environmentsOf(t: Target): readonly Environment[] {
  if (t.env) return [environments[t.env]];
  if (t.cluster && t.cluster in clusters) return environmentsOn(t.cluster);
  return [];
}

/**
 * Neighbours from `near`'s own target first. Targets on one cluster share namespaces, so two of
 * them can put same-named objects in one (an overlay copied with its old `namespace:`): that
 * collision is its own finding, and a workload's HPA, Rollout or named neighbour is still the
 * one its own overlay built, not the other environment's.
 */
export function ownFirst(near: RenderedObject, objects: readonly RenderedObject[]): readonly RenderedObject[] {
  if (objects.every((o) => o.target.name === near.target.name)) return objects;
  return [...objects.filter((o) => o.target.name === near.target.name), ...objects.filter((o) => o.target.name !== near.target.name)];
}

export class ObjectIndex {
  private readonly kinds = new Map<string, RenderedObject[]>();
  private readonly nsKinds = new Map<string, RenderedObject[]>();
  private readonly nsWorkloads = new Map<string, Workload[]>();
  private readonly byName = new Map<string, RenderedObject[]>();
  readonly workloads: Workload[] = [];

  constructor(readonly objects: readonly RenderedObject[]) {
    for (const r of objects) {
      const o = r.object;
      const kind = String(o?.kind ?? '');
      push(this.kinds, kind, r);
      const ns = namespaceOf(r);
      const scope = scopeOf(r.target);
      if (ns !== undefined) {
        push(this.nsKinds, `${scope}\0${ns}\0${kind}`, r);
        const name = o?.metadata?.name;
        if (typeof name === 'string') {
          push(this.byName, `${scope}\0${ns}\0${kind}\0${name}`, r);
        }
      }
      const template = podTemplateOf(o);
      if (template) {
        const w = { subject: r, template };
        this.workloads.push(w);
        if (ns !== undefined) push(this.nsWorkloads, `${scope}\0${ns}`, w);
      }
      // neighbours only: `workloads` lists what the manifests declare, which policies judge
      if (ns !== undefined && isCnpgCluster(o) && typeof o.metadata?.name === 'string') for (const template of operatorPods(o)) push(this.nsWorkloads, `${scope}\0${ns}`, { subject: r, template });
    }
  }

  /** Every object of a kind, all targets. */
  ofKind(kind: string): readonly RenderedObject[] {
    return this.kinds.get(kind) ?? [];
  }

  /** Objects of a kind in the same cluster and namespace as `near` (or in namespace `ns`). */
  inNamespace(near: RenderedObject, kind: string, ns = namespaceOf(near)): readonly RenderedObject[] {
    if (ns === undefined) return [];
    return this.nsKinds.get(`${scopeOf(near.target)}\0${ns}\0${kind}`) ?? [];
  }

  /** One named object of a kind next to `near` (its own target's, when two targets put one there: ownFirst). */
  named(near: RenderedObject, kind: string, name: string, ns = namespaceOf(near)): RenderedObject | undefined {
    if (ns === undefined) return undefined;
    return ownFirst(near, this.byName.get(`${scopeOf(near.target)}\0${ns}\0${kind}\0${name}`) ?? [])[0];
  }

  /** Workloads (pod templates) in the same cluster and namespace as `near`, and the pods operators create there (operatorPods). */
  workloadsNear(near: RenderedObject, ns = namespaceOf(near)): readonly Workload[] {
    if (ns === undefined) return [];
    return this.nsWorkloads.get(`${scopeOf(near.target)}\0${ns}`) ?? [];
  }

  private readonly memos = new Map<string, unknown>();

  /** Compute a derived table once per run (policies share the index). */
  memo<T>(key: string, compute: () => T): T {
    if (!this.memos.has(key)) this.memos.set(key, compute());
    return this.memos.get(key) as T;
  }

  /**
   * Objects of `kind` next to `near` whose label selector (`selectorOf`) matches `labels`.
   * Selectors are bucketed by one of their matchLabels pairs (the name label when present),
   * so a lookup only verifies selectors that can match: no all-pairs scan.
   */
  selecting(near: RenderedObject, kind: string, labels: Readonly<Record<string, string>>, selectorOf: (o: Record<string, any>) => LabelSelector | undefined): RenderedObject[] {
    const ns = namespaceOf(near);
    if (ns === undefined) return [];
    const buckets = this.memo(`selecting\0${kind}\0${scopeOf(near.target)}\0${ns}`, () => {
      const byPair = new Map<string, { r: RenderedObject; sel: LabelSelector }[]>();
      const rest: { r: RenderedObject; sel: LabelSelector }[] = [];
      for (const r of this.inNamespace(near, kind, ns)) {
        const sel = selectorOf(r.object);
        if (!sel) continue;
        const pair = pairOf(sel.matchLabels);
        if (pair) push(byPair, pair, { r, sel });
        else rest.push({ r, sel });
      }
      return { byPair, rest };
    });
    const out: RenderedObject[] = [];
    for (const c of buckets.rest) if (selectorMatches(c.sel, labels)) out.push(c.r);
    for (const k in labels) {
      const bucket = buckets.byPair.get(`${k}=${labels[k]}`);
      if (bucket) for (const c of bucket) if (selectorMatches(c.sel, labels)) out.push(c.r);
    }
    return out;
  }

  /**
   * The workloads a Service sends traffic to, with its selector; undefined when it selects
   * no pods by design: an ExternalName Service, or no selector (endpoints managed by hand or
   * by an operator).
   */
  serviceBackends(service: RenderedObject): { selector: Readonly<Record<string, string>>; pods: Workload[] } | undefined {
    const spec = service.object.spec ?? {};
    const selector = spec.selector;
    if (spec.type === 'ExternalName' || !selector || !Object.keys(selector).length) return undefined;
    return { selector, pods: this.podsMatching(service, selector) };
  }

  /** Workloads next to `near` (or in namespace `ns` of its cluster) whose pod labels contain every pair of a Service-style `selector`. */
  podsMatching(near: RenderedObject, selector: Readonly<Record<string, string>>, ns = namespaceOf(near)): Workload[] {
    if (ns === undefined) return [];
    const byPair = this.memo(`pods\0${scopeOf(near.target)}\0${ns}`, () => {
      const m = new Map<string, Workload[]>();
      for (const w of this.workloadsNear(near, ns)) for (const [k, v] of Object.entries(w.template.labels)) push(m, `${k}=${v}`, w);
      return m;
    });
    const pair = pairOf(selector);
    const candidates = pair ? (byPair.get(pair) ?? []) : this.workloadsNear(near, ns);
    return candidates.filter((w) => mapSelects(selector, w.template.labels));
  }

  /**
   * Workloads next to `near` (or in namespace `ns` of its cluster) whose pod labels a LabelSelector selects, with
   * selectorMatches' semantics (matchLabels and matchExpressions; an empty selector selects every pod).
   */
  podsSelected(near: RenderedObject, selector: LabelSelector, ns = namespaceOf(near)): Workload[] {
    if (ns === undefined) return [];
    const candidates = selector.matchLabels && Object.keys(selector.matchLabels).length ? this.podsMatching(near, selector.matchLabels, ns) : this.workloadsNear(near, ns);
    return candidates.filter((w) => selectorMatches(selector, w.template.labels));
  }

  /** Every (scope, namespace) that holds at least one object, with a representative object. */
  *namespaces(): Iterable<{ scope: string; namespace: string; near: RenderedObject }> {
    const seen = new Set<string>();
    for (const r of this.objects) {
      const ns = namespaceOf(r);
      if (ns === undefined) continue;
      const k = `${scopeOf(r.target)}\0${ns}`;
      if (seen.has(k)) continue;
      seen.add(k);
      yield { scope: scopeOf(r.target), namespace: ns, near: r };
    }
  }
}

/** The bucket key of a selector: its name label if it has one (most selective), else its first pair. */
function pairOf(matchLabels: Readonly<Record<string, string>> | undefined): string | undefined {
  if (!matchLabels) return undefined;
  const name = matchLabels['app.kubernetes.io/name'];
  if (name !== undefined) return `app.kubernetes.io/name=${name}`;
  for (const [k, v] of Object.entries(matchLabels)) return `${k}=${v}`;
  return undefined;
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}
