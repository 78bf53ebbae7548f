// Gitflow guardrails: every environment's branch exists; each later branch holds nothing
// the one before it lacks, judged by content (scripts/lib/gitflow/content.ts: promotion and
// back-merge commits never count, a hotfix is named by path and commit); and what waits for
// promotion into each environment. `promote` refuses by the same rule.
import { environments, type EnvName } from '../../../generators/environments.ts';
import { promotionOrder } from '../../../generators/argocd/delivery.ts';
import { commitsBetween, isAncestor, resolveBranch, git, type Commit } from '../plumbing/git.ts';
import type { Finding } from '../../../kube/index.ts';
import { compareContent, hotfixCommits, type Hotfix } from './content.ts';
import { promotionRecords } from './evidence.ts';

export interface EnvironmentBranch {
  readonly env: EnvName;
  readonly branch: string;
  /** Resolved commit of the branch (local branch, else origin/<branch>); undefined when missing. */
  readonly commit?: string;
  /** The environment promoted from into this one (undefined for the first). */
  readonly from?: EnvName;
  /** Paths whose upstream content this branch lacks: waiting for promotion. */
  readonly waitingPaths: readonly string[];
  /** Upstream commits since the last promotion that touched a waiting path, newest first. */
  readonly waiting: readonly Commit[];
  /** Content on this branch that the upstream branch never had (un-back-merged hotfixes). */
  readonly hotfixes: readonly Hotfix[];
  /** The commits that made `hotfixes`, newest first. */
  readonly notBackMerged: readonly Commit[];
}

export interface BranchReport {
  readonly findings: Finding[];
  readonly environments: EnvironmentBranch[];
  /** One human line per environment (commits waiting for promotion), for validate's notes. */
  readonly notes: string[];
}

const list = (cs: readonly Commit[], n = 5): string =>
  cs
    .slice(0, n)
    .map((c) => `${c.sha.slice(0, 7)} ${c.subject}`)
    .join('; ') + (cs.length > n ? `; … ${cs.length - n} more` : '');

const paths = (ps: readonly string[], n = 5): string => ps.slice(0, n).join(', ') + (ps.length > n ? `, … ${ps.length - n} more` : '');

/** Upstream commits waiting: since the last recorded promotion's source when it is upstream's ancestor, touching the waiting paths. */
async function waitingCommits(root: string, env: EnvName, commit: string, upstream: string, waitingPaths: readonly string[]): Promise<Commit[]> {
  if (!waitingPaths.length) return [];
  const last = (await promotionRecords(root, commit, env))[0];
  const since = last?.source && (await isAncestor(root, last.source, upstream).catch(() => false)) ? last.source : commit;
  const touched = new Set((await git(root, 'log', '--format=%H', `${since}..${upstream}`, '--', ...waitingPaths)).split('\n').filter(Boolean));
  return (await commitsBetween(root, since, upstream)).filter((c) => touched.has(c.sha));
}

/** `npm run validate -- --branches`: content of the environment branches and what waits per environment. */
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
    let waitingPaths: readonly string[] = [];
    let hotfixes: readonly Hotfix[] = [];
    let notBackMerged: Commit[] = [];
    if (commit && upstream && from) {
      const upBranch = environments[from].branch;
      const c = await compareContent(root, upstream, commit);
      hotfixes = c.hotfixes;
      waitingPaths = c.waiting;
      notBackMerged = hotfixCommits(hotfixes);
      waiting = await waitingCommits(root, env, commit, upstream, waitingPaths);
      if (hotfixes.length)
        findings.push({
          rule: 'branches/hotfix',
          severity: 'error',
          message: `${branch} (${env}) has content that ${upBranch} (${from}) never had — a hotfix not back-merged: ${paths(hotfixes.map((h) => h.path))}${notBackMerged.length ? ` (${list(notBackMerged)})` : ''}`,
          hint: `git checkout ${upBranch} && git merge --no-ff ${branch}`,
          target: 'branches',
          file: hotfixes[0]!.path,
        });
    }
    out.push({ env, branch, commit, from, waitingPaths, waiting, hotfixes, notBackMerged });
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
    const w = e.waitingPaths.length
      ? `${e.waitingPaths.length} file(s) waiting from ${e.from}${e.waiting.length ? ` (${e.waiting.length} commit(s): ${list(e.waiting, 3)})` : ''}`
      : `up to date with ${e.from}`;
    return `${head}  ${w}${e.hotfixes.length ? `; ${e.hotfixes.length} file(s) not back-merged` : ''}`;
  });
  return lines.join('\n');
}

/** JSON for validate's `--format json`: per environment, commits and paths, no Commit dates noise. */
export function branchesJson(r: Pick<BranchReport, 'environments'>): unknown {
  const c = (cs: readonly Commit[]) => cs.map((x) => ({ sha: x.sha, subject: x.subject }));
  return r.environments.map((e) => ({
    env: e.env,
    branch: e.branch,
    commit: e.commit ?? null,
    from: e.from ?? null,
    waitingPaths: e.waitingPaths,
    waiting: c(e.waiting),
    hotfixes: e.hotfixes.map((h) => ({ path: h.path, commits: c(h.commits) })),
  }));
}
