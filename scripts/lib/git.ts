// Thin, typed wrappers over the git CLI: read any revision without a checkout
// (ls-tree, show, archive), ancestry and commit lists for the Gitflow guardrails.
import { execFile, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';

export class GitError extends Error {
  constructor(
    readonly args: readonly string[],
    readonly code: number,
    readonly stderr: string,
  ) {
    super(`git ${args.join(' ')} failed (exit ${code}): ${stderr.trim() || 'no output'}`);
  }
}

export interface GitResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Run git in `cwd`; never throws on a non-zero exit (see `git()` for that). */
export function gitRaw(cwd: string, args: readonly string[], input?: string): Promise<GitResult> {
  return new Promise((done, fail) => {
    const child = execFile('git', args as string[], { cwd, maxBuffer: 256 * 1024 * 1024, env: { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' } }, (err, stdout, stderr) => {
      if (err && typeof (err as NodeJS.ErrnoException).code === 'string') return fail(new Error(`git: cannot run git (${err.message})`));
      done({ code: err ? Number((err as any).code ?? 1) : 0, stdout, stderr });
    });
    if (input !== undefined) child.stdin?.end(input);
  });
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
export async function commitsBetween(cwd: string, from: string, to: string): Promise<Commit[]> {
  const out = await git(cwd, 'log', '--format=%H%x00%s%x00%an%x00%cI', `${from}..${to}`, '--');
  return out
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [sha, subject, author, date] = line.split('\0');
      return { sha: sha!, subject: subject!, author: author!, date: date! };
    });
}

/** Porcelain status lines of the working tree (tracked and untracked changes); empty when clean. */
export async function dirtyFiles(cwd: string): Promise<string[]> {
  const out = await git(cwd, 'status', '--porcelain=v1', '--untracked-files=normal');
  return out.split('\n').filter(Boolean);
}

export interface TreeEntry {
  /** `blob` or `tree` (submodules, `commit`, are reported too) */
  readonly type: string;
  readonly path: string;
}

/** Every file and directory at `rev` (recursive `git ls-tree -r -t`), paths relative to the repo root. */
export async function lsTree(cwd: string, rev: string): Promise<TreeEntry[]> {
  const out = await git(cwd, 'ls-tree', '-r', '-t', '-z', '--full-tree', rev);
  return out
    .split('\0')
    .filter(Boolean)
    .map((line) => {
      const tab = line.indexOf('\t');
      const [, type] = line.slice(0, tab).split(' ');
      return { type: type!, path: line.slice(tab + 1) };
    });
}

/** Content of a file at a revision (`git show rev:path`), or undefined when it does not exist there. */
export async function showFile(cwd: string, rev: string, path: string): Promise<string | undefined> {
  const r = await gitRaw(cwd, ['show', `${rev}:${path}`]);
  return r.code === 0 ? r.stdout : undefined;
}

/** Extract the tree of `rev` into `dir` (git archive | tar -x): no checkout, no worktree bookkeeping. */
export function extractTree(cwd: string, rev: string, dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  return new Promise((done, fail) => {
    const archive = spawn('git', ['archive', '--format=tar', rev], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const tar = spawn('tar', ['-x', '-C', dir], { stdio: ['pipe', 'ignore', 'pipe'] });
    let err = '';
    archive.stderr.on('data', (d) => (err += d));
    tar.stderr.on('data', (d) => (err += d));
    archive.stdout.pipe(tar.stdin);
    let pending = 2;
    let failed = false;
    const finish = (what: string) => (code: number | null) => {
      if (code !== 0 && !failed) {
        failed = true;
        fail(new Error(`git archive ${rev} | tar -x: ${what} exited ${code}: ${err.trim()}`));
      }
      if (--pending === 0 && !failed) done();
    };
    archive.on('close', finish('git archive'));
    tar.on('close', finish('tar'));
  });
}
