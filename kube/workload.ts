// Pod templates inside workloads, containers with their JSON paths, label selectors:
// the one set of accessors that policies, validate, review and report use.

/** Kinds that carry a pod template, and where it sits. */
const podSpecPaths: Readonly<Record<string, readonly string[]>> = {
  Deployment: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  ReplicationController: ['spec', 'template'],
  Job: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
  // Argo Rollouts; a Rollout with a workloadRef has no template of its own (policies/lib/workloads.ts).
  Rollout: ['spec', 'template'],
};

export const workloadKinds: readonly string[] = [...Object.keys(podSpecPaths), 'Pod'];

/** Long-running workloads (probes, replicas, disruption budgets make sense for them). */
export const serviceWorkloadKinds: readonly string[] = ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Rollout'];

export interface PodTemplate {
  /** The pod spec (`spec.template.spec` of a Deployment, `spec` of a Pod). */
  readonly spec: Record<string, any>;
  /** JSON path of the pod spec. */
  readonly specPath: string;
  /** Pod labels and their path. */
  readonly labels: Readonly<Record<string, string>>;
  readonly labelsPath: string;
  /** The pod's metadata (annotations, labels). */
  readonly metadata: Readonly<Record<string, any>>;
}

export function podTemplateOf(o: Record<string, any>): PodTemplate | undefined {
  if (o.kind === 'Pod') {
    if (!o.spec || typeof o.spec !== 'object') return undefined;
    return { spec: o.spec, specPath: 'spec', labels: o.metadata?.labels ?? {}, labelsPath: 'metadata.labels', metadata: o.metadata ?? {} };
  }
  // own keys only: `kind: toString` must not find Object.prototype's function
  const at = Object.hasOwn(podSpecPaths, o.kind) ? podSpecPaths[o.kind] : undefined;
  if (!at) return undefined;
  let t: any = o;
  for (const k of at) t = t?.[k];
  if (!t || typeof t !== 'object' || !t.spec || typeof t.spec !== 'object') return undefined;
  const base = at.join('.');
  return { spec: t.spec, specPath: `${base}.spec`, labels: t.metadata?.labels ?? {}, labelsPath: `${base}.metadata.labels`, metadata: t.metadata ?? {} };
}

/** The pod spec of a workload or Pod, or undefined for other kinds. */
export const podSpecOf = (o: Record<string, any>): Record<string, any> | undefined => podTemplateOf(o)?.spec;

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

/** LabelSelectorOperator (k8s.io/apimachinery pkg/apis/meta/v1 types.go): what a matchExpressions operator may be. */
export const selectorOperators: readonly string[] = ['In', 'NotIn', 'Exists', 'DoesNotExist'];

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

/**
 * Why metav1.LabelSelectorAsSelector refuses `sel` (apimachinery pkg/apis/meta/v1/helpers.go: an operator other than
 * In, NotIn, Exists, DoesNotExist; pkg/labels/selector.go NewRequirement: In and NotIn need values, Exists and
 * DoesNotExist take none), as `matchExpressions[i]...: message`; undefined when it takes it. Key and value syntax are
 * left to the API server's checks (policies/apiserver). selectorMatches selects nothing with such a selector.
 */
export function selectorProblem(sel: LabelSelector): string | undefined {
  for (const [i, e] of (sel.matchExpressions ?? []).entries()) {
    const values = e.values ?? [];
    if (!selectorOperators.includes(e.operator)) return `matchExpressions[${i}].operator: ${JSON.stringify(e.operator)} is not a valid label selector operator (${selectorOperators.join(', ')})`;
    if ((e.operator === 'In' || e.operator === 'NotIn') && values.length === 0) return `matchExpressions[${i}].values: for 'in', 'notin' operators, values set can't be empty`;
    if ((e.operator === 'Exists' || e.operator === 'DoesNotExist') && values.length > 0) return `matchExpressions[${i}].values: values set must be empty for exists and does not exist`;
  }
  return undefined;
}

export const isEmptySelector = (sel: LabelSelector | undefined | null): boolean =>
  !!sel && Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0;

/** A Service's `spec.selector` is a plain map: equality on every key. */
export function mapSelects(selector: Readonly<Record<string, string>>, labels: Readonly<Record<string, string>>): boolean {
  for (const [k, v] of Object.entries(selector)) if (labels[k] !== v) return false;
  return true;
}

/** `[0]`-style path join that leaves dotted keys readable: `metadata.labels["app.kubernetes.io/name"]`. */
export function key(path: string, k: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(k) ? `${path}.${k}` : `${path}[${JSON.stringify(k)}]`;
}

/**
 * A label selector written as a string (`app=web,tier in (a,b),!canary`), as kubectl
 * and kustomize patch targets take it, turned into matchExpressions. Follows
 * k8s.io/apimachinery/pkg/labels/selector.go `Parse`: `=`/`==`/`!=`, `in`/`notin`
 * with a parenthesised list, `key` (exists) and `!key` (does not exist), comma-separated.
 * Throws on anything else, naming the requirement.
 */
export function parseLabelSelector(s: string): LabelSelector {
  const matchExpressions: { key: string; operator: string; values?: string[] }[] = [];
  // split on commas outside parentheses
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  if (cur.trim() || parts.length) parts.push(cur);
  for (const raw of parts) {
    const p = raw.trim();
    let m: RegExpExecArray | null;
    if ((m = /^([\w./-]+)\s*(==|=|!=)\s*([\w.-]*)$/.exec(p))) matchExpressions.push({ key: m[1]!, operator: m[2] === '!=' ? 'NotIn' : 'In', values: [m[3]!] });
    else if ((m = /^([\w./-]+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(p)))
      matchExpressions.push({ key: m[1]!, operator: m[2] === 'in' ? 'In' : 'NotIn', values: m[3]!.split(',').map((v) => v.trim()).filter(Boolean) });
    else if ((m = /^!\s*([\w./-]+)$/.exec(p))) matchExpressions.push({ key: m[1]!, operator: 'DoesNotExist' });
    else if ((m = /^([\w./-]+)$/.exec(p))) matchExpressions.push({ key: m[1]!, operator: 'Exists' });
    else throw new Error(`label selector ${JSON.stringify(s)}: cannot parse requirement ${JSON.stringify(p)}`);
  }
  return { matchExpressions };
}
