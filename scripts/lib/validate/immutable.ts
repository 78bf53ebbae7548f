// Immutable fields against what is deployed: each environment's rendered objects, and each
// cluster's platform overlay's, compared with what the Git branch its Argo CD Application tracks
// renders (what Argo CD applied last), field rules from
// policies/apiserver/immutable.ts. A change the API server refuses on update is an error on the
// overlay or base line that made it. The branch's render is cached by its tree hash.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { platformBranchFor } from '../../../generators/argocd/delivery.ts';
import { environments } from '../../../generators/environments.ts';
import { immutableFieldChanges } from '../../../policies/apiserver/index.ts';
import { key, objectRef, type Finding, type RenderedObject, type Target } from '../../../kube/index.ts';
import { kustomizeVersion, renderTargets, type RenderResult } from '../kustomize/index.ts';
import { readCache, writeCache } from '../kustomize/render-cache.ts';
import { codeDigest } from '../plumbing/code.ts';
import { contentHash } from '../plumbing/cache.ts';
import { extractTree, gitRaw } from '../plumbing/git.ts';

export interface BranchRender {
  readonly target: Target;
  readonly branch: string;
  /** Commit of the branch, or undefined when it is not there (fresh clone: skipped with a note). */
  readonly commit?: string;
  readonly objects?: readonly RenderedObject[];
  readonly note?: string;
}

/** Local and remote-tracking branches with their commit and tree, in one git process. */
async function branchHeads(root: string, branches: readonly string[]): Promise<Map<string, { commit: string; tree: string }> | undefined> {
  const refs = branches.flatMap((b) => [`refs/heads/${b}`, `refs/remotes/origin/${b}`]);
  const r = await gitRaw(root, ['for-each-ref', '--format=%(refname) %(objectname) %(tree)', ...refs]);
  if (r.code !== 0) return undefined; // not a git checkout
  const heads = new Map<string, { commit: string; tree: string }>();
  for (const line of r.stdout.split('\n')) {
    const [ref, commit, tree] = line.split(' ');
    if (!ref || !commit || !tree) continue;
    const branch = ref.replace(/^refs\/(heads|remotes\/origin)\//, '');
    // the local branch wins over origin's (plumbing/git.ts resolveBranch)
    if (!heads.has(branch) || ref.startsWith('refs/heads/')) heads.set(branch, { commit, tree });
  }
  return heads;
}

/**
 * The branch Argo CD syncs a target from: an environment's own branch; a cluster's platform overlay,
 * the branch the platform ApplicationSet gives its Application (generators/argocd/delivery.ts).
 * undefined for targets not compared (the preview, argocd/).
 */
function deployedBranch(t: Target): string | undefined {
  if (t.kind === 'env' && t.env) return environments[t.env].branch;
  if (t.kind === 'platform' && t.cluster) return platformBranchFor(t.cluster);
  return undefined;
}

/** Render each environment and platform target as its branch has it, from the cache when that tree was rendered before. */
export async function renderBranches(root: string, targets: readonly Target[]): Promise<BranchRender[]> {
  const deployed = targets.flatMap((t) => {
    const branch = deployedBranch(t);
    return branch ? [{ t, branch }] : [];
  });
  const heads = deployed.length ? await branchHeads(root, [...new Set(deployed.map((d) => d.branch))]) : new Map();
  if (!heads) return deployed.map(({ t, branch }) => ({ target: t, branch, note: `immutable fields: ${root} is not a git checkout; not compared with ${branch}` }));
  return Promise.all(
    deployed.map(async ({ t, branch }): Promise<BranchRender> => {
      const head = heads.get(branch);
      if (!head) return { target: t, branch, note: `immutable fields of ${t.name}: branch ${branch} is not here (git fetch origin ${branch}:${branch}); not compared` };
      const { commit, tree } = head;
      // keyed by the commit's tree, kustomize's version and the target: the same wherever the checkout lives
      const cacheKey = `branch-${contentHash(JSON.stringify(['branch-render', kustomizeVersion(), codeDigest(import.meta.url), tree, t]))}`;
      const hit = readCache(cacheKey, t);
      if (hit) return { target: t, branch, commit, objects: hit.objects };
      const dir = mkdtempSync(join(tmpdir(), 'marquee-branch-'));
      try {
        await extractTree(root, commit, dir);
        const [r] = await renderTargets(dir, [t], { cache: true });
        if (!r || r.findings.length) return { target: t, branch, commit, note: `immutable fields of ${t.name}: ${branch} (${commit.slice(0, 7)}) does not render; not compared` };
        writeCache(cacheKey, r as RenderResult);
        return { target: t, branch, commit, objects: r.objects };
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }),
  );
}

/** The deepest path under `path` where `a` and `b` differ in one place, so the finding lands on the line that changed it. */
function narrow(path: string, a: unknown, b: unknown): string {
  for (;;) {
    if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
      const [x, y] = [a as unknown[], b as unknown[]];
      const diff = x.map((_, i) => i).filter((i) => JSON.stringify(x[i]) !== JSON.stringify(y[i]));
      if (diff.length !== 1) return path;
      path = `${path}[${diff[0]}]`;
      [a, b] = [x[diff[0]!], y[diff[0]!]];
    } else if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
      const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => JSON.stringify((a as any)[k]) !== JSON.stringify((b as any)[k]));
      if (keys.length !== 1 || !(keys[0]! in b)) return path;
      path = key(path, keys[0]!);
      [a, b] = [(a as any)[keys[0]!], (b as any)[keys[0]!]];
    } else return path;
  }
}

const get = (o: unknown, path: string): unknown => path.split('.').reduce<any>((v, k) => v?.[k], o);

/** Errors for every object of `rendered` whose immutable fields differ from the branch's render of it. */
export function immutableFindings(rendered: readonly RenderedObject[], branches: readonly BranchRender[]): Finding[] {
  const out: Finding[] = [];
  for (const b of branches) {
    if (!b.objects) continue;
    const live = new Map(b.objects.map((r) => [objectRef(r.object), r.object]));
    for (const r of rendered) {
      if (r.target.name !== b.target.name) continue;
      const old = live.get(objectRef(r.object));
      if (!old) continue;
      for (const c of immutableFieldChanges(old, r.object)) {
        const path = narrow(c.path, get(old, c.path), get(r.object, c.path));
        out.push({
          rule: 'apiserver/immutable',
          severity: 'error',
          target: r.target.name,
          object: objectRef(r.object),
          ...(r.origin ? { file: r.origin } : {}),
          path,
          message: `would be refused on update: ${c.path}: ${c.message} (${c.fn}); ${b.branch} (${b.commit!.slice(0, 7)}), what Argo CD applied, has another value`,
          hint: `${c.hint}; or revert the change`,
        });
      }
    }
  }
  return out;
}
