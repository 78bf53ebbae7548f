// A read-only view of the repository at one revision (read with git, no checkout)
// or of the working tree, and a way to get it on disk for kustomize.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { filesUnder } from '../plumbing/files.ts';
import { posix } from 'node:path';
import { isRemoteRef, kustomizationFileNames, type Target } from '../../../kube/index.ts';
import { inputKey } from '../kustomize/index.ts';
import { extractTree, git, gitRaw, lsTree, resolveCommit } from '../plumbing/git.ts';
import { Y } from '../../../kube/yaml-lazy.ts';

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
  /**
   * A content key of what a `kustomize build` of `path` can read (its kustomization
   * directories, followed as scripts/lib/kustomize/tree.ts does), independent of where the
   * checkout lives; undefined when it cannot be known (remote bases, unparsable kustomization).
   */
  buildKey(path: string): Promise<string | undefined>;
}

/**
 * The kustomization directories a build of `path` reads, walked on a snapshot: the
 * resources/components/bases entries that are directories of it (kustomize's load
 * restrictor keeps a kustomization to files under its own directory, so these hold
 * every input). Undefined for a remote entry or a kustomization that does not parse.
 */
async function kustomizationDirs(snap: Snapshot, path: string): Promise<string[] | undefined> {
  const dirs = await snap.dirs();
  const seen = new Set<string>();
  const queue = [path];
  while (queue.length) {
    const dir = queue.pop()!;
    if (seen.has(dir)) continue;
    seen.add(dir);
    let text: string | undefined;
    for (const f of kustomizationFileNames) text ??= await snap.read(dir === '.' ? f : `${dir}/${f}`);
    if (text === undefined) continue;
    let k: unknown;
    try {
      k = Y.parse(text);
    } catch {
      return undefined;
    }
    if (!k || typeof k !== 'object') continue;
    for (const field of ['resources', 'components', 'bases']) {
      const entries = (k as Record<string, unknown>)[field];
      for (const entry of Array.isArray(entries) ? entries : []) {
        if (typeof entry !== 'string') continue;
        if (isRemoteRef(entry)) return undefined;
        const sub = posix.normalize(posix.join(dir, entry));
        if (dirs.has(sub)) queue.push(sub);
      }
    }
  }
  return [...seen].sort();
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

/** The file and directory listing of a snapshot, read once. */
abstract class ListedSnapshot {
  private listing?: Promise<{ files: Set<string>; dirs: Set<string> }>;
  protected abstract readListing(): Promise<{ files: Set<string>; dirs: Set<string> }>;
  protected list() {
    this.listing ??= this.readListing();
    return this.listing;
  }
  async files(): Promise<ReadonlySet<string>> {
    return (await this.list()).files;
  }
  async dirs(): Promise<ReadonlySet<string>> {
    return (await this.list()).dirs;
  }
}

export class GitSnapshot extends ListedSnapshot implements Snapshot {
  private extracted?: Promise<string>;
  constructor(
    private readonly root: string,
    readonly commit: string,
    readonly label: string,
    private readonly scratch: Scratch,
  ) {
    super();
  }

  static async at(root: string, rev: string, scratch: Scratch): Promise<GitSnapshot | undefined> {
    const commit = (await resolveCommit(root, rev)) ?? (await resolveCommit(root, `refs/remotes/origin/${rev}`));
    return commit ? new GitSnapshot(root, commit, `${rev}@${commit.slice(0, 7)}`, scratch) : undefined;
  }

  private readonly trees = new Map<string, string>();
  protected readListing() {
    return lsTree(this.root, this.commit).then((entries) => {
      for (const e of entries) if (e.type === 'tree') this.trees.set(e.path, e.object);
      return {
        files: new Set(entries.filter((e) => e.type === 'blob').map((e) => e.path)),
        dirs: new Set(entries.filter((e) => e.type === 'tree').map((e) => e.path)),
      };
    });
  }
  /** Git tree ids of the kustomization directories: they name every byte below them. */
  async buildKey(path: string): Promise<string | undefined> {
    const dirs = await kustomizationDirs(this, path);
    if (!dirs) return undefined;
    const root = dirs.includes('.') ? await git(this.root, 'rev-parse', `${this.commit}^{tree}`) : '';
    return dirs.map((d) => `${d}\0${d === '.' ? root.trim() : this.trees.get(d)}`).join('\0');
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
export class WorktreeSnapshot extends ListedSnapshot implements Snapshot {
  readonly label = 'working tree';
  readonly commit = undefined;
  constructor(
    private readonly root: string,
    private readonly scratch: Scratch,
  ) {
    super();
  }
  protected readListing() {
    return gitRaw(this.root, ['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--deduplicate']).then((r) => {
      // Not a git checkout (an unpacked tarball): every file but dependencies and caches.
      const listed = r.code === 0 ? r.stdout.split('\0').filter(Boolean) : filesUnder(this.root, new Set(['node_modules', '.git', '.cache']));
      const files = new Set(listed);
      // Deleted-but-tracked files are still listed by --cached: keep only what exists.
      for (const f of files) if (!existsSync(join(this.root, f))) files.delete(f);
      return { files, dirs: dirsOf(files) };
    });
  }
  async read(path: string) {
    return (await this.files()).has(path) ? readFileSync(join(this.root, path), 'utf8') : undefined;
  }
  /** validate's render-cache key of the path (content of every file its kustomizations can read). */
  async buildKey(path: string): Promise<string | undefined> {
    const key = inputKey(this.root, { name: 'appset-preview', kind: 'files', path } satisfies Target);
    return key.startsWith('uncacheable-') ? undefined : key;
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
