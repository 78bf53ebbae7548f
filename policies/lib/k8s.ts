// Small pure helpers over plain Kubernetes objects: pod specs inside workloads,
// containers with their JSON paths, label selectors, image references.

/** Kinds that carry a pod template, and where it sits. */
const podSpecPaths: Readonly<Record<string, readonly string[]>> = {
  Deployment: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  ReplicationController: ['spec', 'template'],
  Job: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
};

export const workloadKinds: readonly string[] = [...Object.keys(podSpecPaths), 'Pod'];

/** Long-running workloads (probes, replicas, disruption budgets make sense for them). */
export const serviceWorkloadKinds: readonly string[] = ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController'];

export interface PodTemplate {
  /** The pod spec (`spec.template.spec` of a Deployment, `spec` of a Pod). */
  readonly spec: Record<string, any>;
  /** JSON path of the pod spec. */
  readonly specPath: string;
  /** Pod labels and their path. */
  readonly labels: Readonly<Record<string, string>>;
  readonly labelsPath: string;
}

export function podTemplateOf(o: Record<string, any>): PodTemplate | undefined {
  if (o.kind === 'Pod') {
    if (!o.spec || typeof o.spec !== 'object') return undefined;
    return { spec: o.spec, specPath: 'spec', labels: o.metadata?.labels ?? {}, labelsPath: 'metadata.labels' };
  }
  const at = podSpecPaths[o.kind];
  if (!at) return undefined;
  let t: any = o;
  for (const k of at) t = t?.[k];
  if (!t || typeof t !== 'object' || !t.spec || typeof t.spec !== 'object') return undefined;
  const base = at.join('.');
  return { spec: t.spec, specPath: `${base}.spec`, labels: t.metadata?.labels ?? {}, labelsPath: `${base}.metadata.labels` };
}

export interface ContainerAt {
  readonly container: Record<string, any>;
  /** `spec.template.spec.containers[0]` */
  readonly path: string;
  readonly name: string;
  readonly init: boolean;
}

/** Regular containers, then init containers (ephemeral containers are never in Git). */
export function containersOf(t: PodTemplate, opts: { init?: boolean } = {}): ContainerAt[] {
  const out: ContainerAt[] = [];
  const cs = t.spec.containers;
  if (Array.isArray(cs))
    for (let i = 0; i < cs.length; i++) {
      const c = cs[i];
      if (c && typeof c === 'object') out.push({ container: c, path: `${t.specPath}.containers[${i}]`, name: String(c.name ?? i), init: false });
    }
  const ics = opts.init ?? true ? t.spec.initContainers : undefined;
  if (Array.isArray(ics))
    for (let i = 0; i < ics.length; i++) {
      const c = ics[i];
      if (c && typeof c === 'object') out.push({ container: c, path: `${t.specPath}.initContainers[${i}]`, name: String(c.name ?? i), init: true });
    }
  return out;
}

export interface LabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: readonly { key: string; operator: string; values?: readonly string[] }[];
}

/** Kubernetes label-selector semantics; an empty selector matches everything. */
export function selectorMatches(sel: LabelSelector | undefined | null, labels: Readonly<Record<string, string>>): boolean {
  if (!sel) return false;
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of sel.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    const values = e.values ?? [];
    switch (e.operator) {
      case 'In':
        if (!has || !values.includes(labels[e.key]!)) return false;
        break;
      case 'NotIn':
        if (has && values.includes(labels[e.key]!)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

export const isEmptySelector = (sel: LabelSelector | undefined | null): boolean =>
  !!sel && Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0;

/** A Service's `spec.selector` is a plain map: equality on every key. */
export function mapSelects(selector: Readonly<Record<string, string>>, labels: Readonly<Record<string, string>>): boolean {
  for (const [k, v] of Object.entries(selector)) if (labels[k] !== v) return false;
  return true;
}

export interface ImageRef {
  /** Registry host (`docker.io` when none is written). */
  readonly registry: string;
  /** Repository path without the registry (`library/nginx`). */
  readonly repository: string;
  /** Full name as the registry knows it: `registry/repository`. */
  readonly name: string;
  readonly tag?: string;
  readonly digest?: string;
}

/** Parse an OCI image reference the way the container runtime does (Docker's normalisation). */
export function parseImage(image: string): ImageRef {
  let rest = image.trim();
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  const first = rest.split('/')[0]!;
  const hasRegistry = rest.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  const registry = hasRegistry ? first : 'docker.io';
  let repository = hasRegistry ? rest.slice(first.length + 1) : rest;
  if (registry === 'docker.io' && !repository.includes('/')) repository = `library/${repository}`;
  return { registry, repository, name: `${registry}/${repository}`, ...(tag ? { tag } : {}), ...(digest ? { digest } : {}) };
}

/** Parse a Kubernetes quantity to a number (cores, bytes). NaN when unparsable. */
export function quantity(q: unknown): number {
  if (typeof q === 'number') return q;
  if (typeof q !== 'string') return NaN;
  const m = /^([+-]?[0-9.]+(?:[eE][+-]?[0-9]+)?)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?$/.exec(q.trim());
  if (!m) return NaN;
  const mult: Record<string, number> = {
    n: 1e-9, u: 1e-6, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
    Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
  };
  return Number(m[1]) * (m[2] ? mult[m[2]]! : 1);
}

/** `[0]`-style path join that leaves dotted keys readable: `metadata.labels["app.kubernetes.io/name"]`. */
export function key(path: string, k: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(k) ? `${path}.${k}` : `${path}[${JSON.stringify(k)}]`;
}
