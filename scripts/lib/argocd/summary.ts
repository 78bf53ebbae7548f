// What a change does to the rendered manifests of one deployable unit: objects
// added and removed, images, replica counts and HPA bounds, config data keys, and
// the number of other changed fields. Used by `npm run promote`.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { Y } from '../lazy-yaml.ts';
import { kustomizeBinary } from '../render.ts';
import { stripHash } from '../diff/normalize.ts';

export type K8sObject = Record<string, any>;

export interface UnitChange {
  /** `test`, `platform/prod`, … */
  readonly unit: string;
  readonly path: string;
  readonly added: string[];
  readonly removed: string[];
  readonly images: string[];
  readonly replicas: string[];
  readonly config: string[];
  /** Objects with other changes, and how many leaf fields changed. */
  readonly other: string[];
  /** Set when a side could not be rendered. */
  readonly error?: string;
}

export function renderDir(dir: string, path: string): Promise<K8sObject[]> {
  return new Promise((done, fail) =>
    execFile(kustomizeBinary(), ['build', join(dir, path)], { cwd: dir, maxBuffer: 256 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) return fail(new Error(`kustomize build ${path}: ${(stderr || err.message).split(dir + '/').join('').trim()}`));
      done(
        Y.parseAllDocuments(stdout)
          .map((d) => d.toJS() as K8sObject | null)
          .filter((o): o is K8sObject => !!o && typeof o === 'object'),
      );
    }),
  );
}

// Generated ConfigMaps/Secrets carry a content hash in their name; match them by their stable name.
const key = (o: K8sObject): string => [o.kind, o.metadata?.namespace, o.metadata?.name && stripHash(o.kind, o.metadata.name)].filter(Boolean).join('/');

function leaves(v: unknown, path = '', out = new Map<string, string>()): Map<string, string> {
  if (v && typeof v === 'object') {
    const entries = Array.isArray(v) ? v.map((x, i) => [String(i), x] as const) : Object.entries(v);
    if (!entries.length) out.set(path, JSON.stringify(v));
    for (const [k, x] of entries) leaves(x, path ? `${path}.${k}` : k, out);
  } else out.set(path, JSON.stringify(v));
  return out;
}

function containers(o: K8sObject): Map<string, string> {
  const spec = o.spec?.template?.spec ?? o.spec?.jobTemplate?.spec?.template?.spec;
  const m = new Map<string, string>();
  for (const c of [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])]) m.set(c.name, c.image);
  return m;
}

/** Compare two renderings of one unit. */
export function diffObjects(unit: string, path: string, before: K8sObject[], after: K8sObject[]): UnitChange {
  const b = new Map(before.map((o) => [key(o), o]));
  const a = new Map(after.map((o) => [key(o), o]));
  const change: UnitChange = { unit, path, added: [], removed: [], images: [], replicas: [], config: [], other: [] };
  for (const k of a.keys()) if (!b.has(k)) change.added.push(k);
  for (const k of b.keys()) if (!a.has(k)) change.removed.push(k);
  for (const [k, next] of a) {
    const prev = b.get(k);
    if (!prev) continue;
    const handled = new Set<string>();
    const ci = containers(prev);
    for (const [name, image] of containers(next)) {
      if (ci.get(name) !== image) change.images.push(`${k} ${name}: ${ci.get(name) ?? '(none)'} → ${image}`);
    }
    for (const f of ['replicas', 'minReplicas', 'maxReplicas']) {
      handled.add(`spec.${f}`);
      if (prev.spec?.[f] !== next.spec?.[f]) change.replicas.push(`${k} ${f}: ${prev.spec?.[f] ?? '(unset)'} → ${next.spec?.[f] ?? '(unset)'}`);
    }
    if (next.kind === 'ConfigMap' || next.kind === 'Secret') {
      for (const section of ['data', 'binaryData', 'stringData']) {
        handled.add(section);
        const p = prev[section] ?? {};
        const n = next[section] ?? {};
        for (const dk of new Set([...Object.keys(p), ...Object.keys(n)]))
          if (p[dk] !== n[dk]) change.config.push(`${k} ${section}.${dk}: ${!(dk in p) ? 'added' : !(dk in n) ? 'removed' : 'changed'}`);
      }
    }
    const lp = leaves(prev);
    const ln = leaves(next);
    const isImage = (p: string) => /(^|\.)(initContainers|containers)\.\d+\.image$/.test(p);
    let n = 0;
    for (const p of new Set([...lp.keys(), ...ln.keys()])) {
      if (lp.get(p) === ln.get(p) || isImage(p) || [...handled].some((h) => p === h || p.startsWith(`${h}.`))) continue;
      n++;
    }
    if (n) change.other.push(`${k}: ${n} field(s) changed`);
  }
  return change;
}

export function formatChange(c: UnitChange): string {
  const lines = [`${c.unit} (${c.path})`];
  if (c.error) return `${lines[0]}\n  cannot render: ${c.error}`;
  const section = (title: string, items: string[]) => {
    if (items.length) lines.push(`  ${title}:`, ...items.map((i) => `    ${i}`));
  };
  section('added', c.added);
  section('removed', c.removed);
  section('images', c.images);
  section('replicas', c.replicas);
  section('config', c.config);
  section('other', c.other);
  if (lines.length === 1) lines.push('  no change to the rendered manifests');
  return lines.join('\n');
}
