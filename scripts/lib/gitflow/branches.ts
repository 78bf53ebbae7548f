// Gitflow guardrails: every environment's branch exists, each downstream branch is
// contained in the one upstream of it (main ⊆ release ⊆ develop: hotfixes were
// back-merged), and which commits wait for promotion into each environment.
import { environments, type EnvName } from '../../../generators/environments.ts';
import { promotionOrder } from '../../../generators/argocd/delivery.ts';
import { commitsBetween, resolveCommit, type Commit } from '../plumbing/git.ts';
import type { Finding } from '../../../kube/index.ts';

export interface EnvironmentBranch {
  readonly env: EnvName;
  readonly branch: string;
  /** Resolved commit of the branch (local branch, else origin/<branch>); undefined when missing. */
  readonly commit?: string;
  /** The environment promoted from into this one (undefined for the first). */
  readonly from?: EnvName;
  /** Commits on the upstream branch that this one lacks: waiting for promotion, newest first. */
  readonly waiting: readonly Commit[];
  /** Commits on this branch that the upstream branch lacks (un-back-merged hotfixes), newest first. */
  readonly notBackMerged: readonly Commit[];
}

export interface BranchReport {
  readonly findings: Finding[];
  readonly environments: EnvironmentBranch[];
  /** One human line per environment (commits waiting for promotion), for validate's notes. */
  readonly notes: string[];
}

async function resolveBranch(root: string, branch: string): Promise<string | undefined> {
  return (await resolveCommit(root, `refs/heads/${branch}`)) ?? (await resolveCommit(root, `refs/remotes/origin/${branch}`));
}

const list = (cs: readonly Commit[], n = 5): string =>
  cs
    .slice(0, n)
    .map((c) => `${c.sha.slice(0, 7)} ${c.subject}`)
    .join('; ') + (cs.length > n ? `; … ${cs.length - n} more` : '');

/** `npm run validate -- --branches`: ancestry of the environment branches and commits waiting per environment. */
export async function checkBranches(root: string): Promise<BranchReport> {
  const findings: Finding[] = [];
  const resolved = new Map<EnvName, string | undefined>();
  for (const env of promotionOrder) {
    const branch = environments[env].branch;
    const commit = await resolveBranch(root, branch);
    resolved.set(env, commit);
    if (!commit)
      findings.push({
        rule: 'branches/missing',
        severity: 'error',
        message: `branch ${branch} (environment ${env}) does not exist locally or as origin/${branch}`,
        hint: `git fetch origin ${branch}, or create it from the next environment's branch`,
        target: 'branches',
      });
  }
  const out: EnvironmentBranch[] = [];
  for (const [i, env] of promotionOrder.entries()) {
    const branch = environments[env].branch;
    const commit = resolved.get(env);
    const from = i > 0 ? promotionOrder[i - 1] : undefined;
    const upstream = from ? resolved.get(from) : undefined;
    let waiting: Commit[] = [];
    let notBackMerged: Commit[] = [];
    if (commit && upstream && from) {
      const upBranch = environments[from].branch;
      waiting = await commitsBetween(root, commit, upstream);
      notBackMerged = await commitsBetween(root, upstream, commit);
      if (notBackMerged.length)
        findings.push({
          rule: 'branches/ancestry',
          severity: 'error',
          message: `${branch} (${env}) has ${notBackMerged.length} commit(s) that ${upBranch} (${from}) lacks — a hotfix not back-merged: ${list(notBackMerged)}`,
          hint: `git checkout ${upBranch} && git merge --no-ff ${branch}`,
          target: 'branches',
        });
    }
    out.push({ env, branch, commit, from, waiting, notBackMerged });
  }
  const report = { findings, environments: out, notes: [] as string[] };
  report.notes.push(...formatBranchReport(report).split('\n').map((l) => `branches: ${l}`));
  return report;
}

/** Human summary of a branch report, one line per environment. */
export function formatBranchReport(r: Pick<BranchReport, 'environments'>): string {
  const lines = r.environments.map((e) => {
    if (!e.commit) return `${e.env.padEnd(5)} ${e.branch.padEnd(8)} missing`;
    const head = `${e.env.padEnd(5)} ${e.branch.padEnd(8)} ${e.commit.slice(0, 7)}`;
    if (!e.from) return `${head}  (first environment)`;
    const up = r.environments.find((x) => x.env === e.from);
    if (!up?.commit) return `${head}  cannot compare: ${up?.branch ?? e.from} (${e.from}) is missing`;
    const w = e.waiting.length ? `${e.waiting.length} commit(s) waiting from ${e.from}: ${list(e.waiting, 3)}` : `up to date with ${e.from}`;
    return `${head}  ${w}${e.notBackMerged.length ? `; ${e.notBackMerged.length} not back-merged` : ''}`;
  });
  return lines.join('\n');
}
