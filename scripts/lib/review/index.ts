// The rendered diff: every target (environment overlays, platform overlays,
// argocd/) rendered at a base ref and at the working tree (or a head ref), compared
// object by object. Image tag changes are pulled out so reviewers see them first.
import { defaultTargets, renderTargets, type RenderResult } from '../kustomize/index.ts';
import { containersOf, podTemplateOf, splitImage, type Target } from '../../../kube/index.ts';
import { compare, type FieldChange } from './compare.ts';
import { keyObjects, type Keyed } from './normalize.ts';
import { gitRaw, resolveCommit, resolveRef, withWorktree } from '../plumbing/git.ts';

export { UnknownRefError } from '../plumbing/git.ts';
export type { FieldChange } from './compare.ts';
export { format, formats, imagesText, targetText, type Format } from './format.ts';

export interface ObjectEntry {
  readonly ref: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  readonly origin?: string;
  readonly object: Record<string, any>;
}

export interface ObjectChange extends Omit<ObjectEntry, 'object'> {
  readonly changes: FieldChange[];
}

export interface ImageChange {
  readonly target: string;
  /** `Deployment/inventory` */
  readonly workload: string;
  readonly container: string;
  /** Image reference without tag or digest. */
  readonly repository: string;
  /** Tag or digest before; absent for a new workload or container. */
  readonly before?: string;
  /** Tag or digest after; absent for a removed workload or container. */
  readonly after?: string;
}

export interface TargetDiff {
  readonly target: string;
  readonly kind: Target['kind'];
  readonly path: string;
  /** Namespace the target renders into, when it has one. */
  readonly namespace?: string;
  readonly added: ObjectEntry[];
  readonly removed: ObjectEntry[];
  readonly changed: ObjectChange[];
  readonly images: ImageChange[];
  /** Render failure on either side: the target could not be compared. */
  readonly error?: string;
}

export interface Side {
  /** What the user asked for (`main`, `HEAD~1`), or `working tree`. */
  readonly label: string;
  readonly sha?: string;
  /** Working tree only: it has uncommitted changes (they are part of the diff). */
  readonly dirty?: boolean;
}

export interface RenderDiff {
  readonly base: Side;
  readonly head: Side;
  readonly targets: TargetDiff[];
}

export const hasChanges = (t: TargetDiff): boolean => !!(t.added.length || t.removed.length || t.changed.length || t.error);

/** Init and app containers of a workload-like object, by name and image. */
const imagesOf = (o: Record<string, any>): Array<[string, string]> => {
  const t = podTemplateOf(o);
  if (!t) return [];
  return [...containersOf(t, { init: true })]
    .sort((x, y) => Number(y.init) - Number(x.init))
    .filter((c) => typeof c.container.name === 'string' && typeof c.container.image === 'string')
    .map((c) => [c.container.name, c.container.image]);
};

function imageChanges(target: string, before: Keyed | undefined, after: Keyed | undefined): ImageChange[] {
  const b = new Map(before ? imagesOf(before.object) : []);
  const a = new Map(after ? imagesOf(after.object) : []);
  const k = (after ?? before)!;
  const workload = `${k.kind}/${k.name}`;
  const out: ImageChange[] = [];
  for (const name of new Set([...b.keys(), ...a.keys()])) {
    const x = b.get(name);
    const y = a.get(name);
    if (x === y) continue;
    const sx = x ? splitImage(x) : undefined;
    const sy = y ? splitImage(y) : undefined;
    if (sx && sy && sx.repository !== sy.repository) {
      // a different image altogether: show full references
      out.push({ target, workload, container: name, repository: `${sx.repository} → ${sy.repository}`, before: sx.version, after: sy.version });
    } else out.push({ target, workload, container: name, repository: (sy ?? sx)!.repository, before: sx?.version, after: sy?.version });
  }
  return out;
}

const entry = (k: Keyed): ObjectEntry => ({ ref: k.ref, kind: k.kind, namespace: k.namespace, name: k.name, origin: k.origin, object: k.object });

/** Compare one target's two renders. */
export function diffTarget(target: Target, before: RenderResult | undefined, after: RenderResult | undefined): TargetDiff {
  const base = { target: target.name, kind: target.kind, path: target.path, namespace: target.namespace };
  const failed = [before, after].find((r) => r?.findings.length);
  if (failed) {
    const side = failed === before ? 'base' : 'head';
    return { ...base, added: [], removed: [], changed: [], images: [], error: `${side}: ${failed.findings.map((f) => f.message).join('; ')}` };
  }
  const b = keyObjects(before?.objects ?? []);
  const a = keyObjects(after?.objects ?? []);
  const added: ObjectEntry[] = [];
  const removed: ObjectEntry[] = [];
  const changed: ObjectChange[] = [];
  const images: ImageChange[] = [];
  for (const [key, x] of b) {
    const y = a.get(key);
    images.push(...imageChanges(target.name, x, y));
    if (!y) removed.push(entry(x));
    else {
      const changes = compare(x.object, y.object);
      if (changes.length) changed.push({ ref: y.ref, kind: y.kind, namespace: y.namespace, name: y.name, origin: y.origin, changes });
    }
  }
  for (const [key, y] of a)
    if (!b.has(key)) {
      added.push(entry(y));
      images.push(...imageChanges(target.name, undefined, y));
    }
  const byRef = (p: { ref: string }, q: { ref: string }) => p.ref.localeCompare(q.ref);
  return { ...base, added: added.sort(byRef), removed: removed.sort(byRef), changed: changed.sort(byRef), images };
}

/** Targets of both sides, in the order of the head's defaultTargets (base-only ones last). */
function unionTargets(baseTargets: Target[], headTargets: Target[]): Target[] {
  const names = new Set(headTargets.map((t) => t.name));
  return [...headTargets, ...baseTargets.filter((t) => !names.has(t.name))];
}

async function renderTree(dir: string, only?: readonly string[], rendered?: Promise<readonly RenderResult[]>, cache = false): Promise<{ targets: Target[]; results: Map<string, RenderResult> }> {
  const targets = defaultTargets(dir, only);
  const results = await (rendered ?? renderTargets(dir, targets, { cache }));
  return { targets, results: new Map(results.map((r) => [r.target.name, r])) };
}

export interface DiffOptions {
  /** Repository root (the working tree side). */
  readonly root: string;
  readonly base: string;
  /** Compare against this ref instead of the working tree. */
  readonly head?: string;
  /** Only these targets (`prod`, `platform/prod`, `argocd`…). @default every target */
  readonly only?: readonly string[];
  /** Take renders whose inputs are unchanged from the render cache (renderTargets' `cache`). @default true */
  readonly cache?: boolean;
}

/**
 * What changes between `baseRev` and the tree at `headDir`, for the targets named
 * in `only` (Gitflow's promotion summary: the target branch before and after the merge).
 * `headRendered`: the caller's own render of `defaultTargets(headDir, only)`, so the head
 * is not rendered twice (promote digests the same render). `cache`: take unchanged renders from the
 * render cache (renderTargets' `cache`).
 */
export async function diffTrees(root: string, baseRev: string, headDir: string, only: readonly string[], headRendered?: Promise<readonly RenderResult[]>, opts: { cache?: boolean } = {}): Promise<TargetDiff[]> {
  if (!only.length) return [];
  const sha = await resolveRef(root, baseRev);
  const cache = opts.cache ?? false;
  const [b, h] = await Promise.all([withWorktree(root, sha, (dir) => renderTree(dir, only, undefined, cache)), renderTree(headDir, only, headRendered, cache)]);
  return unionTargets(b.targets, h.targets).map((t) => diffTarget(t, b.results.get(t.name), h.results.get(t.name)));
}

/** Render both sides and compare them. Throws UnknownRefError before rendering anything. */
export async function renderDiff(opts: DiffOptions): Promise<RenderDiff> {
  const baseSha = await resolveRef(opts.root, opts.base);
  const headSha = opts.head ? await resolveRef(opts.root, opts.head) : undefined;
  const cache = opts.cache ?? true;
  const renderAt = (sha: string) => withWorktree(opts.root, sha, (dir) => renderTree(dir, opts.only, undefined, cache));
  const [b, h] = await Promise.all([renderAt(baseSha), headSha ? renderAt(headSha) : renderTree(opts.root, opts.only, undefined, cache)]);
  const targets = unionTargets(b.targets, h.targets).map((t) => diffTarget(t, b.results.get(t.name), h.results.get(t.name)));
  // the working tree's label only: a failing git leaves it clean and headless
  const dirty = !opts.head && (await gitRaw(opts.root, ['status', '--porcelain', '--untracked-files=no', '--', '.'])).stdout.trim() !== '';
  return {
    base: { label: opts.base, sha: baseSha },
    head: opts.head ? { label: opts.head, sha: headSha } : { label: 'working tree', sha: await resolveCommit(opts.root, 'HEAD'), dirty },
    targets,
  };
}
