// walkBlock (scripts/lib/validate/locate.ts), which places a finding from the plain-block reader's positions, against
// walk() over the `yaml` library's documents, which it stands in for: every path of every document of the corpus's
// and the repository's YAML files the reader takes, plus paths that run past what is there, and list items found by
// the name of the object's item.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Y } from '../../../kube/yaml-lazy.ts';
import { lineCounterOf, walk, walkBlock } from '../../../scripts/lib/validate/locate.ts';
import { loadManifestsLocated } from '../../../kube/yaml-schema.ts';
import { repoRoot } from '../../helpers/repo-copy.ts';
import { rng } from '../../helpers/rng.ts';

type Seg = string | number;

/** `v` with the first item of every list of named mappings renamed: the object a patch renamed an item in. */
function renamed(v: unknown): unknown {
  if (Array.isArray(v)) return v.map((x, i) => (i === 0 && x && typeof x === 'object' && typeof (x as { name?: unknown }).name === 'string' ? { ...(renamed(x) as object), name: 'renamed-item' } : renamed(x)));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, renamed(x)]));
  return v;
}

/** `v` with every string but a `name` changed: the object a patch set other values in. */
function changed(v: unknown, key?: string): unknown {
  if (Array.isArray(v)) return v.map((x) => changed(x));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, changed(x, k)]));
  return typeof v === 'string' && key !== 'name' ? `${v}-changed` : v;
}

/** Every path to a node of `v` (depth-first), then for each mapping a key it lacks and for each list an index past it. */
function pathsOf(v: unknown, at: Seg[] = [], out: Seg[][] = []): Seg[][] {
  out.push(at);
  if (Array.isArray(v)) {
    v.forEach((x, i) => pathsOf(x, [...at, i], out));
    out.push([...at, v.length], [...at, 'x']);
  } else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) pathsOf(x, [...at, k], out);
    out.push([...at, 'no-such-key'], [...at, 0]);
  }
  return out;
}

const files = [
  ...(readdirSync(join(repoRoot, 'test/corpus/real-manifests'), { recursive: true }) as string[]).filter((f) => /\.ya?ml$/.test(f)).map((f) => join(repoRoot, 'test/corpus/real-manifests', f)),
  ...execFileSync('git', ['ls-files', 'base', 'overlays', 'argocd'], { cwd: repoRoot, encoding: 'utf8' }).split('\n').filter((f) => /\.ya?ml$/.test(f)).map((f) => join(repoRoot, f)),
];

interface Compared {
  compared: number;
  byName: number;
  differs: number;
  left: number;
}

/**
 * For a text the plain-block reader takes: walkBlock against walk() on every path of every document, asked with each
 * object `asked` gives for the document's value; the counts are added to `into`. False when the reader leaves the text.
 */
function compareAll(text: string, label: string, asked: (object: Record<string, any> | undefined) => (Record<string, any> | undefined)[], into: Compared): boolean {
  const read = loadManifestsLocated(text, 1000);
  if (!read) return false;
  const lines = new Y.LineCounter();
  const docs = Y.parseAllDocuments(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false, merge: true });
  assert.ok(Array.isArray(docs));
  // the lines counted without parsing, as files-check.ts counts them for walkBlock
  const counted = lineCounterOf(text);
  read.values.forEach((value, d) => {
    const objects = asked(value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, any>) : undefined);
    for (const path of pathsOf(value))
      for (const object of objects) {
        const got = walkBlock(value, read.positions.docs[d]!, read.positions, path, object, counted, 'f');
        // a document the `yaml` library does not have (js-yaml's one empty document of a text of comments) has no node
        if (!docs[d]) assert.equal(got, undefined, `${label}, document ${d + 1}:\n${text}`);
        if (got === undefined) {
          into.left++; // left to walk() (an empty list item)
          continue;
        }
        assert.deepEqual(got, walk(docs[d]!.contents, path, object, lines, 'f'), `${label}, document ${d + 1} ${JSON.stringify(path)}`);
        into.compared++;
        if (got.missingItem) into.byName++;
        if (got.sameValue === false) into.differs++;
      }
  });
  return true;
}

test('walkBlock gives walk()\'s position for every path of every document the plain-block reader takes', () => {
  const n: Compared = { compared: 0, byName: 0, differs: 0, left: 0 };
  let taken = 0;
  for (const file of files)
    // as checkObjects asks (the document's own value), with no object, and with one whose named list items or values differ
    if (compareAll(readFileSync(file, 'utf8'), file, (object) => (object ? [object, undefined, renamed(object) as Record<string, any>, changed(object) as Record<string, any>] : [undefined]), n)) taken++;
  const counts = `${taken} files, ${n.compared} paths compared (${n.byName} with a missing item, ${n.differs} with a different value), ${n.left} left to walk()`;
  assert.ok(taken > 100 && n.compared > 200_000 && n.byName > 1000 && n.differs > 0, counts);
  console.log(counts);
});

const seed = Number(process.env.MARQUEE_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
console.log(`locate-block fuzz seed ${seed} (replay: MARQUEE_FUZZ_SEED=${seed})`);

test('random edits of small real files: wherever the plain-block reader takes the text, walkBlock gives walk()\'s position', () => {
  const random = rng(seed);
  const int = (n: number) => Math.floor(random() * n);
  const pick = <T,>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const sources = files.map((f) => readFileSync(f, 'utf8')).filter((t) => t.length < 8_000 && t.length > 40);
  const tokens = [' ', '  ', ': ', '- ', '-', ' #', "'", '"', '|', '|-', '>', '\n', '\n\n', '[]', '{}', '---', 'a: b', '- name: x', '  - y'];
  let taken = 0;
  const n: Compared = { compared: 0, byName: 0, differs: 0, left: 0 };
  const edits = Number(process.env.MARQUEE_FUZZ_COUNT ?? 1500);
  for (let i = 0; i < edits; i++) {
    const lines = pick(sources).split('\n');
    const at = int(lines.length);
    const line = lines[at]!;
    switch (int(4)) {
      case 0: {
        const p = int(line.length + 1);
        lines[at] = line.slice(0, p) + pick(tokens) + line.slice(p);
        break;
      }
      case 1:
        lines.splice(at, 0, line);
        break;
      case 2:
        lines[at] = random() < 0.5 ? ' '.repeat(1 + int(3)) + line : line.replace(/^ {1,3}/, '');
        break;
      default:
        lines.splice(at, 1 + int(3));
    }
    if (compareAll(lines.join('\n'), `seed ${seed}, edit ${i}`, (object) => [object], n)) taken++;
  }
  assert.ok(taken > edits / 4 && n.compared > 10_000, `${taken} of ${edits} edited texts taken, ${n.compared} paths compared`);
});

test("lineCounterOf gives the yaml library's line and column for every offset, and its lineStarts", () => {
  for (const text of ['', 'a', '\n', 'a\nb', 'a: 1\n\n  b: 2\n', '\n\nx\r\ny\n', readFileSync(new URL('../../corpus/real-manifests/msd/release/kubernetes-manifests.yaml', import.meta.url), 'utf8')]) {
    const theirs = new Y.LineCounter();
    // as the lexer fills it (yaml's Parser: a line at 0, then after each newline)
    theirs.addNewLine(0);
    for (let i = 0; i < text.length; i++) if (text[i] === '\n') theirs.addNewLine(i + 1);
    const ours = lineCounterOf(text);
    assert.deepEqual(ours.lineStarts, theirs.lineStarts);
    for (let offset = -1; offset <= text.length + 1; offset++) assert.deepEqual(ours.linePos(offset), theirs.linePos(offset), `${JSON.stringify(text.slice(0, 20))} at ${offset}`);
  }
});

test('a list item whose name is empty (a comment after `name:`) is found by that name by both walks (seed 1749748415)', () => {
  // the `yaml` library's get() gives undefined for `name:` with no value, as for no name at all; the readers give null
  const text = 'spec:\n  ports:\n    - name:  #postgres\n      port: 5432\n    - name: metrics\n      port: 9187\n';
  const read = loadManifestsLocated(text, 1000)!;
  const lines = new Y.LineCounter();
  const doc = Y.parseAllDocuments(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false, merge: true }) as unknown as { contents: unknown }[];
  const value = read.values[0] as Record<string, any>;
  assert.equal(value.spec.ports[0].name, null);
  for (const path of [['spec', 'ports', 0], ['spec', 'ports', 0, 'port']]) {
    const got = walk(doc[0]!.contents, path, value, lines, 'f');
    assert.deepEqual(got, walkBlock(value, read.positions.docs[0]!, read.positions, path, value, lineCounterOf(text), 'f'), JSON.stringify(path));
    assert.equal(got?.exact, true, JSON.stringify(path));
    assert.equal(got?.line, path.length === 3 ? 3 : 4, JSON.stringify(path));
  }
});
