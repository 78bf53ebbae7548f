// `npm run promote -- --from dev --to test`: promotion by merge (Gitflow). Creates a
// promotion branch from the target environment's branch in a temporary worktree
// (the caller's checkout is never touched) holding one commit with the merged tree, runs
// validate there, and summarises what the merge changes in the rendered manifests
// of everything Argo CD deploys from the target branch. Refuses on a dirty tree,
// missing branches, skipped environments and un-back-merged target commits.
import { createHash } from 'node:crypto';
import { accessSync, constants, existsSync, mkdirSync, mkdtempSync, readdirSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { clusters, environments, envNames, type ClusterName, type EnvName } from '../../../generators/environments.ts';
import { platformBranchFor, platformOverlay, promotionOrder } from '../../../generators/argocd/delivery.ts';
import { branchExists, commitsBetween, dirtyFiles, git, gitRaw, isAncestor, type Commit } from '../plumbing/git.ts';
import { commandLine, run as runProcess } from '../plumbing/process.ts';
import { compareContent, hotfixCommits, treeOf } from './content.ts';
import { digestsOf, promotionRecords, renderUnits, sharedDigest, trailers } from './evidence.ts';
import { kustomizeBuild } from '../kustomize/index.ts';
import { diffTrees, imagesText, targetText, type TargetDiff } from '../review/index.ts';

export class PromoteError extends Error {}

export interface PromoteOptions {
  readonly root: string;
  readonly from: string;
  readonly to: string;
  /** Push the promotion branch and open a pull request (gh) instead of printing the commands. */
  readonly push?: boolean;
  /** Promote even though the target branch has commits the source lacks (they stay in the target). */
  readonly includeTargetCommits?: boolean;
  /** Name of the promotion branch. @default promote/<from>-to-<to>-<UTC yyyymmdd-HHMMSS> */
  readonly branch?: string;
  /**
   * How to validate the merged tree: `auto` runs `scripts/validate.ts` when the
   * promoted tree has it, else `kustomize build` of every overlay; `skip` does
   * nothing; an argv runs that command in the merged tree. @default 'auto'
   */
  readonly validate?: 'auto' | 'skip' | readonly string[];
  readonly remote?: string;
  /** Path of the GitHub CLI; null = treat as absent; undefined = look it up on PATH. */
  readonly gh?: string | null;
  readonly now?: Date;
  /**
   * Take renders whose inputs are unchanged from the render cache (evidence.ts EvidenceOptions);
   * false renders every unit with kustomize. @default true
   */
  readonly cache?: boolean;
}

export interface Validation {
  readonly command: string;
  readonly ok: boolean;
  readonly output: string;
}

export interface PromoteResult {
  readonly branch: string;
  readonly fromBranch: string;
  readonly toBranch: string;
  /** Commits the promotion brings into the target, newest first. */
  readonly commits: readonly Commit[];
  /** Commits the target has and the source lacks (only with includeTargetCommits). */
  readonly targetOnly: readonly Commit[];
  readonly validation?: Validation;
  /** What the promotion changes in each unit the target branch deploys (the review engine's diff). */
  readonly changes: readonly TargetDiff[];
  /** Commands that were run (push) or that the user should run next. */
  readonly next: readonly string[];
  readonly pushed: boolean;
  readonly pullRequest?: string;
  /** True when the target's tree already equals the source's: nothing to promote, no branch was created. */
  readonly upToDate: boolean;
  /** The promotion commit (its message carries the evidence trailers). */
  readonly record?: string;
  /** The evidence trailers (also the last lines of the pull request's body). */
  readonly evidence?: readonly string[];
}

async function run(cmd: string, args: readonly string[], cwd: string): Promise<{ code: number; out: string }> {
  const r = await runProcess(cmd, args, { cwd });
  return { code: r.code, out: `${r.stdout}${r.stderr}`.trim() };
}

function findOnPath(bin: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const p = join(dir, bin);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      /* next */
    }
  }
  return undefined;
}

const stamp = (d: Date): string => d.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
const short = (cs: readonly Commit[]): string => cs.map((c) => `  ${c.sha.slice(0, 7)} ${c.subject}`).join('\n');

/** What Argo CD deploys from a branch: environments tracking it, and platform overlays of clusters tracking it. */
/**
 * Where the body of a pull request for `branch` is written for `gh pr create --body-file`: named by the checkout
 * as well as the branch, so two checkouts (two promotions running at once) never share one file.
 */
export function pullRequestBodyFile(root: string, branch: string): string {
  const checkout = createHash('sha1').update(root).digest('hex').slice(0, 8);
  return join(tmpdir(), `marquee-${checkout}-${branch.replace(/\//g, '-')}.md`);
}

export function unitsOn(branch: string): { unit: string; path: string }[] {
  const units: { unit: string; path: string }[] = envNames.filter((e) => environments[e].branch === branch).map((e) => ({ unit: e as string, path: environments[e].overlay as string }));
  for (const c of Object.keys(clusters) as ClusterName[]) {
    try {
      if (platformBranchFor(c) === branch) units.push({ unit: `platform/${c}`, path: platformOverlay(c) });
    } catch {
      /* cluster without environments */
    }
  }
  return units;
}

/**
 * Give the promoted tree this checkout's installed packages, except the workspace
 * packages (`@marquee/*`), which must resolve to the promoted tree's own apps/.
 */
function linkNodeModules(src: string, dir: string): void {
  const dst = join(dir, 'node_modules');
  if (existsSync(dst)) return;
  mkdirSync(dst);
  for (const entry of readdirSync(src)) {
    if (entry === '@marquee') {
      mkdirSync(join(dst, entry));
      for (const app of readdirSync(join(src, entry))) {
        const target = join(dir, 'apps', basename(readlinkSync(join(src, entry, app))));
        if (existsSync(target)) symlinkSync(target, join(dst, entry, app), 'dir');
      }
    } else symlinkSync(join(src, entry), join(dst, entry));
  }
}

async function validateTree(dir: string, root: string, how: PromoteOptions['validate']): Promise<Validation | undefined> {
  if (how === 'skip') return undefined;
  if (Array.isArray(how)) {
    const r = await run(how[0]!, how.slice(1), dir);
    return { command: how.join(' '), ok: r.code === 0, output: r.out };
  }
  // Installed packages: the repository's own, else those of the checkout this tool runs from.
  const modules = [join(root, 'node_modules'), fileURLToPath(new URL('../../../node_modules', import.meta.url))].find((m) => existsSync(m));
  if (existsSync(join(dir, 'scripts/validate.ts')) && modules) {
    linkNodeModules(modules, dir);
    const r = await run(process.execPath, ['--import', 'tsx', 'scripts/validate.ts'], dir);
    return { command: 'npx tsx scripts/validate.ts', ok: r.code === 0, output: r.out };
  }
  // No validate pipeline in the promoted tree: at least every overlay must build.
  const paths = [...envNames.map((e) => environments[e].overlay as string), ...(Object.keys(clusters) as ClusterName[]).map(platformOverlay)].filter((p) =>
    existsSync(join(dir, p, 'kustomization.yaml')),
  );
  const errors: string[] = [];
  for (const p of paths) {
    const r = await kustomizeBuild(join(dir, p));
    if (!r.ok) errors.push(r.error);
  }
  return {
    command: `kustomize build ${paths.join(' ')} (scripts/validate.ts not found in the promoted tree)`,
    ok: errors.length === 0,
    output: errors.join('\n') || `${paths.length} overlays build`,
  };
}

export async function promote(opts: PromoteOptions): Promise<PromoteResult> {
  const { root } = opts;
  for (const [flag, v] of [['--from', opts.from], ['--to', opts.to]] as const)
    if (!envNames.includes(v as EnvName)) throw new PromoteError(`${flag} ${v}: unknown environment (one of ${envNames.join(', ')})`);
  const from = opts.from as EnvName;
  const to = opts.to as EnvName;
  const i = promotionOrder.indexOf(from);
  if (promotionOrder[i + 1] !== to)
    throw new PromoteError(
      `cannot promote ${from} → ${to}: promotions go one step along ${promotionOrder.join(' → ')}${promotionOrder[i + 1] ? ` (from ${from} the next is ${promotionOrder[i + 1]})` : ` (${from} is the last environment)`}`,
    );
  const fromBranch = environments[from].branch;
  const toBranch = environments[to].branch;

  const dirty = await dirtyFiles(root);
  if (dirty.length)
    throw new PromoteError(
      `the working tree is dirty (${dirty.length} change(s): ${dirty.slice(0, 5).map((l) => l.slice(3)).join(', ')}${dirty.length > 5 ? ', …' : ''}); commit or stash first`,
    );
  const missing = [];
  for (const b of [fromBranch, toBranch]) if (!(await branchExists(root, b))) missing.push(b);
  if (missing.length)
    throw new PromoteError(`branch(es) ${missing.join(', ')} missing; create or fetch them first (git fetch origin ${missing.join(' ')}; git branch <b> origin/<b>)`);

  // The one rule (content.ts, shared with validate --branches): the target holds nothing the source lacks.
  const content = await compareContent(root, fromBranch, toBranch);
  const targetOnly = hotfixCommits(content.hotfixes);
  if (content.hotfixes.length && !opts.includeTargetCommits)
    throw new PromoteError(
      `${toBranch} (${to}) has content that ${fromBranch} (${from}) never had — a hotfix not back-merged: ${content.hotfixes.map((h) => h.path).join(', ')}\n${short(targetOnly)}\n` +
        `back-merge first (git checkout ${fromBranch} && git merge --no-ff ${toBranch}), or pass --include-target-commits to promote anyway`,
    );
  const branch = opts.branch ?? `promote/${from}-to-${to}-${stamp(opts.now ?? new Date())}`;
  if (!content.differing.length)
    return { branch, fromBranch, toBranch, commits: [], targetOnly, changes: [], next: [], pushed: false, upToDate: true };
  // Commits the promotion brings: since the last recorded promotion's source (squash merges
  // leave no ancestry), else everything the target's history lacks.
  const last = (await promotionRecords(root, toBranch, to))[0];
  const since = last?.source && (await isAncestor(root, last.source, fromBranch).catch(() => false)) ? last.source : toBranch;
  const commits = await commitsBetween(root, since, fromBranch);
  if (await branchExists(root, branch)) throw new PromoteError(`branch ${branch} already exists; delete it or pass --branch <name>`);
  const [sourceSha, targetSha] = [(await git(root, 'rev-parse', fromBranch)).trim(), (await git(root, 'rev-parse', toBranch)).trim()];

  const scratch = mkdtempSync(join(tmpdir(), 'marquee-promote-'));
  const wt = join(scratch, 'tree');
  let created = false;
  let keep = false;
  try {
    const subject = `Promote ${from} → ${to}: merge ${fromBranch} into ${toBranch}`;
    // One commit on top of the target, never a merge commit: GitHub's rebase merge drops a
    // pull request's merge commits (and with them the evidence in the message) or refuses
    // ("cannot be rebased safely"); a single commit is replayed with its message by a rebase
    // merge, kept by a merge commit, and its record copied from the PR body by a squash.
    // The source's history is not needed in the target's: the rule is by content (content.ts)
    // and the record names the source commit.
    let promoted: string;
    if (!content.hotfixes.length) {
      // The target holds nothing of its own: the promoted tree is exactly the source's tree
      // (no three-way merge, so a stale merge base left by squash merges cannot conflict).
      promoted = (await git(root, 'commit-tree', await treeOf(root, fromBranch), '-p', targetSha, '-m', subject)).trim();
    } else {
      const m = await gitRaw(root, ['merge-tree', '--write-tree', '--name-only', targetSha, sourceSha]);
      if (m.code !== 0) {
        // --name-only: the tree, then one conflicted path per line up to a blank line, then messages
        const rest = m.stdout.split('\n').slice(1);
        const conflicts = [...new Set(rest.slice(0, Math.max(0, rest.indexOf(''))))];
        throw new PromoteError(
          conflicts.length
            ? `merging ${fromBranch} into ${toBranch} conflicts in ${conflicts.join(', ')}; resolve on ${fromBranch} (merge ${toBranch} into it) and retry`
            : `git merge-tree ${fromBranch} ${toBranch} failed: ${(m.stderr || m.stdout).trim()}`,
        );
      }
      promoted = (await git(root, 'commit-tree', m.stdout.split('\n')[0]!.trim(), '-p', targetSha, '-m', subject)).trim();
    }
    await git(root, 'worktree', 'add', '--quiet', '-b', branch, wt, promoted);
    created = true;
    const validation = await validateTree(wt, root, opts.validate ?? 'auto');
    if (validation && !validation.ok) throw new PromoteError(`validation of the promoted tree failed (${validation.command}):\n${validation.output}`);

    // What the merge changes where Argo CD deploys from the target branch: the review
    // engine of `npm run diff`, over the units that branch deploys.
    // The promoted tree is rendered once: the diff's head side and the evidence's digests.
    const units = unitsOn(toBranch).map((u) => u.unit);
    const cache = opts.cache ?? true;
    const headRender = renderUnits(wt, units, { cache });
    const digested = headRender.then(digestsOf).then(
      (d) => ({ digests: d.digests }),
      (e: Error) => ({ error: e }),
    );
    // (the render is awaited before anything is thrown: the worktree is removed only after it)
    const changes = await diffTrees(root, toBranch, wt, units, headRender, { cache }).finally(() => digested);

    // Evidence (evidence.ts): trailers on the promotion commit and at the end of the PR body.
    const d = await digested;
    if ('error' in d) throw new PromoteError(`the promoted tree does not render: ${d.error.message}`);
    const rendered: Record<string, string> = d.digests;
    const evidence = trailers(
      { from, to, source: sourceSha, target: targetSha, rendered, shared: await sharedDigest(root, promoted, to), validate: validation ? `ok (${validation.command})` : 'skipped' },
      { from: fromBranch, to: toBranch },
    );
    const message = [subject, '', ...commits.map((c) => `- ${c.sha.slice(0, 7)} ${c.subject}`), '', ...evidence].join('\n');
    await git(wt, 'commit', '--quiet', '--amend', '--no-verify', '-m', message);
    const record = (await git(wt, 'rev-parse', 'HEAD')).trim();

    const remote = opts.remote ?? 'origin';
    const title = `Promote ${from} → ${to} (${commits.length} commit${commits.length === 1 ? '' : 's'})`;
    const body = [
      `Promotes \`${fromBranch}\` into \`${toBranch}\` (environment **${to}**).`,
      '',
      '## Commits',
      ...commits.map((c) => `- ${c.sha.slice(0, 7)} ${c.subject}`),
      '',
      '## Rendered changes',
      '```',
      ...changes.flatMap((t) => targetText(t)),
      '```',
      validation ? `\nValidated with \`${validation.command}\`.` : '',
      '',
      '<!-- promotion record: keep these lines last; a squash merge copies them into the commit -->',
      ...evidence,
    ].join('\n');
    const bodyFile = pullRequestBodyFile(root, branch);
    writeFileSync(bodyFile, body);
    const base = { branch, fromBranch, toBranch, commits, targetOnly, validation, changes, record, evidence, upToDate: false } as const;
    const gh = opts.gh === null ? undefined : (opts.gh ?? findOnPath('gh'));
    const pushCmd = ['git', 'push', '-u', remote, branch];
    const prCmd = ['gh', 'pr', 'create', '--base', toBranch, '--head', branch, '--title', title, '--body-file', bodyFile];
    const next = [commandLine(pushCmd[0]!, pushCmd.slice(1)), commandLine(prCmd[0]!, prCmd.slice(1))];
    keep = true;
    if (opts.push) {
      const p = await gitRaw(root, pushCmd.slice(1));
      if (p.code !== 0) throw new PromoteError(`${next[0]} failed: ${p.stderr.trim()}\nthe promotion branch ${branch} is kept; push it by hand`);
      if (gh) {
        const r = await run(gh, prCmd.slice(1), root);
        if (r.code !== 0) throw new PromoteError(`${next[1]} failed: ${r.out}\nthe branch is pushed; open the pull request by hand`);
        return { ...base, next, pushed: true, pullRequest: r.out.split('\n').pop() };
      }
      return { ...base, next: [next[1]!], pushed: true };
    }
    return { ...base, next, pushed: false };
  } finally {
    if (created) await gitRaw(root, ['worktree', 'remove', '--force', wt]);
    if (created && !keep) await gitRaw(root, ['branch', '-D', branch]);
    rmSync(scratch, { recursive: true, force: true });
  }
}

export function formatPromotion(r: PromoteResult, from: string, to: string): string {
  if (r.upToDate) return `promote: nothing to promote: ${r.toBranch} (${to}) already has exactly the content of ${r.fromBranch} (${from})`;
  const lines = [
    `promote: ${from} → ${to}: branch ${r.branch} = ${r.toBranch} + merge of ${r.fromBranch} (${r.commits.length} commit(s))`,
    short(r.commits),
  ];
  if (r.targetOnly.length) lines.push(`kept from ${r.toBranch} (not on ${r.fromBranch}; back-merge them):`, short(r.targetOnly));
  if (r.validation) lines.push(`validate: ${r.validation.command}: ok`);
  else lines.push('validate: skipped');
  lines.push('', 'what changes where Argo CD deploys from ' + r.toBranch + ':', ...imagesText(r.changes.flatMap((t) => t.images)), ...r.changes.flatMap((t) => targetText(t)), '');
  if (r.pushed) lines.push(`pushed ${r.branch}${r.pullRequest ? `; pull request: ${r.pullRequest}` : ''}`);
  if (r.next.length && !r.pullRequest) lines.push(r.pushed ? 'gh CLI not found; open the pull request with:' : 'next:', ...r.next.map((c) => `  ${c}`));
  return lines.join('\n');
}
