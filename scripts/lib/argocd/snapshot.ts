// A read-only view of the repository at one revision (read with git, no checkout)
// or of the working tree, and a way to get it on disk for kustomize.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { filesUnder } from '../plumbing/files.ts';
import { extractTree, git, gitRaw, lsTree, resolveCommit } from '../plumbing/git.ts';

export interface Snapshot {
  /** Human label: `develop@1a2b3c4` or `working tree`. */
  readonly label: string;
  /** The commit, undefined for the working tree. */
  readonly commit?: string;
  files(): Promise<ReadonlySet<string>>;
  dirs(): Promise<ReadonlySet<string>>;
  read(path: string): Promise<string | undefined>;
  /** A directory holding the whole tree (shared: never modify it). */
  dir(): Promise<string>;
  /** A fresh private copy of the tree that the caller may modify (kustomize edit). */
  copy(): Promise<string>;
}

/** Scratch space for one preview run; `dispose()` removes everything it created. */
export class Scratch {
  readonly root = mkdtempSync(join(tmpdir(), 'marquee-appset-'));
  private n = 0;
  next(prefix: string): string {
    const d = join(this.root, `${prefix}-${this.n++}`);
    mkdirSync(d, { recursive: true });
    return d;
  }
  dispose(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

const dirsOf = (files: Iterable<string>): Set<string> => {
  const out = new Set<string>();
  for (const f of files) for (let d = dirname(f); d !== '.' && !out.has(d); d = dirname(d)) out.add(d);
  return out;
};

export class GitSnapshot implements Snapshot {
  private listing?: Promise<{ files: Set<string>; dirs: Set<string> }>;
  private extracted?: Promise<string>;
  constructor(
    private readonly root: string,
    readonly commit: string,
    readonly label: string,
    private readonly scratch: Scratch,
  ) {}

  static async at(root: string, rev: string, scratch: Scratch): Promise<GitSnapshot | undefined> {
    const commit = (await resolveCommit(root, rev)) ?? (await resolveCommit(root, `refs/remotes/origin/${rev}`));
    return commit ? new GitSnapshot(root, commit, `${rev}@${commit.slice(0, 7)}`, scratch) : undefined;
  }

  private list() {
    this.listing ??= lsTree(this.root, this.commit).then((entries) => ({
      files: new Set(entries.filter((e) => e.type === 'blob').map((e) => e.path)),
      dirs: new Set(entries.filter((e) => e.type === 'tree').map((e) => e.path)),
    }));
    return this.listing;
  }
  async files() {
    return (await this.list()).files;
  }
  async dirs() {
    return (await this.list()).dirs;
  }
  async read(path: string) {
    if (!(await this.files()).has(path)) return undefined;
    return git(this.root, 'cat-file', 'blob', `${this.commit}:${path}`);
  }
  dir() {
    this.extracted ??= (async () => {
      const d = this.scratch.next(`tree-${this.commit.slice(0, 7)}`);
      await extractTree(this.root, this.commit, d);
      return d;
    })();
    return this.extracted;
  }
  async copy() {
    const d = this.scratch.next(`edit-${this.commit.slice(0, 7)}`);
    await extractTree(this.root, this.commit, d);
    return d;
  }
}

/** The working tree: tracked and untracked-but-not-ignored files (`git ls-files -co --exclude-standard`). */
export class WorktreeSnapshot implements Snapshot {
  readonly label = 'working tree';
  readonly commit = undefined;
  private listing?: Promise<{ files: Set<string>; dirs: Set<string> }>;
  constructor(
    private readonly root: string,
    private readonly scratch: Scratch,
  ) {}
  private list() {
    this.listing ??= gitRaw(this.root, ['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--deduplicate']).then((r) => {
      // Not a git checkout (an unpacked tarball): every file but dependencies and caches.
      const listed = r.code === 0 ? r.stdout.split('\0').filter(Boolean) : filesUnder(this.root, new Set(['node_modules', '.git', '.cache']));
      const files = new Set(listed);
      // Deleted-but-tracked files are still listed by --cached: keep only what exists.
      for (const f of files) if (!existsSync(join(this.root, f))) files.delete(f);
      return { files, dirs: dirsOf(files) };
    });
    return this.listing;
  }
  async files() {
    return (await this.list()).files;
  }
  async dirs() {
    return (await this.list()).dirs;
  }
  async read(path: string) {
    return (await this.files()).has(path) ? readFileSync(join(this.root, path), 'utf8') : undefined;
  }
  async dir() {
    return this.root;
  }
  async copy() {
    const d = this.scratch.next('edit-worktree');
    for (const f of await this.files()) {
      if (f.startsWith('node_modules/') || f.includes('/node_modules/')) continue;
      mkdirSync(join(d, dirname(f)), { recursive: true });
      cpSync(join(this.root, f), join(d, f));
    }
    return d;
  }
}
