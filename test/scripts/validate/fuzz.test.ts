// Fuzzing validate with the edits people make by accident: a deleted or duplicated line, an
// indentation change, a scalar replaced by a random token, a tab, a truncated file — applied to
// the real overlay files (overlays/**) in a copy of the repository. Whatever the edit, validate
// must end within a time bound with exit 0, 1 or 2 (the CLI's contract) and never a stack trace.
// Seeded: the seed is printed; MARQUEE_FUZZ_SEED=<n> replays a run, MARQUEE_FUZZ_COUNT sets the count.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { after, test } from 'node:test';
import { KustomizeMissing } from '../../../scripts/lib/kustomize/index.ts';
import { filesUnder } from '../../../scripts/lib/plumbing/files.ts';
import { UsageError, validateRepo } from '../../../scripts/lib/validate/index.ts';
import { copyRepo, removeRepo } from '../../helpers/repo-copy.ts';

const seed = Number(process.env.MARQUEE_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const count = Number(process.env.MARQUEE_FUZZ_COUNT ?? 40);
/** One validate run over the environment the edit touched; generous, the machine is shared. */
const perRunMs = 90_000;
console.log(`fuzz seed ${seed} (replay: MARQUEE_FUZZ_SEED=${seed}), ${count} mutations`);

/** mulberry32: a small seeded generator, so a failing run can be replayed exactly. */
function rng(s: number): () => number {
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = rng(seed);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
const tokens = ['', '~', '-1', '0', '512mb', 'yes', '{', '}', '[', '"', "'", '&a', '*a', '!!binary', '%', '@x', '|', '>-', '- x', 'a: b', '1e9999', '0x', '::', '{{ .x }}'];
const randomToken = () => (random() < 0.7 ? pick(tokens) : random().toString(36).slice(2, 2 + Math.floor(random() * 10)));

const mutations: Record<string, (lines: string[], text: string) => string> = {
  'delete a line': (l) => (l.splice(Math.floor(random() * l.length), 1), l.join('\n')),
  'duplicate a line': (l) => {
    const i = Math.floor(random() * l.length);
    l.splice(i, 0, l[i]!);
    return l.join('\n');
  },
  'change indentation': (l) => {
    const i = Math.floor(random() * l.length);
    l[i] = random() < 0.5 ? `  ${l[i]}` : l[i]!.replace(/^ {1,2}/, '');
    return l.join('\n');
  },
  'replace a scalar': (l) => {
    const withValue = l.map((s, i) => [s, i] as const).filter(([s]) => /:\s+\S|^\s*-\s+\S/.test(s));
    if (!withValue.length) return l.join('\n');
    const [s, i] = pick(withValue);
    l[i] = s.replace(/(:\s+|^\s*-\s+)\S.*$/, (_m, lead: string) => `${lead}${randomToken()}`);
    return l.join('\n');
  },
  'insert a tab': (l) => {
    const i = Math.floor(random() * l.length);
    const at = Math.floor(random() * (l[i]!.length + 1));
    l[i] = `${l[i]!.slice(0, at)}\t${l[i]!.slice(at)}`;
    return l.join('\n');
  },
  truncate: (_l, text) => text.slice(0, Math.floor(random() * text.length)),
};

const dir = copyRepo();
after(() => removeRepo(dir));
const files = filesUnder(`${dir}/overlays`).filter((f) => /\.ya?ml$/.test(f)).map((f) => `overlays/${f}`);
const stackTrace = /\n\s+at .+:\d+(:\d+)?\)?/;

test('the overlays to mutate are there', () => assert.ok(files.length >= 10, `only ${files.length} overlay files`));

for (let n = 0; n < count; n++) {
  const file = pick(files);
  const kind = pick(Object.keys(mutations));
  test(`mutation ${n + 1} (seed ${seed}): ${kind} in ${file}`, async () => {
    const abs = `${dir}/${file}`;
    const original = readFileSync(abs, 'utf8');
    const mutated = mutations[kind]!(original.split('\n'), original);
    writeFileSync(abs, mutated);
    const env = /^overlays\/(dev|test|prod)\//.exec(file)?.[1];
    const started = performance.now();
    try {
      let exit: number;
      let output: string;
      try {
        const r = await validateRepo({ root: dir, envs: env ? [env] : undefined, skipAppSets: true });
        exit = r.summary.errors ? 1 : 0;
        output = JSON.stringify(r.findings);
      } catch (err) {
        // scripts/validate.ts: these are usage or environment errors (exit 2); anything else is an internal error
        if (!(err instanceof UsageError || err instanceof KustomizeMissing)) assert.fail(`internal error after "${kind}" in ${file}:\n${(err as Error).stack}\n--- mutated file ---\n${mutated}`);
        exit = 2;
        output = (err as Error).message;
      }
      const ms = performance.now() - started;
      assert.ok([0, 1, 2].includes(exit));
      assert.doesNotMatch(output, stackTrace, `a stack trace in the output after "${kind}" in ${file}`);
      assert.ok(ms < perRunMs, `validate took ${Math.round(ms)} ms after "${kind}" in ${file} (bound ${perRunMs} ms)`);
    } finally {
      writeFileSync(abs, original);
    }
  });
}
