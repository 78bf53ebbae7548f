// Check out a git ref into a temporary worktree for the length of a callback and
// always remove it again, also when the callback throws or the process is interrupted.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A ref that does not name a commit: the CLI turns it into exit code 2. */
export class UnknownRefError extends Error {
  constructor(readonly ref: string) {
    super(`unknown git ref '${ref}': git rev-parse found no commit by that name (fetch it first, e.g. git fetch origin ${ref})`);
  }
}

export function git(root: string, args: readonly string[]): string {
  return execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

/** The full commit SHA a ref names, or UnknownRefError. */
export function resolveRef(root: string, ref: string): string {
  if (!ref || ref.startsWith('-')) throw new UnknownRefError(ref);
  try {
    return git(root, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`]);
  } catch {
    throw new UnknownRefError(ref);
  }
}

/** Worktrees alive in this process, removed on SIGINT/SIGTERM by one handler. */
const active = new Map<string, () => void>();

function onSignal(signal: NodeJS.Signals): void {
  for (const cleanup of [...active.values()]) cleanup();
  process.exit(signal === 'SIGINT' ? 130 : 143);
}

/** Run `fn` with a detached checkout of `sha`; the worktree is removed whatever happens. */
export async function withWorktree<T>(root: string, sha: string, fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'marquee-diff-'));
  const cleanup = () => {
    active.delete(dir);
    try {
      git(root, ['worktree', 'remove', '--force', dir]);
    } catch {
      // not registered (add failed) or already gone: remove the files and the bookkeeping
    }
    rmSync(dir, { recursive: true, force: true });
    try {
      git(root, ['worktree', 'prune']);
    } catch {
      /* best effort */
    }
  };
  if (active.size === 0) {
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }
  active.set(dir, cleanup);
  try {
    git(root, ['worktree', 'add', '--detach', '--quiet', dir, sha]);
    return await fn(dir);
  } finally {
    cleanup();
    if (active.size === 0) {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  }
}
