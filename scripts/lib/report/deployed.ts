// `npm run report -- --branches`: render each target from the branch Argo CD
// deploys it from (dev from develop, test from release, prod from main, each
// cluster's platform overlay from its cluster's first environment's branch,
// argocd/ from the delivery branch), so the report shows what the clusters run
// rather than what this checkout proposes. A missing branch falls back to the
// working tree, and the report says so.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { deliveryBranch, platformBranchFor } from '../../../generators/argocd/delivery.ts';
import { environments } from '../../../generators/environments.ts';
import { resolveBranch, withWorktree } from '../plumbing/git.ts';
import { defaultTargets, renderTargets, type RenderResult } from '../kustomize/index.ts';
import type { Target } from '../../../kube/index.ts';

export interface TargetSource {
  readonly target: string;
  /** Branch the target is deployed from; undefined for targets no branch deploys (preview). */
  readonly branch?: string;
  /** The commit rendered; undefined when the working tree was rendered instead. */
  readonly commit?: string;
  /** Why the working tree was rendered instead of the branch. */
  readonly fallback?: string;
}

export function branchOf(t: Target): string | undefined {
  if (t.kind === 'env' && t.env) return environments[t.env].branch;
  if (t.kind === 'platform' && t.cluster) return platformBranchFor(t.cluster);
  if (t.kind === 'argocd') return deliveryBranch;
  return undefined;
}

/** Render every default target from its deploying branch (one worktree per distinct commit); `cache`: renderTargets' (default on). */
export async function renderDeployed(root: string, opts: { cache?: boolean } = {}): Promise<{ results: RenderResult[]; sources: TargetSource[] }> {
  const cache = opts.cache ?? true;
  const targets = defaultTargets(root);
  const sources = new Map<string, TargetSource>();
  const bySha = new Map<string, Target[]>();
  const local: Target[] = [];
  for (const t of targets) {
    const branch = branchOf(t);
    const sha = branch ? await resolveBranch(root, branch) : undefined;
    if (branch && sha) {
      bySha.set(sha, [...(bySha.get(sha) ?? []), t]);
      sources.set(t.name, { target: t.name, branch, commit: sha });
    } else {
      local.push(t);
      sources.set(t.name, {
        target: t.name,
        branch,
        fallback: branch ? `branch ${branch} not found (locally or as origin/${branch})` : 'no branch deploys it',
      });
    }
  }
  const rendered = await Promise.all([
    ...[...bySha].map(([sha, ts]) =>
      withWorktree(root, sha, async (dir) => {
        const present = ts.filter((t) => existsSync(join(dir, t.path)));
        for (const t of ts.filter((x) => !present.includes(x)))
          sources.set(t.name, { ...sources.get(t.name)!, commit: undefined, fallback: `${t.path} does not exist on ${sources.get(t.name)!.branch}` });
        const results = await renderTargets(dir, present, { cache });
        return results.map((r) => ({
          ...r,
          // name files by repository path, not by the temporary worktree
          findings: r.findings.map((f) => ({ ...f, message: f.message.split(dir + '/').join('') })),
        }));
      }),
    ),
    renderTargets(root, local, { cache }),
  ]);
  const all = rendered.flat();
  const results = targets.map((t) => all.find((r) => r.target.name === t.name)).filter((r): r is RenderResult => !!r);
  return { results, sources: targets.map((t) => sources.get(t.name)!) };
}
