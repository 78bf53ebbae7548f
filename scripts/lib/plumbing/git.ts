// git, the one module: run it (through the process runner), read any revision without
// a checkout (ls-tree, show, cat-file), ancestry and commit lists for the Gitflow
// guardrails, and the two ways a ref is put on disk: `extractTree` (a plain copy of the
// tree, no bookkeeping) and `withWorktree` (a checkout that is always removed again).
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { run, runOk, type RunResult } from './process.ts';

export class GitError extends Error {
  constructor(
    readonly args: readonly string[],
    readonly code: number,
    readonly stderr: string,
  ) {
    super(`git ${args.join(' ')} failed (exit ${code}): ${stderr.trim() || 'no output'}`);
  }
}

export type GitResult = RunResult;

const gitEnv = { GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' };

/** Run git in `cwd`; never throws on a non-zero exit (see `git()` for that). */
export function gitRaw(cwd: string, args: readonly string[], input?: string): Promise<GitResult> {
  return run('git', args, { cwd, env: gitEnv, input });
}

/** Run git and return stdout; throws GitError naming the command on failure. */
export async function git(cwd: string, ...args: string[]): Promise<string> {
  const r = await gitRaw(cwd, args);
  if (r.code !== 0) throw new GitError(args, r.code, r.stderr);
  return r.stdout;
}

/** The commit a revision names, or undefined when it does not resolve to a commit. */
export async function resolveCommit(cwd: string, rev: string): Promise<string | undefined> {
  const r = await gitRaw(cwd, ['rev-parse', '--verify', '--quiet', `${rev}^{commit}`]);
  return r.code === 0 ? r.stdout.trim() : undefined;
}

/** Whether a local branch exists. */
export async function branchExists(cwd: string, branch: string): Promise<boolean> {
  return (await gitRaw(cwd, ['show-ref', '--verify', '--quiet', `refs/heads/${branch}`])).code === 0;
}

export async function currentBranch(cwd: string): Promise<string | undefined> {
  const r = await gitRaw(cwd, ['symbolic-ref', '--quiet', '--short', 'HEAD']);
  return r.code === 0 ? r.stdout.trim() : undefined;
}

export async function topLevel(cwd: string): Promise<string> {
  return (await git(cwd, 'rev-parse', '--show-toplevel')).trim();
}

/** `git merge-base --is-ancestor a b`: every commit of `a` is in `b`. */
export async function isAncestor(cwd: string, a: string, b: string): Promise<boolean> {
  const r = await gitRaw(cwd, ['merge-base', '--is-ancestor', a, b]);
  if (r.code === 0) return true;
  if (r.code === 1) return false;
  throw new GitError(['merge-base', '--is-ancestor', a, b], r.code, r.stderr);
}

export interface Commit {
  readonly sha: string;
  readonly subject: string;
  readonly author: string;
  /** ISO 8601 committer date */
  readonly date: string;
}

/** Commits reachable from `to` but not from `from` (`git log from..to`), newest first. Merge commits included. */
export const commitsBetween = (cwd: string, from: string, to: string): Promise<Commit[]> => commitLog(cwd, `${from}..${to}`);

/** `git log <range> -- <paths>`: the commits of a revision range that touch the paths (all when none), newest first. */
export async function commitLog(cwd: string, range: string, paths: readonly string[] = []): Promise<Commit[]> {
  const out = await git(cwd, 'log', '--format=%H%x00%s%x00%an%x00%cI', range, '--', ...paths);
  return out
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [sha, subject, author, date] = line.split('\0');
      return { sha: sha!, subject: subject!, author: author!, date: date! };
    });
}

/** The checked-out branch (`HEAD` when detached) and its commit, in one git call. */
export async function currentHead(root: string): Promise<{ branch: string; commit?: string }> {
  // `--abbrev-ref` applies to the arguments after it: the commit first, then the branch name.
  const r = await gitRaw(root, ['rev-parse', 'HEAD', '--abbrev-ref', 'HEAD']);
  const [commit, branch] = r.code === 0 ? r.stdout.trim().split('\n') : [];
  return { branch: branch || 'HEAD', commit: commit && /^[0-9a-f]{40}$/.test(commit) ? commit : undefined };
}

/** Porcelain status lines of the working tree (tracked and untracked changes); empty when clean. */
export async function dirtyFiles(cwd: string, opts: { untracked?: boolean } = {}): Promise<string[]> {
  const out = await git(cwd, 'status', '--porcelain=v1', `--untracked-files=${opts.untracked === false ? 'no' : 'normal'}`);
  return out.split('\n').filter(Boolean);
}

export interface TreeEntry {
  /** `blob` or `tree` (submodules, `commit`, are reported too) */
  readonly type: string;
  readonly path: string;
  /** The object id: a tree's id names everything below it (a cache key for a directory). */
  readonly object: string;
}

/** Every file and directory at `rev` (recursive `git ls-tree -r -t`), paths relative to the repo root. */
export async function lsTree(cwd: string, rev: string): Promise<TreeEntry[]> {
  const out = await git(cwd, 'ls-tree', '-r', '-t', '-z', '--full-tree', rev);
  return out
    .split('\0')
    .filter(Boolean)
    .map((line) => {
      const tab = line.indexOf('\t');
      const [, type, object] = line.slice(0, tab).split(' ');
      return { type: type!, path: line.slice(tab + 1), object: object! };
    });
}

/** Content of a file at a revision (`git show rev:path`), or undefined when it does not exist there. */
export async function showFile(cwd: string, rev: string, path: string): Promise<string | undefined> {
  const r = await gitRaw(cwd, ['show', `${rev}:${path}`]);
  return r.code === 0 ? r.stdout : undefined;
}

/** Extract the tree of `rev` into `dir` (git archive, then tar -x): no checkout, no worktree bookkeeping. */
export async function extractTree(cwd: string, rev: string, dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const scratch = mkdtempSync(join(tmpdir(), 'marquee-tree-'));
  try {
    const tar = join(scratch, 'tree.tar');
    await runOk('git', ['archive', '--format=tar', '-o', tar, rev], { cwd, env: gitEnv });
    await runOk('tar', ['-xf', tar, '-C', dir], { cwd });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** A ref that does not name a commit: the CLIs turn it into exit code 2. */
export class UnknownRefError extends Error {
  constructor(readonly ref: string) {
    super(`unknown git ref '${ref}': git rev-parse found no commit by that name (fetch it first, e.g. git fetch origin ${ref})`);
  }
}

/** The full commit SHA a ref names, or UnknownRefError. */
export async function resolveRef(root: string, ref: string): Promise<string> {
  const sha = ref && !ref.startsWith('-') ? await resolveCommit(root, ref) : undefined;
  if (!sha) throw new UnknownRefError(ref);
  return sha;
}

/** A branch as a commit: the local branch, else `origin/<branch>`; undefined when neither exists. */
export async function resolveBranch(root: string, branch: string): Promise<string | undefined> {
  return (await resolveCommit(root, `refs/heads/${branch}`)) ?? (await resolveCommit(root, `refs/remotes/origin/${branch}`));
}

/** Worktrees alive in this process, removed on SIGINT/SIGTERM by one handler. */
const active = new Map<string, () => Promise<void>>();

function onSignal(signal: NodeJS.Signals): void {
  const dirs = [...active.keys()];
  void Promise.allSettled([...active.values()].map((cleanup) => cleanup())).then(() => {
    // work still running in this process (a render's scratch files) may have written
    // into a tree after its cleanup: remove them once more, synchronously, then exit
    for (const d of dirs) rmSync(join(d, '..'), { recursive: true, force: true });
    process.exit(signal === 'SIGINT' ? 130 : 143);
  });
}

export interface WorktreeOptions {
  /** Create this branch at `rev` in the worktree (default: a detached checkout). */
  readonly branch?: string;
}

/** The last worktree command queued for each repository (see oneAtATime). */
const worktreeQueue = new Map<string, Promise<unknown>>();

/**
 * Run `step` (a `git worktree` add, remove or prune) after the ones queued before it for the same repository. git
 * does not guard these against each other: an add reads every worktree's entry in .git/worktrees, and fails on one
 * another command is creating or deleting ("failed to read .git/worktrees/tree5/commondir"; 19–46 of 400
 * concurrent adds and removes failed so on git 2.39). What runs inside the worktrees stays concurrent.
 */
function oneAtATime<T>(root: string, step: () => Promise<T>): Promise<T> {
  const key = resolve(root);
  const result = (worktreeQueue.get(key) ?? Promise.resolve()).catch(() => undefined).then(step);
  const settled = result.catch(() => undefined);
  worktreeQueue.set(key, settled);
  void settled.then(() => {
    if (worktreeQueue.get(key) === settled) worktreeQueue.delete(key);
  });
  return result;
}

/** Run `fn` with a checkout of `rev` in a temporary worktree; it is removed whatever happens. */
export async function withWorktree<T>(root: string, rev: string, fn: (dir: string) => Promise<T>, opts: WorktreeOptions = {}): Promise<T> {
  // The handlers before the folder: until a SIGINT or SIGTERM has a listener, it ends the process at once, and one
  // that landed between the folder's creation and the listener left the folder behind. A signal that lands from here
  // on reaches onSignal only once this synchronous start has run, and the tree is in `active` by then.
  const listen = active.size === 0;
  if (listen) {
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }
  let dir: string;
  try {
    dir = join(mkdtempSync(join(tmpdir(), 'marquee-worktree-')), 'tree');
  } catch (err) {
    if (listen) {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
    throw err;
  }
  let adding: Promise<unknown> = Promise.resolve();
  // One removal, whoever asks first (the finally below, or the signal handler): the tree stays registered in `active`
  // until it is gone, so a signal that lands while it is being removed waits for that removal instead of exiting
  // with the tree half removed.
  let removing: Promise<void> | undefined;
  const cleanup = () =>
    (removing ??= (async () => {
      // a signal during `git worktree add`: let it finish, or it writes the tree after we removed it
      await adding.catch(() => undefined);
      // not registered (add failed) or already gone: remove the files and the bookkeeping
      await oneAtATime(root, async () => {
        await gitRaw(root, ['worktree', 'remove', '--force', dir]);
        rmSync(join(dir, '..'), { recursive: true, force: true });
        await gitRaw(root, ['worktree', 'prune']);
      });
      active.delete(dir);
    })());
  active.set(dir, cleanup);
  try {
    adding = oneAtATime(root, () => git(root, 'worktree', 'add', '--quiet', ...(opts.branch ? ['-b', opts.branch, dir] : ['--detach', dir]), rev));
    await adding;
    return await fn(dir);
  } finally {
    await cleanup();
    if (active.size === 0) {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  }
}
