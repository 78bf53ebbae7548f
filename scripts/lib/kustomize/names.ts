// The names kustomize gave an object on its way to the output, read back from the rendered
// name: each kustomization's namePrefix / nameSuffix wraps the names of everything it builds,
// outer ones outermost, and a generated ConfigMap or Secret gets its content hash last of all
// (api/internal/target/kusttarget.go makeCustomizedResMap → addHashesToNames, after every
// kustomization's transformers). Patch targets and generator merges match an object by any of
// these names (api/resmap/reswrangler.go Select: original or current name;
// appendReplaceOrMerge → GetMatchingResourcesByAnyId: current or any previous id).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { kustomizationFileNames } from '../../../kube/index.ts';
import { kustomizationOf } from './origins.ts';
import { directIncludes, type Includes } from './tree.ts';

/** A kustomization's namePrefix and nameSuffix ('' when it sets none). */
export interface NameAffixes {
  readonly namePrefix?: unknown;
  readonly nameSuffix?: unknown;
}

/** The name without its content hash, and the name as it is (generatorOptions can turn the hash off). */
export const hashVariants = (name: string): string[] => [...new Set([name, name.replace(/-[a-z0-9]{10}$/, '')])];

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
export function renames(root: string, dirs: readonly string[]): boolean {
  return dirs.some((d) => {
    const k = affixesOf(root, d);
    return typeof k.namePrefix === 'string' || typeof k.nameSuffix === 'string';
  });
}

export function affixesOf(root: string, dir: string): NameAffixes {
  const file = kustomizationFileNames.map((f) => join(root, dir, f)).find(existsSync);
  try {
    return (file ? kustomizationOf(file) : null) ?? {};
  } catch {
    return {};
  }
}

/** The kustomization directories from `from` down to `to` through resources/components/bases (both ends included), or [] when `to` is not below `from`. */
export function includePath(root: string, from: string, to: string, includes: Map<string, Includes>): string[] {
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
