// Which rendered pods a Prometheus configuration would scrape: kubernetes_sd_configs
// (roles pod and endpoints) evaluated against pod templates and Services, then the
// relabel_configs (keep, drop, replace, labelmap) applied to the discovery labels.
// A static reading of prometheus.yml, not a running Prometheus.

export interface PodCandidate {
  /** Graph node id of the workload. */
  readonly id: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly containers: readonly { readonly name: string; readonly ports: readonly { readonly name?: string; readonly containerPort: number }[] }[];
}

export interface ServiceCandidate {
  readonly namespace: string;
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly ports: readonly { readonly name?: string; readonly port: number; readonly targetPort?: number | string }[];
  /** Workload ids the selector picks. */
  readonly pods: readonly string[];
}

export interface ScrapeMatch {
  readonly job: string;
  readonly workload: string;
  readonly port: string;
  readonly role: string;
}

interface Relabel {
  source_labels?: string[];
  separator?: string;
  regex?: string;
  target_label?: string;
  replacement?: string;
  action?: string;
}

interface SdConfig {
  role: string;
  namespaces?: { names?: string[] };
  selectors?: { role: string; label?: string; field?: string }[];
}

export interface JobConfig {
  job_name: string;
  kubernetes_sd_configs?: SdConfig[];
  relabel_configs?: Relabel[];
  static_configs?: unknown[];
}

const sanitize = (s: string) => s.replace(/[^a-zA-Z0-9_]/g, '_');

/** Kubernetes equality-based label selector (`a=b,c!=d,e`); set-based forms are treated as not matching. */
export function labelSelectorMatches(selector: string, labels: Readonly<Record<string, string>>): boolean {
  return selector
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .every((req) => {
      const ne = /^([^!=\s]+)\s*!=\s*(.*)$/.exec(req);
      if (ne) return labels[ne[1]!] !== ne[2];
      const eq = /^([^!=\s]+)\s*==?\s*(.*)$/.exec(req);
      if (eq) return labels[eq[1]!] === eq[2];
      if (/^!/.test(req)) return !(req.slice(1) in labels);
      if (/^[\w./-]+$/.test(req)) return req in labels;
      return false;
    });
}

/** Prometheus relabelling (the subset that decides target membership). Returns undefined when dropped. */
export function relabel(labels: Record<string, string>, rules: readonly Relabel[]): Record<string, string> | undefined {
  let out = { ...labels };
  for (const r of rules) {
    const action = r.action ?? 'replace';
    const regex = new RegExp(`^(?:${r.regex ?? '(.*)'})$`);
    const value = (r.source_labels ?? []).map((l) => out[l] ?? '').join(r.separator ?? ';');
    if (action === 'keep' && !regex.test(value)) return undefined;
    if (action === 'drop' && regex.test(value)) return undefined;
    if (action === 'replace' && r.target_label) {
      const m = regex.exec(value);
      if (m) {
        const v = (r.replacement ?? '$1').replace(/\$\{?(\d+)\}?/g, (_, i) => m[Number(i)] ?? '');
        if (v === '') delete out[r.target_label];
        else out[r.target_label] = v;
      }
    }
    if (action === 'labelmap') {
      const next = { ...out };
      for (const [k, v] of Object.entries(out)) {
        const m = regex.exec(k);
        if (m) next[(r.replacement ?? '$1').replace(/\$\{?(\d+)\}?/g, (_, i) => m[Number(i)] ?? '')] = v;
      }
      out = next;
    }
    if (action === 'labeldrop') for (const k of Object.keys(out)) if (regex.test(k)) delete out[k];
    if (action === 'labelkeep') for (const k of Object.keys(out)) if (!k.startsWith('__') && !regex.test(k)) delete out[k];
  }
  return out;
}

function podMeta(p: PodCandidate, c: PodCandidate['containers'][number], port?: { name?: string; containerPort: number }): Record<string, string> {
  const m: Record<string, string> = {
    __meta_kubernetes_namespace: p.namespace,
    __meta_kubernetes_pod_name: `${p.id.split('/').pop()}-0`,
    __meta_kubernetes_pod_phase: 'Running',
    __meta_kubernetes_pod_ready: 'true',
    __meta_kubernetes_pod_node_name: 'node',
    __meta_kubernetes_pod_container_name: c.name,
    __meta_kubernetes_pod_container_init: 'false',
    __address__: `pod:${port?.containerPort ?? 80}`,
    __metrics_path__: '/metrics',
    __scheme__: 'http',
  };
  if (port) {
    m.__meta_kubernetes_pod_container_port_name = port.name ?? '';
    m.__meta_kubernetes_pod_container_port_number = String(port.containerPort);
    m.__meta_kubernetes_pod_container_port_protocol = 'TCP';
  }
  for (const [k, v] of Object.entries(p.labels)) {
    m[`__meta_kubernetes_pod_label_${sanitize(k)}`] = v;
    m[`__meta_kubernetes_pod_labelpresent_${sanitize(k)}`] = 'true';
  }
  for (const [k, v] of Object.entries(p.annotations)) {
    m[`__meta_kubernetes_pod_annotation_${sanitize(k)}`] = v;
    m[`__meta_kubernetes_pod_annotationpresent_${sanitize(k)}`] = 'true';
  }
  return m;
}

function selected(sd: SdConfig, role: string, labels: Readonly<Record<string, string>>): boolean {
  return (sd.selectors ?? []).filter((s) => s.role === role && s.label).every((s) => labelSelectorMatches(s.label!, labels));
}

/** Every (job, workload, port) the jobs would scrape among the candidates. */
export function scrapeMatches(jobs: readonly JobConfig[], pods: readonly PodCandidate[], services: readonly ServiceCandidate[]): ScrapeMatch[] {
  const out: ScrapeMatch[] = [];
  const seen = new Set<string>();
  const add = (m: ScrapeMatch) => {
    const k = `${m.job}|${m.workload}|${m.port}`;
    if (!seen.has(k)) {
      seen.add(k);
      out.push(m);
    }
  };
  for (const job of jobs) {
    for (const sd of job.kubernetes_sd_configs ?? []) {
      const inNs = (ns: string) => !sd.namespaces?.names?.length || sd.namespaces.names.includes(ns);
      if (sd.role === 'pod') {
        for (const p of pods) {
          if (!inNs(p.namespace) || !selected(sd, 'pod', p.labels)) continue;
          for (const c of p.containers) {
            // Prometheus emits one target per declared port, or one port-less target per container
            const ports = c.ports.length ? c.ports : [undefined];
            for (const port of ports)
              if (relabel(podMeta(p, c, port), job.relabel_configs ?? []))
                add({ job: job.job_name, workload: p.id, port: port ? port.name ?? String(port.containerPort) : '', role: 'pod' });
          }
        }
      }
      if (sd.role === 'endpoints' || sd.role === 'endpointslice' || sd.role === 'service') {
        for (const s of services) {
          if (!inNs(s.namespace) || !selected(sd, 'service', s.labels)) continue;
          for (const sp of s.ports) {
            const svcMeta: Record<string, string> = {
              __meta_kubernetes_namespace: s.namespace,
              __meta_kubernetes_service_name: s.name,
              __meta_kubernetes_endpoint_port_name: sp.name ?? '',
              __meta_kubernetes_service_port_name: sp.name ?? '',
              __meta_kubernetes_endpoint_ready: 'true',
              __address__: `${s.name}:${sp.port}`,
            };
            for (const [k, v] of Object.entries(s.labels)) svcMeta[`__meta_kubernetes_service_label_${sanitize(k)}`] = v;
            for (const id of s.pods) {
              const p = pods.find((x) => x.id === id);
              const c = p?.containers[0];
              const meta = p && c ? { ...podMeta(p, c), ...svcMeta } : svcMeta;
              if (relabel(meta, job.relabel_configs ?? [])) add({ job: job.job_name, workload: id, port: sp.name ?? String(sp.port), role: sd.role });
            }
          }
        }
      }
    }
  }
  return out;
}
