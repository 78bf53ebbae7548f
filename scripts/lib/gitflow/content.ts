// The promotion model's one rule, by content rather than commit identity (docs/delivery.md,
// "What counts as a hotfix"): a later branch (release, main) holds nothing the earlier one
// (develop, release) lacks when, for every path where the two trees differ, the later
// branch's version is one the earlier branch already had — merging the later branch into
// the earlier one would change nothing (`git merge-tree --write-tree`), or, where squash
// and rebase merges left no common ancestry, that exact file version (blob, or absence)
// appears in the earlier branch's history. Any other difference is a hotfix, named by
// path and by the commits that made it. Promotion and back-merge commits, squashed or
// not, only ever copy content the earlier branch had, so they never count.
import { commitLog, git, gitRaw, type Commit } from '../plumbing/git.ts';

export interface Hotfix {
  readonly path: string;
  /** Commits on the later branch, not on the earlier one, that touched `path`, newest first. */
  readonly commits: readonly Commit[];
}

export interface BranchContent {
  /** Paths where the two trees differ. */
  readonly differing: readonly string[];
  /** Paths whose content on the later branch the earlier branch never had. */
  readonly hotfixes: readonly Hotfix[];
  /** Differing paths that are not hotfixes: the earlier branch's newer content, waiting for promotion. */
  readonly waiting: readonly string[];
}

const NONE = '0'.repeat(40);

const splitZ = (s: string): string[] => s.split('\0').filter(Boolean);

/** Paths where two revisions' trees differ (no rename detection: a rename is two paths). */
export async function differingPaths(root: string, a: string, b: string): Promise<string[]> {
  return splitZ(await git(root, 'diff', '--no-renames', '--name-only', '-z', a, b, '--'));
}

export async function treeOf(root: string, rev: string): Promise<string> {
  return (await git(root, 'rev-parse', `${rev}^{tree}`)).trim();
}

/** Blob of each path at `rev` (absent paths are missing from the map). */
async function blobsAt(root: string, rev: string, paths: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const line of splitZ(await git(root, 'ls-tree', '-z', '--full-tree', rev, '--', ...paths))) {
    const tab = line.indexOf('\t');
    out.set(line.slice(tab + 1), line.slice(0, tab).split(' ')[2]!);
  }
  return out;
}

/** Paths that merging `later` into `earlier` would change (all `candidates` when there is no merge base). */
async function changedByMerge(root: string, earlier: string, later: string, candidates: readonly string[]): Promise<string[]> {
  const r = await gitRaw(root, ['merge-tree', '--write-tree', '--no-messages', earlier, later]);
  // exit 1: conflicts (the tree still comes first, with conflict markers in the files); other: no merge base
  const tree = r.code === 0 || r.code === 1 ? r.stdout.split('\n')[0]!.trim() : '';
  if (!/^[0-9a-f]{40}$/.test(tree)) return [...candidates];
  return differingPaths(root, earlier, tree);
}

/** Every (path, blob) the history of `rev` held for `paths`, absence recorded as NONE. */
async function versionsSeen(root: string, rev: string, paths: readonly string[]): Promise<Set<string>> {
  const seen = new Set<string>();
  const out = await git(root, 'log', '-m', '--raw', '--no-abbrev', '--no-renames', '-z', '--format=', rev, '--', ...paths);
  // -z raw records: ":<mode> <mode> <old> <new> <status>\0<path>\0"
  const parts = out.split('\0');
  for (let i = 0; i < parts.length - 1; i++) {
    const head = parts[i]!.replace(/^\n+/, '');
    if (!head.startsWith(':')) continue;
    const [, , oldBlob, newBlob] = head.slice(1).split(' ');
    const path = parts[++i]!;
    seen.add(`${path}\0${oldBlob}`).add(`${path}\0${newBlob}`);
  }
  return seen;
}

const commitsTouching = (root: string, range: string, path: string): Promise<Commit[]> => commitLog(root, range, [path]);

/** Compare the later branch with the earlier one by content (see the module comment). */
export async function compareContent(root: string, earlier: string, later: string): Promise<BranchContent> {
  const differing = await differingPaths(root, earlier, later);
  if (!differing.length) return { differing, hotfixes: [], waiting: [] };
  const candidates = await changedByMerge(root, earlier, later, differing);
  const inDiff = new Set(differing);
  const suspects = candidates.filter((p) => inDiff.has(p));
  const hotfixes: Hotfix[] = [];
  if (suspects.length) {
    const [laterBlobs, seen] = await Promise.all([blobsAt(root, later, suspects), versionsSeen(root, earlier, suspects)]);
    for (const p of suspects) {
      if (seen.has(`${p}\0${laterBlobs.get(p) ?? NONE}`)) continue;
      hotfixes.push({ path: p, commits: await commitsTouching(root, `${earlier}..${later}`, p) });
    }
  }
  const hot = new Set(hotfixes.map((h) => h.path));
  return { differing, hotfixes, waiting: differing.filter((p) => !hot.has(p)) };
}

/** The commits that made the hotfixes, newest first, each once. */
export function hotfixCommits(hotfixes: readonly Hotfix[]): Commit[] {
  const byId = new Map<string, Commit>();
  for (const h of hotfixes) for (const c of h.commits) byId.set(c.sha, c);
  return [...byId.values()].sort((a, b) => b.date.localeCompare(a.date));
}
