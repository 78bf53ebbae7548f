// Where in the repository a finding lives: the line of a JSON path inside the
// source YAML file (kustomize origin), or inside the overlay patch that put the
// field there when the origin file does not have it.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, normalize } from 'node:path';
import type { Document, LineCounter, Node as YamlNode, Scalar } from 'yaml';
import { Y } from '../../../kube/yaml-lazy.ts';
import { contentHash, KeyedCache } from '../plumbing/cache.ts';
import { parseYamlFile } from './sources.ts';
import { kustomizationFileNames, isRemoteRef, patchTargetMatches, type PatchTarget } from '../../../kube/index.ts';
import { formatPath, type PathSegment } from './schema.ts';
import type { NodePositions } from '../../../kube/yaml-block.ts';
import { selectableNames, type Includes, type NamesAt, type PatchField } from '../kustomize/index.ts';

interface ParsedFile {
  readonly docs: Document.Parsed[];
  readonly lines: LineCounter;
  /** the file's text (an inline patch's block has none of its own) */
  readonly text?: string;
}

interface PatchRef {
  /** the patch file, or for an inline `patch:` the kustomization that holds it */
  readonly file: string;
  /** an inline `patch: |` block, parsed with positions in `file` */
  readonly inline?: ParsedFile;
  readonly type: 'json6902' | 'smp';
  readonly target?: PatchTarget;
  /** the kustomization directory that lists the patch, and the field it is listed in (which names select: selectableNames) */
  readonly dir: string;
  readonly field: PatchField;
}

export interface Position {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** the full path was found (false: nearest existing ancestor) */
  readonly exact: boolean;
  /** for a scalar found at the full path: does the source hold the rendered value? */
  readonly sameValue?: boolean;
  /** when not exact: how many segments of the path, from where the walk started, the source holds */
  readonly depth?: number;
  /** the walk stopped at a list with no item of the rendered item's name: that name, and the names the list has */
  readonly missingItem?: { readonly name: string; readonly have: readonly string[] };
  /** why the position is where it is, as advice (an item a strategic-merge patch adds by a name the base lacks) */
  readonly note?: string;
}


/**
 * Positions found before, kept between runs: the answer of `locate` for one
 * (overlay, origin, path, object) together with the content hash of every file
 * the search read. An answer is reused only while all those files are unchanged,
 * so a warm run, or a run after an unrelated edit, parses no YAML to place findings.
 */
interface Located {
  readonly deps: Record<string, string>;
  readonly pos: Position | null;
}
const located = new KeyedCache<Located>('locations.json', import.meta.url, 20000);
export const saveLocationCache = (): void => located.save();

export class SourceLocator {
  private readonly files = new Map<string, ParsedFile | null>();
  private readonly patchCache = new Map<string, { refs: PatchRef[]; files: string[] }>();
  private readonly hashes = new Map<string, string>();
  /** Per target directory: the names its patches select an object by; and the kustomization includes walked for them. */
  private readonly names = new Map<string, NamesAt>();
  private readonly includes = new Map<string, Includes>();
  /** Files read by the `locate` call in progress (its memo's dependencies). */
  private reads?: Set<string>;

  constructor(private readonly root: string) {}

  private hashOf(file: string): string {
    let h = this.hashes.get(file);
    if (h === undefined) {
      const abs = join(this.root, file);
      h = existsSync(abs) && statSync(abs).isFile() ? contentHash(readFileSync(abs)) : 'missing';
      this.hashes.set(file, h);
    }
    return h;
  }

  parsed(file: string): ParsedFile | null {
    this.reads?.add(file);
    if (this.files.has(file)) return this.files.get(file)!;
    let parsed: ParsedFile | null = null;
    const abs = join(this.root, file);
    // JSON is YAML: a .json manifest gets lines the same way.
    if (/\.(ya?ml|json)$/i.test(file) && existsSync(abs)) parsed = parseYamlFile(abs);
    this.files.set(file, parsed);
    return parsed;
  }

  /** A patch's parsed text: its file, or the inline block with the kustomization's lines. */
  parsedPatch(patch: PatchRef): ParsedFile | null {
    return patch.inline ?? this.parsed(patch.file);
  }

  /** Patch files that apply in a kustomization directory and the directories it includes. */
  patchesUnder(dir: string): PatchRef[] {
    const cached = this.patchCache.get(dir);
    if (cached) {
      for (const f of cached.files) this.reads?.add(f);
      return cached.refs;
    }
    const outer = this.reads;
    const reads = (this.reads = new Set<string>());
    const out: PatchRef[] = [];
    // Entered before the walk, so a kustomization that includes itself again ends the recursion.
    this.patchCache.set(dir, { refs: out, files: [] });
    try {
      this.collectPatches(dir, out);
    } finally {
      this.patchCache.set(dir, { refs: out, files: [...reads] });
      this.reads = outer;
      for (const f of reads) outer?.add(f);
    }
    return out;
  }

  private collectPatches(dir: string, out: PatchRef[]): void {
    const names = kustomizationFileNames.map((f) => join(dir, f));
    // Every name is a dependency: a kustomization.yml appearing next to the file read changes the answer.
    for (const f of names) this.reads?.add(f);
    const kfile = names.find((f) => existsSync(join(this.root, f)));
    const kparsed = kfile ? this.parsed(kfile) : null;
    const kdoc = kparsed?.docs[0];
    const k = kdoc?.toJS() as Record<string, any> | undefined;
    if (!k || typeof k !== 'object') return;
    const patchNodes = kdoc!.get('patches', true);
    (k.patches ?? []).forEach((p: any, i: number) => {
      if (typeof p?.path === 'string') {
        const file = normalize(join(dir, p.path));
        const doc = this.parsed(file)?.docs[0];
        out.push({ file, type: Y.isSeq(doc?.contents) ? 'json6902' : 'smp', target: p.target, dir, field: 'patches' });
      } else if (typeof p?.patch === 'string' && Y.isSeq(patchNodes)) {
        const node = (patchNodes.items[i] as any)?.get?.('patch', true);
        const inline = Y.isScalar(node) ? inlineBlock(this.root, kfile!, kparsed!, node) : undefined;
        if (inline) out.push({ file: kfile!, inline, type: Y.isSeq(inline.docs[0]?.contents) ? 'json6902' : 'smp', target: p.target, dir, field: 'patches' });
      }
    });
    for (const p of k.patchesJson6902 ?? []) if (typeof p?.path === 'string') out.push({ file: normalize(join(dir, p.path)), type: 'json6902', target: p.target, dir, field: 'patchesJson6902' });
    for (const p of k.patchesStrategicMerge ?? []) if (typeof p === 'string') out.push({ file: normalize(join(dir, p)), type: 'smp', dir, field: 'patchesStrategicMerge' });
    for (const r of [...(k.resources ?? []), ...(k.components ?? []), ...(k.bases ?? [])]) {
      if (typeof r !== 'string' || isRemoteRef(r)) continue;
      const sub = normalize(join(dir, r));
      const abs = join(this.root, sub);
      if (existsSync(abs) && statSync(abs).isDirectory()) out.push(...this.patchesUnder(sub));
    }
  }

  /**
   * Best position for `path` of `object` (rendered from `origin`, within overlay `targetDir`):
   * the origin file when it has the full path, else a patch that sets it, else the origin's nearest ancestor.
   * Remembered between runs while the files it read are unchanged.
   */
  locate(object: Record<string, any>, path: readonly PathSegment[], origin: string | undefined, targetDir?: string): Position | undefined {
    const key = contentHash(JSON.stringify([targetDir ?? null, origin ?? null, path, object]));
    const hit = located.get(key);
    if (hit && Object.entries(hit.deps).every(([f, h]) => this.hashOf(f) === h)) return hit.pos ?? undefined;
    this.reads = new Set();
    try {
      const pos = this.search(object, path, origin, targetDir);
      located.set(key, { deps: Object.fromEntries([...this.reads].map((f) => [f, this.hashOf(f)])), pos: pos ?? null });
      return pos;
    } finally {
      this.reads = undefined;
    }
  }

  /**
   * Where a value that is absent from the rendered object belongs: the nearest parent the object has (the map that
   * should hold it, or the object itself). A strategic-merge patch of the target that writes that parent is where the
   * overlay left it out, and wins over the origin, which may be a generated base; else a JSON 6902 op writing below
   * the parent; else the parent where locate finds it (blame then names the op that removed the value, if one did).
   */
  locateAbsent(object: Record<string, any>, path: readonly PathSegment[], origin: string | undefined, targetDir?: string): Position | undefined {
    let present = 0;
    for (let v: any = object; present < path.length && v !== null && typeof v === 'object' && v[path[present]!] != null; present++) v = v[path[present]!];
    if (present === path.length) return this.locate(object, path, origin, targetDir);
    const parent = path.slice(0, present);
    if (targetDir && present > 0) {
      const selected = this.patchesUnder(targetDir).filter((p) => !p.target || this.selects(p, object, origin, targetDir));
      for (const patch of selected) {
        const pos = patch.type === 'smp' ? this.inSmpPatch(patch, object, parent) : undefined;
        if (pos?.exact) return pos;
      }
      // else a JSON 6902 op that writes below that parent (the overlay's edit of the map the value is missing from)
      for (const patch of selected) {
        const parsed = patch.type === 'json6902' ? this.parsedPatch(patch) : null;
        const ops = parsed?.docs[0]?.contents;
        if (!parsed || !Y.isSeq(ops)) continue;
        for (const op of ops.items) {
          // (a remove writes nothing: where it removed the value, blame names it)
          if (!Y.isMap(op) || (op.get('op', true) as Scalar | undefined)?.value === 'remove') continue;
          const pointer = op.get('path', true) as YamlNode | undefined;
          const text: unknown = Y.isScalar(pointer) ? pointer.value : undefined;
          if (typeof text !== 'string' || !pointer?.range) continue;
          const segs = text.split('/').slice(1).map((x) => x.replace(/~1/g, '/').replace(/~0/g, '~'));
          if (segs.length > parent.length && parent.every((seg, i) => String(seg) === segs[i])) {
            const { line, col } = parsed.lines.linePos(pointer.range[0]);
            return { file: patch.file, line, column: col, exact: false };
          }
        }
      }
    }
    return this.locate(object, parent.length ? parent : ['metadata', 'name'], origin, targetDir);
  }

  private search(object: Record<string, any>, path: readonly PathSegment[], origin: string | undefined, targetDir?: string): Position | undefined {
    const fromOrigin = origin ? this.inFile(origin, object, path) : undefined;
    // The origin holds the field with the rendered value: it came from there.
    if (fromOrigin?.exact && fromOrigin.sameValue !== false) return fromOrigin;
    if (targetDir) {
      // The rendered object lacks the field and a patch removed it or a map above it (an op: remove, a
      // strategic-merge `$patch: delete` or `key: null`): that patch, whatever earlier patches set there.
      let lacks: any = object;
      for (const seg of path) lacks = lacks?.[seg];
      const removed = lacks === undefined ? this.removal(targetDir, object, origin, path) : undefined;
      if (removed) return removed;
      // Several patches may set the field (a per-Deployment patch after one for every
      // Deployment): kustomize applies them in order, so the last one holding the rendered
      // value wrote it. Without a value to compare, the first exact match (as before).
      let first: Position | undefined;
      let holder: Position | undefined;
      for (const patch of this.patchesUnder(targetDir)) {
        const selected = !patch.target || this.selects(patch, object, origin, targetDir);
        const pos = !selected ? undefined : patch.type === 'json6902' ? this.inJsonPatch(patch, object, path) : this.inSmpPatch(patch, object, path);
        if (!pos?.exact) continue;
        first ??= pos;
        if (pos.sameValue === true) holder = pos;
      }
      if (holder ?? first) return holder ?? first;
      // No source holds the whole path. Where the origin's list has no item of the rendered item's name and a
      // strategic-merge patch does, the patch added that item (kustomize merges such lists by name): the value
      // missing under it is the patch's, and the likely mistake is the name.
      const added = fromOrigin?.missingItem && this.smpHolding(targetDir, object, origin, path, fromOrigin.depth ?? 0);
      if (added && fromOrigin.missingItem) {
        const { name, have } = fromOrigin.missingItem;
        const list = String(path[(fromOrigin.depth ?? 0) - 1] ?? 'list');
        const note = `the base has no ${list} item named "${name}"${have.length ? ` (it has ${have.map((n) => `"${n}"`).join(', ')})` : ''}: this strategic-merge patch adds "${name}" as a new item; spell the name as the base does to change that item`;
        return { ...added, note };
      }
      // The rendered object lacks a field (a required one, say) whose parent a strategic-merge patch wrote: the patch
      // brought the parent without it, or replaced the base's (a list without a merge key is replaced whole). The
      // patch's parent of the field is where it is missing, not the base, which has it or has no parent at all.
      let rendered: any = object;
      for (const seg of path) rendered = rendered?.[seg];
      // (where the origin holds the parent but not the field, the base lacks it too: not the patch's to add)
      if (rendered === undefined && path.length > 1 && (fromOrigin?.exact || (fromOrigin?.depth ?? 0) < path.length - 1)) {
        const held = fromOrigin?.exact ? path.length - 2 : (fromOrigin?.depth ?? 0);
        const parent = this.smpHolding(targetDir, object, origin, path, held);
        if (parent && (parent.depth ?? 0) === path.length - 1)
          return { ...parent, exact: false, note: `this patch writes ${parentName(path)} without ${String(path[path.length - 1])}${fromOrigin?.exact ? ', replacing the base\'s (which has it)' : ''}: add it here` };
      }
    }
    return fromOrigin && { ...fromOrigin, exact: fromOrigin.exact };
  }

  /** The first strategic-merge patch selecting the object that holds more of `path` than `depth` segments. */
  private smpHolding(targetDir: string, object: Record<string, any>, origin: string | undefined, path: readonly PathSegment[], depth: number): Position | undefined {
    for (const patch of this.patchesUnder(targetDir)) {
      if (patch.type !== 'smp' || (patch.target && !this.selects(patch, object, origin, targetDir))) continue;
      const pos = this.inSmpPatch(patch, object, path, true);
      if (pos && (pos.depth ?? 0) > depth) return pos;
    }
    return undefined;
  }

  /**
   * A patch selecting the object that removes `path` or a map above it: a JSON 6902 `op: remove` of it or an
   * ancestor, or in a strategic-merge patch a `$patch: delete` directive on the way or a key set to null
   * (kustomize's kyaml merge2 deletes both: api/filters/patchstrategicmerge, kyaml/yaml/merge2). The first one found,
   * which is the outermost kustomization's (applied last).
   */
  private removal(targetDir: string, object: Record<string, any>, origin: string | undefined, path: readonly PathSegment[]): Position | undefined {
    const shown = formatPath(path);
    for (const patch of this.patchesUnder(targetDir)) {
      if (patch.target ? !this.selects(patch, object, origin, targetDir) : patch.type === 'json6902') continue;
      const parsed = this.parsedPatch(patch);
      if (!parsed) continue;
      const place = (node: unknown, removes: string): Position | undefined => {
        const offset = (node as YamlNode | undefined)?.range?.[0];
        if (offset === undefined) return undefined;
        const { line, col } = parsed.lines.linePos(offset);
        return { file: patch.file, line, column: col, exact: false, note: `this patch removes ${removes}, so the object has no ${shown}: drop the removal (or remove less)` };
      };
      if (patch.type === 'json6902') {
        const ops = parsed.docs[0]?.contents;
        // the last op removing it: ops apply in order
        let hit: Position | undefined;
        for (const op of Y.isSeq(ops) ? ops.items : []) {
          if (!Y.isMap(op) || String(op.get('op')) !== 'remove' || typeof op.get('path') !== 'string') continue;
          const segs = String(op.get('path')).split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
          if (segs.length <= path.length && segs.every((s, i) => s === String(path[i]))) hit = place(op.get('path', true), formatPath(path.slice(0, segs.length))) ?? hit;
        }
        if (hit) return hit;
        continue;
      }
      for (const doc of parsed.docs) {
        const js = doc.toJS() as Record<string, any> | null;
        if (!js || typeof js !== 'object' || (!patch.target && !(js.kind === object.kind && js.metadata?.name === baseName(object, js.metadata?.name)))) continue;
        let node: unknown = doc.contents;
        let rendered: any = object;
        for (let i = 0; i < path.length && node; i++) {
          const seg = path[i]!;
          if (Y.isMap(node)) {
            const directive = node.items.find((p) => Y.isScalar(p.key) && p.key.value === '$patch' && Y.isScalar(p.value) && p.value.value === 'delete');
            if (directive) return place(directive.key, formatPath(path.slice(0, i)));
            const pair = node.items.find((p) => (Y.isScalar(p.key) ? p.key.value : p.key) === seg);
            if (!pair) break;
            if (pair.value === null || (Y.isScalar(pair.value) && pair.value.value === null)) return place(pair.key, formatPath(path.slice(0, i + 1)));
            node = pair.value;
          } else if (Y.isSeq(node) && typeof seg === 'number') {
            const name = rendered?.[seg]?.name;
            node = name === undefined ? undefined : node.items.find((it) => Y.isMap(it) && it.get('name') === name);
          } else break;
          rendered = rendered?.[seg];
        }
      }
    }
    return undefined;
  }

  /** Position of a path inside a given file, matching the document by kind and name. */
  inFile(file: string, object: Record<string, any> | undefined, path: readonly PathSegment[]): Position | undefined {
    const parsed = this.parsed(file);
    if (!parsed || !parsed.docs.length) return undefined;
    const doc = pickDoc(parsed.docs, object);
    if (!doc) return undefined;
    return walk(listItem(doc, object) ?? doc.contents, path, object, parsed.lines, file);
  }

  /**
   * Does the patch's target select the object, by a name it had where the patch applies
   * (a namePrefix or nameSuffix renames it after some patches: selectableNames)?
   */
  selects(patch: PatchRef, object: Record<string, any>, origin: string | undefined, targetDir: string): boolean {
    return selectsByName(patch.target, object, this.namesAt(targetDir)(object, origin, patch.dir, patch.field));
  }

  /** The names entries of the target's kustomizations select an object by (selectableNames, one per target directory). */
  namesAt(targetDir: string): NamesAt {
    let namesAt = this.names.get(targetDir);
    if (!namesAt) this.names.set(targetDir, (namesAt = selectableNames(this.root, targetDir, this.includes)));
    return namesAt;
  }

  /**
   * A JSON 6902 patch's position for the path; the caller checked that its target selects the object. Ops apply in
   * order, so of several ops that set the path the last one holding the rendered value wrote it (else the last one).
   */
  private inJsonPatch(patch: PatchRef, object: Record<string, any>, path: readonly PathSegment[]): Position | undefined {
    const parsed = this.parsedPatch(patch);
    const ops = parsed?.docs[0]?.contents;
    if (!parsed || !Y.isSeq(ops)) return undefined;
    let best: Position | undefined;
    let last: Position | undefined;
    let holder: Position | undefined;
    for (const op of ops.items) {
      if (!Y.isMap(op)) continue;
      const pointer: unknown = op.get('path');
      if (typeof pointer !== 'string') continue;
      const prefix = pointer.split('/').slice(1).map((s: string) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
      const matches = prefix.every((seg: string, i: number) => seg === '-' ? i === prefix.length - 1 : String(path[i]) === seg);
      if (!matches || prefix.length > path.length) continue;
      const value = op.get('value', true) as YamlNode | undefined;
      const rest = path.slice(prefix.length);
      // The rendered value under the op's path, so a scalar can be compared (sameValue).
      let rendered: any = object;
      for (const seg of path.slice(0, prefix.length)) rendered = rendered?.[seg];
      const pos = value ? walk(value, rest, rendered === undefined ? undefined : { __v: rendered }, parsed.lines, patch.file, ['__v']) : undefined;
      if (pos?.exact) {
        last = pos;
        if (pos.sameValue === true) holder = pos;
      } else best ??= pos;
    }
    return holder ?? last ?? (best && { ...best, exact: false });
  }

  /** A strategic-merge patch's position for the path (`partial`: also where it holds only part of the path). */
  private inSmpPatch(patch: PatchRef, object: Record<string, any>, path: readonly PathSegment[], partial = false): Position | undefined {
    const parsed = this.parsedPatch(patch);
    if (!parsed) return undefined;
    for (const doc of parsed.docs) {
      const js = doc.toJS() as Record<string, any> | null;
      if (!js || typeof js !== 'object') continue;
      // A targeted patch was selected by the caller; one without a target applies to the object its own kind and name name.
      const applies = patch.target || (js.kind === object.kind && js.metadata?.name === baseName(object, js.metadata?.name));
      if (!applies) continue;
      const pos = walk(doc.contents, path, object, parsed.lines, patch.file);
      if (pos?.exact || (partial && pos)) return pos;
    }
    return undefined;
  }
}

/** The field's parent as written from its last name on: `containers[0]`, `resources`. */
function parentName(path: readonly PathSegment[]): string {
  const parent = path.slice(0, -1);
  let i = parent.length - 1;
  while (i > 0 && typeof parent[i] === 'number') i--;
  return formatPath(parent.slice(i));
}

/** Does the target (a patch's, a replacement's select or reject) select the object by one of `names`? kustomize's selector rule, kept once in kube/patch-target.ts. */
export const selectsByName = (target: PatchTarget | undefined, object: Record<string, any>, names: readonly string[]): boolean =>
  names.some((name) => patchTargetMatches(target, name === object.metadata?.name ? object : { ...object, metadata: { ...object.metadata, name } }));

/** A rendered name may carry a prefix/suffix; accept the source name when it is contained in it. */
function baseName(object: Record<string, any>, candidate: unknown): string | undefined {
  const name = object.metadata?.name as string | undefined;
  if (typeof candidate === 'string' && name && name.includes(candidate)) return candidate;
  return name;
}


/**
 * An inline `patch: |` (a literal block) of a kustomization, parsed as its own YAML with positions in the
 * kustomization (`outer`, parsed once with its text): the block's lines are the file's lines from the one after `|`,
 * indented by the block's indentation.
 * A quoted or folded patch string has no such line-for-line map and is not parsed.
 */
function inlineBlock(root: string, kfile: string, outer: ParsedFile, node: Scalar): ParsedFile | undefined {
  if (node.type !== 'BLOCK_LITERAL' || !node.range || typeof node.value !== 'string' || outer.text === undefined) return undefined;
  const header = outer.lines.linePos(node.range[0]).line; // the `|` line, 1-based
  // the block's indentation, from the text the kustomization was parsed from (its first non-empty line after `|`)
  const body = outer.text.slice(outer.lines.lineStarts[header] ?? outer.text.length).split('\n');
  const indent = /^ */.exec(body.find((l) => l.trim() !== '') ?? '')![0].length;
  const inner = parseYamlFile(`${join(root, kfile)}#patch@${header}`, node.value);
  const lines = { linePos: (offset: number) => {
    const { line, col } = inner.lines.linePos(offset);
    return { line: header + line, col: indent + col };
  } } as unknown as LineCounter;
  return { docs: inner.docs, lines };
}

/** The item of a `kind: …List` document that is the object (files mode validates a List's items one by one). */
function listItem(doc: Document.Parsed, object: Record<string, any> | undefined): YamlNode | undefined {
  const root = doc.contents;
  if (!object || !Y.isMap(root) || typeof object.kind !== 'string' || object.kind.endsWith('List')) return undefined;
  const kind: unknown = root.get('kind');
  const items = root.get('items', true);
  if (typeof kind !== 'string' || !kind.endsWith('List') || !Y.isSeq(items)) return undefined;
  return items.items.find((it) => {
    if (!Y.isMap(it) || it.get('kind') !== object.kind) return false;
    const meta = it.get('metadata', true);
    return Y.isMap(meta) && meta.get('name') === object.metadata?.name && (meta.get('namespace') ?? undefined) === (object.metadata?.namespace ?? undefined);
  }) as YamlNode | undefined;
}

/**
 * The documents of a parsed file by kind, namespace and name, built once per file (not per
 * finding: a file with thousands of documents and findings stays linear).
 */
interface DocMeta {
  readonly d: Document.Parsed;
  readonly kind: unknown;
  readonly namespace: unknown;
  readonly name: unknown;
}
const docIndex = new WeakMap<Document.Parsed[], DocMeta[]>();

function metaOf(docs: Document.Parsed[]): DocMeta[] {
  let meta = docIndex.get(docs);
  if (!meta) {
    meta = docs.map((d) => {
      const c = d.contents;
      const m = Y.isMap(c) ? c.get('metadata', true) : undefined;
      const scalar = (n: unknown, key: string) => (Y.isMap(n) ? n.get(key) : undefined);
      return { d, kind: scalar(c, 'kind'), namespace: scalar(m, 'namespace'), name: scalar(m, 'name') ?? scalar(m, 'generateName') };
    });
    docIndex.set(docs, meta);
  }
  return meta;
}

function pickDoc(docs: Document.Parsed[], object: Record<string, any> | undefined): Document.Parsed | undefined {
  if (docs.length === 1 || !object) return docs[0];
  const meta = metaOf(docs);
  const name = object.metadata?.name ?? object.metadata?.generateName;
  const ns = object.metadata?.namespace;
  return (
    // Same-named objects in different namespaces each get their own document.
    meta.find((m) => m.kind === object.kind && m.name === name && ns !== undefined && m.namespace === ns)?.d ??
    meta.find((m) => m.kind === object.kind && m.name === name)?.d ??
    meta.find((m) => m.kind === object.kind && typeof m.name === 'string' && name?.includes(m.name))?.d ??
    meta.find((m) => m.kind === object.kind)?.d
  );
}

/**
 * A list item's `name` as the readers give it: null for `name:` with nothing after it (the `yaml` library's `get` gives
 * undefined there, as for no `name` at all), undefined for an item that is no mapping or has no `name`.
 */
const yamlItemName = (it: unknown): unknown => (Y.isMap(it) && it.has('name') ? (it.get('name') ?? null) : undefined);

/**
 * Walk a YAML node along a JSON path. Sequence indices are matched by position,
 * or by the item's `name` when the rendered object tells us which name it was
 * (strategic-merge patches list only the containers they change).
 */
export function walk(start: unknown, path: readonly PathSegment[], object: Record<string, any> | undefined, lines: LineCounter, file: string, into: readonly PathSegment[] = []): Position | undefined {
  let node = start as YamlNode | null | undefined;
  let rendered: any = object;
  for (const seg of into) rendered = rendered?.[seg];
  let last: YamlNode | undefined;
  let keyNode: YamlNode | undefined;
  let depth = 0;
  let missingItem: Position['missingItem'];
  for (const seg of path) {
    if (!node) break;
    if (Y.isMap(node)) {
      const pair = node.items.find((p) => (Y.isScalar(p.key) ? p.key.value : p.key) === seg);
      if (!pair) break;
      last = node;
      keyNode = pair.key as YamlNode;
      node = pair.value as YamlNode;
    } else if (Y.isSeq(node) && typeof seg === 'number') {
      const wantName = rendered?.[seg]?.name;
      const byName = wantName !== undefined ? node.items.find((it) => yamlItemName(it) === wantName) : undefined;
      const item = (byName ?? (wantName === undefined ? node.items[seg] : undefined)) as YamlNode | undefined;
      if (!item) {
        if (typeof wantName === 'string') missingItem = { name: wantName, have: node.items.flatMap((it) => (Y.isMap(it) && typeof it.get('name') === 'string' ? [it.get('name') as string] : [])) };
        break;
      }
      last = node;
      keyNode = item;
      node = item;
    } else break;
    rendered = rendered?.[seg];
    depth++;
  }
  const at = (depth === path.length ? keyNode ?? node : keyNode ?? last ?? node) as YamlNode | undefined;
  const offset = at?.range?.[0];
  if (offset === undefined) return undefined;
  const { line, col } = lines.linePos(offset);
  const exact = depth === path.length;
  const sameValue =
    exact && object !== undefined && Y.isScalar(node) && (typeof rendered !== 'object' || rendered === null)
      ? node.value === rendered
      : undefined;
  return { file, line, column: col, exact, ...(exact ? {} : { depth }), ...(sameValue !== undefined ? { sameValue } : {}), ...(missingItem ? { missingItem } : {}) };
}

/**
 * walk() over the plain-block reader's values of one document and where its nodes start (kube/yaml-block.ts
 * readLocated), for a text that reader takes: the same position without the `yaml` library's documents, which for a
 * large file cost many times the file's whole check. `root` is the document's value and `start` its offset; `lines`
 * counts the text's lines. Undefined where the text gives no node to point at (an empty list item, an empty
 * document): the caller then asks walk(). test/scripts/validate/locate-block.test.ts holds it to walk() on every path
 * of the corpus's documents.
 */
export function walkBlock(root: unknown, start: number, positions: NodePositions, path: readonly PathSegment[], object: Record<string, any> | undefined, lines: LineCounter, file: string): Position | undefined {
  if (!(start >= 0)) return undefined;
  let node: unknown = root;
  let rendered: any = object;
  let keyAt: number | undefined;
  let depth = 0;
  let missingItem: Position['missingItem'];
  for (const seg of path) {
    if (node === null || typeof node !== 'object') break;
    const at = positions.nodes.get(node);
    if (!at) break;
    if (!Array.isArray(node)) {
      // a mapping: its keys are strings (the reader takes no other)
      const k = typeof seg === 'string' ? (at as Map<string, number>).get(seg) : undefined;
      if (k === undefined) break;
      keyAt = k;
      node = (node as Record<string, unknown>)[seg as string];
    } else if (typeof seg === 'number') {
      const items = at as number[];
      const wantName = rendered?.[seg]?.name;
      let index = -1;
      // as the `yaml` library's map.get('name'), which gives a collection's node, equal to no value
      if (wantName !== undefined) {
        if (notCollection(wantName)) index = node.findIndex((it) => nameOf(it) === wantName);
      } else if (seg < node.length) index = seg;
      if (index < 0) {
        if (typeof wantName === 'string') missingItem = { name: wantName, have: node.flatMap((it) => (typeof nameOf(it) === 'string' ? [nameOf(it) as string] : [])) };
        break;
      }
      if (items[index]! < 0) return undefined;
      keyAt = items[index]!;
      node = node[index];
    } else break;
    rendered = rendered?.[seg];
    depth++;
  }
  const exact = depth === path.length;
  // the last key or item found, else the document (walk's keyNode, else its start node)
  const { line, col } = lines.linePos(keyAt ?? start);
  const sameValue = exact && object !== undefined && notCollection(node) && notCollection(rendered) ? node === rendered : undefined;
  return { file, line, column: col, exact, ...(exact ? {} : { depth }), ...(sameValue !== undefined ? { sameValue } : {}), ...(missingItem ? { missingItem } : {}) };
}

/** Not a collection: what the `yaml` library reads as a scalar (an empty `[]` or `{}` is a collection there too). */
const notCollection = (v: unknown): boolean => v === null || typeof v !== 'object';
/** A mapping item's `name` (undefined for anything else). */
const nameOf = (it: unknown): unknown => (it !== null && typeof it === 'object' && !Array.isArray(it) ? (it as Record<string, unknown>).name : undefined);

/**
 * The `yaml` library's LineCounter of `text` as its lexer fills it (a line at 0, and after each newline), without
 * parsing it, and without loading the library (its ~70 modules cost a files-mode thread tens of ms for a finding the
 * plain-block reader's positions place): yaml 2.9.1's dist/parse/line-counter.js, method for method.
 */
export function lineCounterOf(text: string): LineCounter {
  const lineStarts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  return {
    lineStarts,
    addNewLine: (offset: number) => lineStarts.push(offset),
    linePos: (offset: number) => {
      let low = 0;
      let high = lineStarts.length;
      while (low < high) {
        const mid = (low + high) >> 1;
        if (lineStarts[mid]! < offset) low = mid + 1;
        else high = mid;
      }
      if (lineStarts[low] === offset) return { line: low + 1, col: 1 };
      if (low === 0) return { line: 0, col: offset };
      return { line: low, col: offset - lineStarts[low - 1]! + 1 };
    },
  };
}

/** `spec.containers[0].image` → ['spec', 'containers', 0, 'image']; `data["grafana.ini"]` → ['data', 'grafana.ini'] */
export function parsePath(path: string): PathSegment[] {
  const out: PathSegment[] = [];
  for (const m of path.matchAll(/\["((?:[^"\\]|\\.)*)"\]|\[(\d+)\]|([^.[\]]+)/g))
    out.push(m[1] !== undefined ? (JSON.parse(`"${m[1]}"`) as string) : m[2] !== undefined ? Number(m[2]) : m[3]!);
  return out;
}
