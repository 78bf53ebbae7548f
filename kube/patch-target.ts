// Which objects a kustomize selector (`patches[].target`, `patchesJson6902[].target`,
// `replacements` selects) picks: the one copy of kustomize's rule for policies,
// validate's locator and its no-op check.
import { goRegexp, type GoRegexp } from './go-regexp.ts';
import { parseLabelSelector, selectorMatches } from './workload.ts';

/** kustomize api/types/selector.go `Selector`: group, version, kind, name, namespace and two selectors. */
export interface PatchTarget {
  readonly group?: string;
  readonly version?: string;
  readonly kind?: string;
  readonly name?: string;
  readonly namespace?: string;
  readonly labelSelector?: string;
  readonly annotationSelector?: string;
}

/** The names an object had before this kustomization's transformers ran (kustomize's OrgId). */
export interface OriginalId {
  readonly name?: string;
  readonly namespace?: string;
}

/** kustomize api/types/selector.go anchorRegex: a non-empty pattern must match the whole value. */
function anchored(pattern: string): GoRegexp | null {
  return goRegexp(`^(?:${pattern})$`);
}

/** A pattern kustomize cannot compile (its own build error names it): matches nothing here. */
function matchesPattern(pattern: string | undefined, values: readonly (string | undefined)[]): boolean {
  if (!pattern) return true; // MatchName / MatchNamespace / MatchGvk: an empty field selects everything
  const re = anchored(pattern);
  if (!re) return false;
  return values.some((v) => v !== undefined && re.test(v));
}

const groupOf = (apiVersion: unknown): string => (typeof apiVersion === 'string' && apiVersion.includes('/') ? apiVersion.split('/')[0]! : '');
const versionOf = (apiVersion: unknown): string => (typeof apiVersion === 'string' ? apiVersion.split('/').pop()! : '');

/**
 * Does `target` select `object`? Mirrors kustomize api/resmap/reswrangler.go `Select`: the
 * namespace and the name may match the original or the current value (OrgId, CurId), the
 * group/version/kind regexes (types.SelectorRegex.MatchGvk) the current GVK, then the label and
 * annotation selectors (label-selector syntax). A selector kustomize would refuse matches nothing.
 */
export function patchTargetMatches(target: PatchTarget | undefined | null, object: Record<string, any>, original: OriginalId = {}): boolean {
  if (!target) return true;
  const meta = object?.metadata ?? {};
  if (!matchesPattern(target.group, [groupOf(object?.apiVersion)])) return false;
  if (!matchesPattern(target.version, [versionOf(object?.apiVersion)])) return false;
  if (!matchesPattern(target.kind, [object?.kind])) return false;
  // resid.ResId.EffectiveNamespace: an object without one is in `default`.
  const effective = (ns: unknown) => (typeof ns === 'string' && ns ? ns : 'default');
  if (!matchesPattern(target.namespace, [effective(original.namespace ?? meta.namespace), effective(meta.namespace)])) return false;
  if (!matchesPattern(target.name, [original.name ?? meta.name, meta.name])) return false;
  for (const [sel, map] of [[target.labelSelector, meta.labels], [target.annotationSelector, meta.annotations]] as const) {
    if (!sel) continue;
    try {
      if (!selectorMatches(parseLabelSelector(sel), map ?? {})) return false;
    } catch {
      return false; // kustomize refuses the selector; its own error names it
    }
  }
  return true;
}

/** `Deployment "inventroy"` / `HorizontalPodAutoscaler with labels app=web` — the target in words, for messages. */
export function describeTarget(t: PatchTarget): string {
  const parts = [t.kind ?? 'any kind'];
  if (t.group) parts.push(`in group ${t.group}`);
  if (t.version) parts.push(`version ${t.version}`);
  if (t.name) parts.push(`named "${t.name}"`);
  if (t.namespace) parts.push(`in namespace "${t.namespace}"`);
  if (t.labelSelector) parts.push(`with labels ${t.labelSelector}`);
  if (t.annotationSelector) parts.push(`with annotations ${t.annotationSelector}`);
  return parts.join(' ');
}
