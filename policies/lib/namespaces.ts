// The namespaces a namespaceSelector selects, as far as the render knows them: the Namespace objects rendered on the
// cluster, with the labels the API server stores. Pod affinity terms and NetworkPolicy peers read namespaces this way.
import { scopeOf, type ObjectIndex } from './index-objects.ts';
import { isEmptySelector, selectorMatches, type LabelSelector, type RenderedObject } from '../../kube/index.ts';
import { ValidateLabelSelector } from '../apiserver/lib/field.ts';

/** The label the API server puts on every Namespace (kubernetes.io/metadata.name = its name, Kubernetes 1.21+), so selectors may use it. */
export const namespaceNameLabel = 'kubernetes.io/metadata.name';

/** Rendered Namespaces by name, with their labels. */
export type KnownNamespaces = ReadonlyMap<string, Readonly<Record<string, string>>>;

/** The Namespaces rendered on `near`'s cluster, by name, with their labels as the API server stores them. */
export const renderedNamespaces = (index: ObjectIndex, near: RenderedObject): KnownNamespaces =>
  index.memo(`namespaces\0${scopeOf(near.target)}`, () => {
    const out = new Map<string, Record<string, string>>();
    for (const r of index.ofKind('Namespace')) {
      const name = r.object.metadata?.name;
      if (scopeOf(r.target) === scopeOf(near.target) && typeof name === 'string') out.set(name, { ...(r.object.metadata?.labels ?? {}), [namespaceNameLabel]: name });
    }
    return out;
  });

/**
 * The rendered namespaces a namespaceSelector selects by their labels (metav1.LabelSelectorAsSelector), sorted, or
 * undefined when that cannot be known here: a selector the API server refuses (its one finding is apiserver/*'s), `{}`
 * (every namespace of the cluster, kube-system and the operators' among them, whose pods no overlay renders), or a
 * selector that selects no rendered Namespace (it means namespaces by labels only others carry).
 */
export function namespacesSelected(selector: LabelSelector, known: KnownNamespaces): string[] | undefined {
  if (ValidateLabelSelector(selector, '').length) return undefined;
  if (isEmptySelector(selector)) return undefined;
  const selected = [...known].filter(([, labels]) => selectorMatches(selector, labels)).map(([ns]) => ns);
  return selected.length ? selected.sort() : undefined;
}

/**
 * Whether a namespaceSelector that selects rendered namespaces reaches namespaces that are not rendered too, whose pods
 * are not in the render: it names one by kubernetes.io/metadata.name (a matchLabels value, an In value), or it
 * requires no label a namespace must carry (only NotIn and DoesNotExist, or Exists on the name label every Namespace
 * has), so kube-system and the operators' namespaces match it as well.
 */
export function reachesUnrendered(selector: LabelSelector, known: KnownNamespaces): boolean {
  const exprs = selector.matchExpressions ?? [];
  const named = [
    ...Object.entries(selector.matchLabels ?? {}).flatMap(([k, v]) => (k === namespaceNameLabel ? [v] : [])),
    ...exprs.flatMap((e) => (e.key === namespaceNameLabel && e.operator === 'In' ? (e.values ?? []) : [])),
  ];
  if (named.some((ns) => !known.has(ns))) return true;
  const requires = Object.keys(selector.matchLabels ?? {}).length > 0 || exprs.some((e) => e.operator === 'In' || (e.operator === 'Exists' && e.key !== namespaceNameLabel));
  return !requires;
}
