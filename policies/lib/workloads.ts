// Cross-object lookups around a workload: its HorizontalPodAutoscaler, its replica
// range, the PodDisruptionBudgets and Services that select its pods.
import type { RenderedObject } from '../../kube/index.ts';
import type { PolicyContext } from '../types.ts';
import { podTemplateOf } from '../../kube/index.ts';
import { namespaceOf, scopeOf } from './index-objects.ts';

/** Kinds whose replica count is `spec.replicas` (and that an HPA can scale). */
export const replicatedKinds: readonly string[] = ['Deployment', 'StatefulSet', 'ReplicaSet', 'ReplicationController', 'Rollout'];

/**
 * The Argo Rollouts Rollout that runs a workload's pods through `spec.workloadRef`: the Rollout
 * scales the pods of the referenced Deployment's template, the Deployment itself sits at zero
 * (argo-rollouts docs/migrating.md, "Reference Deployment From Rollout").
 */
export function rolloutOf(subject: RenderedObject, ctx: PolicyContext): RenderedObject | undefined {
  const byWorkload = ctx.index.memo('rollouts-by-workload', () => {
    const m = new Map<string, RenderedObject[]>();
    for (const r of ctx.index.ofKind('Rollout')) {
      const ref = r.object.spec?.workloadRef;
      if (!ref?.kind || !ref?.name) continue;
      const k = `${scopeOf(r.target)}\0${namespaceOf(r)}\0${ref.kind}\0${ref.name}`;
      m.set(k, [...(m.get(k) ?? []), r]);
    }
    return m;
  });
  const rollouts = byWorkload.get(`${scopeOf(subject.target)}\0${namespaceOf(subject)}\0${subject.object.kind}\0${subject.object.metadata?.name}`) ?? [];
  // The last one listed, as before (a later target's Rollout replaced an earlier one's), unless the subject's own target has one.
  return rollouts.find((r) => r.target.name === subject.target.name) ?? rollouts.at(-1);
}

/** The object whose pod template a workload runs: itself, or the workload a Rollout's workloadRef names. */
export function templateSourceOf(subject: RenderedObject, ctx: PolicyContext): RenderedObject | undefined {
  if (podTemplateOf(subject.object)) return subject;
  const ref = subject.object.kind === 'Rollout' ? subject.object.spec?.workloadRef : undefined;
  return ref?.kind && ref?.name ? ctx.index.named(subject, ref.kind, ref.name) : undefined;
}

/** HPAs next to the workload whose scaleTargetRef names it (or names the Rollout that runs its pods). */
export function hpasFor(subject: RenderedObject, ctx: PolicyContext): readonly RenderedObject[] {
  const direct = hpasTargeting(subject, ctx);
  const rollout = rolloutOf(subject, ctx);
  const viaRollout = rollout ? hpasTargeting(rollout, ctx) : [];
  // The subject's own target's HPA, whichever way it scales the pods, before another target's (see ownFirst).
  const own = (list: readonly RenderedObject[]) => list.filter((h) => h.target.name === subject.target.name);
  if (own(direct).length || own(viaRollout).length) return own(direct).length ? own(direct) : own(viaRollout);
  return direct.length ? direct : viaRollout;
}

function hpasTargeting(subject: RenderedObject, ctx: PolicyContext): readonly RenderedObject[] {
  const byTarget = ctx.index.memo('hpas-by-target', () => {
    const m = new Map<string, RenderedObject[]>();
    for (const h of ctx.index.ofKind('HorizontalPodAutoscaler')) {
      const ref = h.object.spec?.scaleTargetRef;
      const k = `${scopeOf(h.target)}\0${namespaceOf(h)}\0${ref?.kind}\0${ref?.name}`;
      const list = m.get(k);
      if (list) list.push(h);
      else m.set(k, [h]);
    }
    return m;
  });
  return byTarget.get(`${scopeOf(subject.target)}\0${namespaceOf(subject)}\0${subject.object.kind}\0${subject.object.metadata?.name}`) ?? [];
}

export interface ReplicaRange {
  readonly min: number;
  readonly max: number;
  /** The HPA that owns the count, if any. */
  readonly hpa?: RenderedObject;
}

/** How many pods the workload runs: the HPA's range when scaled, else `spec.replicas` (default 1). */
export function replicaRange(subject: RenderedObject, ctx: PolicyContext): ReplicaRange | undefined {
  const o = subject.object;
  if (!replicatedKinds.includes(o.kind)) return undefined;
  const hpa = hpasFor(subject, ctx)[0];
  if (hpa) {
    const min = Number(hpa.object.spec?.minReplicas ?? 1);
    const max = Number(hpa.object.spec?.maxReplicas ?? min);
    return { min, max, hpa };
  }
  const n = Number(o.spec?.replicas ?? 1);
  return { min: n, max: n };
}

/** PodDisruptionBudgets next to the workload whose selector matches its pod template. */
export function pdbsFor(subject: RenderedObject, ctx: PolicyContext): RenderedObject[] {
  const t = podTemplateOf(subject.object);
  if (!t) return [];
  return ctx.index.selecting(subject, 'PodDisruptionBudget', t.labels, (o) => o.spec?.selector);
}

/** Resolve an int-or-percent against a replica count, rounding percentages as asked. */
export function scaled(v: unknown, replicas: number, round: 'up' | 'down'): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    const m = /^(\d+)%$/.exec(v);
    if (m) {
      const x = (Number(m[1]) * replicas) / 100;
      return round === 'up' ? Math.ceil(x) : Math.floor(x);
    }
    if (/^\d+$/.test(v)) return Number(v);
  }
  return undefined;
}

/**
 * Disruptions a PDB allows when `replicas` pods are healthy. The disruption controller
 * rounds percentages up for both fields (minAvailable: more must stay; maxUnavailable:
 * ceil as well, see pkg/controller/disruption: GetScaledValueFromIntOrPercent(..., true)).
 */
export function allowedDisruptions(pdb: Record<string, any>, replicas: number): number | undefined {
  const spec = pdb.spec ?? {};
  if (spec.maxUnavailable !== undefined) {
    const n = scaled(spec.maxUnavailable, replicas, 'up');
    return n === undefined ? undefined : Math.min(n, replicas);
  }
  if (spec.minAvailable !== undefined) {
    const n = scaled(spec.minAvailable, replicas, 'up');
    return n === undefined ? undefined : Math.max(0, replicas - n);
  }
  return undefined;
}
