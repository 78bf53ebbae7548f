// Copy the parts of this repository that validate reads into a temp directory,
// so tests can break them without touching the real tree.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { environments } from '../../generators/environments.ts';
import { generate } from '../../generators/index.ts';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** The paths the generators write: the same for every copy a test process makes, so listed once. */
let generatedPaths: readonly string[] | undefined;

/** A temp copy of base/, overlays/, argocd/, vendor/ and every other generated file. Remove it with `rmSync(dir, {recursive:true})`. */
export function copyRepo(): string {
  const dir = mkdtempSync(join(tmpdir(), 'marquee-repo-'));
  for (const d of ['base', 'overlays', 'argocd', 'vendor']) if (existsSync(join(repoRoot, d))) cpSync(join(repoRoot, d), join(dir, d), { recursive: true });
  generatedPaths ??= [...generate().keys()];
  for (const path of generatedPaths) {
    if (existsSync(join(dir, path)) || !existsSync(join(repoRoot, path))) continue;
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    cpSync(join(repoRoot, path), join(dir, path));
  }
  return dir;
}

export type Edit =
  | { file: string; content: string }
  | { file: string; append: string }
  | { file: string; replace: [string, string] };

export function applyEdits(dir: string, edits: readonly Edit[]): void {
  for (const e of edits) {
    const abs = join(dir, e.file);
    mkdirSync(dirname(abs), { recursive: true });
    if ('content' in e) writeFileSync(abs, e.content);
    else if ('append' in e) writeFileSync(abs, readFileSync(abs, 'utf8') + e.append);
    else {
      const src = readFileSync(abs, 'utf8');
      if (!src.includes(e.replace[0])) throw new Error(`${e.file}: text to replace not found: ${JSON.stringify(e.replace[0])}`);
      writeFileSync(abs, src.replace(e.replace[0], e.replace[1]));
    }
  }
}

/**
 * Makes the copy a Git repository whose environment branches (develop, release, main: generators/environments.ts)
 * all hold it as it is now: what Argo CD applied. Edits made afterwards stay in the working tree, so validate
 * compares them with the branches (the immutable-field step).
 */
export function commitAsDeployed(dir: string): void {
  const branches = [...new Set(Object.values(environments).map((e) => e.branch))];
  const env = { ...process.env, GIT_AUTHOR_NAME: 'Marquee Test', GIT_AUTHOR_EMAIL: 'test@marquee.invalid', GIT_COMMITTER_NAME: 'Marquee Test', GIT_COMMITTER_EMAIL: 'test@marquee.invalid' };
  const git = (...args: string[]) => execFileSync('git', ['-c', 'commit.gpgsign=false', ...args], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  git('init', '--quiet', '-b', branches[0]!);
  git('add', '-A');
  git('commit', '--quiet', '-m', 'deployed');
  for (const b of branches.slice(1)) git('branch', b);
}

export const removeRepo = (dir: string): void => rmSync(dir, { recursive: true, force: true });

/** Runs `use` on a fresh copy of the repository (copyRepo), removed afterwards whatever happens. */
export async function withRepoCopy<T>(use: (dir: string) => Promise<T>): Promise<T> {
  const dir = copyRepo();
  try {
    return await use(dir);
  } finally {
    removeRepo(dir);
  }
}

/** A temp folder holding `paths` as committed at HEAD (git archive) of `checkout` (this one by default), with a .gitignore for the render cache. */
export function archiveHead(prefix: string, paths: readonly string[], checkout = repoRoot): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  execFileSync('sh', ['-c', `git -C "${checkout}" archive HEAD ${paths.join(' ')} | tar -x -C "${dir}"`]);
  writeFileSync(join(dir, '.gitignore'), '.cache/\n');
  return dir;
}
