// The kustomization walk: which directories a target can read (resources,
// components, bases), remote entries on the way, and a content key over all of it.
import { createHash } from 'node:crypto';
import { readFileSync, statSync, existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { isRemoteRef, kustomizationFileNames, type Target } from '../../../kube/index.ts';
import { codeDigest } from '../plumbing/code.ts';
import { filesUnder } from '../plumbing/files.ts';
import { kustomizeDigest, kustomizeVersion } from './binary.ts';
import { kustomizationOf } from './origins.ts';

/**
 * The kustomization directories a target can read, found by following
 * resources/components/bases entries, and any remote entries on the way.
 * kustomize's default load restrictor confines a kustomization to files under
 * its own directory, so these directories hold every input of the render.
 */
export interface KustomizationTree {
  readonly dirs: readonly string[];
  readonly remote: readonly string[];
  /** A kustomization file could not be parsed (kustomize will report it). */
  readonly broken: boolean;
}

/** One kustomization directory's direct includes (memoised per renderTargets call: bases are shared by many targets). */
export type Includes = KustomizationTree;

function includesOf(root: string, dir: string): Includes {
  const kfile = kustomizationFileNames.map((f) => join(root, dir, f)).find(existsSync);
  if (!kfile) return { dirs: [], remote: [], broken: false };
  let k: Record<string, unknown>;
  try {
    k = kustomizationOf(kfile) ?? {};
  } catch {
    return { dirs: [], remote: [], broken: true };
  }
  const dirs: string[] = [];
  const remote: string[] = [];
  // generators, transformers and validators may name kustomization directories too (kustomize
  // builds them as their own roots): a directory there is an input of the render like a base.
  for (const field of ['resources', 'components', 'bases', 'generators', 'transformers', 'validators']) {
    for (const entry of (Array.isArray(k[field]) ? k[field] : []) as unknown[]) {
      if (typeof entry !== 'string') continue;
      if (isRemoteRef(entry)) remote.push(entry);
      const sub = relative(root, resolve(root, dir, entry));
      if (existsSync(join(root, sub)) && statSync(join(root, sub)).isDirectory()) dirs.push(sub);
    }
  }
  return { dirs, remote, broken: false };
}

/** The directories and remote entries one kustomization lists itself (memoised in `memo`). */
export function directIncludes(root: string, dir: string, memo: Map<string, Includes>): Includes {
  let inc = memo.get(dir);
  if (!inc) memo.set(dir, (inc = includesOf(root, dir)));
  return inc;
}

export function kustomizationTree(root: string, path: string, memo = new Map<string, Includes>()): KustomizationTree {
  const dirs = new Set<string>();
  const remote: string[] = [];
  let broken = false;
  const visit = (dir: string): void => {
    if (dirs.has(dir)) return;
    dirs.add(dir);
    const inc = directIncludes(root, dir, memo);
    remote.push(...inc.remote);
    broken ||= inc.broken;
    inc.dirs.forEach(visit);
  };
  visit(path);
  return { dirs: [...dirs].sort(), remote, broken };
}

/** Content digest of every file under one directory (memoised per renderTargets call). */
function dirDigest(root: string, dir: string, memo: Map<string, string>): string {
  let d = memo.get(dir);
  if (d) return d;
  const h = createHash('sha256');
  {
    for (const f of filesUnder(join(root, dir), new Set())) {
      const abs = join(root, dir, f);
      h.update(`${f}\0`);
      h.update(readFileSync(abs));
      h.update('\0');
    }
  }
  memo.set(dir, (d = h.digest('hex')));
  return d;
}

/** Hash of everything a target's render can read, plus the kustomize binary and the target. */
export function inputKey(root: string, target: Target, memo = new Map<string, string>(), includes = new Map<string, Includes>()): string {
  const tree = kustomizationTree(root, target.path, includes);
  if (tree.broken) return `uncacheable-${Math.random()}`; // broken YAML: render fresh and let kustomize report it
  const h = createHash('sha256');
  // the binary by version and content, never by path: the key is the same wherever the checkout lives;
  // and the code that turns kustomize's output into objects and origins (render.ts and what it imports)
  h.update(`kustomize ${kustomizeVersion()}\0${kustomizeDigest()}\0${JSON.stringify(target)}\0`);
  h.update(`code ${codeDigest(new URL('./render.ts', import.meta.url).href)}\0`);
  for (const dir of tree.dirs) h.update(`${dir}\0${dirDigest(root, dir, memo)}\0`);
  return h.digest('hex');
}

