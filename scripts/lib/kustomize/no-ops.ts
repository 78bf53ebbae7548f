// Overlay entries that kustomize accepts and that change nothing, or that it refuses
// without naming the line: a patch whose target selects no object, an `images:` entry
// no container uses, a JSON 6902 op on a path that is not there (a copy from it writes
// null, a replace of it adds the key), and (kustomize 4.5.4
// refuses these, with a message but no line) an unmatched strategic-merge patch, a
// `replicas:` entry or a generator merge with no base. Each finding names the
// kustomization file and the line of the entry the author wrote.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, normalize } from 'node:path';
import type { LineCounter, Node as YamlNode, YAMLMap } from 'yaml';
import { closest, describeTarget, kustomizationFileNames, parseImage, patchTargetMatches, withoutContentHash, type Finding, type PatchTarget, type RenderedObject } from '../../../kube/index.ts';
import { Y } from '../../../kube/yaml-lazy.ts';
import { contentHash, KeyedCache } from '../plumbing/cache.ts';
import type { RenderResult } from './render.ts';
import { kustomizationOf } from './origins.ts';
import { loadManifests } from '../../../kube/yaml-schema.ts';
import { kustomizationTree, type Includes } from './tree.ts';
import { selectableNames, type PatchField } from './names.ts';

/** An op member that is not one of RFC 6902's (`vaule:`), with its position. */
type Member = { readonly key: string; readonly line: number; readonly column: number };
type Op = {
  readonly op: string;
  readonly path: string;
  readonly from?: string;
  readonly line: number;
  readonly column: number;
  /** the op has a `value` member (add, replace and test need one) */
  readonly hasValue: boolean;
  /** members RFC 6902 does not define, which it says to ignore */
  readonly others: readonly Member[];
};

/** One entry of a kustomization that acts on objects built below it. */
type Entry =
  | { readonly field: 'patches' | 'patchesJson6902' | 'patchesStrategicMerge'; readonly file: string; readonly line: number; readonly column: number; readonly target?: PatchTarget; readonly source: string; readonly ops?: readonly Op[]; readonly body?: readonly Record<string, any>[] }
  | { readonly field: 'images'; readonly file: string; readonly line: number; readonly column: number; readonly name: string; readonly newName?: string }
  | { readonly field: 'replicas'; readonly file: string; readonly line: number; readonly column: number; readonly name: string }
  | { readonly field: 'configMapGenerator' | 'secretGenerator'; readonly file: string; readonly line: number; readonly column: number; readonly name: string; readonly behavior: string };

interface Parsed {
  readonly docs: ReturnType<typeof Y.parseAllDocuments>;
  readonly lines: LineCounter;
}

function parse(abs: string, text = readFileSync(abs, 'utf8')): Parsed | undefined {
  const lines = new Y.LineCounter();
  const docs = Y.parseAllDocuments(text, { lineCounter: lines, merge: true });
  return Array.isArray(docs) ? { docs, lines } : undefined;
}

const pos = (p: Parsed, node: YamlNode | null | undefined): { line: number; column: number } => {
  const off = node?.range?.[0];
  if (off === undefined) return { line: 1, column: 1 };
  const { line, col } = p.lines.linePos(off);
  return { line, column: col };
};

/** The members of a JSON 6902 op (RFC 6902 section 4). */
const opMembers: readonly string[] = ['op', 'path', 'value', 'from'];

/** The JSON 6902 ops of a patch document, with their lines, or undefined when it is not a list of ops. */
function opsOf(p: Parsed, offset: { line: number } | undefined): Op[] | undefined {
  const seq = p.docs[0]?.contents;
  if (!Y.isSeq(seq)) return undefined;
  const ops: Op[] = [];
  for (const item of seq.items) {
    if (!Y.isMap(item)) return undefined;
    const op = item.get('op');
    const path = item.get('path');
    if (typeof op !== 'string' || typeof path !== 'string') return undefined;
    const from = item.get('from');
    // An inline patch's lines count from its block scalar's first line in the kustomization.
    const place = (node: YamlNode) => {
      const at = pos(p, node);
      return { line: offset ? offset.line + at.line : at.line, column: at.column };
    };
    const others = item.items.flatMap((pair): Member[] =>
      Y.isScalar(pair.key) && typeof pair.key.value === 'string' && !opMembers.includes(pair.key.value) ? [{ key: pair.key.value, ...place(pair.key as YamlNode) }] : [],
    );
    ops.push({ op, path, ...(typeof from === 'string' ? { from } : {}), ...place(item.get('path', true) as YamlNode), hasValue: item.has('value'), others });
  }
  return ops;
}

/**
 * Entries by content, kept between runs: the patch files a kustomization names (by its text's
 * hash), then its entries (by its text's and those files' hashes). An unchanged overlay is not parsed.
 */
const byContent = new KeyedCache<unknown>('no-ops.json', import.meta.url);
export const saveNoOpCache = (): void => byContent.save();

const hashOf = (abs: string): string => (existsSync(abs) ? contentHash(readFileSync(abs)) : 'missing');

/** The entries of one kustomization file that select objects, with positions. Undefined when it does not parse. */
export function kustomizationEntries(root: string, dir: string): Entry[] | undefined {
  const name = kustomizationFileNames.find((f) => existsSync(join(root, dir, f)));
  if (!name) return undefined;
  const file = join(dir, name);
  const text = readFileSync(join(root, file), 'utf8');
  const k = `${file}:${contentHash(text)}`;
  let files = byContent.get(`files:${k}`) as string[] | undefined;
  let parsed: ReturnType<typeof parseEntries> | undefined;
  if (!files) {
    parsed = parseEntries(root, dir, file, text);
    files = parsed.files;
    byContent.set(`files:${k}`, files);
  }
  const key = `entries:${k}:${files.map((f) => hashOf(join(root, f))).join(',')}`;
  const entries = byContent.memo(key, () => (parsed ?? parseEntries(root, dir, file, text)).entries ?? null) as Entry[] | null;
  return entries ?? undefined;
}

function parseEntries(root: string, dir: string, file: string, text: string): { entries?: Entry[]; files: string[] } {
  const files: string[] = [];
  const entries = entriesOf(root, dir, file, text, files);
  return { ...(entries ? { entries } : {}), files };
}

function entriesOf(root: string, dir: string, file: string, text: string, files: string[]): Entry[] | undefined {
  const k = parse('', text);
  const doc = k?.docs[0];
  if (!k || !doc || doc.errors.length || !Y.isMap(doc.contents)) return undefined;
  const map = doc.contents as YAMLMap;
  const out: Entry[] = [];
  const items = (field: string) => {
    const seq = map.get(field, true);
    return Y.isSeq(seq) ? seq.items : [];
  };
  const patchEntry = (field: 'patches' | 'patchesJson6902' | 'patchesStrategicMerge', item: unknown): void => {
    let target: PatchTarget | undefined;
    let at = pos(k, item as YamlNode);
    let text: string | undefined;
    let source = 'inline patch';
    let inlineAt: { line: number } | undefined;
    if (Y.isScalar(item) && typeof item.value === 'string') {
      // patchesStrategicMerge: a file path or an inline patch
      if (/\n/.test(item.value) || /^\s*(apiVersion|kind):/m.test(item.value)) text = item.value;
      else files.push((source = normalize(join(dir, item.value))));
    } else if (Y.isMap(item)) {
      const t = item.get('target', true);
      if (Y.isMap(t)) {
        target = t.toJSON() as PatchTarget;
        at = pos(k, t as YamlNode);
      }
      const path = item.get('path');
      const patch = item.get('patch', true);
      if (typeof path === 'string') files.push((source = normalize(join(dir, path))));
      else if (Y.isScalar(patch) && typeof patch.value === 'string') {
        text = patch.value;
        inlineAt = pos(k, patch as YamlNode);
      }
    } else return;
    let parsed: Parsed | undefined;
    try {
      parsed = text !== undefined ? parse('', text) : existsSync(join(root, source)) ? parse(join(root, source)) : undefined;
    } catch {
      parsed = undefined;
    }
    if (!parsed) return; // a missing or broken patch file has its own finding (kustomize/missing-path, yaml/syntax)
    const ops = field === 'patchesStrategicMerge' ? undefined : opsOf(parsed, inlineAt);
    const body = ops ? undefined : parsed.docs.map((d) => d.toJS() as Record<string, any>).filter((d) => d && typeof d === 'object');
    out.push({ field, file, ...at, ...(target ? { target } : {}), source, ...(ops ? { ops } : {}), ...(body ? { body } : {}) });
  };
  for (const field of ['patches', 'patchesJson6902', 'patchesStrategicMerge'] as const) for (const item of items(field)) patchEntry(field, item);
  for (const item of items('images')) {
    if (!Y.isMap(item)) continue;
    const n = item.get('name', true);
    const newName = item.get('newName');
    if (Y.isScalar(n) && typeof n.value === 'string') out.push({ field: 'images', file, ...pos(k, n as YamlNode), name: n.value, ...(typeof newName === 'string' ? { newName } : {}) });
  }
  for (const item of items('replicas')) {
    const n = Y.isMap(item) ? item.get('name', true) : undefined;
    if (Y.isScalar(n) && typeof n.value === 'string') out.push({ field: 'replicas', file, ...pos(k, n as YamlNode), name: n.value });
  }
  for (const field of ['configMapGenerator', 'secretGenerator'] as const)
    for (const item of items(field)) {
      if (!Y.isMap(item)) continue;
      const n = item.get('name', true);
      const behavior = item.get('behavior');
      if (Y.isScalar(n) && typeof n.value === 'string' && (behavior === 'merge' || behavior === 'replace'))
        out.push({ field, file, ...pos(k, n as YamlNode), name: n.value, behavior });
    }
  return out;
}

/** RFC 6901 pointer → segments. */
const segments = (pointer: string): string[] => pointer.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));

/**
 * A pointer as findings write paths (`/spec/containers/0/env/-` → `spec.containers[0].env`): indices in brackets, an
 * append (`-`) as the list it appends to. Undefined for a pointer that is not absolute.
 */
function pointerPath(pointer: string): string | undefined {
  if (!pointer.startsWith('/')) return undefined;
  const segs = segments(pointer);
  if (segs.at(-1) === '-') segs.pop();
  return segs.map((s, i) => (/^\d+$/.test(s) ? `[${s}]` : i ? `.${s}` : s)).join('') || undefined;
}

function has(object: unknown, pointer: string): boolean {
  let node: any = object;
  for (const seg of segments(pointer)) {
    if (Array.isArray(node)) {
      if (!/^\d+$/.test(seg) || Number(seg) >= node.length) return false;
      node = node[Number(seg)];
    } else if (node && typeof node === 'object') {
      if (!(seg in node)) return false;
      node = node[seg];
    } else return false;
  }
  return true;
}

/** Every `image` of a container or init container anywhere in the object (Pods, templates, CronJobs, CRDs with pod templates). */
function imagesIn(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => imagesIn(n, out));
  else if (node && typeof node === 'object')
    for (const [k, v] of Object.entries(node)) {
      if ((k === 'containers' || k === 'initContainers') && Array.isArray(v)) for (const c of v) if (typeof c?.image === 'string') out.push(c.image);
      imagesIn(v, out);
    }
  return out;
}

/** kustomize api/image/image.go IsImageMatched: the entry's name is the image's name, with or without tag and digest. */
const imageNameOf = (image: string): string => parseImage(image).written;

/** A generated ConfigMap/Secret's name before kustomize appended its content hash. */
const unhashed = (o: Record<string, any>): string | undefined =>
  (o.kind === 'ConfigMap' || o.kind === 'Secret') && o.apiVersion === 'v1' && typeof o.metadata?.name === 'string' ? withoutContentHash(o.metadata.name) : undefined;

/** Does the target select the object by one of `names` (selectableNames)? */
const matches = (t: PatchTarget, o: Record<string, any>, names: readonly string[]): boolean => names.some((name) => patchTargetMatches(t, name === o.metadata?.name ? o : { ...o, metadata: { ...o.metadata, name } }));

const hint = (what: string): string => `fix the ${what} (kind, name, labels) so it names an object this kustomization builds, or remove the entry`;

/**
 * What else in a target's kustomizations could have written a path before a JSON 6902 op: every
 * op and strategic-merge patch body of every kustomization it includes, and the transformer
 * fields they set. Read once per target; the replace check below only trusts an absence that
 * none of these explains.
 */
interface Writers {
  readonly root: string;
  readonly ops: readonly (Op & { readonly source: string })[];
  readonly bodies: readonly Record<string, any>[];
  readonly fields: ReadonlySet<string>;
  /** parsed origin files (values only), by repo-relative path */
  readonly origins: Map<string, unknown[] | null>;
}

function writersOf(root: string, dirs: readonly string[]): Writers {
  const ops: (Op & { source: string })[] = [];
  const bodies: Record<string, any>[] = [];
  const fields = new Set<string>();
  for (const dir of dirs) {
    for (const e of kustomizationEntries(root, dir) ?? []) {
      if (!('source' in e)) continue;
      for (const op of e.ops ?? []) ops.push({ ...op, source: e.source === 'inline patch' ? e.file : e.source });
      bodies.push(...(e.body ?? []));
    }
    const kfile = kustomizationFileNames.map((f) => join(root, dir, f)).find(existsSync);
    let k: Record<string, unknown> | null = null;
    try {
      k = kfile ? kustomizationOf(kfile) : null;
    } catch {
      k = null;
    }
    for (const [field, value] of Object.entries(k ?? {})) if (value !== undefined && value !== null) fields.add(field);
  }
  return { root, ops, bodies, fields, origins: new Map() };
}

/** Transformer fields of a kustomization that write at `segs`, by the segments they touch (kustomize's builtin transformers and fieldspecs). */
function transformerWrites(fields: ReadonlySet<string>, segs: readonly string[]): boolean {
  const has = (...names: string[]) => names.some((n) => fields.has(n));
  // replacements, vars and plugins write wherever they are configured to: trust nothing.
  if (has('replacements', 'vars', 'generators', 'transformers', 'configurations', 'crds', 'helmCharts', 'helmChartInflationGenerator')) return true;
  const last = segs[segs.length - 1]!;
  if (has('namespace') && segs.includes('namespace')) return true;
  if (has('commonLabels', 'labels') && segs.some((s) => s === 'labels' || s === 'selector' || s === 'matchLabels')) return true;
  if (has('commonAnnotations') && segs.includes('annotations')) return true;
  if (has('images', 'imageTags') && (last === 'image' || segs.includes('images'))) return true;
  if (has('replicas') && last === 'replicas') return true;
  if (has('namePrefix', 'nameSuffix') && last === 'name') return true;
  return false;
}

/** The value at RFC 6901 segments (undefined when absent). */
function atSegments(node: unknown, segs: readonly string[]): unknown {
  let v: any = node;
  for (const seg of segs) {
    if (Array.isArray(v)) v = /^\d+$/.test(seg) ? v[Number(seg)] : undefined;
    else if (v && typeof v === 'object') v = Object.prototype.hasOwnProperty.call(v, seg) ? v[seg] : undefined;
    else return undefined;
  }
  return v;
}

/** Does a strategic-merge body have the path? Lists merge by key, so any item of a list may hold the rest. */
function smpHas(node: unknown, segs: readonly string[]): boolean {
  if (!segs.length) return true;
  const [seg, ...rest] = segs;
  if (Array.isArray(node)) return node.some((item) => smpHas(item, /^\d+$/.test(seg!) ? rest : segs));
  if (node && typeof node === 'object' && Object.prototype.hasOwnProperty.call(node, seg!)) return smpHas((node as any)[seg!], rest);
  return false;
}

/** The object as its origin file declares it (kind and name; a rendered name may carry a prefix, suffix or hash). */
function originDoc(w: Writers, o: RenderedObject): Record<string, any> | undefined {
  if (!o.origin || !/\.(ya?ml|json)$/i.test(o.origin) || kustomizationFileNames.some((n) => o.origin!.endsWith(`/${n}`) || o.origin === n)) return undefined;
  let docs = w.origins.get(o.origin);
  if (docs === undefined) {
    // Parsed once per content, kept between runs (the same base files back every target).
    const abs = join(w.root, o.origin);
    docs = byContent.memo(`origin:${hashOf(abs)}`, () => {
      try {
        return loadManifests(readFileSync(abs, 'utf8')).filter((d) => d && typeof d === 'object');
      } catch {
        return null;
      }
    }) as unknown[] | null;
    w.origins.set(o.origin, docs);
  }
  const name = String(o.object.metadata?.name ?? '');
  const candidates = (docs ?? []).filter((d: any) => d.kind === o.object.kind && typeof d.metadata?.name === 'string' && name.includes(d.metadata.name)) as Record<string, any>[];
  return candidates.find((d) => d.metadata.name === name) ?? (candidates.length === 1 ? candidates[0] : undefined);
}

/**
 * The objects a `replace` op added its key to: kustomize 4.5.4's evanphx/json-patch v4.11.0
 * (patch.go: replace checks `con.get(key)`, and partialDoc.get returns (nil, nil) for a missing
 * key) sets a missing key of an existing map instead of failing, as RFC 6902 §4.3 and
 * json-patch v5 (so kustomize 5) do. A missing parent or list index still fails the build
 * (locateKustomizeError). The key counts as missing when the object's origin file has the
 * parent without it and nothing else in the target's kustomizations writes there.
 */
function replaceAdds(op: Op, hit: readonly RenderedObject[], w: Writers): RenderedObject[] {
  const segs = segments(op.path);
  const key = segs[segs.length - 1];
  if (!key || key === '-' || /^\d+$/.test(key)) return [];
  const pointer = (p: string) => segments(p);
  const prefixOf = (p: readonly string[]) => p.length <= segs.length && p.every((s, i) => s === segs[i]);
  const otherWriter = w.ops.some((x) => !(x.line === op.line && x.path === op.path && x.op === op.op) && x.op !== 'remove' && x.op !== 'test' && prefixOf(pointer(x.path)));
  if (otherWriter || w.bodies.some((b) => smpHas(b, segs)) || transformerWrites(w.fields, segs)) return [];
  return hit.filter((o) => {
    const doc = originDoc(w, o);
    if (!doc) return false;
    const parent = atSegments(doc, segs.slice(0, -1));
    return !!parent && typeof parent === 'object' && !Array.isArray(parent) && !Object.prototype.hasOwnProperty.call(parent, key);
  });
}

/** The names an entry of the kustomization being checked selects an object by. */
type NamesHere = (o: RenderedObject, field: PatchField) => readonly string[];

function checkEntry(e: Entry, scope: readonly RenderedObject[], target: string, writers: () => Writers, namesAt: NamesHere): Finding[] {
  const at = { file: e.file, line: e.line, column: e.column, target };
  const kinds = (kind?: string) => {
    const names = [...new Set(scope.filter((r) => !kind || r.object.kind === kind).map((r) => unhashed(r.object) ?? String(r.object.metadata?.name)))].sort();
    return names.length ? `; ${kind ?? 'objects'} built here: ${names.slice(0, 12).join(', ')}${names.length > 12 ? ', …' : ''}` : kind ? `; no ${kind} is built here` : '';
  };
  switch (e.field) {
    case 'patches':
    case 'patchesJson6902':
    case 'patchesStrategicMerge': {
      if (!e.target) return []; // by name: kustomize itself fails when nothing matches (locateKustomizeError)
      const hit = scope.filter((r) => matches(e.target!, r.object, namesAt(r, e.field)));
      if (!hit.length) {
        // a kind nothing here has, close to one that is built: a typo (Deploymnet)
        const built = [...new Set(scope.map((r) => String(r.object.kind)))];
        const near = e.target.kind && !built.includes(e.target.kind) ? closest(e.target.kind, built) : undefined;
        // what the patch would have set (its ops' paths, dotted): findings about those fields of that kind are its consequences
        const paths = (e.ops ?? []).filter((op) => op.path.startsWith('/')).map((op) => segments(op.path).join('.'));
        const misses = e.target.kind && paths.length ? { misses: { kind: e.target.kind, paths } } : {};
        return [{ rule: 'kustomize/no-op', severity: 'error', ...at, path: e.field, message: `${e.field} entry ${e.source} targets ${describeTarget(e.target)}, which matches no object: kustomize skips it without a word${kinds(e.target.kind)}`, hint: near ? `did you mean kind: ${near}? (${hint('target')})` : hint('target'), ...misses }];
      }
      const out: Finding[] = [];
      // kustomize 4.5.4 (evanphx/json-patch) applies `copy` from a missing path by writing null
      // (checked on the rendered object, where a later patch may have changed the path), and
      // `replace` of a missing key by adding it (checked on the object as its origin file has it:
      // the rendered one holds the added key).
      for (const op of e.ops ?? []) {
        const file = e.source === 'inline patch' ? e.file : e.source;
        const where = { file, line: op.line, column: op.column, target, path: `${e.field}` };
        if (op.op === 'copy' && op.from !== undefined) {
          const missing = hit.filter((r) => !has(r.object, op.from!));
          if (missing.length)
            out.push({ rule: 'kustomize/json-patch-path', severity: 'error', ...where, message: `op copy from ${op.from}: ${missing.map((r) => `${r.object.kind} ${r.object.metadata?.name}`).join(', ')} has no such path, so kustomize writes null at ${op.path}`, hint: 'copy from a path the object has (kubectl get -o yaml shows it), or set the value with op: add' });
        }
        // add, replace and test need a value (RFC 6902 4.1, 4.3, 4.6), and a member RFC 6902 does not define is
        // ignored (section 4): kustomize 4.5.4's evanphx/json-patch v4 (patch.go, Operation.value: nil when the op
        // has no "value") writes null at the path, so `vaule: 3` leaves minReplicas null without a word.
        if ((op.op === 'add' || op.op === 'replace' || op.op === 'test') && !op.hasValue) {
          const typo = op.others.find((m) => closest(m.key, ['value']) === 'value');
          const dotted = pointerPath(op.path);
          out.push({
            rule: 'kustomize/json-patch-op',
            severity: 'error',
            ...where,
            ...(typo ? { line: typo.line, column: typo.column } : {}),
            message: `op ${op.op} ${op.path} has no value${typo ? ` ("${typo.key}" is not a member of a JSON patch op)` : ''}: kustomize 4.5.4 writes null at ${op.path} without a word`,
            hint: typo ? `did you mean value? write value: instead of ${typo.key}:` : `give the op a value: member (RFC 6902 ${op.op} needs one)`,
            // what checks say of the field it meant to set follows from the missing value (findings.ts, rule 6)
            ...(e.target?.kind && dotted ? { misses: { kind: e.target.kind, paths: [dotted] } } : {}),
          });
        }
        if (op.op === 'replace') {
          const added = replaceAdds(op, hit, writers());
          const parent = op.path.slice(0, op.path.lastIndexOf('/')) || '/';
          if (added.length)
            out.push({ rule: 'kustomize/json-patch-path', severity: 'error', ...where, message: `op replace ${op.path}: ${added.map((r) => `${r.object.kind} ${r.object.metadata?.name}`).join(', ')} has no ${segments(op.path).at(-1)} under ${parent}, so there is nothing to replace: kustomize 4.5.4 adds it without a word (kustomize 5 fails the build)`, hint: op.path.startsWith('/') ? `fix the path if it has a typo (kubectl get -o yaml shows the object's fields); if the field is meant to be new, write op: add` : `a JSON pointer starts with /: write path: /${op.path}` });
        }
      }
      return out;
    }
    case 'images': {
      const images = scope.flatMap((r) => imagesIn(r.object));
      const names = new Set(images.map(imageNameOf));
      if (names.has(e.name) || (e.newName !== undefined && names.has(e.newName))) return [];
      return [{ rule: 'kustomize/no-op', severity: 'error', ...at, path: 'images', message: `images entry ${e.name} matches no container or init container image: kustomize skips it without a word${names.size ? `; images built here: ${[...names].sort().join(', ')}` : ''}`, hint: 'write the image name exactly as the containers have it (registry and path, no tag), or remove the entry' }];
    }
    default:
      return []; // replicas, generator merges: kustomize 4.5.4 fails the build (locateKustomizeError)
  }
}

/**
 * The no-op entries of every overlay kustomization the rendered targets include. Each
 * kustomization is judged once, on the objects of the first target that includes it whose
 * origin lies in its own tree (what its patches and images can reach).
 */
export function noOpFindings(root: string, results: readonly RenderResult[], includes: Map<string, Includes> = new Map()): Finding[] {
  const out: Finding[] = [];
  const done = new Set<string>();
  for (const r of results) {
    if (r.findings.length || !r.objects.length) continue;
    const namesAt = selectableNames(root, r.target.path, includes);
    for (const dir of kustomizationTree(root, r.target.path, includes).dirs) {
      if (!dir.startsWith('overlays/') || done.has(dir)) continue;
      done.add(dir);
      const entries = kustomizationEntries(root, dir);
      if (!entries?.length) continue;
      const under = kustomizationTree(root, dir, includes).dirs;
      // A Component's patches act on what the kustomization including it builds: judge them on the whole target.
      const kfile = kustomizationFileNames.map((f) => join(root, dir, f)).find(existsSync);
      const component = kfile ? kustomizationOf(kfile)?.kind === 'Component' : false;
      const scope = component ? r.objects : r.objects.filter((o) => o.origin && under.some((d) => o.origin!.startsWith(`${d}/`)));
      if (scope.length !== r.objects.length && !r.objects.every((o) => o.origin)) continue; // origins unknown: cannot tell what the entries reach
      let w: Writers | undefined;
      const writers = () => (w ??= writersOf(root, kustomizationTree(root, r.target.path, includes).dirs));
      for (const e of entries) out.push(...checkEntry(e, scope, r.target.name, writers, (o, field) => namesAt(o.object, o.origin, dir, field)));
    }
  }
  return out;
}

/**
 * Kind, apiVersion and name of every object in the YAML files of `dirs` (a failed build's kustomization tree), other
 * than its kustomization files: what a patch that names an object wrongly was meant to name.
 */
function objectsInTree(root: string, dirs: readonly string[]): { kind: string; apiVersion: string; name: string }[] {
  const out: { kind: string; apiVersion: string; name: string }[] = [];
  for (const dir of dirs) {
    let files: string[];
    try {
      files = readdirSync(join(root, dir)).filter((f) => /\.ya?ml$/i.test(f) && !kustomizationFileNames.includes(f));
    } catch {
      continue;
    }
    for (const f of files) {
      let docs: unknown[];
      try {
        docs = loadManifests(readFileSync(join(root, dir, f), 'utf8'));
      } catch {
        continue; // a broken file has its own finding
      }
      for (const d of docs as any[])
        if (typeof d?.metadata?.name === 'string' && typeof d.kind === 'string' && typeof d.apiVersion === 'string') out.push({ kind: d.kind, apiVersion: d.apiVersion, name: d.metadata.name });
    }
  }
  return out;
}

/**
 * A kustomize build failure about an overlay entry, placed on that entry's line:
 * kustomize 4.5.4 names the object or path but not the kustomization line.
 */
export function locateKustomizeError(root: string, finding: Finding, targetPath: string, includes: Map<string, Includes> = new Map()): Finding {
  if (finding.rule !== 'kustomize' || finding.line !== undefined) return finding;
  // The cause, without kustomize's chain of "accumulating resources from …" around it.
  const m = finding.message.split(/recursed accumulation of path '[^']*': /).pop()!.replace(/^kustomize build \S+ failed: /, '');
  const dirs = kustomizationTree(root, targetPath, includes).dirs.filter((d) => d.startsWith('overlays/'));
  const entries = dirs.flatMap((d) => kustomizationEntries(root, d) ?? []);
  const place = (e: { file: string; line: number; column: number }, rule: string, message: string, hint: string): Finding => ({ ...finding, rule, file: e.file, line: e.line, column: e.column, message, hint });
  let x: RegExpExecArray | null;
  // resource/resource.go / resmap: "no matches for Id Deployment.v1.apps/inventroy.[noNs]; failed to find unique target for patch …"
  if ((x = /no matches for Id (\w+)\.([^./\s]*)\.([^/\s]*)\/([^.\s]+)\./.exec(m))) {
    const [, kind, version, group, name] = x as unknown as [string, string, string, string, string];
    const apiVersion = group && group !== '[noGrp]' ? `${group}/${version}` : version;
    const e = entries.find((e) => 'body' in e && !('target' in e && e.target) && e.body?.some((b) => b.kind === kind && b.metadata?.name === name));
    if (e) {
      // the same name under another apiVersion or kind: most often the patch's header is what is wrong. Of several
      // objects of that name, the one of the same kind, else the only one of the patch's API group.
      const built = objectsInTree(root, kustomizationTree(root, targetPath, includes).dirs);
      const named = built.filter((o) => o.name === name);
      const near = named.length ? undefined : closest(name, built.filter((o) => o.kind === kind).map((o) => o.name));
      const groupOf = (v: string) => (v.includes('/') ? v.slice(0, v.lastIndexOf('/')) : '');
      const sameKind = named.find((o) => o.kind === kind);
      const sameGroup = named.filter((o) => groupOf(o.apiVersion) === groupOf(apiVersion));
      const hint = sameKind
        ? `this build has ${kind} ${name} as apiVersion ${sameKind.apiVersion}: write apiVersion: ${sameKind.apiVersion} in the patch`
        : sameGroup.length === 1
          ? `${name} is a ${sameGroup[0]!.kind} in this build: write kind: ${sameGroup[0]!.kind} in the patch`
          : named.length
            ? `this build has ${name} as ${[...new Set(named.map((o) => o.kind))].join(', ')}: write the kind and apiVersion of the one the patch is for`
            : near
              ? `did you mean metadata.name: ${near}? (the ${kind} this build has)`
              : 'fix the patch\'s kind and metadata.name so the patch names an object this kustomization builds, or remove the entry';
      return place(e, 'kustomize/no-op', `strategic-merge patch ${e.field === 'patchesStrategicMerge' || !('source' in e) ? '' : `${e.source} `}names ${kind} "${name}" (apiVersion ${apiVersion}), which this build does not have (kustomize build fails: ${m})`, hint);
    }
  }
  // replicas (api/filters/replicacount): "resource with name X does not match a config with the following GVK …"
  if ((x = /resource with name (\S+) does not match a config/.exec(m))) {
    const e = entries.find((e) => e.field === 'replicas' && e.name === x![1]);
    if (e) return place(e, 'kustomize/no-op', `replicas entry ${x[1]} names no Deployment, StatefulSet, ReplicaSet or ReplicationController of this build (kustomize build fails)`, 'fix the entry\'s name so it names a workload this kustomization builds, or remove the entry');
  }
  // generator merge (api/resmap reswrangler appendReplaceOrMerge): `Name:"cfgx" … does not exist; cannot merge or replace`
  if ((x = /Kind:"(ConfigMap|Secret)".*?Name:"([^"]+)".*cannot merge or replace/.exec(m))) {
    const field = x[1] === 'ConfigMap' ? 'configMapGenerator' : 'secretGenerator';
    const e = entries.find((e) => e.field === field && e.name === x![2]);
    if (e && 'behavior' in e) return place(e, 'kustomize/no-op', `${field} ${e.name} has behavior: ${e.behavior}, but no base generates a ${x[1]} named ${e.name} (kustomize build fails)`, `generate ${e.name} in a base first, drop behavior: ${e.behavior} to create it here, or fix the name`);
  }
  // JSON 6902 (evanphx/json-patch): an op that is not one of RFC 6902's six ("Unexpected kind: repalce").
  if ((x = /Unexpected kind: (\S+)/.exec(m))) {
    const bad = x[1]!;
    const ops = ['add', 'remove', 'replace', 'move', 'copy', 'test'];
    for (const e of entries)
      for (const o of ('ops' in e && e.ops) || [])
        if (o.op === bad) {
          const near = closest(bad, ops);
          return place({ file: e.field && 'source' in e && e.source !== 'inline patch' ? e.source : e.file, line: o.line, column: o.column }, 'kustomize/json-patch-op', `op: ${bad} is not a JSON patch operation, so kustomize build fails`, `${near ? `did you mean op: ${near}? ` : ''}RFC 6902 has ${ops.join(', ')}`);
        }
  }
  // JSON 6902 (evanphx/json-patch): remove/add/replace/test/move on a path that is not there.
  if ((x = /(?:error in (\w+) for path: '([^']+)'|(\w+) operation does not apply: doc is missing (?:destination )?(?:path|key): "?([^":]+)"?|testing value (\S+) failed)/.exec(m))) {
    const op = x[1] ?? x[3] ?? 'test';
    const path = x[2] ?? x[4] ?? x[5]!;
    for (const e of entries)
      for (const o of ('ops' in e && e.ops) || [])
        if (o.op === op && (o.path === path || o.from === path || o.from?.endsWith(`/${path}`)))
          return place({ file: e.field && 'source' in e && e.source !== 'inline patch' ? e.source : e.file, line: o.line, column: o.column }, 'kustomize/json-patch-path', `op ${op} ${o.path}: the path does not exist in the object it targets, so kustomize build fails (${m})`, op === 'add' ? 'add the missing parent first (op: add of an empty map), or fix the path' : 'fix the path (kubectl get -o yaml shows the object), or use op: add');
  }
  return finding;
}

/** Every render's findings, kustomize's refusals of an overlay entry placed on it (once, however many targets include the overlay). */
export function renderFindings(root: string, results: readonly RenderResult[], includes: Map<string, Includes> = new Map()): Finding[] {
  const seen = new Set<string>();
  const out: Finding[] = [];
  for (const r of results)
    for (const f of r.findings) {
      const located = locateKustomizeError(root, f, r.target.path, includes);
      const key = located.line === undefined ? undefined : `${located.rule}\0${located.file}\0${located.line}`;
      if (key && seen.has(key)) continue;
      if (key) seen.add(key);
      out.push(located);
    }
  return out;
}
