// The names kustomize gave an object on its way to the output, read back from the rendered
// name: each kustomization's namePrefix / nameSuffix wraps the names of everything it builds,
// outer ones outermost, and a generated ConfigMap or Secret gets its content hash last of all
// (api/internal/target/kusttarget.go makeCustomizedResMap → addHashesToNames, after every
// kustomization's transformers). Patch targets and generator merges match an object by any of
// these names (api/resmap/reswrangler.go Select: original or current name;
// appendReplaceOrMerge → GetMatchingResourcesByAnyId: current or any previous id).
// A PrefixSuffixTransformer in a kustomization's `transformers:` renames too, after all of that
// kustomization's own fields (kusttarget.go runTransformers: configureBuiltinTransformers, then
// configureExternalTransformers, whose entries are inline YAML or files).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { kustomizationFileNames, loadManifests, withoutContentHash } from '../../../kube/index.ts';
import { kustomizationOf } from './origins.ts';
import { directIncludes, kustomizationTree, type Includes } from './tree.ts';

/** A kustomization's namePrefix and nameSuffix ('' when it sets none), and the renames of its `transformers:`. */
export interface NameAffixes {
  readonly namePrefix?: unknown;
  readonly nameSuffix?: unknown;
  /** PrefixSuffixTransformer configs, in the order kustomize runs them (after namePrefix/nameSuffix) */
  readonly renames?: readonly PluginRename[];
}

/**
 * A builtin PrefixSuffixTransformer (plugin/builtin/prefixsuffixtransformer): it renames an object only through a
 * fieldSpec of path metadata/name selecting its kind (`kinds`; undefined: every kind), and never a kind of
 * prefixSuffixFieldSpecsToSkip (CustomResourceDefinition, APIService, Namespace).
 */
export interface PluginRename {
  readonly prefix: string;
  readonly suffix: string;
  readonly kinds?: readonly string[];
}

const neverRenamed = new Set(['CustomResourceDefinition', 'APIService', 'Namespace']);
const renamesKind = (r: PluginRename, kind: string | undefined): boolean => !neverRenamed.has(kind ?? '') && (!r.kinds || (kind !== undefined && r.kinds.includes(kind)));

/**
 * The PrefixSuffixTransformer renames of a kustomization's `transformers:` entries (inline YAML, or a file relative to
 * `dir`; a directory of transformer configs is not read). Other transformers rename nothing.
 */
export function pluginRenames(root: string, dir: string, transformers: unknown): PluginRename[] {
  if (!Array.isArray(transformers)) return [];
  const out: PluginRename[] = [];
  for (const entry of transformers) {
    if (typeof entry !== 'string') continue;
    let docs: unknown[] = [];
    try {
      const inline = entry.includes('\n') ? loadManifests(entry) : [];
      if (inline.some((d: any) => d && typeof d === 'object' && typeof d.kind === 'string')) docs = inline;
      else {
        const abs = join(root, dir, entry);
        if (existsSync(abs) && statSync(abs).isFile()) docs = loadManifests(readFileSync(abs, 'utf8'));
      }
    } catch {
      continue; // kustomize refuses it; the build's own error says so
    }
    for (const d of docs as any[]) {
      if (d?.kind !== 'PrefixSuffixTransformer' || !Array.isArray(d.fieldSpecs)) continue;
      const byName = d.fieldSpecs.filter((f: any) => f?.path === 'metadata/name');
      if (!byName.length) continue;
      const prefix = typeof d.prefix === 'string' ? d.prefix : '';
      const suffix = typeof d.suffix === 'string' ? d.suffix : '';
      if (!prefix && !suffix) continue;
      const kinds = byName.some((f: any) => typeof f.kind !== 'string') ? undefined : byName.map((f: any) => f.kind as string);
      out.push({ prefix, suffix, ...(kinds ? { kinds } : {}) });
    }
  }
  return out;
}

/** A kustomization's affixes: its namePrefix and nameSuffix, and the renames of its transformers. */
export const nameAffixes = (root: string, dir: string, k: Record<string, any> | null | undefined): NameAffixes => {
  const renames = pluginRenames(root, dir, k?.transformers);
  return { namePrefix: k?.namePrefix, nameSuffix: k?.nameSuffix, ...(renames.length ? { renames } : {}) };
};

/** `name` without what affix (prefix + suffix) adds, or undefined when it does not carry them. */
function strip(name: string, prefix: string, suffix: string): string | undefined {
  return name.length < prefix.length + suffix.length || !name.startsWith(prefix) || !name.endsWith(suffix) ? undefined : name.slice(prefix.length, name.length - suffix.length);
}

/**
 * The name before kustomization `k`'s transformers renamed an object of `kind` (what its patchesJson6902 and
 * replacements saw), or undefined when the name does not carry a rename that applies.
 */
export function beforeRenames(name: string, k: NameAffixes, kind: string | undefined): string | undefined {
  let n: string | undefined = name;
  for (const r of [...(k.renames ?? [])].reverse()) if (n !== undefined && renamesKind(r, kind)) n = strip(n, r.prefix, r.suffix);
  return n;
}

/** The name without its content hash, and the name as it is (generatorOptions can turn the hash off). */
export const hashVariants = (name: string): string[] => [...new Set([name, withoutContentHash(name)])];

/** A rendered object's names before the hash: only generated objects (v1 ConfigMap, Secret) have one. */
export const renderedNames = (object: Record<string, any>): string[] => {
  const name = String(object?.metadata?.name ?? '');
  return object?.apiVersion === 'v1' && (object.kind === 'ConfigMap' || object.kind === 'Secret') ? hashVariants(name) : [name];
};

/**
 * The kustomization field an entry that selects objects is written in: kustomize runs `patches`
 * and `patchesStrategicMerge` before the kustomization's namePrefix, `patchesJson6902` and
 * `replacements` after it.
 */
export type PatchField = 'patches' | 'patchesStrategicMerge' | 'patchesJson6902' | 'replacements';

/** The names a patch entry of kustomization `dir` selects a rendered object by (see selectableNames). */
export type NamesAt = (object: Record<string, any>, origin: string | undefined, dir: string, field: PatchField) => readonly string[];

/**
 * For one target: the names a patch entry of one of its kustomizations selects an object by.
 * kustomize's Select matches the original name or the current one (api/resmap/reswrangler.go),
 * and a kustomization runs `patches` and `patchesStrategicMerge` before its own prefix and
 * suffix, `patchesJson6902` after them (api/internal/target/kusttarget_configplugin.go
 * configureBuiltinTransformers). The way from the target down to the object's origin gives the
 * kustomizations whose affixes wrap it; a kustomization not on that way (a component) may
 * select it by any of those names. A tree that renames nothing selects by the rendered name.
 */
export function selectableNames(root: string, targetPath: string, includes: Map<string, Includes> = new Map()): NamesAt {
  let renamed: boolean | undefined;
  const affixes = new Map<string, NameAffixes>();
  const ways = new Map<string, { path: string[]; chain: NameAffixes[] }>();
  return (object, origin, dir, field) => {
    const rendered = renderedNames(object);
    const kind = typeof object?.kind === 'string' ? object.kind : undefined;
    renamed ??= renames(root, kustomizationTree(root, targetPath, includes).dirs, affixes);
    if (!renamed || !origin) return rendered;
    const from = dirname(origin);
    let way = ways.get(from);
    if (!way) {
      const path = includePath(root, targetPath, from, includes);
      ways.set(from, (way = { path, chain: path.map((d) => affixesAt(root, d, affixes)) }));
    }
    const at = way.path.indexOf(dir);
    return rendered.flatMap((name) => {
      const inside = namesInside(name, way.chain, kind);
      if (at < 0) return [name, ...inside];
      const afterPrefix = field === 'patchesJson6902' || field === 'replacements';
      // after its prefix and suffix, before its transformers' renames
      const outer = at === 0 ? name : inside[at - 1];
      const afterOwnPrefix = outer === undefined ? undefined : beforeRenames(outer, way.chain[at]!, kind);
      const current = afterPrefix ? afterOwnPrefix : inside[at];
      const original = inside.length === way.chain.length ? inside.at(-1) : undefined;
      return [current, original].filter((n): n is string => n !== undefined);
    });
  };
}

/**
 * The name inside each kustomization of `chain` (outermost first): entry i is the name before
 * chain[i] added its prefix and suffix, and its transformers their renames of an object of `kind`.
 * Stops where a prefix or suffix is not there (the object was not built under that kustomization,
 * or a transformer config limits the prefix to other kinds).
 */
export function namesInside(name: string, chain: readonly NameAffixes[], kind?: string): string[] {
  const out: string[] = [];
  for (const k of chain) {
    const before = beforeRenames(name, k, kind);
    const inside = before === undefined ? undefined : strip(before, typeof k.namePrefix === 'string' ? k.namePrefix : '', typeof k.nameSuffix === 'string' ? k.nameSuffix : '');
    if (inside === undefined) break;
    out.push((name = inside));
  }
  return out;
}

/** Does any kustomization of the tree set a namePrefix or nameSuffix, or rename in its transformers? (Most trees do not: nothing to undo.) */
function renames(root: string, dirs: readonly string[], memo: Map<string, NameAffixes>): boolean {
  return dirs.some((d) => {
    const k = affixesAt(root, d, memo);
    return typeof k.namePrefix === 'string' || typeof k.nameSuffix === 'string' || !!k.renames?.length;
  });
}

function affixesAt(root: string, dir: string, memo: Map<string, NameAffixes>): NameAffixes {
  let k = memo.get(dir);
  if (k) return k;
  const file = kustomizationFileNames.map((f) => join(root, dir, f)).find(existsSync);
  try {
    k = nameAffixes(root, dir, file ? kustomizationOf(file) : null);
  } catch {
    k = {};
  }
  memo.set(dir, k);
  return k;
}

/** The kustomization directories from `from` down to `to` through resources/components/bases (both ends included), or [] when `to` is not below `from`. */
function includePath(root: string, from: string, to: string, includes: Map<string, Includes>): string[] {
  const parent = new Map<string, string>();
  const queue = [from];
  const seen = new Set(queue);
  while (queue.length) {
    const dir = queue.shift()!;
    if (dir === to) {
      const path = [dir];
      for (let d = dir; parent.has(d); ) path.unshift((d = parent.get(d)!));
      return path;
    }
    for (const sub of directIncludes(root, dir, includes).dirs)
      if (!seen.has(sub)) {
        seen.add(sub);
        parent.set(sub, dir);
        queue.push(sub);
      }
  }
  return [];
}
