// Builders for the common shapes of policy: per object, per pod template, per container.
import type { RenderedObject } from '../../kube/index.ts';
import { categories, type Category, type DefinedMeta, type ObjectPolicy, type PolicyContext, type PolicyMeta, type RepoPolicy, type SetPolicy, type Violation } from '../types.ts';
import { containersOf, podTemplateOf, quantity, workloadKinds, type ContainerAt, type PodTemplate } from '../../kube/index.ts';

type Many<T> = T | Iterable<T> | undefined | null | false;

const none: readonly never[] = [];

/** Normalise a check's result to an array (hot path: no generators, no copies of arrays). */
function many<T extends object>(v: Many<T>): readonly T[] {
  if (!v) return none;
  if (Array.isArray(v)) return v;
  if (Symbol.iterator in v) return [...(v as Iterable<T>)];
  return [v as T];
}

/**
 * A declaration with the category its id names (`security/no-host-path` → `security`; an unknown one throws at load)
 * and its severity, `error` unless declared.
 */
function defined<M extends PolicyMeta>(meta: M): M & DefinedMeta {
  const category = meta.id.split('/')[0] as Category;
  if (!meta.id.includes('/') || !categories.includes(category))
    throw new Error(`policy id ${JSON.stringify(meta.id)} must be <category>/<name> with a category of ${categories.join(', ')}`);
  return { ...meta, severity: meta.severity ?? 'error', category };
}

export function objectPolicy(
  meta: PolicyMeta & { readonly kinds: readonly string[] | '*' },
  check: (subject: RenderedObject, ctx: PolicyContext) => Many<Violation>,
): ObjectPolicy {
  return { ...defined(meta), check: (s, ctx) => many(check(s, ctx)) };
}

export function setPolicy(meta: PolicyMeta, checkAll: SetPolicy['checkAll']): SetPolicy {
  return { ...defined(meta), checkAll };
}

export function repoPolicy(meta: PolicyMeta, checkRepo: RepoPolicy['checkRepo']): RepoPolicy {
  return { ...defined(meta), checkRepo };
}

/** A check of every pod template (Deployments, StatefulSets, DaemonSets, Jobs, CronJobs, Pods, …). */
export function podPolicy(
  meta: PolicyMeta & { readonly kinds?: readonly string[] },
  check: (t: PodTemplate, subject: RenderedObject, ctx: PolicyContext) => Many<Violation>,
): ObjectPolicy {
  return {
    ...defined(meta),
    kinds: meta.kinds ?? workloadKinds,
    check(subject, ctx) {
      const t = podTemplateOf(subject.object);
      return t ? many(check(t, subject, ctx)) : none;
    },
  };
}

/** A check of every container of every pod template; init containers included unless `init: false`. */
export function containerPolicy(
  meta: PolicyMeta & { readonly kinds?: readonly string[]; readonly init?: boolean },
  check: (c: ContainerAt, t: PodTemplate, subject: RenderedObject, ctx: PolicyContext) => Many<Omit<Violation, 'container'>>,
): ObjectPolicy {
  const { init, ...rest } = meta;
  const withInit = { init: init ?? true };
  return podPolicy(rest, (t, subject, ctx) => {
    let out: Violation[] | undefined;
    for (const c of containersOf(t, withInit))
      for (const v of many(check(c, t, subject, ctx))) (out ??= []).push({ ...v, container: c.name });
    return out;
  }) as ObjectPolicy;
}

/** Describe a container for messages: `container "web"` / `init container "migrate"`. */
export const containerLabel = (c: ContainerAt): string => `${c.init ? 'init container' : 'container'} "${c.name}"`;

/** A container must set `resources.<field>.<resource>` to a positive quantity. */
export function resourcePolicy(
  meta: Omit<PolicyMeta, 'hint'>,
  field: 'requests' | 'limits',
  resource: 'cpu' | 'memory',
): ObjectPolicy {
  const what = `${resource} ${field === 'requests' ? 'request' : 'limit'}`;
  return containerPolicy(
    {
      ...meta,
      hint: `set resources.${field}.${resource} (the overlay's resources patch sets the environment's profile)`,
    },
    (c) => {
      const path = `${c.path}.resources.${field}.${resource}`;
      const v = c.container.resources?.[field]?.[resource];
      if (v === undefined || v === null) return { message: `${containerLabel(c)} has no ${what}`, path };
      if (!(quantity(v) > 0)) return { message: `${containerLabel(c)} ${what} ${JSON.stringify(v)} is not a positive quantity`, path };
      // The API server takes any positive quantity, but no process starts in less than a mebibyte: a memory
      // value that small is a unit mistake (192m is 0.192 bytes; 192 is 192 bytes).
      if (resource === 'memory' && quantity(v) < 2 ** 20) {
        const text = String(v).trim();
        const digits = /^([0-9.]+)(m?)$/.exec(text);
        const meant = digits ? `${digits[1]}Mi` : undefined;
        return {
          message: `${containerLabel(c)} ${what} ${text} is ${quantity(v)} bytes: no container starts in that`,
          path,
          hint: digits?.[2] ? `m means thousandths, not mebibytes: write ${meant}` : meant ? `a bare number is bytes: write ${meant}` : `write the ${what} in Mi or Gi`,
        };
      }
      return undefined;
    },
  );
}
