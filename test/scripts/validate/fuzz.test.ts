// Fuzzing validate with the edits people make by accident and the inputs that crashed or hung
// earlier versions: an alias bomb, a `<<:` merge key, a duplicate key, a tab as indentation,
// thousands of nesting levels, binary bytes, a truncated file, a symbolic link loop, and random
// line edits (deleted, duplicated or re-indented lines, a scalar replaced by a stray token).
// Each case runs in a process of its own with a time and a memory bound: files mode through the
// CLI (`validate --format json <file>`), repository mode on a copy whose overlay was mutated
// (test/helpers/validate-repo-child.ts). Whatever the input, validate must end in time with exit
// 0, 1 or 2 and no stack trace; the hostile families must end in a finding that names the file
// and its line (kustomize and kubectl refuse those inputs too).
//   MARQUEE_FUZZ_SEED=<n>    replay a run (the seed is printed)
//   MARQUEE_FUZZ_COUNT=<n>   random line edits in files mode, half as many in repository mode (default 2)
//   MARQUEE_FUZZ_ROOT=<dir>  the marquee checkout whose validate runs (default: this one), to
//                            see what the cases catch in an older version
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, test } from 'node:test';
import { isScalar, LineCounter, parse as parseYaml, parseAllDocuments, visit, type Document } from 'yaml';
import { filesUnder } from '../../../scripts/lib/plumbing/files.ts';
import { archiveHead, repoRoot } from '../../helpers/repo-copy.ts';
import { rng } from '../../helpers/rng.ts';

const seed = Number(process.env.MARQUEE_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const count = Number(process.env.MARQUEE_FUZZ_COUNT ?? 2);
const checkout = resolve(process.env.MARQUEE_FUZZ_ROOT ?? repoRoot);
/** One files-mode case (a process start and one small file); generous, the machine is shared. */
const filesCaseMs = 20_000;
/** One repository-mode case: one environment rendered (from the render cache after the first). */
const repoCaseMs = 30_000;
/** Heap of each case's process: an input that makes validate grow past it fails the case. */
const heapMb = 768;
console.log(`fuzz seed ${seed} (replay: MARQUEE_FUZZ_SEED=${seed}), ${count} random edits per mode, validate of ${checkout}`);

const random = rng(seed);
const int = (n: number) => Math.floor(random() * n);
const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
const tokens = ['', '~', '-1', '0', '512mb', 'yes', '{', '}', '[', '"', "'", '&a', '*a', '!!binary', '%', '@x', '|', '>-', '- x', 'a: b', '1e9999', '0x', '::', '{{ .x }}'];
const randomToken = () => (random() < 0.7 ? pick(tokens) : random().toString(36).slice(2, 2 + int(10)));

/** A mutation of one file's text: the new content, and for the hostile families the line the finding must name. */
type Mutated = { text: string | Buffer; line?: number | readonly [number, number]; json?: boolean };
type Mutation = (text: string) => Mutated;

/**
 * Line indexes (0-based) that begin with a key of a block mapping, as the `yaml` library reads
 * the text: a `key:` inside a block scalar (a config file in a ConfigMap) is text, not a key.
 */
function keyLines(lines: string[]): number[] {
  const counter = new LineCounter();
  const out = new Set<number>();
  for (const doc of parseAllDocuments(lines.join('\n'), { lineCounter: counter }) as Document.Parsed[])
    visit(doc, {
      Pair(_k, pair) {
        const key = pair.key;
        if (!isScalar(key) || !key.range || typeof key.source !== 'string') return;
        const i = counter.linePos(key.range[0]).line - 1;
        const rest = lines[i]!.trimStart().replace(/^- /, '');
        if (rest.startsWith(`${key.source}:`)) out.add(i);
      },
    });
  return [...out].sort((a, b) => a - b);
}
const indentOf = (l: string) => /^ */.exec(l)![0].length;

/** Edits anyone makes by accident; validate may pass or fail, but never crash or hang. */
const edits: Record<string, Mutation> = {
  'delete a line': (t) => {
    const l = t.split('\n');
    l.splice(int(l.length), 1);
    return { text: l.join('\n') };
  },
  'duplicate a line': (t) => {
    const l = t.split('\n');
    const i = int(l.length);
    l.splice(i, 0, l[i]!);
    return { text: l.join('\n') };
  },
  'change indentation': (t) => {
    const l = t.split('\n');
    const i = int(l.length);
    l[i] = random() < 0.5 ? `  ${l[i]}` : l[i]!.replace(/^ {1,2}/, '');
    return { text: l.join('\n') };
  },
  'replace a scalar': (t) => {
    const l = t.split('\n');
    const withValue = l.map((s, i) => [s, i] as const).filter(([s]) => /:\s+\S|^\s*-\s+\S/.test(s));
    if (!withValue.length) return { text: t };
    const [s, i] = pick(withValue);
    l[i] = s.replace(/(:\s+|^\s*-\s+)\S.*$/, (_m, lead: string) => `${lead}${randomToken()}`);
    return { text: l.join('\n') };
  },
  'insert a tab anywhere': (t) => {
    const at = int(t.length + 1);
    return { text: `${t.slice(0, at)}\t${t.slice(at)}` };
  },
  'truncate': (t) => ({ text: t.slice(0, int(t.length)) }),
  // A valid merge key: `<<: *x` of a map; go-yaml and kyaml resolve it, and so must validate.
  'merge key': (t) => {
    const l = t.split('\n');
    const meta = l.findIndex((s) => /^metadata:\s*$/.test(s));
    if (meta < 0) return { text: t };
    l.splice(meta + 1, 0, '  annotations:', '    <<: &shared {marquee.dev/fuzz: "1"}', '    marquee.dev/other: "2"');
    return { text: l.join('\n') };
  },
};

/** Inputs that crashed, hung or ran out of memory in earlier versions: each must end in a finding at its line. */
const hostile: Record<string, Mutation> = {
  // go-yaml refuses it ("excessive aliasing"); expanded, it is 9^9 strings.
  'alias bomb': (t) => {
    // appended as a key of the root map, or as one more JSON 6902 op when the root is a list
    const body = t.trimEnd();
    const list = /^- /m.test(body) && !/^[\w.-]+:/m.test(body);
    const lead = list ? ['- op: add', '  path: /metadata/annotations/x-bomb', '  value:'] : ['x-bomb:'];
    const pad = list ? '    ' : '  ';
    const bomb = [`${pad}l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]`];
    for (let i = 1; i <= 9; i++) bomb.push(`${pad}l${i}: &l${i} [${Array(9).fill(`*l${i - 1}`).join(', ')}]`);
    const first = body.split('\n').length + lead.length + 2; // the first alias, *l0, is on the l1 line
    return { text: `${body}\n${[...lead, ...bomb].join('\n')}\n`, line: first };
  },
  'duplicate key': (t) => {
    const l = t.split('\n');
    const candidates = keyLines(l).filter((k) => !l[k]!.trimEnd().endsWith(':'));
    const i = candidates.length ? pick(candidates) : 0;
    l.splice(i + 1, 0, l[i]!.replace(/^(\s*)- /, '$1  '));
    return { text: l.join('\n'), line: i + 2 };
  },
  'tab as indentation': (t) => {
    const l = t.split('\n');
    // an indented line with content (a key, a list item), else a top-level key: YAML forbids tabs in indentation
    const keys = keyLines(l);
    const indented = keys.filter((k) => indentOf(l[k]!) > 0);
    const candidates = indented.length ? indented : keys;
    const i = candidates.length ? pick(candidates) : 0;
    l[i] = `\t${l[i]!.trimStart()}`;
    return { text: l.join('\n'), line: i + 1 };
  },
  'deep nesting (flow)': (t) => {
    const depth = 2000 + int(8000);
    return { text: `${t.trimEnd()}\nx-deep: ${'['.repeat(depth)}${']'.repeat(depth)}\n`, line: t.trimEnd().split('\n').length + 1 };
  },
  'deep nesting (block)': (t) => {
    const depth = 600 + int(1400);
    const lines = Array.from({ length: depth }, (_, i) => `${' '.repeat(i)}k${i}:`);
    const first = t.trimEnd().split('\n').length + 1;
    // the finding is where the nesting passes the bound: a line inside the block
    return { text: `${t.trimEnd()}\nx-deep:\n${lines.map((s) => ` ${s}`).join('\n')} v\n`, line: [first, first + depth] };
  },
  // JSON.parse has no depth bound; the schema validators and policies recurse on what it returns.
  'deep nesting (JSON)': (t) => {
    const depth = 2000 + int(8000);
    const json = JSON.stringify(parseYaml(t), null, 2);
    const line = json.split('\n').length;
    return { text: `${json.slice(0, -2)},\n  "x-deep": ${'['.repeat(depth)}${']'.repeat(depth)}\n}\n`, line, json: true };
  },
  'binary bytes': (t) => {
    const at = int(t.length);
    // no line breaks among the bytes: the finding is on the line they went into
    const noise = Buffer.from(Array.from({ length: 16 + int(64) }, () => int(256)).filter((b) => b !== 10 && b !== 13).concat([0]));
    const line = t.slice(0, at).split('\n').length;
    return { text: Buffer.concat([Buffer.from(t.slice(0, at)), noise, Buffer.from(t.slice(at))]), line };
  },
};

/**
 * Base manifests (generated, valid) to mutate in files mode: the same in every checkout worth testing. Only
 * Kubernetes manifests: a Prometheus rules file is a generator's input, skipped with a note, so a hostile edit
 * of it need not end in a finding (seed 1269030105 drew one).
 */
const manifests = filesUnder(join(repoRoot, 'base'))
  .filter((f) => /\.ya?ml$/.test(f) && !/kustomization\.ya?ml$/.test(f))
  .map((f) => `base/${f}`)
  .filter((f) => /^kind: /m.test(readFileSync(join(repoRoot, f), 'utf8')));
const stackTrace = /\n\s+at .+:\d+(:\d+)?\)?/;

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
  timedOut: boolean;
}

/** A child process with a wall-clock bound (killed with its group past it) and a heap bound. */
function run(args: string[], cwd: string, bound: number): Promise<Run> {
  return new Promise((done) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, { cwd, detached: true, env: { ...process.env, NODE_OPTIONS: `--max-old-space-size=${heapMb}`, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout.length < 4_000_000 ? (stdout += d) : undefined));
    child.stderr.on('data', (d) => (stderr.length < 200_000 ? (stderr += d) : undefined));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }, bound);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      done({ code, signal, stdout, stderr, ms: performance.now() - started, timedOut });
    });
  });
}

/** What every case must hold, and for a hostile input a finding in `file` at `line`. */
function judge(what: string, r: Run, bound: number, file: string, line: Mutated['line'], findings: () => { file?: string; line?: number; rule?: string }[], shown: string): void {
  const context = `${what}\n--- stderr ---\n${r.stderr.slice(0, 4000)}\n--- input ---\n${shown.slice(0, 1500)}`;
  assert.ok(!r.timedOut, `validate did not end within ${bound} ms: ${context}`);
  assert.ok(r.code === 0 || r.code === 1 || r.code === 2, `validate exited with ${r.code ?? r.signal} (0, 1 or 2 expected; out of memory or a crash): ${context}`);
  assert.doesNotMatch(r.stdout + r.stderr, stackTrace, `a stack trace: ${context}`);
  if (line === undefined) return;
  assert.equal(r.code, 1, `validate passed a hostile input: ${context}`);
  const got = findings();
  const [from, to] = typeof line === 'number' ? [line, line] : line;
  assert.ok(
    got.some((f) => f.file === file && f.line !== undefined && f.line >= from && f.line <= to),
    `no finding at ${file}:${from === to ? from : `${from}-${to}`}; got ${JSON.stringify(got.map((f) => `${f.rule} ${f.file}:${f.line}`))}: ${context}`,
  );
}

const scratch = mkdtempSync(join(tmpdir(), 'marquee-fuzz-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

test('there are manifests and overlays to mutate', () => assert.ok(manifests.length >= 10, `only ${manifests.length} base manifests`));

// Files mode: one mutated manifest per case, validated by the CLI, two cases at a time.
const filesCases: [string, Mutation, boolean][] = [
  ...Object.entries(hostile).map(([k, m]) => [k, m, true] as [string, Mutation, boolean]),
  ...Array.from({ length: count }, () => pick(Object.entries(edits))).map(([k, m]) => [k, m, false] as [string, Mutation, boolean]),
];
const filesDrawn = filesCases.map(([kind, mutate, mustFind]) => {
  const source = pick(manifests);
  const json = !mustFind && random() < 0.25; // JSON inputs too: the same edits, read by JSON.parse
  const original = readFileSync(join(repoRoot, source), 'utf8');
  // drawn now, in order: the seed decides every case whatever order the cases run in
  const mutated = mutate(json ? JSON.stringify(parseYaml(original), null, 2) : original);
  return { kind, mustFind, source, ...mutated, json: json || !!mutated.json };
});
describe('files mode', { concurrency: 2 }, () => {
  filesDrawn.forEach(({ kind, source, json, text, line }, n) => {
    test(`files mode ${n + 1} (seed ${seed}): ${kind} in ${source}${json ? ' (as JSON)' : ''}`, async () => {
      const dir = join(scratch, `files-${n}`);
      mkdirSync(dir, { recursive: true });
      const name = json ? 'case.json' : 'case.yaml';
      writeFileSync(join(dir, name), text);
      const r = await run([join(checkout, 'scripts/launch.mjs'), 'validate', '--format', 'json', name], dir, filesCaseMs);
      judge(`${kind} in ${source}`, r, filesCaseMs, name, line, () => (JSON.parse(r.stdout) as { findings: [] }).findings, String(text));
    });
  });

  test(`files mode (seed ${seed}): a folder with a symbolic link loop`, async () => {
    const dir = join(scratch, 'loop');
    mkdirSync(join(dir, 'sub'), { recursive: true });
    writeFileSync(join(dir, 'sub', 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  x: "1"\n');
    symlinkSync('..', join(dir, 'sub', 'up'));
    symlinkSync('.', join(dir, 'here'));
    const r = await run([join(checkout, 'scripts/launch.mjs'), 'validate', '--format', 'json', '.'], dir, filesCaseMs);
    judge('a symbolic link loop', r, filesCaseMs, '', undefined, () => [], 'sub/up -> .., here -> .');
    assert.equal(r.code, 0, r.stdout + r.stderr);
  });
});

// Repository mode: an overlay file of one environment mutated in a copy of the checkout.
const repo = archiveHead('marquee-fuzz-repo-', [], checkout);
after(() => rmSync(repo, { recursive: true, force: true }));
const overlays = filesUnder(join(repo, 'overlays'))
  .filter((f) => /^(dev|test|prod)\/.*\.ya?ml$/.test(f))
  .map((f) => `overlays/${f}`);
const repoCases: [string, Mutation, boolean][] = [
  ...['alias bomb', 'tab as indentation', 'binary bytes', 'deep nesting (flow)'].map((k) => [k, hostile[k]!, true] as [string, Mutation, boolean]),
  ...Array.from({ length: Math.ceil(count / 2) }, () => pick(Object.entries(edits))).map(([k, m]) => [k, m, false] as [string, Mutation, boolean]),
];
repoCases.forEach(([kind, mutate, mustFind], n) => {
  // A hostile input goes into a patch or kustomization file of the environment (what it renders).
  const file = pick(overlays);
  const original = readFileSync(join(repo, file), 'utf8');
  const { text, line } = mutate(original);
  test(`repository mode ${n + 1} (seed ${seed}): ${kind} in ${file}`, async () => {
    const abs = join(repo, file);
    writeFileSync(abs, text);
    try {
      const env = /^overlays\/(dev|test|prod)\//.exec(file)![1]!;
      const child = join(repoRoot, 'test/helpers/validate-repo-child.ts');
      const r = await run(['--import', 'tsx', child, checkout, repo, env], checkout, repoCaseMs);
      const parsed = () => (JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '{}') as { findings?: [] }).findings ?? [];
      if (r.code === 0) r.code = (JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '{}') as { exit?: number }).exit ?? null;
      judge(`${kind} in ${file}`, r, repoCaseMs, file, mustFind ? line : undefined, parsed, String(text));
    } finally {
      writeFileSync(abs, original);
    }
  });
});
