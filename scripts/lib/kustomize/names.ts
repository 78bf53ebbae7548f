// The names kustomize gave an object on its way to the output, read back from the rendered
// name: each kustomization's namePrefix / nameSuffix wraps the names of everything it builds,
// outer ones outermost, and a generated ConfigMap or Secret gets its content hash last of all
// (api/internal/target/kusttarget.go makeCustomizedResMap → addHashesToNames, after every
// kustomization's transformers). Patch targets and generator merges match an object by any of
// these names (api/resmap/reswrangler.go Select: original or current name;
// appendReplaceOrMerge → GetMatchingResourcesByAnyId: current or any previous id).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { kustomizationFileNames } from '../../../kube/index.ts';
import { kustomizationOf } from './origins.ts';
import { directIncludes, kustomizationTree, type Includes } from './tree.ts';

/** A kustomization's namePrefix and nameSuffix ('' when it sets none). */
export interface NameAffixes {
  readonly namePrefix?: unknown;
  readonly nameSuffix?: unknown;
}

/** The name without its content hash, and the name as it is (generatorOptions can turn the hash off). */
export const hashVariants = (name: string): string[] => [...new Set([name, name.replace(/-[a-z0-9]{10}$/, '')])];

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
      const inside = namesInside(name, way.chain);
      if (at < 0) return [name, ...inside];
      const afterPrefix = field === 'patchesJson6902' || field === 'replacements';
      const current = afterPrefix ? (at === 0 ? name : inside[at - 1]) : inside[at];
      const original = inside.length === way.chain.length ? inside.at(-1) : undefined;
      return [current, original].filter((n): n is string => n !== undefined);
    });
  };
}

/**
 * The name inside each kustomization of `chain` (outermost first): entry i is the name before
 * chain[i] added its prefix and suffix. Stops where a prefix or suffix is not there (the object
 * was not built under that kustomization, or a transformer config limits the prefix to other kinds).
 */
export function namesInside(name: string, chain: readonly NameAffixes[]): string[] {
  const out: string[] = [];
  for (const k of chain) {
    const prefix = typeof k.namePrefix === 'string' ? k.namePrefix : '';
    const suffix = typeof k.nameSuffix === 'string' ? k.nameSuffix : '';
    if (name.length < prefix.length + suffix.length || !name.startsWith(prefix) || !name.endsWith(suffix)) break;
    out.push((name = name.slice(prefix.length, name.length - suffix.length)));
  }
  return out;
}

/** Does any kustomization of the tree set a namePrefix or nameSuffix? (Most trees do not: nothing to undo.) */
function renames(root: string, dirs: readonly string[], memo: Map<string, NameAffixes>): boolean {
  return dirs.some((d) => {
    const k = affixesAt(root, d, memo);
    return typeof k.namePrefix === 'string' || typeof k.nameSuffix === 'string';
  });
}

function affixesAt(root: string, dir: string, memo: Map<string, NameAffixes>): NameAffixes {
  let k = memo.get(dir);
  if (k) return k;
  const file = kustomizationFileNames.map((f) => join(root, dir, f)).find(existsSync);
  try {
    k = (file ? kustomizationOf(file) : null) ?? {};
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
