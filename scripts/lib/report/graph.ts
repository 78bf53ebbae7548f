// The architecture graph, read from rendered manifests (never drawn by hand):
// nodes are workloads, Ingresses and the things they reach that are not rendered;
// edges come from Ingress backends and Services, from configuration wiring (URLs and
// hosts in env vars and ConfigMaps that name a Service), from Prometheus' scrape
// configuration, and from NetworkPolicies, which are also cross-checked against the wiring.
import { parse } from 'yaml';
import { cnpgImpliedObjects, impliedByAnnotation, isEmptySelector, mapSelects, podTemplateOf, selectorMatches, type LabelSelector } from '../../../kube/index.ts';
import { stripHash } from '../review/normalize.ts';
import { scrapeMatches, type JobConfig, type PodCandidate, type ServiceCandidate } from './scrape.ts';

export type NodeKind = 'workload' | 'ingress' | 'external' | 'missing';
/** `ingress`: traffic routed by an Ingress; `calls`: configured client → server; `metrics`: scraped by Prometheus; `alerts`: Prometheus → Alertmanager; `allowed`: only a NetworkPolicy says so. */
export type EdgeKind = 'ingress' | 'calls' | 'metrics' | 'alerts' | 'allowed';

export interface GraphNode {
  readonly id: string;
  readonly label: string;
  /** Second line: kind and ports, host names, or why it is missing. */
  readonly detail: string;
  readonly kind: NodeKind;
  /** Namespace (compound node) it is drawn in; none for things outside the cluster. */
  readonly group?: string;
  /** `app.kubernetes.io/component`, drives the colour. */
  readonly component?: string;
}

export interface GraphEdge {
  readonly source: string;
  readonly target: string;
  readonly kinds: EdgeKind[];
  /** Where each part of the edge comes from, for tooltips and docs. */
  readonly reasons: string[];
  /** Port names or numbers. */
  readonly ports: string[];
}

export interface ArchitectureGraph {
  readonly nodes: GraphNode[];
  readonly edges: GraphEdge[];
  readonly groups: string[];
  /** Wiring that no NetworkPolicy admits, references to things that are not rendered. */
  readonly warnings: string[];
}

type Obj = Record<string, any>;

/** ConfigMap names without kustomize's content hash: evidence that does not change with every config edit. */
const cmName = (name: string) => stripHash('ConfigMap', name);

interface Workload {
  readonly id: string;
  readonly o: Obj;
  readonly ns: string;
  readonly name: string;
  readonly podLabels: Record<string, string>;
  readonly pod: Obj;
}

// Pod: only the pods an operator's object implies (a CloudNativePG Cluster's instances, kube/cnpg.ts).
const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'CronJob', 'Job', 'Pod']);

/** Label-selector semantics where an absent selector selects everything (NetworkPolicy peers). */
const selects = (sel: LabelSelector | undefined, labels: Record<string, string>): boolean => selectorMatches(sel ?? {}, labels);

/** A selector that names pods (an empty one means every pod of the namespace: an allowance, not an edge worth drawing). */
const specific = (sel: Obj | undefined): boolean => !!sel && !isEmptySelector(sel);

const HOST_PORT = /(?<![\w.@-])@?([a-z0-9](?:[-a-z0-9]*[a-z0-9])?)((?:\.[a-z0-9-]+)*)?:(\d{2,5})\b/g;
const URL_HOST = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/]*@)?([^:/?#$()]+)(?::(\d+))?/i;

export function architectureGraph(rendered: readonly Obj[]): ArchitectureGraph {
  // What operators create from the rendered objects is reached through too (the services call postgres-rw).
  const objects = [...rendered, ...cnpgImpliedObjects(rendered)];
  const nodes = new Map<string, GraphNode>();
  const edges = new Map<string, GraphEdge>();
  const warnings: string[] = [];
  const namespaces = new Set<string>();

  const workloads: Workload[] = [];
  for (const o of objects) {
    const ns = o.metadata?.namespace;
    if (!ns) continue;
    namespaces.add(ns);
    if (!WORKLOAD_KINDS.has(o.kind)) continue;
    const pod = podTemplateOf(o) ?? { spec: {} as Obj, labels: {}, metadata: {} };
    const w: Workload = { id: `${ns}/${o.metadata.name}`, o, ns, name: o.metadata.name, podLabels: { ...pod.labels }, pod: { metadata: pod.metadata, spec: pod.spec } };
    workloads.push(w);
    const ports = [...new Set<number>((pod.spec?.containers ?? []).flatMap((c: Obj) => (c.ports ?? []).map((p: Obj) => p.containerPort)))];
    nodes.set(w.id, {
      id: w.id,
      label: w.name,
      detail: `${o.metadata.annotations?.[impliedByAnnotation] ?? o.kind}${ports.length ? ` :${ports.join(', :')}` : ''}`,
      kind: 'workload',
      group: ns,
      component: w.podLabels['app.kubernetes.io/component'],
    });
  }
  const byNs = (ns: string) => objects.filter((o) => o.metadata?.namespace === ns);
  const find = (kind: string, ns: string, name: string) => objects.find((o) => o.kind === kind && o.metadata?.namespace === ns && o.metadata?.name === name);

  const services: ServiceCandidate[] = objects
    .filter((o) => o.kind === 'Service' && o.metadata?.namespace)
    .map((s) => ({
      namespace: s.metadata.namespace,
      name: s.metadata.name,
      labels: s.metadata.labels ?? {},
      ports: (s.spec?.ports ?? []).map((p: Obj) => ({ name: p.name, port: p.port, targetPort: p.targetPort })),
      pods: s.spec?.selector && Object.keys(s.spec.selector).length
        ? workloads.filter((w) => w.ns === s.metadata.namespace && mapSelects(s.spec.selector ?? {}, w.podLabels)).map((w) => w.id)
        : [],
    }));

  const edge = (source: string, target: string, kind: EdgeKind, reason: string, port?: string) => {
    if (source === target) return;
    const key = `${source}→${target}`;
    const e = edges.get(key) ?? { source, target, kinds: [], reasons: [], ports: [] };
    if (!e.kinds.includes(kind)) e.kinds.push(kind);
    if (!e.reasons.includes(reason)) e.reasons.push(reason);
    if (port && !e.ports.includes(port)) e.ports.push(port);
    edges.set(key, e);
  };

  const missing = (ns: string, name: string, why: string): string => {
    const id = `${ns}/${name}`;
    if (!nodes.has(id)) {
      nodes.set(id, { id, label: name, detail: 'not rendered', kind: 'missing', group: ns });
      warnings.push(`${name} (namespace ${ns}) is referenced by ${why} but no workload or Service of that name is rendered`);
    }
    return id;
  };

  /** Service DNS name → workloads; `host` may be `svc`, `svc.ns`, `svc.ns.svc[.cluster.local]`. */
  const resolve = (fromNs: string, host: string, port?: number): { ids: string[]; svc?: ServiceCandidate; ns: string; name: string } => {
    const parts = host.toLowerCase().split('.');
    const name = parts[0]!;
    const ns = parts.length > 1 && parts[1] !== 'svc' ? parts[1]! : fromNs;
    const svc = services.find((s) => s.namespace === ns && s.name === name && (port === undefined || s.ports.some((p) => p.port === port)));
    return { ids: svc ? [...svc.pods] : [], svc, ns, name };
  };

  // Ingress → backend Service → workloads.
  for (const ing of objects.filter((o) => o.kind === 'Ingress')) {
    const ns = ing.metadata.namespace;
    const hosts = (ing.spec?.rules ?? []).map((r: Obj) => r.host).filter(Boolean);
    const id = `${ns}/ingress/${ing.metadata.name}`;
    nodes.set(id, { id, label: hosts.join(', ') || ing.metadata.name, detail: `Ingress${ing.spec?.ingressClassName ? ` (${ing.spec.ingressClassName})` : ''}`, kind: 'ingress', group: ns });
    const backends: Array<{ path: string; b: Obj }> = [];
    if (ing.spec?.defaultBackend?.service) backends.push({ path: '*', b: ing.spec.defaultBackend.service });
    for (const r of ing.spec?.rules ?? []) for (const p of r.http?.paths ?? []) if (p.backend?.service) backends.push({ path: `${r.host ?? ''}${p.path ?? '/'}`, b: p.backend.service });
    for (const { path, b } of backends) {
      const svc = services.find((s) => s.namespace === ns && s.name === b.name);
      const ids = svc?.pods ?? [];
      if (!ids.length) edge(id, missing(ns, b.name, `Ingress ${ing.metadata.name}`), 'ingress', `Ingress ${ing.metadata.name}: ${path} → Service ${b.name}`);
      for (const t of ids) edge(id, t, 'ingress', `Ingress ${ing.metadata.name}: ${path} → Service ${b.name}`, String(b.port?.name ?? b.port?.number ?? ''));
    }
  }

  // Configuration wiring: env values, envFrom/configMapKeyRef ConfigMaps, mounted ConfigMap files.
  for (const w of workloads) {
    const spec = w.pod.spec ?? {};
    const entries: Array<{ key: string; value: string; from: string }> = [];
    const cmData = (name: string) => find('ConfigMap', w.ns, name)?.data ?? {};
    for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
      for (const e of c.env ?? []) {
        if (typeof e.value === 'string') entries.push({ key: e.name, value: e.value, from: `env ${e.name}` });
        const ref = e.valueFrom?.configMapKeyRef;
        if (ref) entries.push({ key: e.name, value: String(cmData(ref.name)[ref.key] ?? ''), from: `env ${e.name} (ConfigMap ${cmName(ref.name)})` });
      }
      for (const ef of c.envFrom ?? [])
        if (ef.configMapRef) for (const [k, v] of Object.entries(cmData(ef.configMapRef.name))) entries.push({ key: k, value: String(v), from: `${k} (ConfigMap ${cmName(ef.configMapRef.name)})` });
    }
    for (const v of spec.volumes ?? []) {
      const names = [v.configMap?.name, ...(v.projected?.sources ?? []).map((s: Obj) => s.configMap?.name)].filter(Boolean) as string[];
      for (const name of names) for (const [k, val] of Object.entries(cmData(name))) entries.push({ key: k, value: String(val), from: `${k} (ConfigMap ${cmName(name)}, mounted)` });
    }
    for (const { key, value, from } of entries) {
      const hits = new Set<string>();
      for (const m of value.matchAll(HOST_PORT)) {
        const host = m[1]! + (m[2] ?? '');
        const port = Number(m[3]);
        const r = resolve(w.ns, host, port);
        for (const t of r.ids) {
          edge(w.id, t, 'calls', from, String(port));
          hits.add(t);
        }
        if (!r.svc && /\.svc(\.cluster\.local)?$/.test(host)) edge(w.id, missing(r.ns, r.name, from), 'calls', from, String(port));
      }
      let host: string | undefined;
      let port: number | undefined;
      if (/HOST$/.test(key) && /^[a-z0-9][-a-z0-9.]*$/.test(value)) host = value;
      const url = /_URL$/.test(key) ? URL_HOST.exec(value) : null;
      if (url) {
        host = url[1];
        port = url[2] ? Number(url[2]) : undefined;
      }
      if (!host || host === 'localhost' || /^[\d.]+$/.test(host)) continue;
      const r = resolve(w.ns, host);
      for (const t of r.ids) if (!hits.has(t)) edge(w.id, t, 'calls', from, port ? String(port) : undefined);
      if (!r.svc) edge(w.id, missing(r.ns, r.name, from), 'calls', from, port ? String(port) : undefined);
    }
  }

  // Prometheus: workloads that mount a prometheus.yml; scrape and alerting targets from it.
  const pods: PodCandidate[] = workloads.map((w) => ({
    id: w.id,
    namespace: w.ns,
    labels: w.podLabels,
    annotations: w.pod.metadata?.annotations ?? {},
    containers: (w.pod.spec?.containers ?? []).map((c: Obj) => ({ name: c.name, ports: (c.ports ?? []).map((p: Obj) => ({ name: p.name, containerPort: p.containerPort })) })),
  }));
  for (const w of workloads) {
    for (const v of w.pod.spec?.volumes ?? []) {
      const cm = v.configMap?.name ? find('ConfigMap', w.ns, v.configMap.name) : undefined;
      const file = cm?.data?.['prometheus.yml'];
      if (typeof file !== 'string') continue;
      const config = parse(file) as { scrape_configs?: JobConfig[]; alerting?: { alertmanagers?: JobConfig[] } } | null;
      for (const m of scrapeMatches(config?.scrape_configs ?? [], pods, services))
        edge(m.workload, w.id, 'metrics', `Prometheus job ${m.job} (${m.role} discovery)`, m.port);
      const ams = (config?.alerting?.alertmanagers ?? []).map((a, i) => ({ ...a, job_name: `alertmanagers[${i}]` }));
      for (const m of scrapeMatches(ams, pods, services)) edge(w.id, m.workload, 'alerts', 'Prometheus alerting.alertmanagers', m.port);
      const cluster = (config?.scrape_configs ?? []).filter((j) => (j.kubernetes_sd_configs ?? []).some((s) => s.role === 'node' || s.namespaces?.names?.includes('default')));
      if (cluster.length) {
        const id = 'external/kubernetes';
        nodes.set(id, { id, label: 'Kubernetes', detail: 'API server, kubelets', kind: 'external' });
        edge(id, w.id, 'metrics', `Prometheus jobs ${cluster.map((j) => j.job_name).join(', ')}`);
      }
    }
  }

  // NetworkPolicies: what is allowed between selected pods and their peers.
  const egressAllowed = new Set<string>();
  const ingressAllowed = new Set<string>();
  const governedEgress = new Set<string>();
  const governedIngress = new Set<string>();
  const external = new Map<string, string>();
  for (const np of objects.filter((o) => o.kind === 'NetworkPolicy')) {
    const ns = np.metadata.namespace;
    const selectedPods = workloads.filter((w) => w.ns === ns && selects(np.spec?.podSelector, w.podLabels));
    const types: string[] = np.spec?.policyTypes ?? (np.spec?.egress ? ['Ingress', 'Egress'] : ['Ingress']);
    for (const w of selectedPods) {
      if (types.includes('Egress')) governedEgress.add(w.id);
      if (types.includes('Ingress')) governedIngress.add(w.id);
    }
    const peersOf = (peer: Obj): { ids: string[]; outside?: string } => {
      if (peer.ipBlock) return { ids: [] };
      if (peer.namespaceSelector) {
        const names = [...namespaces].filter((n) => selects(peer.namespaceSelector, { 'kubernetes.io/metadata.name': n }));
        const outside = peer.namespaceSelector.matchLabels?.['kubernetes.io/metadata.name'];
        const ids = workloads.filter((w) => names.includes(w.ns) && selects(peer.podSelector, w.podLabels)).map((w) => w.id);
        return { ids, outside: !names.length ? outside : undefined };
      }
      const ids = workloads.filter((w) => w.ns === ns && selects(peer.podSelector, w.podLabels)).map((w) => w.id);
      const name = peer.podSelector?.matchLabels?.['app.kubernetes.io/name'];
      if (!ids.length && name) return { ids: [missing(ns, name, `NetworkPolicy ${np.metadata.name}`)] };
      return { ids };
    };
    const portText = (rule: Obj) => (rule.ports ?? []).map((p: Obj) => String(p.port ?? 'any')).join(', ');
    for (const rule of np.spec?.egress ?? []) {
      for (const peer of rule.to ?? []) {
        const { ids } = peersOf(peer);
        for (const s of selectedPods)
          for (const t of ids) {
            egressAllowed.add(`${s.id}→${t}`);
            // pods in another rendered namespace reached only by a namespace-wide rule are not drawn (DNS, scrapes)
            if (edges.has(`${s.id}→${t}`) || specific(peer.podSelector)) edge(s.id, t, 'allowed', `NetworkPolicy ${np.metadata.name}: egress ${portText(rule)}`);
          }
      }
    }
    for (const rule of np.spec?.ingress ?? []) {
      for (const peer of rule.from ?? []) {
        const { ids, outside } = peersOf(peer);
        for (const t of selectedPods) {
          for (const s of ids) {
            ingressAllowed.add(`${s}→${t.id}`);
            const reason = `NetworkPolicy ${np.metadata.name}: ingress ${portText(rule)}`;
            const reverse = edges.get(`${t.id}→${s}`);
            const forward = edges.get(`${s}→${t.id}`);
            if ((forward && !(forward.kinds.length === 1 && forward.kinds[0] === 'metrics')) || (!forward && specific(peer.podSelector) && !reverse?.kinds.includes('metrics'))) edge(s, t.id, 'allowed', reason);
            // Prometheus pulls: the connection is the reverse of the drawn metrics edge
            else if (reverse?.kinds.includes('metrics') && !reverse.reasons.includes(reason)) reverse.reasons.push(reason);
          }
          if (outside) {
            // traffic from a namespace that is not rendered (the ingress controller): attach it to the Ingress that routes here
            const reason = `NetworkPolicy ${np.metadata.name}: ingress from namespace ${outside}`;
            const via = [...edges.values()].filter((e) => e.target === t.id && e.kinds.includes('ingress'));
            if (via.length) for (const e of via) e.reasons.push(reason);
            else {
              const id = external.get(outside) ?? `external/${outside}`;
              external.set(outside, id);
              nodes.set(id, { id, label: outside, detail: 'namespace (not rendered)', kind: 'external' });
              edge(id, t.id, 'allowed', reason);
            }
          }
        }
      }
    }
  }

  // Cross-check: configured calls between workloads must be admitted by the policies that govern them.
  for (const e of edges.values()) {
    if (!e.kinds.includes('calls') || !nodes.has(e.source) || !nodes.has(e.target)) continue;
    const key = `${e.source}→${e.target}`;
    const from = nodes.get(e.source)!.label;
    const to = nodes.get(e.target)!.label;
    if (governedEgress.has(e.source) && !egressAllowed.has(key))
      warnings.push(`${from} → ${to} is configured (${e.reasons[0]}) but no NetworkPolicy allows egress from ${from} to it`);
    if (governedIngress.has(e.target) && nodes.get(e.target)!.kind === 'workload' && !ingressAllowed.has(key))
      warnings.push(`${from} → ${to} is configured (${e.reasons[0]}) but no NetworkPolicy allows ingress to ${to} from ${from}`);
  }

  const sortedNodes = [...nodes.values()].sort((a, b) => a.id.localeCompare(b.id));
  const sortedEdges = [...edges.values()].sort((a, b) => `${a.source}→${a.target}`.localeCompare(`${b.source}→${b.target}`));
  for (const e of sortedEdges) e.reasons.sort();
  const groups = [...new Set(sortedNodes.map((n) => n.group).filter((g): g is string => !!g))].sort();
  return { nodes: sortedNodes, edges: sortedEdges, groups, warnings: [...new Set(warnings)].sort() };
}
