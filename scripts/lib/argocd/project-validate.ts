// Argo CD's AppProject.ValidateProject, what the API server's Argo CD admission (and
// `argocd proj create`) refuses: pkg/apis/application/v1alpha1/app_project_types.go
// ValidateProject with types.go validateRoleName / validatePolicy / validateGroupName and
// SyncWindow.Validate (robfig/cron's standard 5-field parser, Go's time.ParseDuration).
// Upstream stops at the first problem; every problem is reported here, each worded as
// upstream words it and placed at its field.
import { goDurationError } from '../../../kube/go-duration.ts';
import type { IComGithubArgoprojArgoCdV3PkgApisApplicationV1alpha1AppProjectSpec } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1/AppProjectSpec';

export interface ProjectProblem {
  /** The field at fault, `spec.roles[0].policies[1]`. */
  readonly path: string;
  readonly message: string;
}

type ProjectSpec = IComGithubArgoprojArgoCdV3PkgApisApplicationV1alpha1AppProjectSpec;
type SyncWindow = NonNullable<ProjectSpec['syncWindows']>[number];

/** An AppProject as written (the model's spec type; any field may be missing or malformed). */
export interface ValidatedProject {
  readonly metadata?: { readonly name?: string };
  readonly spec?: Omit<ProjectSpec, 'syncWindows'> & { readonly syncWindows?: readonly (SyncWindow | null)[] };
}

export function validateProject(project: ValidatedProject): ProjectProblem[] {
  const out: ProjectProblem[] = [];
  const add = (path: string, message: string) => out.push({ path, message });
  const spec = project.spec ?? {};
  const name = project.metadata?.name ?? '';

  const destKeys = new Set<string>();
  (spec.destinations ?? []).forEach((d, i) => {
    const at = `spec.destinations[${i}]`;
    if (d.name === '!*') add(`${at}.name`, "name has an invalid format, '!*'");
    if (d.server === '!*') add(`${at}.server`, "server has an invalid format, '!*'");
    if (d.namespace === '!*') add(`${at}.namespace`, "namespace has an invalid format, '!*'");
    // A destination set by cluster name instead of server endpoint is keyed by the name.
    const key = !d.server && d.name ? `${d.name}/${d.namespace ?? ''}` : `${d.server ?? ''}/${d.namespace ?? ''}`;
    if (destKeys.has(key)) add(at, `destination '${key}' already added`);
    destKeys.add(key);
  });

  const srcNamespaces = new Set<string>();
  (spec.sourceNamespaces ?? []).forEach((ns, i) => {
    if (srcNamespaces.has(ns)) add(`spec.sourceNamespaces[${i}]`, `source namespace '${ns}' already added`);
    srcNamespaces.add(ns);
  });

  const srcRepos = new Set<string>();
  (spec.sourceRepos ?? []).forEach((src, i) => {
    const at = `spec.sourceRepos[${i}]`;
    if (src === '!*') add(at, "source repository has an invalid format, '!*'");
    else if (srcRepos.has(src)) add(at, `source repository '${src}' already added`);
    srcRepos.add(src);
  });

  const roleNames = new Set<string>();
  (spec.roles ?? []).forEach((role, i) => {
    const at = `spec.roles[${i}]`;
    const roleName = role.name ?? '';
    if (roleNames.has(roleName)) add(`${at}.name`, `role '${roleName}' already exists`);
    const badName = roleNameError(roleName);
    if (badName) add(`${at}.name`, badName);
    const policies = new Set<string>();
    (role.policies ?? []).forEach((policy, j) => {
      if (policies.has(policy)) add(`${at}.policies[${j}]`, `policy '${policy}' already exists for role '${roleName}'`);
      const bad = policyError(name, roleName, policy);
      if (bad) add(`${at}.policies[${j}]`, bad);
      policies.add(policy);
    });
    const groups = new Set<string>();
    (role.groups ?? []).forEach((group, j) => {
      if (groups.has(group)) add(`${at}.groups[${j}]`, `group '${group}' already exists for role '${roleName}'`);
      const bad = groupNameError(group);
      if (bad) add(`${at}.groups[${j}]`, bad);
      groups.add(group);
    });
    roleNames.add(roleName);
  });

  const windows = new Set<string>();
  (spec.syncWindows ?? []).forEach((w, i) => {
    if (!w) return;
    const at = `spec.syncWindows[${i}]`;
    const kind = w.kind ?? '';
    const schedule = w.schedule ?? '';
    const duration = w.duration ?? '';
    const id = `'${kind}':'${schedule}':'${duration}'`;
    if (windows.has(kind + schedule + duration)) add(at, `window ${id} already exists, update or edit`);
    const bad = syncWindowError(w);
    if (bad) add(`${at}.${bad.field}`, bad.message);
    else if (!w.applications?.length && !w.namespaces?.length && !w.clusters?.length) add(at, `window ${id} requires one of application, cluster or namespace`);
    windows.add(kind + schedule + duration);
  });

  const serviceAccounts = new Set<string>();
  (spec.destinationServiceAccounts ?? []).forEach((d, i) => {
    const at = `spec.destinationServiceAccounts[${i}]`;
    if (d.server === '!*') add(`${at}.server`, "server has an invalid format, '!*'");
    if (d.namespace === '!*') add(`${at}.namespace`, "namespace has an invalid format, '!*'");
    const key = `${d.server ?? ''}/${d.namespace ?? ''}`;
    if (serviceAccounts.has(key)) add(at, `destinationServiceAccount '${key}' already added`);
    serviceAccounts.add(key);
  });
  return out;
}

const roleNameRegexp = /^[a-zA-Z0-9]([-_a-zA-Z0-9]*[a-zA-Z0-9])?$/;

export function roleNameError(name: string): string | undefined {
  if (!roleNameRegexp.test(name))
    return `invalid role name '${name}'. Must consist of alphanumeric characters, '-' or '_', and must start and end with an alphanumeric character`;
  return undefined;
}

/** rbac.ProjectScoped: the resources a project role's policy may name. */
const projectScopedResources = ['applications', 'applicationsets', 'repositories', 'exec', 'logs', 'clusters'];
const validActions = new Set(['get', 'create', 'update', 'delete', 'sync', 'override', '*']);
// Go's regexp.MatchString is unanchored: these match anywhere in the action.
const validActionPatterns = [/action\/.*/, /update\/.*/, /delete\/.*/];
const isValidAction = (action: string): boolean => validActions.has(action) || validActionPatterns.some((p) => p.test(action));
const regexpQuoteMeta = (s: string): string => s.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');

/** Go's strings.Trim(s, " "): spaces only. */
const trimSpaces = (s: string): string => s.replace(/^ +| +$/g, '');

export function policyError(project: string, role: string, policy: string): string | undefined {
  const parts = policy.split(',');
  if (parts.length !== 6 || trimSpaces(parts[0]!) !== 'p') return `invalid policy rule '${policy}': must be of the form: 'p, sub, res, act, obj, eft'`;
  const subject = trimSpaces(parts[1]!);
  const expectedSubject = `proj:${project}:${role}`;
  if (subject !== expectedSubject) return `invalid policy rule '${policy}': policy subject must be: '${expectedSubject}', not '${subject}'`;
  const resource = trimSpaces(parts[2]!);
  if (!projectScopedResources.includes(resource))
    return `invalid policy rule '${policy}': project resource must be: 'applications', 'applicationsets', 'repositories', 'exec', 'logs' or 'clusters', not '${resource}'`;
  const action = trimSpaces(parts[3]!);
  if (!isValidAction(action)) return `invalid policy rule '${policy}': invalid action '${action}'`;
  const object = trimSpaces(parts[4]!);
  if (!new RegExp(`^${regexpQuoteMeta(project)}/[*\\w.-]+$`).test(object))
    return `invalid policy rule '${policy}': object must be of form '${project}/*' or '${project}/<APPNAME>', not '${object}'`;
  const effect = trimSpaces(parts[5]!);
  if (effect !== 'allow' && effect !== 'deny') return `invalid policy rule '${policy}': effect must be: 'allow' or 'deny'`;
  return undefined;
}

export function groupNameError(group: string): string | undefined {
  let name = group.trim();
  if (name.length > 1 && name.startsWith('"') && name.endsWith('"')) name = name.slice(1, -1);
  else if (name.includes(',')) return `group '${name}' must be quoted`;
  if (name === '') return `group '${name}' is empty`;
  if (/["\n\r\t]/.test(name)) return `group '${name}' contains invalid characters`;
  return undefined;
}

/** SyncWindow.Validate. */
export function syncWindowError(w: SyncWindow): { field: string; message: string } | undefined {
  const kind = w.kind ?? '';
  if (kind !== 'allow' && kind !== 'deny') return { field: 'kind', message: `kind '${kind}' mismatch: can only be allow or deny` };
  const schedule = cronError(w.schedule ?? '');
  if (schedule) return { field: 'schedule', message: `cannot parse schedule '${w.schedule ?? ''}': ${schedule}` };
  const duration = goDurationError(w.duration ?? '');
  if (duration) return { field: 'duration', message: `cannot parse duration '${w.duration ?? ''}': ${duration}` };
  return undefined;
}

interface Bounds { readonly min: number; readonly max: number; readonly names?: Readonly<Record<string, number>> }
const months = { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 };
const days = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };
const fields: readonly Bounds[] = [{ min: 0, max: 59 }, { min: 0, max: 23 }, { min: 1, max: 31 }, { min: 1, max: 12, names: months }, { min: 0, max: 6, names: days }];

/**
 * robfig/cron v3 `cron.NewParser(Minute | Hour | Dom | Month | Dow).Parse` (parser.go):
 * exactly five fields of `*`/`?`, numbers, names, ranges, steps and lists; a TZ=/CRON_TZ=
 * prefix; no descriptors. The error text, or undefined when it parses.
 */
export function cronError(spec: string): string | undefined {
  if (spec.length === 0) return 'empty spec string';
  let s = spec;
  if (s.startsWith('TZ=') || s.startsWith('CRON_TZ=')) {
    const i = s.indexOf(' ');
    const zone = s.slice(s.indexOf('=') + 1, i < 0 ? undefined : i);
    try {
      new Intl.DateTimeFormat('en', { timeZone: zone });
    } catch {
      return `provided bad location ${zone}: unknown time zone ${zone}`;
    }
    s = i < 0 ? '' : s.slice(i).trim();
  }
  if (s.startsWith('@')) return `parser does not accept descriptors: ${s}`;
  const parts = s.split(/\s+/).filter(Boolean);
  if (parts.length !== 5) return `expected exactly 5 fields, found ${parts.length}: ${s}`;
  for (const [i, field] of parts.entries()) {
    // getField: strings.FieldsFunc on ',' (empty pieces are dropped).
    for (const expr of field.split(',').filter(Boolean)) {
      const err = rangeError(expr, fields[i]!);
      if (err) return err;
    }
  }
  return undefined;
}

function rangeError(expr: string, r: Bounds): string | undefined {
  const rangeAndStep = expr.split('/');
  const lowAndHigh = rangeAndStep[0]!.split('-');
  const singleDigit = lowAndHigh.length === 1;
  let start: number;
  let end: number;
  const num = (e: string): number | string => {
    const named = r.names?.[e.toLowerCase() as keyof typeof r.names];
    if (named !== undefined) return named;
    // strconv.Atoi: an optional sign and decimal digits.
    if (!/^[+-]?\d+$/.test(e)) return `failed to parse int from ${e}: strconv.Atoi: parsing "${e}": invalid syntax`;
    const n = Number(e);
    return n < 0 ? `negative number (${n}) not allowed: ${e}` : n;
  };
  if (lowAndHigh[0] === '*' || lowAndHigh[0] === '?') {
    start = r.min;
    end = r.max;
  } else {
    const lo = num(lowAndHigh[0]!);
    if (typeof lo === 'string') return lo;
    start = lo;
    if (lowAndHigh.length === 1) end = start;
    else if (lowAndHigh.length === 2) {
      const hi = num(lowAndHigh[1]!);
      if (typeof hi === 'string') return hi;
      end = hi;
    } else return `too many hyphens: ${expr}`;
  }
  let step = 1;
  if (rangeAndStep.length === 2) {
    const st = num(rangeAndStep[1]!);
    if (typeof st === 'string') return st;
    step = st;
    if (singleDigit) end = r.max;
  } else if (rangeAndStep.length > 2) return `too many slashes: ${expr}`;
  if (start < r.min) return `beginning of range (${start}) below minimum (${r.min}): ${expr}`;
  if (end > r.max) return `end of range (${end}) above maximum (${r.max}): ${expr}`;
  if (start > end) return `beginning of range (${start}) beyond end of range (${end}): ${expr}`;
  if (step === 0) return `step of range should be a positive number: ${expr}`;
  return undefined;
}
