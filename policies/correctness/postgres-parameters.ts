// A PostgreSQL setting whose unit PostgreSQL does not know (`shared_buffers: 2GiB`, Kubernetes' spelling) stops the
// server at start: in a CloudNativePG Cluster's spec.postgresql.parameters, or in a postgres container's `-c name=value`
// arguments (a `$(VAR)` in them read from the container's env, as the kubelet expands it).
import { objectPolicy } from '../lib/define.ts';
import { gucUnitProblem } from '../lib/postgres-guc.ts';
import { containersOf, isCnpgCluster, parseImage, podTemplateOf, workloadKinds } from '../../kube/index.ts';
import type { Violation } from '../types.ts';

/** `spec.postgresql.parameters.shared_buffers`; a name with a dot (`pg_stat_statements.max`) in brackets. */
export const parameterPath = (name: string): string =>
  /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? `spec.postgresql.parameters.${name}` : `spec.postgresql.parameters[${JSON.stringify(name)}]`;

/** The official image's repository, `postgres` (docker.io/library/postgres) or a registry's `…/postgres(ql)`. */
const isPostgresImage = (image: unknown): boolean => typeof image === 'string' && /(^|\/)postgres(ql)?$/.test(parseImage(image).repository);

/** `-c name=value` / `-cname=value` / `--name=value` in postgres' argument list, with each setting's index. */
function settings(args: readonly unknown[]): { name: string; value: string; index: number }[] {
  const out: { name: string; value: string; index: number }[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = String(args[i]);
    const at = a === '-c' ? i + 1 : i;
    const text = a === '-c' ? String(args[i + 1] ?? '') : a.startsWith('-c') ? a.slice(2) : a.startsWith('--') ? a.slice(2) : undefined;
    if (text === undefined) continue;
    const eq = text.indexOf('=');
    if (eq > 0) out.push({ name: text.slice(0, eq).replace(/-/g, '_'), value: text.slice(eq + 1), index: at });
    if (a === '-c') i++;
  }
  return out;
}

export default objectPolicy(
  {
    id: 'correctness/postgres-parameters',
    title: 'PostgreSQL memory and time settings use units PostgreSQL knows (MB, GB; ms, s, min)',
    rationale:
      'PostgreSQL reads `2GiB` or `64mb` as an invalid value and refuses to start (a reload ignores it): its memory units are B, kB, MB, GB, TB and its time units us, ms, s, min, h, d, case-sensitive, unlike Kubernetes quantities. The pod crash-loops after the sync.',
    hint: 'write the value with a PostgreSQL unit: 2GB, not 2GiB or 2Gi; 30s, not 30sec',
    kinds: ['Cluster', ...workloadKinds],
    references: ['postgres/postgres src/backend/utils/misc/guc.c (parse_int, convert_to_base_unit, memory_unit_conversion_table, time_unit_conversion_table)'],
  },
  (subject) => {
    const o = subject.object;
    const out: Violation[] = [];
    if (isCnpgCluster(o)) {
      for (const [name, value] of Object.entries((o.spec?.postgresql?.parameters ?? {}) as Record<string, unknown>)) {
        const p = gucUnitProblem(name, value);
        if (p) out.push({ ...p, path: parameterPath(name) });
      }
      return out;
    }
    const t = podTemplateOf(o);
    if (!t) return out;
    for (const c of containersOf(t)) {
      if (!isPostgresImage(c.container.image)) continue;
      // the kubelet's $(VAR) expansion, from the container's literal env: the value's line is the env entry's
      const env = new Map<string, { value: string; index: number }>();
      (c.container.env ?? []).forEach((e: any, i: number) => typeof e?.value === 'string' && env.set(e.name, { value: e.value, index: i }));
      for (const field of ['command', 'args'] as const) {
        const list: unknown[] = Array.isArray(c.container[field]) ? c.container[field] : [];
        for (const s of settings(list)) {
          const whole = /^\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)$/.exec(s.value);
          const from = whole ? env.get(whole[1]!) : undefined;
          const value = s.value.replace(/\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (ref, v: string) => env.get(v)?.value ?? ref);
          const p = gucUnitProblem(s.name, value);
          if (!p) continue;
          const path = from ? `${c.path}.env[${from.index}].value` : `${c.path}.${field}[${s.index}]`;
          out.push({ ...p, message: `${from ? `${whole![1]} (postgres -c ${s.name}=${s.value}): ` : ''}${p.message}`, path, container: c.name });
        }
      }
    }
    return out;
  },
);
