// The component × environment matrix: for every workload each rendered target
// runs, its image tags, replica bounds, requests/limits, disruption budget and storage.
import type { RenderResult } from '../kustomize/index.ts';
import { podSpecOf, splitImage } from '../../../kube/index.ts';

export interface ContainerCell {
  readonly name: string;
  readonly image: string;
  readonly repository: string;
  /** Tag or digest. */
  readonly version: string;
  readonly requests: { readonly cpu?: string; readonly memory?: string };
  readonly limits: { readonly cpu?: string; readonly memory?: string };
  /** Init containers run to completion before the app containers. */
  readonly init: boolean;
}

export interface VolumeClaim {
  readonly name: string;
  readonly size?: string;
  readonly storageClass?: string;
  readonly accessModes: readonly string[];
}

export interface Cell {
  readonly target: string;
  /** `Deployment`, `StatefulSet`, `DaemonSet`, `CronJob`… */
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
  readonly containers: readonly ContainerCell[];
  /** Fixed count (spec.replicas), `hpa` range, or one per node for a DaemonSet. */
  readonly replicas:
    | { readonly mode: 'fixed'; readonly count: number }
    | { readonly mode: 'hpa'; readonly min: number; readonly max: number; readonly metrics: readonly string[] }
    | { readonly mode: 'per-node' }
    | { readonly mode: 'schedule'; readonly schedule: string };
  readonly pdb?: string;
  readonly storage: readonly VolumeClaim[];
  /** How a new image is released when an Argo Rollouts Rollout runs the pods (its canary steps). */
  readonly release?: string;
}

export interface Matrix {
  /** Column order: targets as rendered (dev, test, prod or platform/<cluster>). */
  readonly targets: readonly string[];
  /** Row order: component names, first appearance across targets. */
  readonly components: readonly string[];
  /** cells[component][target] */
  readonly cells: ReadonlyMap<string, ReadonlyMap<string, Cell>>;
}

const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'CronJob', 'Job']);

const matches = (selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean =>
  !!selector && Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels?.[k] === v);

function metricLabel(m: any): string {
  if (m?.type === 'Resource') {
    const t = m.resource?.target ?? {};
    return `${m.resource?.name} ${t.averageUtilization != null ? `${t.averageUtilization}%` : (t.averageValue ?? t.value ?? '')}`.trim();
  }
  return String(m?.type ?? '?');
}

/** The Argo Rollouts Rollout whose `spec.workloadRef` names this workload: it runs the pods and the HPA scales it. */
export function rolloutRunning(o: Record<string, any>, all: readonly Record<string, any>[]): Record<string, any> | undefined {
  return all.find(
    (x) => x.kind === 'Rollout' && x.metadata?.namespace === o.metadata?.namespace && x.spec?.workloadRef?.kind === o.kind && x.spec?.workloadRef?.name === o.metadata?.name,
  );
}

/** A Rollout's canary steps in one line: `canary (nginx): 10% → pause 1m → analysis → 50% → analysis → 100%`. */
export function canaryText(r: Record<string, any>): string {
  const c = r.spec?.strategy?.canary;
  if (!c) return r.spec?.strategy?.blueGreen ? 'blue-green' : 'Rollout';
  const steps = (c.steps ?? []).map((s: any) =>
    s.setWeight != null ? `${s.setWeight}%` : s.pause ? `pause ${s.pause.duration ?? '(manual)'}` : s.analysis ? 'analysis' : Object.keys(s)[0],
  );
  const router = c.trafficRouting ? Object.keys(c.trafficRouting)[0] : 'replica weight';
  return `canary (${router}): ${[...steps, '100%'].join(' → ')}`;
}

/** One workload's cell; `all` is the target's objects (for the HPA, PDB and PVCs that refer to it). */
export function cellFor(target: string, o: Record<string, any>, all: readonly Record<string, any>[]): Cell {
  const spec = podSpecOf(o) ?? {};
  const containers = [...(spec.initContainers ?? []).map((c: any) => ({ c, init: true })), ...(spec.containers ?? []).map((c: any) => ({ c, init: false }))].map(
    ({ c, init }): ContainerCell => {
      const { repository, version } = splitImage(String(c.image ?? ''));
      return {
        name: c.name,
        image: c.image,
        repository,
        version,
        requests: { cpu: c.resources?.requests?.cpu?.toString(), memory: c.resources?.requests?.memory?.toString() },
        limits: { cpu: c.resources?.limits?.cpu?.toString(), memory: c.resources?.limits?.memory?.toString() },
        init,
      };
    },
  );
  const ns = o.metadata?.namespace;
  const same = (x: Record<string, any>) => x.metadata?.namespace === ns;
  // A Deployment run by a Rollout (workloadRef) is scaled through the Rollout.
  const rollout = rolloutRunning(o, all);
  const scaled = rollout ?? o;
  const hpa = all.find((x) => x.kind === 'HorizontalPodAutoscaler' && same(x) && x.spec?.scaleTargetRef?.kind === scaled.kind && x.spec?.scaleTargetRef?.name === scaled.metadata?.name);
  const podLabels = o.spec?.template?.metadata?.labels;
  let replicas: Cell['replicas'];
  if (o.kind === 'DaemonSet') replicas = { mode: 'per-node' };
  else if (o.kind === 'CronJob') replicas = { mode: 'schedule', schedule: String(o.spec?.schedule ?? '?') };
  else if (hpa) replicas = { mode: 'hpa', min: hpa.spec.minReplicas ?? 1, max: hpa.spec.maxReplicas, metrics: (hpa.spec.metrics ?? []).map(metricLabel) };
  else replicas = { mode: 'fixed', count: o.spec?.replicas ?? 1 };
  const pdbObject = all.find((x) => x.kind === 'PodDisruptionBudget' && same(x) && matches(x.spec?.selector?.matchLabels, podLabels));
  const pdb = pdbObject
    ? pdbObject.spec.maxUnavailable != null
      ? `maxUnavailable ${pdbObject.spec.maxUnavailable}`
      : `minAvailable ${pdbObject.spec.minAvailable}`
    : undefined;
  const claim = (name: string, s: any): VolumeClaim => ({
    name,
    size: s?.resources?.requests?.storage?.toString(),
    storageClass: s?.storageClassName,
    accessModes: s?.accessModes ?? [],
  });
  const storage: VolumeClaim[] = (o.spec?.volumeClaimTemplates ?? []).map((t: any) => claim(t.metadata?.name ?? '?', t.spec));
  for (const v of spec.volumes ?? []) {
    const claimName = v.persistentVolumeClaim?.claimName;
    if (!claimName) continue;
    const pvc = all.find((x) => x.kind === 'PersistentVolumeClaim' && same(x) && x.metadata?.name === claimName);
    storage.push(pvc ? claim(claimName, pvc.spec) : { name: claimName, accessModes: [] });
  }
  return { target, kind: o.kind, name: o.metadata?.name, namespace: ns, containers, replicas, pdb, storage, ...(rollout ? { release: canaryText(rollout) } : {}) };
}

/** Build the matrix over the given renders (one column each). */
export function componentMatrix(results: readonly RenderResult[]): Matrix {
  const components: string[] = [];
  const cells = new Map<string, Map<string, Cell>>();
  for (const r of results) {
    const all = r.objects.map((x) => x.object);
    for (const o of all) {
      if (!WORKLOADS.has(o.kind)) continue;
      const name = String(o.metadata?.name);
      if (!cells.has(name)) {
        cells.set(name, new Map());
        components.push(name);
      }
      cells.get(name)!.set(r.target.name, cellFor(r.target.name, o, all));
    }
  }
  return { targets: results.map((r) => r.target.name), components, cells };
}

/** Short text of a replica setting: `3–12 (HPA)`, `1`, `per node`. */
export function replicasText(r: Cell['replicas']): string {
  switch (r.mode) {
    case 'hpa':
      return `${r.min}–${r.max}`;
    case 'fixed':
      return String(r.count);
    case 'per-node':
      return 'one per node';
    case 'schedule':
      return r.schedule;
  }
}
