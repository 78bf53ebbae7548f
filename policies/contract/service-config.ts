// The services' configuration contract on rendered overlays: every marquee service reads its
// environment once at start with the kit's reader and exits 1 on a ConfigError
// (loadConfigOrExit), so a value the reader refuses (LOG_LEVEL=inf, APP_ENV=Prod) crash-loops
// every pod of every service that reads it, and nothing before the sync notices. Here each
// service container's environment, as the rendered objects give it, is run through that
// service's own spec with the same reader.
import { services, type ServiceName } from '@marquee/contract';
import { ConfigError, readConfig, type ConfigSpec, type Field } from '@marquee/kit/config';
import { gatewayConfigSpec } from '@marquee/api-gateway/config';
import { billingApiConfigSpec, billingWorkerConfigSpec } from '@marquee/billing/config-spec';
import { inventoryConfigSpec } from '@marquee/inventory/config-spec';
import { commandFor } from '../../generators/services.ts';
import { containersOf, objectRef, parseImage, podTemplateOf, type ContainerAt, type Finding, type RenderedObject } from '../../kube/index.ts';
import { namespaceOf } from '../lib/index-objects.ts';

/**
 * The spec each service's entry point reads. web is not here: in the cluster its image is nginx
 * (apps/web/Dockerfile), and apps/web/src/server.ts, which reads a spec, is its local stand-in.
 * (PostgreSQL's PG* variables are read by pgConnectionConfig, a reader and not a spec: not judged here.)
 */
export const serviceConfigSpecs = {
  'api-gateway': gatewayConfigSpec,
  inventory: inventoryConfigSpec,
  'billing-api': billingApiConfigSpec,
  'billing-worker': billingWorkerConfigSpec,
} as const satisfies Record<Exclude<ServiceName, 'web'>, ConfigSpec>;

type CheckedService = keyof typeof serviceConfigSpecs;
const checkedServices = Object.keys(serviceConfigSpecs) as CheckedService[];

/** Kinds whose pods run a service's container. */
const workloadKinds: readonly string[] = ['Deployment', 'Rollout', 'StatefulSet', 'Job', 'CronJob'];

/**
 * The service a container runs: the contract's image started with the generator's command
 * (billing-api and billing-worker share one image, so the image alone does not say which).
 */
export function serviceOf(container: Record<string, any>): CheckedService | undefined {
  if (typeof container.image !== 'string') return undefined;
  const image = parseImage(container.image).name;
  const argv: unknown[] = [...(Array.isArray(container.command) ? container.command : []), ...(Array.isArray(container.args) ? container.args : [])];
  return checkedServices.find((s) => {
    const command = commandFor({ name: s, facts: services[s], version: '' }).command ?? [];
    return parseImage(services[s].image).name === image && command.length > 0 && command.every((a) => argv.includes(a));
  });
}

/** Where a variable's value was set in Git: a ConfigMap's data key, or the container's env entry. */
export interface Setting {
  readonly value: string;
  readonly object: RenderedObject;
  readonly path: string;
}

/** A variable's value: set in Git, unknown offline (a Secret, the downward API), or unset. */
export type Variable = Setting | 'unknown' | undefined;

const dataPath = (key: string) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `data.${key}` : `data[${JSON.stringify(key)}]`);

/**
 * The environment the kubelet gives a container (pkg/kubelet/kubelet_pods.go makeEnvironmentVariables):
 * envFrom sources in order, then env entries, later ones winning; `$(VAR)` in a value expands to a
 * variable defined before it (`$$` is a literal `$`, an undefined one stays as written).
 * `configMap(name)` finds a rendered ConfigMap next to the workload.
 */
export function environmentOf(workload: RenderedObject, c: ContainerAt, configMap: (name: string) => RenderedObject | undefined): (variable: string) => Variable {
  const known = new Map<string, Setting | 'unknown'>();
  // Prefixes of variables a source not in Git may set (an envFrom Secret): unknown unless set after it.
  const opaque: string[] = [];
  const lookup = (variable: string): Variable => known.get(variable) ?? (opaque.some((p) => variable.startsWith(p)) ? 'unknown' : undefined);

  (c.container.envFrom ?? []).forEach((e: any) => {
    const prefix = typeof e?.prefix === 'string' ? e.prefix : '';
    const cm = typeof e?.configMapRef?.name === 'string' ? configMap(e.configMapRef.name) : undefined;
    if (cm) {
      for (const [key, value] of Object.entries(cm.object.data ?? {}))
        if (typeof value === 'string') known.set(prefix + key, { value, object: cm, path: dataPath(key) });
      return;
    }
    if (e?.configMapRef?.optional === true) return;
    // A Secret, or a ConfigMap not rendered (correctness/config-references says so): any variable under the prefix.
    for (const k of [...known.keys()]) if (k.startsWith(prefix)) known.delete(k);
    opaque.push(prefix);
  });

  (c.container.env ?? []).forEach((e: any, i: number) => {
    if (typeof e?.name !== 'string') return;
    const ref = e.valueFrom?.configMapKeyRef;
    if (ref) {
      const cm = typeof ref.name === 'string' ? configMap(ref.name) : undefined;
      const value = cm?.object.data?.[ref.key];
      if (cm && typeof value === 'string') known.set(e.name, { value, object: cm, path: dataPath(ref.key) });
      else if (ref.optional === true) known.delete(e.name);
      // the pod does not start (correctness/config-references): nothing to judge
      else known.set(e.name, 'unknown');
      return;
    }
    if (e.valueFrom) {
      known.set(e.name, 'unknown');
      return;
    }
    let unknown = false;
    const value = String(e.value ?? '').replace(/\$\$|\$\(([^)]*)\)/g, (m: string, name?: string) => {
      if (m === '$$') return '$';
      const v = lookup(name!);
      if (v === 'unknown') unknown = true;
      return v && v !== 'unknown' ? v.value : m;
    });
    known.set(e.name, unknown ? 'unknown' : { value, object: workload, path: `${c.path}.env[${i}].value` });
  });
  return lookup;
}

/** One refusal of the reader: what it said, where the value was set, and which service containers read it there. */
export interface ServiceConfigIssue {
  /** The reader's line: `config: LOG_LEVEL must be one of … (got "inf")`. */
  readonly problem: string;
  readonly field?: Field<unknown>;
  /** Where the refused value was set; for a variable missing, the container. */
  readonly object: RenderedObject;
  readonly path: string;
  readonly services: readonly CheckedService[];
  readonly workloads: readonly RenderedObject[];
}

/**
 * What the services' readers refuse in one target's objects. One issue per value, however many
 * workloads read it (the shared ConfigMap marquee-config is read by every service). `specs`: the
 * services' own unless a test gives others.
 */
export function serviceConfigIssues(objects: readonly RenderedObject[], specs: Readonly<Record<CheckedService, ConfigSpec>> = serviceConfigSpecs): ServiceConfigIssue[] {
  const configMaps = new Map<string, RenderedObject>();
  for (const r of objects) if (r.object.kind === 'ConfigMap') configMaps.set(`${namespaceOf(r)}\0${r.object.metadata?.name}`, r);
  const issues = new Map<string, { problem: string; field?: Field<unknown>; object: RenderedObject; path: string; services: Set<CheckedService>; workloads: Set<RenderedObject> }>();
  for (const w of objects) {
    const t = workloadKinds.includes(w.object.kind) ? podTemplateOf(w.object) : undefined;
    if (!t) continue;
    for (const c of containersOf(t)) {
      const service = serviceOf(c.container);
      if (!service) continue;
      const lookup = environmentOf(w, c, (name) => configMaps.get(`${namespaceOf(w)}\0${name}`));
      // A value not in Git is present but unknown: its field is left out, neither refused nor defaulted.
      const fields = Object.entries(specs[service]).filter(([, f]) => lookup(f.variable) !== 'unknown');
      const source = Object.fromEntries(fields.flatMap(([, f]) => {
        const v = lookup(f.variable);
        return v && v !== 'unknown' ? [[f.variable, v.value]] : [];
      }));
      let problems: readonly string[] = [];
      try {
        readConfig(Object.fromEntries(fields), source);
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        problems = err.problems;
      }
      for (const problem of problems) {
        // Every problem line is `config: <VAR> …` (Field.parse's contract).
        const field = fields.map(([, f]) => f).find((f) => problem.startsWith(`config: ${f.variable} `));
        const v = field && lookup(field.variable);
        const at = v && v !== 'unknown' ? { object: v.object, path: v.path } : { object: w, path: c.path };
        const key = `${objectRef(at.object.object)}\0${at.path}\0${problem}`;
        let issue = issues.get(key);
        if (!issue) issues.set(key, (issue = { problem, ...(field ? { field } : {}), ...at, services: new Set(), workloads: new Set() }));
        issue.services.add(service);
        issue.workloads.add(w);
      }
    }
  }
  return [...issues.values()].map((i) => ({
    ...i,
    services: checkedServices.filter((s) => i.services.has(s)),
    workloads: [...i.workloads],
  }));
}

/** The issues of every rendered target as findings at the line that set the value (the overlay's literal, the env entry). */
export function serviceConfigFindings(results: readonly { readonly objects: readonly RenderedObject[]; readonly findings: readonly unknown[] }[]): Finding[] {
  return results.flatMap((r) =>
    // a target that failed to render is not judged
    r.findings.length
      ? []
      : serviceConfigIssues(r.objects).map((i): Finding => {
          const reads = i.workloads.filter((w) => w !== i.object).map((w) => objectRef(w.object));
          return {
            rule: 'contract/service-config',
            severity: 'error',
            target: i.object.target.name,
            object: objectRef(i.object.object),
            ...(i.object.origin ? { file: i.object.origin } : {}),
            path: i.path,
            message: `${i.problem}: ${i.services.join(', ')} would exit at start and crash-loop`,
            hint: i.field ? `set ${i.field.variable} to ${i.field.expected}` : `fix the value the config reader of ${i.services.join(', ')} refuses`,
            ...(reads.length ? { reads: [...new Set(reads)] } : {}),
          };
        }),
  );
}
