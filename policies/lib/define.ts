// Builders for the common shapes of policy: per object, per pod template, per container.
import type { RenderedObject } from '../../scripts/lib/validate/types.ts';
import type { ObjectPolicy, PolicyContext, PolicyMeta, SetPolicy, Violation } from '../types.ts';
import { containersOf, podTemplateOf, quantity, workloadKinds, type ContainerAt, type PodTemplate } from './k8s.ts';

type Many<T> = T | Iterable<T> | undefined | null | false;

function* many<T extends object>(v: Many<T>): Iterable<T> {
  if (!v) return;
  if (Symbol.iterator in v) yield* v as Iterable<T>;
  else yield v as T;
}

export function objectPolicy(
  meta: PolicyMeta & { readonly kinds: readonly string[] | '*' },
  check: (subject: RenderedObject, ctx: PolicyContext) => Many<Violation>,
): ObjectPolicy {
  return { ...meta, check: (s, ctx) => many(check(s, ctx)) };
}

export function setPolicy(meta: PolicyMeta, checkAll: SetPolicy['checkAll']): SetPolicy {
  return { ...meta, checkAll };
}

/** A check of every pod template (Deployments, StatefulSets, DaemonSets, Jobs, CronJobs, Pods, …). */
export function podPolicy(
  meta: PolicyMeta & { readonly kinds?: readonly string[] },
  check: (t: PodTemplate, subject: RenderedObject, ctx: PolicyContext) => Many<Violation>,
): ObjectPolicy {
  return {
    ...meta,
    kinds: meta.kinds ?? workloadKinds,
    *check(subject, ctx) {
      const t = podTemplateOf(subject.object);
      if (t) yield* many(check(t, subject, ctx));
    },
  };
}

/** A check of every container of every pod template; init containers included unless `init: false`. */
export function containerPolicy(
  meta: PolicyMeta & { readonly kinds?: readonly string[]; readonly init?: boolean },
  check: (c: ContainerAt, t: PodTemplate, subject: RenderedObject, ctx: PolicyContext) => Many<Omit<Violation, 'container'>>,
): ObjectPolicy {
  const { init, ...rest } = meta;
  return podPolicy(rest, function* (t, subject, ctx) {
    for (const c of containersOf(t, { init: init ?? true }))
      for (const v of many(check(c, t, subject, ctx))) yield { ...v, container: c.name };
  }) as ObjectPolicy;
}

/** Describe a container for messages: `container "web"` / `init container "migrate"`. */
export const containerLabel = (c: ContainerAt): string => `${c.init ? 'init container' : 'container'} "${c.name}"`;

/** A container must set `resources.<field>.<resource>` to a positive quantity. */
export function resourcePolicy(
  meta: Omit<PolicyMeta, 'category' | 'severity' | 'hint'>,
  field: 'requests' | 'limits',
  resource: 'cpu' | 'memory',
): ObjectPolicy {
  const what = `${resource} ${field === 'requests' ? 'request' : 'limit'}`;
  return containerPolicy(
    {
      ...meta,
      severity: 'error',
      category: 'resources',
      hint: `set resources.${field}.${resource} (the overlay's resources patch sets the environment's profile)`,
    },
    (c) => {
      const path = `${c.path}.resources.${field}.${resource}`;
      const v = c.container.resources?.[field]?.[resource];
      if (v === undefined || v === null) return { message: `${containerLabel(c)} has no ${what}`, path };
      if (!(quantity(v) > 0)) return { message: `${containerLabel(c)} ${what} ${JSON.stringify(v)} is not a positive quantity`, path };
      return undefined;
    },
  );
}
