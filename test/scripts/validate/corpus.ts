// The bad-input corpus: one broken overlay per file in cases/. Each must fail
// validation with the expected rule, file, line and message — never pass, never crash.
// It runs in the files beside this one named corpus-<k>-of-<n>.test.ts, the k-th case of every n
// in name order: a validate run on a copy of the repository for every case makes the whole corpus
// too long for one file's time limit when CI's other files share the cores. Each shard file is
// listed in scripts/test-plan.ts (integration, timeouts); `npm test -- validate/corpus` runs them all.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { validateRepo } from '../../../scripts/lib/validate/index.ts';
import type { RelatedFinding } from '../../../kube/index.ts';
import { applyEdits, commitAsDeployed, copyRepo, removeRepo, type Edit } from '../../helpers/repo-copy.ts';

interface Case {
  title: string;
  /** the environment(s) validated (`--env`) */
  env: string | string[];
  edits: Edit[];
  /** `related`: a consequence folded into the finding has this in its message; `relatedObjects`: and covers this many objects */
  expect: { rule: string; file: string; line?: number; path?: string; message?: string; hint?: string; objects?: number; related?: string; relatedObjects?: number }[];
  /** findings that must not be there (kustomize's echo of an error already reported, say) */
  absent?: { rule: string; message?: string; file?: string }[];
  /** directories or files removed after the edits (a missing overlay) */
  remove?: string[];
  /** validate passes (the expected findings are warnings) */
  passes?: boolean;
  /** the expected findings are the only errors: one mistake, one finding */
  only?: boolean;
  /** run the Argo CD step too (off by default: most cases are about the overlays alone) */
  appSets?: boolean;
  /**
   * the environment branches (develop, release, main) hold the repository as it was before the edits: what Argo CD
   * applied, for the changes the cluster refuses on update (off by default: the copy is not a Git repository)
   */
  deployed?: boolean;
}

const casesDir = new URL('./cases/', import.meta.url);
const cases = readdirSync(casesDir).filter((f) => f.endsWith('.yaml')).sort();
const shardFile = /^corpus-(\d+)-of-(\d+)\.test\.ts$/;

/** The shard files beside this module: [k, n] of each corpus-<k>-of-<n>.test.ts. */
function shardFiles(): [number, number][] {
  return readdirSync(new URL('.', import.meta.url))
    .map((f) => shardFile.exec(f))
    .filter((m): m is RegExpExecArray => !!m)
    .map((m) => [Number(m[1]), Number(m[2])] as [number, number]);
}

/** The cases of the shard file `testFile` (its import.meta.url): the k-th of every n, in name order. */
function shardCases(testFile: string): string[] {
  const m = shardFile.exec(basename(fileURLToPath(testFile)));
  if (!m) throw new Error(`${testFile}: a corpus shard is named corpus-<k>-of-<n>.test.ts`);
  const [k, n] = [Number(m[1]), Number(m[2])];
  return cases.filter((_, i) => i % n === k - 1);
}

/** The corpus cases of the shard file `testFile` (its import.meta.url), as node:test tests. */
export function describeCorpusShard(testFile: string): void {
  const mine = shardCases(testFile);
  describe(`validate rejects bad input (${basename(fileURLToPath(testFile))})`, () => {
    const dirs: string[] = [];
    after(() => dirs.forEach(removeRepo));

    test('the corpus is not empty', () => assert.ok(cases.length >= 10, `only ${cases.length} cases`));

    // every case runs somewhere: the shard files are exactly 1..n of one n
    test('the shard files cover the corpus', () => {
      const shards = shardFiles().sort((a, b) => a[0] - b[0]);
      const n = shards[0]?.[1] ?? 0;
      assert.deepEqual(shards, Array.from({ length: n }, (_, i) => [i + 1, n]), 'corpus-<k>-of-<n>.test.ts for k = 1..n, one n');
      assert.ok(mine.length > 0, 'this shard has cases');
    });

    for (const file of mine) caseTest(file, dirs);
  });
}

/** One case as a test: its edits on a fresh copy of the repository (removed in `dirs`' after hook), then validate. */
function caseTest(file: string, dirs: string[]): void {
  const c = parse(readFileSync(new URL(file, casesDir), 'utf8')) as Case;
  test(`${file}: ${c.title}`, async () => {
    const dir = copyRepo();
    dirs.push(dir);
    if (c.deployed) commitAsDeployed(dir);
    applyEdits(dir, c.edits);
    for (const r of c.remove ?? []) rmSync(join(dir, r), { recursive: true, force: true });
    const result = await validateRepo({ root: dir, envs: [c.env].flat(), skipAppSets: !c.appSets });
    if (c.passes) assert.equal(result.summary.errors, 0, `${file}: expected warnings only`);
    else assert.ok(result.summary.errors > 0, `${file}: validate passed a broken overlay`);
    for (const want of c.expect) {
      const hit = result.findings.find(
        (f) =>
          f.rule === want.rule &&
          f.file === want.file &&
          (want.line === undefined || f.line === want.line) &&
          (want.path === undefined || f.path === want.path) &&
          (want.message === undefined || f.message.includes(want.message)) &&
          (want.hint === undefined || (f.hint ?? '').includes(want.hint)) &&
          (want.objects === undefined || (f.objects?.length ?? 1) === want.objects) &&
          (want.related === undefined ||
            !!(f.related as readonly RelatedFinding[] | undefined)?.some(
              (r) => r.message.includes(want.related!) && (want.relatedObjects === undefined || (r.objects?.length ?? 1) === want.relatedObjects),
            )),
      );
      assert.ok(
        hit,
        `${file}: expected ${JSON.stringify(want)}\n got:\n${result.findings.map((f) => `  ${f.rule} ${f.file}:${f.line} ${f.path ?? ''} ${f.message} (fix: ${f.hint ?? ''}; objects: ${f.objects?.length ?? 1}; related: ${(f.related as readonly RelatedFinding[] | undefined)?.map((r) => `${r.rule} × ${r.objects?.length ?? 1}`).join(', ') ?? ''})`).join('\n')}`,
      );
    }
    if (c.only) {
      const errors = result.findings.filter((f) => f.severity === 'error');
      assert.equal(errors.length, c.expect.length, `${file}: expected exactly ${c.expect.length} error(s), got:\n${errors.map((f) => `  ${f.rule} ${f.target} ${f.object} ${f.file}:${f.line} ${f.path ?? ''} ${f.message}`).join('\n')}`);
    }
    for (const no of c.absent ?? []) {
      const hit = result.findings.find(
        (f) => f.rule === no.rule && (no.message === undefined || f.message.includes(no.message)) && (no.file === undefined || (f.file ?? '').startsWith(no.file)),
      );
      assert.ok(!hit, `${file}: unexpected ${hit?.rule} ${hit?.file}: ${hit?.message}`);
    }
  });
}
